"""Retention: `manage.py purge_expired_camps` erases a camp's personal data N months after its last day."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from camp.models import Participant, RosterImport, User
from privacy.models import Erasure
from privacy.services.retention import camp_personal_data_purge, expired_camps
from reports.models import Certificate
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def old_camp(make_user):
    """A camp whose only phase ended 400 days ago: two youth, a roster file, a completion certificate."""
    organizer = make_user(User.Role.ORGANIZER)
    camp = factories.camp(organizer, title="2025 冬令营", year=2025)
    coordinator = make_user(User.Role.COORDINATOR)
    group = factories.group(
        camp, "万象中文学校", coordinators=[coordinator], country="LA", time_zone="Asia/Vientiane"
    )
    factories.finished_phase(camp, group, number=1, days_ago=414)  # 15 days: ended 400 days ago
    youth = [factories.participant(group, given_name=name) for name in ("Keo", "Noy")]
    RosterImport.objects.create(
        group=group, file_name="roster.xlsx", rows=[{"line": 2, "cells": {"given_name": "Keo"}}]
    )
    return camp, group, youth


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_expired_camps", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_dry_run_lists_the_expired_camp_and_changes_nothing(old_camp, camp):
    expired, group, youth = old_camp
    output = run("--dry-run")
    assert f'would erase camp {expired.pk} "2025 冬令营"' in output and "2 youth, 1 roster files" in output
    assert "Dry run: nothing was changed." in output
    assert str(camp.pk) + ' "' not in output  # the running camp is not listed
    assert not Erasure.objects.exists() and RosterImport.objects.count() == 1
    assert Participant.objects.filter(given_name="Keo").exists()


@pytest.mark.django_db
def test_the_command_erases_expired_camps_only_and_is_idempotent(old_camp, world):
    expired, group, youth = old_camp
    output = run()
    assert f"erased camp {expired.pk}" in output and "(2 youth erased)" in output
    assert Erasure.objects.filter(group=group, reason="retention", erased_by=None).count() == 2
    assert not Participant.objects.filter(given_name__in=["Keo", "Noy"]).exists()
    assert not RosterImport.objects.filter(group=group).exists()
    assert not User.objects.get(pk=youth[0].user_id).is_active
    # The running camp is untouched.
    assert (
        Participant.objects.get(pk=world.youth_participant.pk).given_name
        == world.youth_participant.given_name
    )
    assert run() == "No camp is past its retention period.\n"


@pytest.mark.django_db
def test_the_retention_setting_and_the_months_option(old_camp, settings):
    expired, _group, _youth = old_camp
    settings.QIAOCAMP_RETENTION_MONTHS = 24
    assert expired_camps() == []
    assert "No camp" in run("--dry-run")
    assert f"would erase camp {expired.pk}" in run("--dry-run", "--months", "6")
    # Kept through the same day a year later; erased from the day after.
    last_day = expired.phases.get().ends_on
    settings.QIAOCAMP_RETENTION_MONTHS = 12
    kept_until = (
        last_day.replace(year=last_day.year + 1)
        if (last_day.month, last_day.day) != (2, 29)
        else datetime.date(last_day.year + 1, 2, 28)
    )
    assert expired_camps(today=kept_until) == []
    assert [item.camp for item in expired_camps(today=kept_until + DAY)] == [expired]
    assert expired_camps(today=kept_until + DAY)[0].erase_after == kept_until


@pytest.mark.django_db
def test_a_camp_given_a_new_phase_is_no_longer_purged(old_camp):
    expired, _group, _youth = old_camp
    factories.phase(expired, 2, timezone.localdate() - 5 * DAY, days=10)
    assert camp_personal_data_purge(camp=expired) == 0
    assert not Erasure.objects.exists()


@pytest.mark.django_db
def test_purged_certificates_stay_counted_without_names(old_camp):
    expired, group, youth = old_camp
    phase = expired.phases.get()
    certificate = Certificate.objects.create(
        participant=youth[0],
        phase=phase,
        kind="completion",
        code="TESTCODE1",
        given_name="Keo",
        language="lo",
        camp_title=expired.title,
        issuer="侨联",
        phase_number=1,
        starts_on=phase.starts_on,
        ends_on=phase.ends_on,
        attendance_percent=90,
        issued_at=timezone.now(),
    )
    run()
    certificate.refresh_from_db()
    assert certificate.given_name == "—" and Certificate.objects.filter(phase=phase).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("args", [("--months", "-1"), ("--today", "yesterday"), ("--today", "2026-13-40")])
def test_bad_options_are_refused_clearly(old_camp, args):
    with pytest.raises(CommandError):
        run(*args)
    assert not Erasure.objects.exists()
