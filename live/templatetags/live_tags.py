from django import template

from live.selectors import ceremonies_for_groups, rooms_today_for_group

register = template.Library()


@register.simple_tag
def live_rooms_for(participant):
    """Today's rooms of a youth's group (open, live, or later today)."""
    if participant is None or not participant.consent_given:
        return []
    return rooms_today_for_group(participant.group_id)


@register.simple_tag
def ceremonies_for(participant):
    """The opening and closing ceremonies of a youth's phase, any day (the camp's big days)."""
    if participant is None or not participant.consent_given:
        return []
    return list(
        ceremonies_for_groups([participant.group_id]).select_related("phase").order_by("starts_at", "pk")
    )


@register.simple_tag
def ceremonies_of_plan(plan):
    """The ceremonies of a plan's phase, when the plan's group is approved for it (not cancelled)."""
    from live.models import LiveSession

    return list(
        ceremonies_for_groups([plan.group_id])
        .filter(phase_id=plan.phase_id)
        .exclude(state=LiveSession.State.CANCELLED)
        .order_by("starts_at", "pk")
    )


@register.simple_tag
def ceremonies_cohosted_by(user):
    """The ceremonies a teacher co-hosts, from yesterday on."""
    import datetime

    from django.utils import timezone

    from live.models import LiveSession

    if not user.is_authenticated or not user.is_teacher:
        return []
    return list(
        LiveSession.objects.filter(
            kind__in=LiveSession.CEREMONIES,
            co_hosts=user,
            starts_at__gte=timezone.now() - datetime.timedelta(days=1),
        )
        .exclude(state=LiveSession.State.CANCELLED)
        .select_related("phase")
        .order_by("starts_at", "pk")
    )
