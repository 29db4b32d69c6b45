"""The child's schedule on the guardian's page (camp's "guardian" place, templates/courses/_guardian.html)."""

import datetime

from django import template
from django.utils import timezone

from courses.models import Plan, PlanItem

register = template.Library()


@register.simple_tag
def guardian_schedule(group) -> list[tuple[datetime.date, list[PlanItem]]]:
    """The group's published classes from today on, by the group's local dates (the family's time)."""
    zone = group.zone
    today = timezone.localdate(timezone=zone)
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=zone)
    items = (
        PlanItem.objects.filter(plan__group=group, plan__status=Plan.Status.PUBLISHED, starts_at__gte=start)
        .select_related("lesson")
        .order_by("starts_at", "pk")[:200]
    )
    days: dict[datetime.date, list[PlanItem]] = {}
    for item in items:
        days.setdefault(timezone.localtime(item.starts_at, zone).date(), []).append(item)
    return list(days.items())
