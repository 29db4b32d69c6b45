from django import template

from live.selectors import rooms_today_for_group

register = template.Library()


@register.simple_tag
def live_rooms_for(participant):
    """Today's rooms of a youth's group (open, live, or later today)."""
    if participant is None or not participant.consent_given:
        return []
    return rooms_today_for_group(participant.group_id)
