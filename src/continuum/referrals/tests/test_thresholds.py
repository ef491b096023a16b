"""The area publishes a new version of its continuum of need; decisions keep the version they
were made under."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from conftest import _staff
from continuum.directory.models import Role
from continuum.referrals import services
from continuum.referrals.models import Outcome, ThresholdFramework

pytestmark = pytest.mark.django_db

NAME = "London Continuum of Help and Support"


def _levels():
    return [
        {"number": n, "name": f"Level {n} name", "summary": f"Level {n} summary", "rag": rag,
         "descriptors": {"Child development": f"Descriptor {n}"}}
        for n, rag in ((1, "green"), (2, "green"), (3, "amber"), (4, "red"))
    ]  # fmt: skip


@pytest.fixture
def admin_user(agencies):
    return _staff("area.admin", agencies.front_door, Role.ADMINISTRATOR)


def test_a_new_version_becomes_current_and_old_decisions_keep_theirs(
    received, front_door_worker, admin_user
):
    first = services.referral_decide(
        actor=front_door_worker, referral=received, outcome=Outcome.S17, level=3, rationale="x"
    )
    v1 = first.framework
    v2 = services.framework_publish(actor=admin_user, name=NAME, levels=_levels())
    assert (v2.version, v2.is_current) == (v1.version + 1, True)
    assert ThresholdFramework.objects.filter(is_current=True).get() == v2
    first.refresh_from_db()
    assert first.framework == v1 and first.level_of_need.framework == v1
    assert services.current_framework() == v2
    assert v2.levels.get(number=3).descriptors == {"Child development": "Descriptor 3"}


def test_incomplete_levels_are_refused_naming_each_problem(admin_user):
    levels = _levels()
    levels[2]["summary"] = " "
    levels[3]["number"] = 5
    with pytest.raises(ValidationError) as refused:
        services.framework_publish(actor=admin_user, name=NAME, levels=levels)
    assert set(refused.value.message_dict) == {"levels[3].summary", "levels[4].number"}
    with pytest.raises(ValidationError, match="exactly four levels"):
        services.framework_publish(actor=admin_user, name=NAME, levels=levels[:3])
    assert ThresholdFramework.objects.count() == 1  # nothing half-saved


def test_only_an_administrator_or_manager_may_publish(involved_practitioner):
    with pytest.raises(ValidationError, match="administrator or a team manager"):
        services.framework_publish(actor=involved_practitioner, name=NAME, levels=_levels())


def test_the_command_publishes_a_file_and_names_the_problems(admin_user, tmp_path, capsys):
    good = tmp_path / "thresholds.json"
    good.write_text(json.dumps({"name": NAME, "source": "Area board 2026", "levels": _levels()}))
    call_command("thresholds_publish", str(good), user="area.admin")
    assert "version 2" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": NAME, "levels": _levels()[:2]}))
    with pytest.raises(CommandError, match="levels: Give exactly four levels"):
        call_command("thresholds_publish", str(bad), user="area.admin")
