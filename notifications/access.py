from django.http import Http404

from notifications.models import Notification


def get_notification_for_user(user, pk) -> Notification:
    """The reader's own notification; anybody else's (or none) is 404: nobody learns another's exist."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
