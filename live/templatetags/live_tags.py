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
    return list(ceremonies_for_groups([participant.group_id]).select_related("phase").order_by("starts_at", "pk"))
