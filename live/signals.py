"""Receivers of other apps' signals (connected by LiveConfig.ready)."""

import logging

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from camp.signals import youth_access_revoked
from courses.models import PlanItem
from courses.signals import (
    calendar_entries_wanted,
    plan_item_removing,
    plan_items_published,
    plan_unpublished,
)
from notifications.signals import reminders_due

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


# --- Ceremonies where courses lists classes: calendar feeds, reminders ----------------------------


@receiver(calendar_entries_wanted, dispatch_uid="live_ceremony_calendar_entries")
def ceremony_calendar_entries(sender, groups=None, teacher=None, **kwargs) -> list:
    """The ceremonies of these groups' phases (a group's or youth's feed), or those a teacher
    co-hosts (a teacher's feed), each with its room link; cancelled ones leave the calendar."""
    from camp.mail import site_url
    from courses.signals import CalendarEntry
    from live.models import LiveSession
    from live.selectors import ceremonies_for_groups

    if teacher is not None:
        sessions = LiveSession.objects.filter(kind__in=LiveSession.CEREMONIES, co_hosts=teacher)
    elif groups:
        sessions = ceremonies_for_groups(groups)
    else:
        return []
    sessions = (
        sessions.exclude(state=LiveSession.State.CANCELLED)
        .select_related("phase")
        .order_by("starts_at", "pk")
    )
    return [
        CalendarEntry(
            uid=f"ceremony-{session.pk}",
            title=session.lesson_title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            url=site_url("live:room", session.pk),
        )
        for session in sessions.distinct()
    ]


@receiver(reminders_due, dispatch_uid="live_ceremony_starting")
def ceremony_starting_notices(sender, now, **kwargs) -> int:
    """A ceremony starting within 10 minutes: the consenting youth of every group of its phase,
    their coordinators and its co-hosts are told once (the key holds the start, as a class's)."""
    from camp.models import User
    from courses.signals import CLASS_REMINDER_BEFORE
    from live.access import ceremony_groups
    from live.models import LiveSession
    from notifications.services import notify

    sessions = LiveSession.objects.filter(
        kind__in=LiveSession.CEREMONIES,
        starts_at__gt=now,
        starts_at__lte=now + CLASS_REMINDER_BEFORE,
    ).exclude(state__in=[LiveSession.State.CANCELLED, LiveSession.State.ENDED])
    stored = 0
    for session in sessions:
        key = f"ceremony_starting:{session.pk}:{session.starts_at:%Y%m%dT%H%M}"
        params = {"lesson": _ceremony_titles(session)}
        url = session.get_absolute_url()
        groups = ceremony_groups(session)
        youth = User.objects.filter(
            role=User.Role.YOUTH,
            is_active=True,
            participant__group__in=groups,
            participant__consent_given=True,
        )
        coordinators = User.objects.filter(
            is_active=True, is_confirmed=True, role=User.Role.COORDINATOR
        ).filter(pk__in=groups.values("coordinators"))
        adults = [*coordinators, *session.co_hosts.filter(is_active=True)]
        stored += len(notify([*youth, *adults], "class_starting", url=url, params=params, key=key))
    return stored


def _ceremony_titles(session) -> dict:
    """The ceremony's own title, else its kind in every language (the bell shows the reader's)."""
    from django.conf import settings
    from django.utils import translation

    if session.title:
        return {settings.LANGUAGE_CODE: session.title}
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = str(session.get_kind_display())
    return titles
