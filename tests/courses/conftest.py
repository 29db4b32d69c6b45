import datetime

import pytest

from camp.models import Enrollment, Group, Phase
from courses.models import Lesson, Plan, PlanItem, PlanTemplate, TemplateItem

UTC = datetime.UTC


@pytest.fixture
def make_lesson(db):
    def make(title="云游长城", minutes=45, **extra) -> Lesson:
        extra.setdefault("age_min", 8)
        extra.setdefault("age_max", 18)
        extra.setdefault("chinese_level", "none")
        return Lesson.objects.create(title=title, title_zh_hans=title, title_en=extra.pop("title_en", f"EN {title}"),
                                     duration_minutes=minutes, **extra)

    return make


@pytest.fixture
def make_phase(camp):
    def make(number, starts_on, days=10) -> Phase:
        return Phase.objects.create(
            camp=camp, number=number, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days - 1),
            enrollment_opens=starts_on - datetime.timedelta(days=60), enrollment_closes=starts_on,
            capacity=100,
        )

    return make


@pytest.fixture
def make_group(camp, organizer, make_user):
    def make(name, zone, hours, *, phase=None, coordinator=None, **extra) -> Group:
        extra.setdefault("age_min", 10)
        extra.setdefault("age_max", 14)
        extra.setdefault("chinese_level", "beginner")
        group = Group.objects.create(camp=camp, name=name, institution=name, country="MM", time_zone=zone,
                                     available_hours=hours, **extra)
        if coordinator is not None:
            group.coordinators.add(coordinator)
        if phase is not None:
            Enrollment.objects.create(group=group, phase=phase, status=Enrollment.Status.APPROVED)
        return group

    return make


@pytest.fixture
def make_template(organizer):
    def make(lessons_by_day, name="7天：茶与中华文化") -> PlanTemplate:
        template = PlanTemplate.objects.create(name=name, owner=organizer, days=len(lessons_by_day))
        for day, lessons in enumerate(lessons_by_day, start=1):
            for order, lesson in enumerate(lessons):
                TemplateItem.objects.create(template=template, day=day, order=order, lesson=lesson)
        return template

    return make


@pytest.fixture
def make_plan():
    def make(group, phase, items=(), status=Plan.Status.DRAFT) -> Plan:
        plan = Plan.objects.create(group=group, phase=phase, status=status)
        for lesson, starts_at, teacher in items:
            PlanItem.objects.create(plan=plan, lesson=lesson, starts_at=starts_at,
                                    duration_minutes=lesson.duration_minutes, teacher=teacher)
        return plan

    return make


def at(day: datetime.date, hour: int, minute: int = 0, zone=UTC) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
