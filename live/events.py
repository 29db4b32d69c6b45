"""Every payload of the live protocol (docs/live-protocol.md) is built here, and only here is the
channel layer called.

A room event is serialized to JSON text once, after the transaction that stored it commits, and
that text goes to the room's channel-layer group; consumers forward it unchanged. The layer may
drop events (Redis pub/sub does not retry), which is fine: the database is the record and
clients detect gaps by seq and resume.
"""

import asyncio
import datetime
import json
import logging
import weakref

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from live.access import public_name
from live.services.common import CLIENT_ID_RE

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
# The newest protocol this server speaks; a client asks for it with `?v=2` (docs/live-protocol.md,
# §11): batched presence and reactions, hands as a count. A client that does not ask gets version 1.
PROTOCOL_LATEST = 2
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


def busy_payload(retry_after: int, *, room_full: bool = False) -> dict:
    """Before a CLOSE_BUSY (4503): come back in retry_after seconds (the room is full, or the
    server has too many people coming in at once)."""
    return {"type": "busy", "retry_after": retry_after, "reason": "room_full" if room_full else "busy"}


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
    """`user`: a User, or the user shape already built (the room member's)."""
    shape = user if isinstance(user, dict) else user_payload(user)
    return {"type": "presence", "action": action, "user": shape}


def presence_batch_payload(changes: list[tuple[str, dict]]) -> dict:
    """Version 2: several presence changes of a rush in one frame (each user at most once)."""
    return {"type": "presence", "action": "batch",
            "join": [shape for action, shape in changes if action == "join"],
            "leave": [shape for action, shape in changes if action == "leave"]}


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


# --- the room's version ----------------------------------------------------------------------------
# Every change a room is told about (a message, a deletion, reactions, hands, questions, polls, its
# state, a removal) first bumps the room's version in the cache that all processes share, then goes
# out. live.selectors builds the part of the welcome that is the same for every newcomer once per
# room, version and last_seq, instead of once per join (a class coming in at once).
ROOM_VERSION_TTL = 24 * 3600


def room_version_key(session_id: int) -> str:
    return f"live:room-version:{session_id}"


def room_version(session_id: int) -> int:
    return cache.get(room_version_key(session_id), 0)


def bump_room_version(session_id: int) -> None:
    key = room_version_key(session_id)
    try:
        cache.incr(key)
        return
    except ValueError:  # no version yet (or it expired): start one
        pass
    if not cache.add(key, 1, ROOM_VERSION_TTL):
        cache.incr(key)


def _changed(session_id: int, send) -> None:
    """After the commit: the version first, then the frame (a newcomer who read the old version has
    joined the group already, so the frame reaches them)."""
    try:
        bump_room_version(session_id)
    except Exception:
        logger.exception("live: could not bump the version of room %s", session_id)
    send()


def broadcast(session_id: int, payload: dict, *, moderators_only: bool = False) -> None:
    """Send `payload` to everybody in the room (or only its moderators) once the current
    transaction commits."""
    text = dumps(payload)
    group = moderators_group(session_id) if moderators_only else room_group(session_id)
    event = {"type": ROOM_EVENT, "text": text}
    if payload.get("type") == "message":
        # Its seq, for the consumer's fence: a socket never gets a message it was already sent in
        # its welcome or a history (docs/live-protocol.md §6).
        event["seq"] = payload["seq"]
    transaction.on_commit(lambda: _changed(session_id, lambda: _group_send(group, event)))


# --- presence, reactions and hands, coalesced --------------------------------------------------------
# When a class comes in at once, one presence frame per join is N deliveries for the N-th joiner
# (O(N²) for the room); a burst of reactions or hands in a crowded room is the same. So each of
# these goes out at most once per interval per room and server process (settings
# QIAOCAMP_LIVE_PRESENCE_EVERY for presence, QIAOCAMP_LIVE_REACTIONS_EVERY for reactions and hands;
# seconds, 0: every change at once). A change in a quiet room goes at once; the changes of a rush
# wait for the end of the interval and go as one trailing frame holding each key's (user's,
# message's) last change, in the order of those last changes, so the final state is always sent
# and nobody's change is sent twice. Protocol 2 sockets get the batched frames; protocol 1 sockets
# get the frames of version 1 the batch stands for (the event's "legacy" texts). A room's coalesced
# frames leave this process in the order they were made.
PRESENCE, REACTIONS, HANDS = "presence", "reactions", "hands"
PRESENCE_EVERY = 1.0
REACTIONS_EVERY = 1.0


def coalesce_every(kind: str) -> float:
    if kind == PRESENCE:
        return float(getattr(settings, "QIAOCAMP_LIVE_PRESENCE_EVERY", PRESENCE_EVERY))
    return float(getattr(settings, "QIAOCAMP_LIVE_REACTIONS_EVERY", REACTIONS_EVERY))


def presence_every() -> float:
    return coalesce_every(PRESENCE)


def reactions_batch_payload(changes: list[tuple[int, dict]]) -> dict:
    """Version 2: the reactions of several messages changed within one interval: each message once,
    with its full counts after its last change."""
    return {"type": "reactions", "messages": [{"seq": seq, "counts": counts} for seq, counts in changes]}


def hands_payload(count: int, changes: list[tuple[dict, bool]] | None = None) -> dict:
    """Version 2: how many hands are up. For the teacher and organizers (changes given) also whose
    hands went up and down since the last `hands` frame, each person once (their last change)."""
    payload = {"type": "hands", "count": count}
    if changes is not None:
        payload["raised"] = [shape for shape, raised in changes if raised]
        payload["lowered"] = [shape for shape, raised in changes if not raised]
    return payload


def coalesced_event(kind: str, changes: list[tuple]) -> dict:
    """The one channel-layer event for a room's changes of one interval (oldest first).
    presence: (action, user shape); reactions: (seq, counts); hands: (user shape, raised, count)."""
    if kind == PRESENCE:
        singles = [dumps(presence_payload(action, shape)) for action, shape in changes]
        if len(changes) == 1:
            return {"type": ROOM_EVENT, "text": singles[0]}
        return {"type": ROOM_EVENT, "text": dumps(presence_batch_payload(changes)), "legacy": singles}
    if kind == REACTIONS:
        singles = [dumps(reaction_payload(seq, counts)) for seq, counts in changes]
        if len(changes) == 1:
            return {"type": ROOM_EVENT, "text": singles[0]}
        return {"type": ROOM_EVENT, "text": dumps(reactions_batch_payload(changes)), "legacy": singles}
    count = changes[-1][2]  # read under the room's lock with the last change
    singles = {str(shape["id"]): dumps({"type": "hand", "user": shape, "raised": raised})
               for shape, raised, _count in changes}
    return {"type": ROOM_EVENT, "text": dumps(hands_payload(count)),
            "moderator_text": dumps(hands_payload(count, [(shape, raised) for shape, raised, _c in changes])),
            "legacy": list(singles.values()), "own": singles}


class Coalescer:
    """The coalesced frames of each room of one event loop (one server process)."""

    def __init__(self, loop):
        self.loop = loop
        self.sent_at: dict[tuple, float] = {}
        self.pending: dict[tuple, dict] = {}
        self.timers: dict[tuple, asyncio.TimerHandle] = {}
        self.tails: dict[int, asyncio.Task] = {}

    def add(self, session_id: int, kind: str, key, change: tuple) -> None:
        slot = (session_id, kind)
        now, every = self.loop.time(), coalesce_every(kind)
        if slot not in self.pending and now - self.sent_at.get(slot, float("-inf")) >= every:
            self.sent_at[slot] = now
            self._send(session_id, coalesced_event(kind, [change]))
            return
        pending = self.pending.setdefault(slot, {})
        pending.pop(key, None)  # a key's last change wins, in the order of the last changes
        pending[key] = change
        if slot not in self.timers:
            delay = max(0.0, self.sent_at.get(slot, now) + every - now)
            self.timers[slot] = self.loop.call_later(delay, self.flush, slot)

    def flush(self, slot: tuple) -> None:
        self.timers.pop(slot, None)
        changes = list(self.pending.pop(slot, {}).values())
        if changes:
            self.sent_at[slot] = self.loop.time()
            self._send(slot[0], coalesced_event(slot[1], changes))

    def _send(self, session_id: int, event: dict) -> None:
        previous = self.tails.get(session_id)
        task = self.loop.create_task(self._send_after(previous, room_group(session_id), event))
        self.tails[session_id] = task
        task.add_done_callback(lambda done: self.tails.pop(session_id, None)
                               if self.tails.get(session_id) is done else None)

    @staticmethod
    async def _send_after(previous, group: str, event: dict) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        await _agroup_send(group, event)


# Kept for callers of the earlier name.
PresenceCoalescer = Coalescer

_coalescers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_loop = None


def bind_loop() -> None:
    """The server's event loop, where room frames are coalesced (called by the consumers on connect)."""
    global _loop
    loop = asyncio.get_running_loop()
    _loop = loop
    if loop not in _coalescers:
        _coalescers[loop] = Coalescer(loop)


async def _agroup_send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.exception("live: could not send %s to %s", event.get("type"), group)


def _coalesce(session_id: int, kind: str, key, change: tuple) -> None:
    loop = _loop
    if loop is None or loop.is_closed() or not loop.is_running():
        # No server loop (a command, a sync test): at once, as its own event.
        _group_send(room_group(session_id), coalesced_event(kind, [change]))
        return
    loop.call_soon_threadsafe(_coalescers[loop].add, session_id, kind, key, change)


def broadcast_presence(session_id: int, action: str, shape: dict) -> None:
    """A user's first connection opened ("join") or their last one closed ("leave"): tell the room,
    coalesced, once the current transaction commits."""
    transaction.on_commit(lambda: _coalesce(session_id, PRESENCE, shape["id"], (action, shape)))


def broadcast_reaction(session_id: int, seq: int, counts: dict[str, int]) -> None:
    """A message's reactions changed (counts: all of them, read after the change): coalesced."""
    change = (seq, dict(counts))
    transaction.on_commit(lambda: _changed(session_id, lambda: _coalesce(session_id, REACTIONS, seq, change)))


def broadcast_hand(session_id: int, user, raised: bool, count: int) -> None:
    """Someone's hand went up or down; `count`: the hands up after it (read under the room's lock)."""
    shape = user if isinstance(user, dict) else user_payload(user)
    change = (shape, raised, count)
    transaction.on_commit(lambda: _changed(session_id, lambda: _coalesce(session_id, HANDS, shape["id"], change)))


def broadcast_removal(session_id: int, user_id: int, *, reason: str | None = None) -> None:
    """Tell every process to close the removed user's sockets in this room."""
    text = dumps(removed_payload(reason))
    transaction.on_commit(lambda: _changed(session_id, lambda: _group_send(
        room_group(session_id), {"type": ROOM_REMOVE, "user_id": user_id, "text": text})))


def broadcast_cancel(session_id: int) -> None:
    """Tell every process that the class was cancelled: the sockets of everyone but the teacher and
    organizers get `cancelled` and close (live.consumers.LiveRoomConsumer.room_cancel)."""
    text = dumps(cancelled_payload())
    transaction.on_commit(lambda: _changed(session_id, lambda: _group_send(
        room_group(session_id), {"type": ROOM_CANCEL, "text": text})))
