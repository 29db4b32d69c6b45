"""Near the group's midnight: the youth's list of today's rooms keeps a class starting in a few
minutes after midnight, and the guardian's schedule keeps a class begun before midnight while it
runs. CI found both: the suite ran at 00:00 in Bangkok, and a class 5 minutes away was "tomorrow"."""

import datetime
import zoneinfo

import pytest

from courses.templatetags.courses_guardian import guardian_schedule
from live.models import LiveSession
from live.selectors import STARTING_SOON, rooms_today_for_group

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")  # the `group` fixture's zone


def _at(day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=BANGKOK)


def test_the_rooms_list_at_23_50_keeps_the_class_at_00_10_not_the_one_at_03_00(group, make_session):
    now = _at(3, 23, 50)
    after_midnight = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(4, 0, 10))
    cancelled = make_session(state=LiveSession.State.CANCELLED, starts_at=_at(4, 0, 40))
    later = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(4, 3, 0))
    earlier_today = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(3, 22, 0))  # already over
    rooms = rooms_today_for_group(group.pk, now=now)
    assert rooms == [after_midnight, cancelled]
    assert later.starts_at - now > STARTING_SOON and earlier_today not in rooms


def test_the_rooms_list_at_noon_keeps_the_evening_class(group, make_session):
    evening = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(3, 21, 0))
    tomorrow = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(4, 9, 0))
    assert rooms_today_for_group(group.pk, now=_at(3, 12, 0)) == [evening]
    assert tomorrow in rooms_today_for_group(group.pk, now=_at(4, 8, 0))


def test_the_guardian_schedule_at_00_05_keeps_the_class_begun_at_23_55(group, make_session):
    running = make_session(state=LiveSession.State.LIVE, starts_at=_at(3, 23, 55)).plan_item
    over = make_session(state=LiveSession.State.ENDED, starts_at=_at(3, 20, 0)).plan_item
    today = make_session(state=LiveSession.State.SCHEDULED, starts_at=_at(4, 19, 0)).plan_item
    days = guardian_schedule(group, now=_at(4, 0, 5))
    assert days == [(datetime.date(2026, 12, 3), [running]), (datetime.date(2026, 12, 4), [today])]
    assert over not in [item for _day, items in days for item in items]
    # An hour later the class has ended: only today is left.
    assert guardian_schedule(group, now=_at(4, 1, 5)) == [(datetime.date(2026, 12, 4), [today])]
