"""Receivers of other apps' signals (connected by LiveConfig.ready)."""

import logging

from django.dispatch import receiver

from camp.signals import youth_access_revoked
from courses.signals import plan_items_published

logger = logging.getLogger(__name__)


@receiver(youth_access_revoked, dispatch_uid="live_youth_access_revoked")
def close_revoked_youth_sockets(sender, user, **kwargs) -> None:
    """An open socket must not keep a youth's rights after consent is withdrawn, their join code
    is revoked or they leave the roster: tell every room they may be in to close it (4403).
    The camp service has already committed; a failure here must not turn its success into an
    error page, and the consumers' periodic access check closes the socket anyway."""
    from live.services.room import member_access_revoke

    try:
        member_access_revoke(user=user)
    except Exception:
        logger.exception("live: could not close the sockets of user %s", getattr(user, "pk", None))


@receiver(plan_items_published, dispatch_uid="live_plan_items_published")
def create_plan_rooms(sender, plan, **kwargs) -> None:
    """A published plan's live classes and workshops get their rooms, in the publishing transaction:
    a plan is never published without them. Moving an item moves its room (the room reads its time)."""
    from live.services.sessions import plan_rooms_ensure

    plan_rooms_ensure(plan=plan)
