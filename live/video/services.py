"""Speaking by invitation (docs/video.md): the teacher invites a youth whose hand is up, mutes or
stops them; the relay reads the invitation on every publish (live.video.relay).

One service, `video_speak_set(session_id=, member=, user_id=, action=)`, for the room's
`video` frame: action "invite" (their hand must be up; camera only where their guardian's consent
allows it: `camp.services.consent.consent_allows(participant, "camera")`), "mute" / "unmute"
(server-side, in Janus: nobody but a moderator unmutes them), "stop" (the invitation goes and
their feeds stop at once). The room hears `{"type": "video", "action": ..., "user": ...,
"camera": ...}`; the youth's client starts or stops publishing on it.
"""

import logging

from django.db import transaction
from django.utils import timezone

from camp.models import Participant
from camp.services.consent import consent_allows
from live import events
from live.models import LiveSession, RaisedHand, SpeakInvite
from live.services.common import lock_session, require_live, require_moderator
from live.services.errors import BAD_REQUEST, FORBIDDEN, LiveError

logger = logging.getLogger(__name__)

ACTIONS = ("invite", "mute", "unmute", "stop")


def camera_allowed(user) -> bool:
    participant = Participant.objects.filter(user=user).first()
    return participant is not None and consent_allows(participant, "camera")


def speak_right(*, session_id: int, user_id: int):
    """What the youth may publish now (relay.Speak), or None: no invitation, or muted (a muted
    youth keeps their feed, silenced in Janus, but may not publish again)."""
    from live.video.relay import Speak

    invite = SpeakInvite.objects.filter(session_id=session_id, user_id=user_id).first()
    if invite is None or invite.muted:  # muted: no new feed either (it would not be moderated)
        return None
    return Speak(camera=invite.camera)


def video_payload(action: str, user, *, camera: bool = False) -> dict:
    return {"type": "video", "action": action, "user": events.user_payload(user), "camera": camera}


def _provider_call(method: str, session_id: int, user_id: int, **kwargs) -> None:
    from live.video import provider

    engine = provider()
    if engine is None:
        return
    session = LiveSession.objects.get(pk=session_id)
    try:
        getattr(engine, method)(session, user_id, **kwargs)
    except Exception:  # the relay's own stop (video.stop) still hangs the feed up
        logger.exception("live video: %s of user %s in session %s failed", method, user_id, session_id)


def _send_stop(session_id: int, user_id: int) -> None:
    from live.events import _group_send

    _group_send(events.room_group(session_id), {"type": "video.stop", "user_id": user_id})


@transaction.atomic
def video_speak_set(*, session_id: int, member, user_id, action) -> SpeakInvite | None:
    require_moderator(member)
    if action not in ACTIONS:
        raise LiveError(BAD_REQUEST, f"action is one of {', '.join(ACTIONS)}.")
    from live.services.room import _target

    session = lock_session(session_id)
    user = _target(LiveSession.objects.select_related("group").get(pk=session_id), user_id)
    if not user.is_youth:
        raise LiveError(FORBIDDEN, "Only youth are invited to speak.")
    invite = SpeakInvite.objects.filter(session=session, user=user).first()
    if action == "invite":
        require_live(session, member)
        if invite is None and not RaisedHand.objects.filter(session=session, user=user).exists():
            raise LiveError(BAD_REQUEST, "Invite someone whose hand is up.")
        if invite is None:
            invite = SpeakInvite(
                session=session,
                user=user,
                camera=camera_allowed(user),
                invited_by_id=member.user_id,
                created_at=timezone.now(),
            )
            invite.full_clean()
            invite.save()
        RaisedHand.objects.filter(session=session, user=user).delete()
        events.broadcast_hand(session.pk, user, False, RaisedHand.objects.filter(session=session).count())
        events.broadcast(session.pk, video_payload("invite", user, camera=invite.camera))
        return invite
    if invite is None:
        raise LiveError(BAD_REQUEST, "This person was not invited to speak.")
    if action in ("mute", "unmute"):
        invite.muted = action == "mute"
        invite.save(update_fields=["muted"])
        transaction.on_commit(lambda: _provider_call("mute", session.pk, user.pk, muted=invite.muted))
        events.broadcast(session.pk, video_payload(action, user, camera=invite.camera))
        return invite
    invite.delete()  # stop
    transaction.on_commit(lambda: _send_stop(session.pk, user.pk))
    transaction.on_commit(lambda: _provider_call("remove", session.pk, user.pk))
    events.broadcast(session.pk, video_payload("stop", user))
    return None


def video_room_close(*, session_id: int) -> None:
    """The class ended or was cancelled: nobody speaks any more, the VideoRoom goes (everyone's
    media stops) and every video socket of the room closes."""
    from live.video import config, provider

    if not config.enabled():
        return
    SpeakInvite.objects.filter(session_id=session_id).delete()

    def close():
        from django.core.cache import cache

        from live.events import _group_send

        cache.delete(f"live:video:room:{session_id}")
        engine = provider()
        if engine is not None:
            try:
                engine.room_close(LiveSession.objects.get(pk=session_id))
            except Exception:
                logger.exception("live video: could not destroy the room of session %s", session_id)
        _group_send(events.room_group(session_id), {"type": "video.close"})
        from live.video.recordings import recordings_convert_later

        recordings_convert_later(session_id)

    transaction.on_commit(close)
