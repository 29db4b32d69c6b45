"""Every payload of the live protocol (docs/live-protocol.md) is built here, and only here is the
channel layer called.

A room event is serialized to JSON text once, after the transaction that stored it commits, and
that text goes to the room's channel-layer group; consumers forward it unchanged. The layer may
drop events (Redis pub/sub does not retry), which is fine: the database is the record and
clients detect gaps by seq and resume.
"""

import datetime
import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from live.access import public_name
from live.services.common import CLIENT_ID_RE

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
# Channel-layer message types, handled by LiveRoomConsumer.room_event / room_remove.
ROOM_EVENT = "room.event"
ROOM_REMOVE = "room.remove"
ROOM_CANCEL = "room.cancel"


def dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def room_group(session_id: int) -> str:
    return f"live.{session_id}"


def moderators_group(session_id: int) -> str:
    return f"live.{session_id}.moderators"


# --- shapes -----------------------------------------------------------------------------------

def user_payload(user, *, with_group: bool = False) -> dict:
    """with_group: a ceremony's chat, where each youth is named with their group."""
    return {"id": user.pk, "name": public_name(user, with_group=with_group), "role": user.role}


def member_payload(member) -> dict:
    return {"id": member.user_id, "name": member.name, "role": member.role}


def message_payload(message, reactions: dict[str, int] | None = None, *, author=None,
                    with_group: bool = False) -> dict:
    """`author`: the poster's RoomMember when at hand (the same shape as user_payload, with no
    query for the user); with_group: the room is a ceremony (RoomMember.name already says so)."""
    if message.deleted_at is not None:
        return {"type": "message", "seq": message.seq, "deleted": True}
    payload = {
        "type": "message",
        "seq": message.seq,
        "author": (member_payload(author) if author is not None
                   else user_payload(message.author, with_group=with_group)),
        "text": message.text,
        "sent_at": iso(message.sent_at),
        "client_id": message.client_id,
    }
    if reactions:
        payload["reactions"] = reactions
    return payload


def session_payload(session) -> dict:
    return {
        "id": session.pk,
        "title": session.lesson_title,
        "state": session.state,
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        # The protocol's name for the class's meeting link: its plan item's, else its lesson's default.
        "video_url": session.meeting_link,
    }


def room_settings(session) -> dict:
    return {"locked": session.chat_locked, "slow_mode": session.slow_mode_seconds,
            "links_allowed": session.links_allowed}


def room_payload(session) -> dict:
    return {"type": "room", "state": session.state, **room_settings(session)}


def question_shape(question, upvotes: int, upvoted: bool | None = None) -> dict:
    shape = {
        "id": question.pk,
        "author": user_payload(question.author),
        "text": question.text,
        "asked_at": iso(question.asked_at),
        "upvotes": upvotes,
        "answered": question.answered_at is not None,
    }
    if upvoted is not None:
        shape["upvoted"] = upvoted
    return shape


def poll_shape(poll, counts: list[int], voted: int | None | bool = False) -> dict:
    shape = {
        "id": poll.pk,
        "question": poll.question,
        "options": list(poll.options),
        "counts": counts,
        "closed": poll.closed_at is not None,
    }
    if voted is not False:  # only in welcome, which is per user
        shape["voted"] = voted
    return shape


def report_shape(report) -> dict:
    message = report.message
    return {
        "id": report.pk,
        "seq": message.seq,
        "text": message.text,
        "author": user_payload(message.author),
        "reporter": user_payload(report.reporter),
        "reason": report.reason,
        "reported_at": iso(report.reported_at),
        "deleted": message.deleted_at is not None,
    }


def welcome_payload(*, session, member, muted: bool, last_seq: int, history: list, online: list, hands: list,
                    questions: list, polls: list, reports: list | None, removed: list | None = None) -> dict:
    payload = {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "session": session_payload(session),
        "you": {**member_payload(member), "muted": muted},
        "room": room_settings(session),
        "last_seq": last_seq,
        "history": history,
        "online": online,
        "hands": hands,
        "questions": questions,
        "polls": polls,
    }
    if reports is not None:
        payload["reports"] = reports
    if removed is not None:
        payload["removed"] = removed
    return payload


def ack_payload(client_id: str, **ids) -> dict:
    return {"type": "ack", "client_id": client_id, **ids}


def history_payload(messages: list, last_seq: int) -> dict:
    return {"type": "history", "messages": messages, "last_seq": last_seq}


def reload_payload(last_seq: int) -> dict:
    return {"type": "reload", "last_seq": last_seq}


def pong_payload(last_seq: int) -> dict:
    return {"type": "pong", "last_seq": last_seq}


def error_payload(code: str, detail: str, *, client_id=None, retry_after: int | None = None,
                  reason: str | None = None) -> dict:
    payload = {"type": "error", "code": code, "detail": detail}
    if isinstance(client_id, str) and CLIENT_ID_RE.fullmatch(client_id):
        payload["client_id"] = client_id
    if retry_after is not None:
        payload["retry_after"] = retry_after
    if reason is not None:  # blocked_content: word, link or contact
        payload["reason"] = reason
    return payload


# `removed.reason` when a teacher or organizer sent the user out of this class (Removal); a user who
# lost access (consent, join code, roster) gets `removed` without a reason.
REMOVED_BY_MODERATOR = "moderator"


def removed_payload(reason: str | None = None) -> dict:
    if reason is None:
        return {"type": "removed"}
    return {"type": "removed", "reason": reason}


def removal_payload(user, removed: bool) -> dict:
    """To the room's moderators: someone was removed from the class, or let back in."""
    return {"type": "removal", "user": user_payload(user), "removed": removed}


def cancelled_payload() -> dict:
    """To the youth and coordinators of a class taken off the plan, before their sockets close."""
    return {"type": "cancelled"}


def reported_payload(seq: int) -> dict:
    return {"type": "reported", "seq": seq}


def deleted_payload(seq: int) -> dict:
    return {"type": "deleted", "seq": seq}


def presence_payload(action: str, user) -> dict:
    return {"type": "presence", "action": action, "user": user_payload(user)}


def hand_payload(user, raised: bool) -> dict:
    return {"type": "hand", "user": user_payload(user), "raised": raised}


def muted_payload(user, muted: bool) -> dict:
    return {"type": "muted", "user": user_payload(user), "muted": muted}


def reaction_payload(seq: int, counts: dict[str, int]) -> dict:
    return {"type": "reaction", "seq": seq, "counts": counts}


def report_payload(report) -> dict:
    return {"type": "report", "report": report_shape(report)}


def question_payload(question, upvotes: int) -> dict:
    return {"type": "question", "question": question_shape(question, upvotes)}


def poll_payload(poll, counts: list[int]) -> dict:
    return {"type": "poll", "poll": poll_shape(poll, counts)}


# --- sending ------------------------------------------------------------------------------------

def _group_send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        # The record is already committed; clients that miss this find the gap by seq.
        logger.exception("live: could not send %s to %s", event.get("type"), group)


def broadcast(session_id: int, payload: dict, *, moderators_only: bool = False) -> None:
    """Send `payload` to everybody in the room (or only its moderators) once the current
    transaction commits."""
    text = dumps(payload)
    group = moderators_group(session_id) if moderators_only else room_group(session_id)
    transaction.on_commit(lambda: _group_send(group, {"type": ROOM_EVENT, "text": text}))


def broadcast_removal(session_id: int, user_id: int, *, reason: str | None = None) -> None:
    """Tell every process to close the removed user's sockets in this room."""
    text = dumps(removed_payload(reason))
    transaction.on_commit(
        lambda: _group_send(room_group(session_id), {"type": ROOM_REMOVE, "user_id": user_id, "text": text})
    )


def broadcast_cancel(session_id: int) -> None:
    """Tell every process that the class was cancelled: the sockets of everyone but the teacher and
    organizers get `cancelled` and close (live.consumers.LiveRoomConsumer.room_cancel)."""
    text = dumps(cancelled_payload())
    transaction.on_commit(lambda: _group_send(room_group(session_id), {"type": ROOM_CANCEL, "text": text}))
