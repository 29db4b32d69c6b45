"""The room's life (scheduled → open → live → ended), its settings, mutes, removals and hands."""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.models import User
from courses.services.plans import plan_item_meeting_link_set
from live import events
from live.access import member_for, room_role
from live.models import LiveSession, Mute, RaisedHand, Removal
from live.services.attendance import attendance_mark_present_at_end
from live.services.common import clean_int, lock_session, require_live, require_moderator, require_not_muted
from live.services.errors import BAD_REQUEST, FORBIDDEN, LiveError
from live.services.ratelimit import rate_bucket_take

logger = logging.getLogger(__name__)

MAX_SLOW_MODE = 600
CANCELLED_MESSAGE = _("This class was cancelled.")


def opens_at(session: LiveSession) -> datetime.datetime:
    return session.starts_at - datetime.timedelta(minutes=session.opens_minutes_before)


@transaction.atomic
def live_session_open_if_due(*, session_id: int, now=None) -> LiveSession:
    """A scheduled room opens by itself N minutes before the lesson (checked whenever someone
    looks at it, so no scheduler is needed)."""
    now = now or timezone.now()
    session = LiveSession.objects.get(pk=session_id)
    if session.state == LiveSession.State.SCHEDULED and now >= opens_at(session):
        session = lock_session(session_id)
        if session.state == LiveSession.State.SCHEDULED:
            session.state = LiveSession.State.OPEN
            session.save(update_fields=["state"])
            events.broadcast(session.pk, events.room_payload(session))
    return session


@transaction.atomic
def live_session_start(*, session_id: int, member, now=None) -> LiveSession:
    """The teacher starts the class: chat and everything else opens for the youth."""
    require_moderator(member)
    session = lock_session(session_id)
    if session.state == LiveSession.State.ENDED:
        raise LiveError(BAD_REQUEST, "This session has ended.", message=_("This class is over: it cannot start again."))
    if session.state == LiveSession.State.CANCELLED:
        raise LiveError(BAD_REQUEST, "This session was cancelled.", message=CANCELLED_MESSAGE)
    if session.state != LiveSession.State.LIVE:
        session.state = LiveSession.State.LIVE
        session.started_at = now or timezone.now()
        session.full_clean()
        session.save(update_fields=["state", "started_at"])
        events.broadcast(session.pk, events.room_payload(session))
    return session


@transaction.atomic
def live_session_end(*, session_id: int, member, now=None) -> LiveSession:
    """End the class; the room stays readable but nobody posts any more."""
    require_moderator(member)
    session = lock_session(session_id)
    if session.state == LiveSession.State.CANCELLED:
        raise LiveError(BAD_REQUEST, "This session was cancelled.", message=CANCELLED_MESSAGE)
    if session.state != LiveSession.State.ENDED:
        session.state = LiveSession.State.ENDED
        session.ended_at = now or timezone.now()
        session.full_clean()
        session.save(update_fields=["state", "ended_at"])
        attendance_mark_present_at_end(session_id=session.pk, now=session.ended_at)
        hands = list(RaisedHand.objects.filter(session=session).select_related("user__participant"))
        RaisedHand.objects.filter(session=session).delete()
        events.broadcast(session.pk, events.room_payload(session))
        for hand in hands:  # all lowered at once: none left up
            events.broadcast_hand(session.pk, hand.user, False, 0)
    return session


@transaction.atomic
def room_settings_update(*, session_id: int, member, locked=None, slow_mode=None, links_allowed=None) -> LiveSession:
    """Lock/unlock the chat, set slow mode (seconds between a youth's messages), allow links."""
    require_moderator(member)
    session = lock_session(session_id)
    fields = []
    if locked is not None:
        if not isinstance(locked, bool):
            raise LiveError(BAD_REQUEST, "locked must be true or false.")
        session.chat_locked = locked
        fields.append("chat_locked")
    if slow_mode is not None:
        session.slow_mode_seconds = clean_int(slow_mode, "seconds", maximum=MAX_SLOW_MODE)
        fields.append("slow_mode_seconds")
    if links_allowed is not None:
        if not isinstance(links_allowed, bool):
            raise LiveError(BAD_REQUEST, "allowed must be true or false.")
        session.links_allowed = links_allowed
        fields.append("links_allowed")
    if fields:
        session.full_clean()
        session.save(update_fields=fields)
        events.broadcast(session.pk, events.room_payload(session))
    return session


@transaction.atomic
def live_session_video_link_set(*, by: User, session_id: int, url: str) -> LiveSession:
    """The class's video meeting link, set from its room: the session's teacher or an organizer writes
    its plan item's own link (https only; empty falls back to the lesson's default) through courses'
    plan_item_meeting_link_set, the one place the link is kept."""
    session = LiveSession.objects.select_related("group", "plan_item__plan__group").get(pk=session_id)
    member = member_for(by, session, page=True)
    if member is None:
        raise PermissionDenied
    require_moderator(member)
    if session.plan_item is None:
        raise LiveError(BAD_REQUEST, "The class was removed from its plan.", message=CANCELLED_MESSAGE)
    plan_item_meeting_link_set(item=session.plan_item, by=by, url=url)
    return session


def _target(session: LiveSession, user_id) -> User:
    """Someone a moderator acts on: a non-moderator member of this room."""
    user_id = clean_int(user_id, "user_id", minimum=1)
    user = User.objects.select_related("participant").filter(pk=user_id).first()
    role = room_role(user, session) if user is not None else None
    if role is None:
        raise LiveError(BAD_REQUEST, "No such person in this room.")
    if role in ("teacher", "organizer"):
        raise LiveError(FORBIDDEN, "Moderators cannot be muted or removed.")
    return user


@transaction.atomic
def member_mute(*, session_id: int, member, user_id, muted: bool, now=None) -> bool:
    """Mute or unmute someone in this room; broadcasts `muted` when it changes."""
    require_moderator(member)
    lock_session(session_id)
    session = LiveSession.objects.select_related("group").get(pk=session_id)
    user = _target(session, user_id)
    if muted:
        _mute, changed = Mute.objects.get_or_create(
            session=session, user=user, defaults={"muted_by_id": member.user_id, "created_at": now or timezone.now()}
        )
    else:
        changed = Mute.objects.filter(session=session, user=user).delete()[0] > 0
    if changed:
        events.broadcast(session.pk, events.muted_payload(user, muted))
    return changed


@transaction.atomic
def member_remove(*, session_id: int, member, user_id, now=None) -> User:
    """Send someone out of this class: their sockets close and they cannot come back into this
    room until a moderator lets them back in (member_readmit); their other classes are not affected."""
    require_moderator(member)
    lock_session(session_id)
    session = LiveSession.objects.select_related("group").get(pk=session_id)
    user = _target(session, user_id)
    _removal, created = Removal.objects.get_or_create(
        session=session, user=user, defaults={"removed_by_id": member.user_id, "created_at": now or timezone.now()})
    if RaisedHand.objects.filter(session=session, user=user).delete()[0]:
        events.broadcast_hand(session.pk, user, False, RaisedHand.objects.filter(session=session).count())
    if created:
        events.broadcast(session.pk, events.removal_payload(user, True), moderators_only=True)
        logger.info("live: user %s removed user %s from session %s", member.user_id, user.pk, session.pk)
    events.broadcast_removal(session.pk, user.pk, reason=events.REMOVED_BY_MODERATOR)
    return user


@transaction.atomic
def member_readmit(*, session_id: int, member, user_id) -> User:
    """Let someone removed from this class back in (the teacher's "Let back in"): the Removal goes
    and they may enter again; the room's moderators are told."""
    require_moderator(member)
    session = lock_session(session_id)
    user_id = clean_int(user_id, "user_id", minimum=1)
    removal = (Removal.objects.select_related("user__participant")
               .filter(session=session, user_id=user_id).first())
    if removal is None:
        raise LiveError(BAD_REQUEST, "This person is not removed from this room.")
    user = removal.user
    removal.delete()
    # No moderation log exists yet: the server log keeps who let whom back in.
    logger.info("live: user %s let user %s back into session %s (removed by %s at %s)", member.user_id, user.pk,
                session.pk, removal.removed_by_id, removal.created_at.isoformat())
    events.broadcast(session.pk, events.removal_payload(user, False), moderators_only=True)
    return user


@transaction.atomic
def hand_set(*, session_id: int, member, raised, user_id=None, now=None) -> bool:
    """Raise or lower one's own hand; a moderator lowers someone else's with user_id (whose hand must
    be up: bad_request otherwise). A change takes a token of the person's bucket (the same as chat),
    so that toggling cannot flood the room with `hand` broadcasts; a muted youth raises no hand."""
    if not isinstance(raised, bool):
        raise LiveError(BAD_REQUEST, "raised must be true or false.")
    if user_id is not None:
        user_id = clean_int(user_id, "user_id", minimum=1)
    session = lock_session(session_id)
    if user_id is not None and user_id != member.user_id:
        require_moderator(member)
        if raised:
            raise LiveError(FORBIDDEN, "Nobody raises another person's hand.")
        target_id = user_id
        if not RaisedHand.objects.filter(session=session, user_id=target_id).exists():
            raise LiveError(BAD_REQUEST, "This person's hand is not raised in this room.")
    else:
        if not member.is_youth:
            raise LiveError(FORBIDDEN, "Only youth raise hands.")
        if raised:
            require_live(session, member)
            require_not_muted(session.pk, member)
        target_id = member.user_id
    hand = RaisedHand.objects.filter(session=session, user_id=target_id)
    if raised == hand.exists():
        return False  # already so: nothing to broadcast, no token taken
    if target_id == member.user_id:
        rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
    if raised:
        RaisedHand.objects.create(session=session, user_id=target_id, raised_at=now or timezone.now())
    else:
        hand.delete()
    user = User.objects.select_related("participant").get(pk=target_id)
    events.broadcast_hand(session.pk, user, raised, RaisedHand.objects.filter(session=session).count())
    return True


@transaction.atomic
def member_access_revoke(*, user) -> list[int]:
    """A youth lost the right to take part (consent withdrawn, join code revoked, off the
    roster): close their sockets in every room they may be in and lower their hands there.
    Unlike member_remove nothing is stored: whether they may come back is member_for's answer
    (refused with 4403 while the reason lasts). Returns the session ids told."""
    from camp.models import Participant
    from live.models import AttendanceSpan

    # Every room with an open connection of theirs, plus the open and live rooms of their group
    # (a socket between its access check and its attendance row has no span yet).
    session_ids = set(AttendanceSpan.objects.filter(user=user, left_at__isnull=True)
                      .values_list("session_id", flat=True))
    group_id = Participant.objects.filter(user=user).values_list("group_id", flat=True).first()
    if group_id is not None:
        from camp.models import Enrollment

        # The ceremonies of the phases their group is approved for are their rooms too.
        phases = Enrollment.objects.filter(group_id=group_id, status=Enrollment.Status.APPROVED).values("phase")
        session_ids.update(LiveSession.objects.filter(
            Q(group_id=group_id) | Q(kind__in=LiveSession.CEREMONIES, phase__in=phases),
            state__in=[LiveSession.State.OPEN, LiveSession.State.LIVE],
        ).values_list("pk", flat=True))
    lowered = set(RaisedHand.objects.filter(user=user, session_id__in=session_ids)
                  .values_list("session_id", flat=True))
    if lowered:
        RaisedHand.objects.filter(user=user, session_id__in=lowered).delete()
    for session_id in sorted(session_ids):
        if session_id in lowered:
            events.broadcast_hand(session_id, user, False, RaisedHand.objects.filter(session_id=session_id).count())
        events.broadcast_removal(session_id, user.pk)
    return sorted(session_ids)
