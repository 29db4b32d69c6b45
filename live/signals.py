"""Receivers of other apps' signals (connected by LiveConfig.ready)."""

import logging

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from camp.signals import youth_access_revoked
from courses.models import PlanItem
from courses.signals import plan_item_removing, plan_items_published, plan_unpublished

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
    a plan is never published without them; rooms cancelled while it was a draft open again."""
    from live.services.sessions import plan_rooms_ensure

    plan_rooms_ensure(plan=plan)


@receiver(post_save, sender=PlanItem, dispatch_uid="live_plan_item_saved")
def move_room_with_item(sender, instance, created, raw=False, **kwargs) -> None:
    """Moving an item (or changing its teacher or length) moves its room, whichever code saved it."""
    if created or raw:
        return
    from live.services.sessions import room_follow_item

    room_follow_item(item=instance)


@receiver(plan_item_removing, dispatch_uid="live_plan_item_removing")
def close_room_of_removed_item(sender, item, **kwargs) -> None:
    """An item removed from its plan: its room is cancelled and keeps its chat and attendance."""
    from live.services.sessions import plan_item_room_close

    plan_item_room_close(item=item)


@receiver(pre_delete, sender=PlanItem, dispatch_uid="live_plan_item_deleting")
def close_room_of_deleted_item(sender, instance, **kwargs) -> None:
    """The same for an item deleted any other way (its plan deleted, the admin): the room is not
    left behind as a class still to come. A no-op after plan_item_removing."""
    from live.services.sessions import plan_item_room_close

    plan_item_room_close(item=instance)


@receiver(plan_unpublished, dispatch_uid="live_plan_unpublished")
def cancel_rooms_of_unpublished_plan(sender, plan, **kwargs) -> None:
    """A plan back to draft: its rooms are cancelled until it is published again."""
    from live.services.sessions import plan_rooms_cancel

    plan_rooms_cancel(plan=plan)
