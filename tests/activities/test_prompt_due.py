"""A question of the day set for a later day reaches the youth's bell on that day — the group's local
day (Bangkok UTC+7, Toronto UTC−5/−4) — once, through manage.py send_due_notifications."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from activities.services import checkins
from camp.models import Enrollment
from notifications.models import Notification
from notifications.services import reminders_send
from tests import factories

BANGKOK, TORONTO = ZoneInfo("Asia/Bangkok"), ZoneInfo("America/Toronto")


@pytest.fixture
def toronto_group(camp, phase, organizer):
    group = factories.group(camp, "多伦多中华文化学校", country="CA", time_zone="America/Toronto")
    factories.approved_enrollment(group, phase, organizer)
    return group


@pytest.fixture
def toronto_youth(toronto_group, make_participant):
    return make_participant(
        toronto_group, given_name="Emily", family_name="Chen", preferred_language="en"
    ).user


def _run(clock, moment) -> str:
    clock.travel_to(moment)
    out = io.StringIO()
    call_command("send_due_notifications", stdout=out)
    return out.getvalue()


def _told(user):
    return list(Notification.objects.filter(recipient=user, kind="checkin_prompt"))


@pytest.mark.django_db
def test_a_later_days_question_goes_out_on_that_day_in_each_groups_zone_once(
    clock, phase, group, youth, toronto_youth, organizer, teacher, plan_item
):
    day = timezone.localdate() + datetime.timedelta(days=3)
    assert phase.starts_on <= day <= phase.ends_on
    checkins.checkin_prompt_set(
        by=organizer, group=group, day=day, text="全营：你最喜欢哪个汉字？", whole_phase=True
    )
    checkins.checkin_prompt_set(by=teacher, group=group, day=day, text="曼谷：拍一张你写的字。")
    assert not Notification.objects.filter(kind="checkin_prompt").exists(), "not the day yet: nobody is told"

    bangkok_midnight = datetime.datetime.combine(day, datetime.time(0, 0), BANGKOK)
    _run(clock, bangkok_midnight - datetime.timedelta(minutes=2))
    assert not _told(youth) and not _told(toronto_youth)

    assert "1 reminders stored" in _run(clock, bangkok_midnight + datetime.timedelta(minutes=1))
    (note,) = _told(youth)
    assert note.params == {"prompt": "曼谷：拍一张你写的字。"}, "the group's own question wins"
    assert not _told(toronto_youth), "still the day before in Toronto"
    with translation.override(youth.preferred_language):  # Thai
        assert note.text == "เช็กอินวันนี้: 曼谷：拍一张你写的字。"

    # Every minute of the day again: nobody is told twice.
    for minutes in (2, 60, 600):
        _run(clock, bangkok_midnight + datetime.timedelta(minutes=minutes))
    assert len(_told(youth)) == 1 and not _told(toronto_youth)

    toronto_midnight = datetime.datetime.combine(day, datetime.time(0, 0), TORONTO)
    _run(clock, toronto_midnight - datetime.timedelta(minutes=2))
    assert not _told(toronto_youth)
    _run(clock, toronto_midnight + datetime.timedelta(minutes=1))
    (note,) = _told(toronto_youth)
    assert note.params == {"prompt": "全营：你最喜欢哪个汉字？"} and note.url == "/activities/checkin/"
    with translation.override(toronto_youth.preferred_language):
        assert note.text == "Today's check-in: 全营：你最喜欢哪个汉字？"
    _run(clock, toronto_midnight + datetime.timedelta(hours=5))
    # The next day has no question: nothing more, and the youth were told once each.
    _run(clock, toronto_midnight + datetime.timedelta(days=1, minutes=1))
    assert len(_told(youth)) == 1 and len(_told(toronto_youth)) == 1


@pytest.mark.django_db
def test_a_question_for_today_is_told_at_once_and_not_again_by_the_command(
    clock, group, youth, teacher, plan_item, make_participant, django_capture_on_commit_callbacks
):
    today = timezone.localdate(timezone=group.zone)
    with django_capture_on_commit_callbacks(execute=True):
        checkins.checkin_prompt_set(by=teacher, group=group, day=today, text="今天你学会了什么？")
    assert len(_told(youth)) == 1
    assert reminders_send() == 0
    # A youth who joins the roster later that day hears of it too, once.
    late = make_participant(group, given_name="小红").user
    assert reminders_send() == 1 and reminders_send() == 0
    assert len(_told(late)) == 1 and len(_told(youth)) == 1


@pytest.mark.django_db
def test_no_camp_that_day_no_notification(clock, camp, phase, organizer, group, youth, plan_item):
    # A waitlisted group of the phase is not told the phase's question.
    waiting = factories.group(camp, "万象寮都公学", country="LA", time_zone="Asia/Vientiane")
    factories.enrollment(waiting, phase, status=Enrollment.Status.WAITLISTED, submitted_at=timezone.now())
    waiting_youth = factories.participant(waiting).user
    day = timezone.localdate() + datetime.timedelta(days=2)
    checkins.checkin_prompt_set(by=organizer, group=group, day=day, text="全营问题", whole_phase=True)
    _run(clock, datetime.datetime.combine(day, datetime.time(12, 0), BANGKOK))
    assert len(_told(youth)) == 1 and not _told(waiting_youth)


@pytest.mark.django_db
def test_the_per_minute_run_reads_the_same_few_rows_however_many_groups(
    clock, camp, phase, organizer, group, youth, plan_item, django_assert_max_num_queries
):
    day = timezone.localdate() + datetime.timedelta(days=2)
    checkins.checkin_prompt_set(by=organizer, group=group, day=day, text="全营问题", whole_phase=True)
    for n in range(6):
        extra = factories.group(camp, f"学校{n}", country="TH", time_zone="Asia/Bangkok")
        factories.approved_enrollment(extra, phase, organizer)
        factories.participant(extra)
    clock.travel_to(datetime.datetime.combine(day, datetime.time(9, 0), BANGKOK))
    stored = checkins.checkin_prompts_due(now=timezone.now())
    assert stored == 7
    with django_assert_max_num_queries(4):
        assert checkins.checkin_prompts_due(now=timezone.now()) == 0
