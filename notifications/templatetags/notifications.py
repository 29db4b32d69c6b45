from django import template

from notifications.services import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    """The header's bell: a link to the list with the reader's unread count (one COUNT query)."""
    user = context.get("user")
    return {"count": unread_count(user), "show": bool(getattr(user, "is_authenticated", False))}
