"""Template helpers for casework pages."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SIGNIFICANT = ' <strong class="govuk-tag govuk-tag--red">Significant</strong>'
_EMPTY_ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">'
    "No events match.</td></tr>"
)


def _row(i) -> str:
    # Every value from the record is escaped with html.escape (quotes included).
    by = (
        f'<br><span class="govuk-body-s app-muted">{escape(i.recorded_by)}</span>'
        if i.recorded_by
        else ""
    )
    flag = " app-chronology__significant" if i.significant else ""
    return (
        f'<tr class="govuk-table__row{flag}">'
        f'<td class="govuk-table__cell app-chronology__date">{i.date.day} {i.date:%b %Y}</td>'
        f'<td class="govuk-table__cell">{escape(i.kind_label)}'
        f"{_SIGNIFICANT if i.significant else ''}</td>"
        f'<td class="govuk-table__cell"><span class="govuk-body-s app-muted">'
        f"{escape(i.person)}</span><br>{escape(i.summary)}</td>"
        f'<td class="govuk-table__cell">{escape(i.agency)}{by}</td></tr>'
    )


@register.simple_tag
def chronology_rows(items) -> SafeString:
    """The chronology's table rows, built here rather than in a template loop because a
    chronology can hold thousands of events. Safe: `_row` escapes every value."""
    if not items:
        return mark_safe(_EMPTY_ROW)  # noqa: S308 - a constant
    return mark_safe("\n".join(_row(i) for i in items))  # noqa: S308 - values escaped in _row
