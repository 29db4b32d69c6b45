"""Signals courses sends for the apps above it, and receivers of camp's (connected by CoursesConfig.ready)."""

import logging

from django.dispatch import Signal, receiver

from camp.signals import youth_access_revoked

logger = logging.getLogger(__name__)

# A plan's items are (again) what the group will be taught: sent inside the transaction when a plan is
# published and when an item of a published plan is added or moved, with `plan`. The live room
# creates the room of every item taught live (live.signals), in the same transaction.
plan_items_published = Signal()

# An item stops being taught: sent inside the transaction just before a plan item is deleted, with
# `item`. The live room closes the item's room and keeps its chat and attendance (live.signals).
plan_item_removing = Signal()

# A published plan is taken back to draft (plan_unpublish): sent inside the transaction with `plan`.
# Its rooms close until it is published again (live.signals); republishing reopens them.
plan_unpublished = Signal()


@receiver(youth_access_revoked, dispatch_uid="courses_youth_access_revoked")
def revoke_youth_calendar_feeds(sender, user, **kwargs) -> None:
    """A youth who lost access (consent withdrawn, join code revoked, off the roster) keeps no
    calendar link: their feeds are revoked, so the subscribed URL answers 404 from now on.

    Sent after camp's transaction commits, so a failure here must not turn its success into an
    error page; feed_by_token refuses a youth without consent or an inactive account anyway.
    """
    from courses.services.feeds import calendar_feeds_revoke_for_user

    if user is None:
        return
    try:
        calendar_feeds_revoke_for_user(user=user)
    except Exception:
        logger.exception("courses: could not revoke the calendar feeds of user %s", getattr(user, "pk", None))
