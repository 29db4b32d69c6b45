"""Automatic scheduling: group hours in its own zone, teacher hours in Beijing time, no overlaps."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

from courses.models import Plan, PlanItem, TeacherProfile
from courses.services.plans import PlanError, plan_create_from_template
from tests import factories
from tests.courses.conftest import at


@pytest.fixture(autouse=True)
def _english():
    """The scheduler's messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield

YANGON = zoneinfo.ZoneInfo("Asia/Yangon")
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def local(item, zone):
    return timezone.localtime(item.starts_at, zone)


@pytest.mark.django_db
def test_yangon_half_hour_offset_lands_on_local_hours(make_phase, make_group, make_lesson, make_template, teacher):
    phase = make_phase(2, datetime.date(2026, 7, 6))  # a Monday
    group = make_group("仰光华侨中文学校", "Asia/Yangon", [{"weekdays": EVERY_DAY, "start": "16:00", "end": "20:00"}],
                       phase=phase)
    tea, wall = make_lesson("普洱茶", 60), make_lesson("云游长城", 45)
    template = make_template([[tea, wall], [make_lesson("剪纸", 60)]])

    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)

    items = list(plan.items.order_by("starts_at"))
    assert [item.lesson for item in items][:2] == [tea, wall]
    # 16:00 in Yangon is 09:30 UTC and 17:30 in Beijing.
    assert items[0].starts_at == at(datetime.date(2026, 7, 6), 9, 30)
    assert local(items[0], YANGON).strftime("%H:%M") == "16:00"
    assert local(items[0], BEIJING).strftime("%H:%M") == "17:30"
    # The second lesson follows after the 15-minute break, still on day 1.
    assert local(items[1], YANGON).strftime("%Y-%m-%d %H:%M") == "2026-07-06 17:15"
    assert local(items[2], YANGON).strftime("%Y-%m-%d %H:%M") == "2026-07-07 16:00"
    assert all(item.teacher == teacher for item in items)
    assert plan.status == Plan.Status.DRAFT and plan.template == template


@pytest.mark.django_db
def test_toronto_across_dst_change_keeps_local_time_and_respects_beijing_hours(
    make_phase, make_group, make_lesson, make_template, teacher
):
    # DST ends in Toronto on Sunday 2026-11-01: 09:00 local is 13:00 UTC before, 14:00 UTC after.
    TeacherProfile.objects.create(user=teacher, work_start=datetime.time(7, 0), work_end=datetime.time(23, 30))
    phase = make_phase(4, datetime.date(2026, 10, 31), days=2)  # Saturday and Sunday
    group = make_group("多伦多中华文化协会", "America/Toronto", [{"weekdays": [5, 6], "start": "09:00", "end": "10:00"}],
                       phase=phase)
    template = make_template([[make_lesson("诗词", 45)], [make_lesson("书法", 45)]])

    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)

    saturday, sunday = plan.items.order_by("starts_at")
    assert saturday.starts_at == at(datetime.date(2026, 10, 31), 13)
    assert sunday.starts_at == at(datetime.date(2026, 11, 1), 14)
    assert local(saturday, TORONTO).strftime("%H:%M") == local(sunday, TORONTO).strftime("%H:%M") == "09:00"
    assert local(saturday, BEIJING).strftime("%H:%M") == "21:00"
    assert local(sunday, BEIJING).strftime("%H:%M") == "22:00"


@pytest.mark.django_db
def test_dst_change_can_push_a_lesson_outside_the_teachers_day(
    make_phase, make_group, make_lesson, make_template, teacher
):
    # With the default 08:00–22:00 Beijing day, 09:00 Toronto fits on Saturday (21:00 Beijing) but not
    # on Sunday after DST ends (22:00 Beijing): the second lesson must go elsewhere, here nowhere, so it
    # is kept on the plan's "could not be placed" list.
    phase = make_phase(4, datetime.date(2026, 10, 31), days=2)
    group = make_group("多伦多", "America/Toronto", [{"weekdays": [5, 6], "start": "09:00", "end": "10:00"}],
                       phase=phase)
    calligraphy = make_lesson("书法", 45)
    template = make_template([[make_lesson("诗词", 45)], [calligraphy]])

    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher,
                                     created_by=teacher)
    saturday = plan.items.get()
    assert saturday.starts_at == at(datetime.date(2026, 10, 31), 13)
    waiting = plan.unscheduled.get()
    assert (waiting.lesson, waiting.day, waiting.duration_minutes, waiting.teacher) == (calligraphy, 2, 45, teacher)


@pytest.mark.django_db
def test_full_days_overflow_to_the_next_available_day(make_phase, make_group, make_lesson, make_template, teacher):
    phase = make_phase(1, datetime.date(2026, 7, 6), days=5)
    group = make_group("曼谷", "Asia/Bangkok", [{"weekdays": EVERY_DAY, "start": "16:00", "end": "18:00"}], phase=phase)
    long = [make_lesson(f"长课{n}", 90) for n in range(3)]
    template = make_template([long, [make_lesson("短课", 30)]])

    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)

    days = [local(item, group.zone).date().day for item in plan.items.order_by("starts_at")]
    # Only one 90-minute lesson fits in two hours; day 2 of the template starts after the overflow.
    assert days == [6, 7, 8, 9]


@pytest.mark.django_db
def test_teacher_busy_in_another_group_is_avoided(make_phase, make_group, make_lesson, make_template, make_plan,
                                                  teacher):
    phase = make_phase(1, datetime.date(2026, 7, 6), days=3)
    hours = [{"weekdays": EVERY_DAY, "start": "16:00", "end": "19:00"}]
    vientiane = make_group("中老友谊侨校", "Asia/Vientiane", hours, phase=phase)
    bangkok = make_group("曼谷", "Asia/Bangkok", hours, phase=phase)
    busy_lesson = make_lesson("已排课", 60)
    make_plan(vientiane, phase, [(busy_lesson, at(datetime.date(2026, 7, 6), 9), teacher)])  # 16:00 Vientiane
    template = make_template([[make_lesson("新课", 60)]])

    plan = plan_create_from_template(template=template, group=bangkok, phase=phase, teacher=teacher, created_by=teacher)

    item = plan.items.get()
    # Bangkok and Vientiane share UTC+7: the teacher is busy 16:00–17:00, plus the break.
    assert local(item, bangkok.zone).strftime("%H:%M") == "17:15"


@pytest.mark.django_db
@pytest.mark.parametrize("hours, expected", [
    ([], "no available hours"),
    ([{"weekdays": [0], "start": "16:00", "end": "16:30"}], "does not fit"),
    ([{"weekdays": [9], "start": "16:00", "end": "20:00"}], "not valid"),
    ([{"weekdays": [0], "start": "20:00", "end": "16:00"}], "not valid"),
    ([{"start": "16:00"}], "not valid"),
])
def test_impossible_constraints_give_a_clear_message_and_write_nothing(
    make_phase, make_group, make_lesson, make_template, teacher, hours, expected
):
    phase = make_phase(1, datetime.date(2026, 7, 6), days=7)
    group = make_group("仰光", "Asia/Yangon", hours, phase=phase)
    template = make_template([[make_lesson("一小时", 60)]])

    with pytest.raises(PlanError) as error:
        plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)
    assert expected in str(error.value)
    assert not Plan.objects.exists() and not PlanItem.objects.exists()


@pytest.mark.django_db
def test_group_hours_outside_every_teacher_hour_is_impossible(make_phase, make_group, make_lesson, make_template,
                                                             teacher):
    # 02:00–04:00 in Yangon is 03:30–05:30 in Beijing: before any teacher's day starts.
    phase = make_phase(1, datetime.date(2026, 7, 6), days=3)
    group = make_group("仰光", "Asia/Yangon", [{"weekdays": EVERY_DAY, "start": "02:00", "end": "04:00"}], phase=phase)
    template = make_template([[make_lesson("诗词", 45)]])
    with pytest.raises(PlanError, match="Beijing time"):
        plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)


@pytest.mark.django_db
def test_template_adapts_unsuitable_lessons_and_a_plan_exists_once(make_phase, make_group, make_lesson, make_template,
                                                                   teacher):

    poetry = factories.topic("poetry", "诗词")
    phase = make_phase(1, datetime.date(2026, 7, 6), days=3)
    group = make_group("仰光", "Asia/Yangon", [{"weekdays": EVERY_DAY, "start": "16:00", "end": "20:00"}],
                       phase=phase, chinese_level="beginner")
    hard = make_lesson("宋词", 60, chinese_level="advanced")
    easy = make_lesson("唐诗", 45, chinese_level="beginner")
    hard.topics.add(poetry)
    easy.topics.add(poetry)
    template = make_template([[hard]])

    plan = plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)
    assert [item.lesson for item in plan.items.all()] == [easy]

    with pytest.raises(PlanError, match="already has a plan"):
        plan_create_from_template(template=template, group=group, phase=phase, teacher=teacher, created_by=teacher)
    assert Plan.objects.count() == 1
