"""Reads the courses pages share: a plan day by day, today's classes, the home page blocks."""

import datetime
import math
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
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
    is_past: bool = False
    is_today: bool = False


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


# How soon a class counts as "starting in N minutes" rather than "today at 19:00".
SOON = datetime.timedelta(minutes=60)


@dataclass
class ClassView:
    """One class as a youth sees it: the item and its state now.

    state: "live" (on now: join), "soon" (starts within the hour; joinable once the room is open),
    "today" (later today), "later" (another day), "ended" (over: nothing to join), "cancelled".
    """

    item: PlanItem
    state: str
    minutes: int = 0
    joinable: bool = False


def class_view(item: PlanItem, now: datetime.datetime, today: datetime.date, zone) -> ClassView:
    """The state of a class now, from its time and its room's state (the room is the record)."""
    try:
        room = item.live_session
    except ObjectDoesNotExist:
        room = None
    room_state = room.state if room is not None else ""
    if room_state == "cancelled":
        return ClassView(item, "cancelled")
    if room_state == "ended" or now >= item.ends_at:
        return ClassView(item, "ended")
    if room_state == "live" or item.starts_at <= now:
        return ClassView(item, "live", joinable=room is not None)
    if item.starts_at - now <= SOON:
        minutes = max(1, math.ceil((item.starts_at - now).total_seconds() / 60))
        return ClassView(item, "soon", minutes=minutes, joinable=room_state == "open")
    if timezone.localtime(item.starts_at, zone).date() == today:
        return ClassView(item, "today")
    return ClassView(item, "later")


@dataclass
class ClassDay:
    date: datetime.date
    is_today: bool
    is_past: bool
    classes: list = field(default_factory=list)


def youth_class_days(group, now: datetime.datetime | None = None) -> list[ClassDay]:
    """Every published class of a youth's group by the youth's own local dates, in date order."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now, timezone=zone)
    items = (
        PlanItem.objects.filter(plan__group=group, plan__status=Plan.Status.PUBLISHED)
        .select_related("lesson", "teacher", "live_session", "plan")
        .order_by("starts_at", "pk")
    )
    days: dict[datetime.date, ClassDay] = {}
    for item in items:
        local_date = timezone.localtime(item.starts_at, zone).date()
        if local_date not in days:
            days[local_date] = ClassDay(local_date, local_date == today, local_date < today)
        days[local_date].classes.append(class_view(item, now, today, zone))
    return list(days.values())


def my_camp_days(group, now: datetime.datetime | None = None, upcoming: int = 3) -> dict:
    """The youth's day view: today first (even with no class), the next days, the past days after."""
    days = youth_class_days(group, now)
    today = timezone.localdate(now or timezone.now(), timezone=timezone.get_current_timezone())
    today_day = next((day for day in days if day.is_today), None) or ClassDay(today, True, False)
    return {
        "today": today_day,
        "next_days": [day for day in days if day.date > today][:upcoming],
        "past_days": [day for day in days if day.is_past][::-1],
    }


def plan_days_marked(plan: Plan, days: list[Day]) -> tuple[list[Day], datetime.date | None]:
    """The plan's days with `is_past` / `is_today` set (the group's dates), and the day to jump to:
    today, else the next day with classes (None once the plan is over)."""
    today = timezone.localdate(timezone=plan.group.zone)
    anchor = None
    for day in days:
        day.is_past, day.is_today = day.date < today, day.date == today
        if anchor is None and day.date >= today:
            anchor = day.date
    return days, anchor


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
