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
_MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class _Escaped(dict):
    """html.escape with a memory: agency, staff and people names and type labels repeat on
    most rows of a chronology, so each is escaped once."""

    def __missing__(self, value: str) -> str:
        escaped = self[value] = escape(value)
        return escaped


def _rows(items) -> str:
    # Every value from the record is escaped with html.escape (quotes included).
    esc = _Escaped()
    out = []
    for i in items:
        by = i.recorded_by
        by = f'<br><span class="govuk-body-s app-muted">{esc[by]}</span>' if by else ""
        d = i.date
        if i.significant:
            row, flag = '<tr class="govuk-table__row app-chronology__significant">', _SIGNIFICANT
        else:
            row, flag = '<tr class="govuk-table__row">', ""
        out.append(
            f'{row}<td class="govuk-table__cell app-chronology__date">{d.day} {_MONTHS[d.month]} '
            f'{d.year}</td><td class="govuk-table__cell">{esc[i.kind_label]}{flag}</td>'
            f'<td class="govuk-table__cell"><span class="govuk-body-s app-muted">{esc[i.person]}'
            f"</span><br>{escape(i.summary)}</td>"
            f'<td class="govuk-table__cell">{esc[i.agency]}{by}</td></tr>'
        )
    return "\n".join(out)


@register.simple_tag
def chronology_rows(items) -> SafeString:
    """The chronology's table rows, built here rather than in a template loop because a
    chronology can hold thousands of events. Safe: `_rows` escapes every value."""
    if not items:
        return mark_safe(_EMPTY_ROW)  # noqa: S308 - a constant
    return mark_safe(_rows(items))  # noqa: S308 - values escaped in _rows
