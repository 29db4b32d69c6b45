"""Reads the courses pages share: a plan day by day, today's classes, the home page blocks."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.access import participant_for_youth, visible_groups
from camp.models import Enrollment
from courses.access import visible_plans
from courses.models import Plan, PlanItem

NAVIGATION = {
    "organizer": [("courses:plan_list", _("Plans")), ("courses:lesson_list", _("Lessons")),
                  ("courses:template_list", _("Templates"))],
    "teacher": [("courses:plan_list", _("Plans")), ("courses:teacher_schedule", _("My teaching")),
                ("courses:lesson_list", _("Lessons")), ("courses:template_list", _("Templates"))],
    "coordinator": [("courses:plan_list", _("Group plans"))],
    "youth": [("courses:plan_list", _("Schedule"))],
}


@dataclass
class Day:
    date: datetime.date
    number: int
    items: list = field(default_factory=list)


def plan_items(plan: Plan) -> list[PlanItem]:
    return list(
        plan.items.select_related("lesson", "teacher", "live_session").order_by("starts_at", "pk")
    )


def plan_days(plan: Plan, items: list[PlanItem]) -> list[Day]:
    """Items by the group's local date, numbered as days of the phase."""
    zone = plan.group.zone
    days: dict[datetime.date, Day] = {}
    for item in items:
        local_date = timezone.localtime(item.starts_at, zone).date()
        if local_date not in days:
            days[local_date] = Day(local_date, (local_date - plan.phase.starts_on).days + 1)
        days[local_date].items.append(item)
    return list(days.values())


def classes_today_and_tomorrow(group) -> list[Day]:
    """The group's published classes today and tomorrow, by the viewer's (the youth's) local dates."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(timezone=zone)
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=zone)
    end = datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(0), tzinfo=zone)
    items = (
        PlanItem.objects.filter(plan__group=group, plan__status=Plan.Status.PUBLISHED,
                                starts_at__gte=start, starts_at__lt=end)
        .select_related("lesson", "teacher", "live_session", "plan")
        .order_by("starts_at", "pk")
    )
    days = [Day(today, 0), Day(today + datetime.timedelta(days=1), 1)]
    for item in items:
        local_date = timezone.localtime(item.starts_at, zone).date()
        days[0 if local_date == today else 1].items.append(item)
    return days


def plans_for_list(user):
    return (
        visible_plans(user)
        .select_related("group", "phase", "phase__camp")
        .annotate(item_count=Count("items"))
        .order_by("-phase__starts_on", "group__name")
    )


def enrollments_without_plan(user):
    """Approved (group, phase) pairs that still need their plan."""
    return (
        Enrollment.objects.filter(status=Enrollment.Status.APPROVED, group__in=visible_groups(user))
        .annotate(has_plan=Exists(Plan.objects.filter(group=OuterRef("group"), phase=OuterRef("phase"))))
        .filter(has_plan=False)
        .select_related("group", "phase", "phase__camp")
        .order_by("phase__starts_on", "group__name")
    )


def home_context(user) -> dict:
    """What this app shows on the user's home page (keys prefixed: the context is shared)."""
    if not user.is_authenticated:
        return {}
    if user.is_teacher:
        now = timezone.now()
        upcoming = list(
            PlanItem.objects.filter(teacher=user, starts_at__gte=now - datetime.timedelta(hours=2))
            .select_related("lesson", "plan__group").order_by("starts_at")[:5]
        )
        drafts = list(visible_plans(user).filter(status=Plan.Status.DRAFT).select_related("group", "phase")[:10])
        return {"courses_upcoming": upcoming, "courses_drafts": drafts}
    if user.is_organizer:
        waiting = list(
            visible_plans(user).filter(status__in=[Plan.Status.PROPOSED, Plan.Status.APPROVED])
            .select_related("group", "phase")
        )
        return {"courses_waiting": waiting, "courses_missing": list(enrollments_without_plan(user)[:20])}
    if user.is_coordinator:
        return {"courses_plans": list(plans_for_list(user)[:10])}
    if user.is_youth:
        participant = participant_for_youth(user)
        plan = (
            visible_plans(user).select_related("group", "phase").order_by("-phase__starts_on").first()
            if participant else None
        )
        return {"courses_plan": plan, "courses_group": participant.group if participant else None}
    return {}
