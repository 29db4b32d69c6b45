"""The child's schedule on the guardian's page (camp's "guardian" place, templates/courses/_guardian.html)."""

import datetime

from django import template
from django.utils import timezone

from courses.models import Plan, PlanItem

register = template.Library()


@register.simple_tag
def guardian_schedule(group, now=None) -> list[tuple[datetime.date, list[PlanItem]]]:
    """The group's published classes from today on, by the group's local dates (the family's time),
    and yesterday's class still running (at 00:05 the class begun at 23:55 is on the schedule)."""
    zone = group.zone
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=zone)
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=zone)
    items = (
        PlanItem.objects.filter(plan__group=group, plan__status=Plan.Status.PUBLISHED,
                                starts_at__gte=start - datetime.timedelta(days=1))
        .select_related("lesson")
        .order_by("starts_at", "pk")[:200]
    )
    days: dict[datetime.date, list[PlanItem]] = {}
    for item in items:
        if item.starts_at < start and item.ends_at <= now:
            continue
        days.setdefault(timezone.localtime(item.starts_at, zone).date(), []).append(item)
    return list(days.items())
