"""The browser's Janus API, relayed: janus.js connects to OUR socket /ws/live/<id>/video/
(subprotocol "janus-protocol"), never to Janus.

Every request is checked before it is forwarded (`RelayFilter.check`):
- only the Janus verbs janus.js needs (create, attach, message, trickle, keepalive, detach,
  hangup, destroy), one Janus session per socket, its own handles only, the VideoRoom plugin only;
- VideoRoom requests by role: everyone subscribes (join as subscriber, start, configure a
  subscription, switch, pause...); only the session's teacher publishes, and a youth only while
  the teacher's invitation lasts, with an offer that sends no video unless their guardian allowed
  the camera; create/destroy/edit/kick/moderate/recording/forwarding are never the browser's;
- the room is always this session's; the client's secrets, pins, tokens, ids, file names and
  recording flags are dropped; the API secret and the room pin are added here.
Janus's answers go back unchanged (they carry no secret). The relay also watches them: the first
`webrtcup` starts the person's attendance span (media flows: they are watching), keepalives
refresh it; a publisher's feed ids and audio mids are noted so that the teacher's mute and stop
reach exactly that person (live.video.janus).

The socket closes (4403) when the room's own rules say the person may no longer be here: a
removal or a revocation (the room's channel-layer events), the class ending or cancelled (the
VideoRoom is destroyed too), or the periodic re-check of live.access.
"""

import asyncio
import json
import logging
import re
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.cache import cache
from websockets.asyncio.client import connect as ws_connect

from live import events
from live.access import MODERATORS, get_session, member_again, member_for
from live.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_NOT_LOGGED_IN,
    CLOSE_RATE_LIMITED,
    CLOSE_TOO_BIG,
    TokenBucket,
    connection_allowed,
)
from live.models import LiveSession
from live.video import config
from live.video.janus import PLUGIN, feeds_note

logger = logging.getLogger(__name__)

SUBPROTOCOL = "janus-protocol"
CLOSE_UNAVAILABLE = 4503  # Janus cannot be reached
MAX_FRAME_BYTES = 64 * 1024
MAX_HANDLES = 12  # a teacher's two feeds and a subscription per feed, with room to spare
FRAME_BURST, FRAME_RATE, REFUSALS = 120, 20.0, 40  # ICE candidates come in bursts
RECHECK_EVERY = 30  # seconds
VIDEO_STATES = (LiveSession.State.OPEN, LiveSession.State.LIVE)
# Channel-layer message types sent to the room's group (live.events.room_group).
VIDEO_CLOSE, VIDEO_STOP = "video.close", "video.stop"

VERBS = {"create", "attach", "message", "trickle", "keepalive", "detach", "hangup", "destroy"}
HANDLE_VERBS = {"message", "trickle", "detach", "hangup"}
# Never taken from the browser: the server's secrets, recording, file names, forwarding, ids.
STRIPPED = {
    "apisecret",
    "token",
    "secret",
    "admin_key",
    "pin",
    "new_secret",
    "new_pin",
    "allowed",
    "record",
    "filename",
    "rec_dir",
    "id",
    "permanent",
    "host",
    "port",
    "rtp_forward",
    "display",
}
SUBSCRIBER_ONLY = {"start", "pause", "switch", "subscribe", "unsubscribe", "update"}
PUBLISHER_ONLY = {"publish", "unpublish"}
NEW, PUBLISHER, SUBSCRIBER = "new", "publisher", "subscriber"


class Refused(Exception):
    def __init__(self, reason: str, code: int = 403):
        super().__init__(reason)
        self.reason, self.code = reason, code


def ws_path(session_id: int) -> str:
    return f"/ws/live/{session_id}/video/"


def sdp_sends_video(sdp: str) -> bool:
    """Whether an SDP offer has a video section that sends (port not 0, not recvonly/inactive)."""
    sends = False
    section, port, direction = None, None, "sendrecv"
    for line in re.split(r"\r?\n", sdp or "") + ["m=end 0"]:
        if line.startswith("m="):
            if section == "video" and port != "0" and direction in ("sendrecv", "sendonly"):
                sends = True
            parts = line[2:].split()
            section, port, direction = (
                (parts[0] if parts else ""),
                (parts[1] if len(parts) > 1 else "0"),
                "sendrecv",
            )
        elif line in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"):
            direction = line[2:]
    return sends


def sdp_sends_media(sdp: str) -> bool:
    """Whether an SDP has any audio or video section that sends."""
    sending = False
    section, port, direction = None, None, "sendrecv"
    for line in re.split(r"\r?\n", sdp or "") + ["m=end 0"]:
        if line.startswith("m="):
            if section in ("audio", "video") and port != "0" and direction in ("sendrecv", "sendonly"):
                sending = True
            parts = line[2:].split()
            section, port, direction = (
                (parts[0] if parts else ""),
                (parts[1] if len(parts) > 1 else "0"),
                "sendrecv",
            )
        elif line in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"):
            direction = line[2:]
    return sending


class Speak:
    """What this person may publish now: nothing (None), audio, or audio and camera."""

    def __init__(self, camera: bool):
        self.camera = camera


class RelayFilter:
    """The request check of one socket: its Janus session, its handles and what each handle is."""

    def __init__(self, *, room: int, role: str, name: str):
        self.room, self.role, self.name = room, role, name
        self.session_id = None
        self.creating = None  # transaction of the pending create
        self.attaching: dict[str, bool] = {}  # transaction -> pending attach
        self.handles: dict[int, str] = {}  # handle id -> NEW / PUBLISHER / SUBSCRIBER

    def needs_speak(self, message) -> bool:
        """Whether checking this request needs the person's right to speak (a database read)."""
        if not isinstance(message, dict) or message.get("janus") != "message":
            return False
        body = message.get("body")
        if not isinstance(body, dict):
            return False
        request = body.get("request")
        kind = self.handles.get(message.get("handle_id"))
        if request == "joinandconfigure":
            return True
        if request == "join":
            return body.get("ptype") == "publisher" and message.get("jsep") is not None
        if request in ("publish", "configure"):
            return kind == PUBLISHER
        return False

    def check(self, message, *, speak: Speak | None = None) -> dict:
        """The message to forward to Janus, or Refused."""
        if not isinstance(message, dict):
            raise Refused("A request is a JSON object.", 400)
        verb = message.get("janus")
        transaction = message.get("transaction")
        if not isinstance(transaction, str) or not 0 < len(transaction) <= 64:
            raise Refused("Every request has a transaction.", 400)
        if verb not in VERBS:
            raise Refused(f"{str(verb)[:20]!r} is not allowed here.")
        out = {"janus": verb, "transaction": transaction, "apisecret": config.api_secret()}
        if verb == "create":
            if self.session_id is not None or self.creating is not None:
                raise Refused("One Janus session per connection.")
            self.creating = transaction
            return out
        if self.session_id is None or message.get("session_id") != self.session_id:
            raise Refused("Not your session.")
        out["session_id"] = self.session_id
        if verb in ("keepalive", "destroy"):
            return out
        if verb == "attach":
            if message.get("plugin") != PLUGIN:
                raise Refused("Only the video room.")
            if len(self.handles) + len(self.attaching) >= MAX_HANDLES:
                raise Refused("Too many handles.", 429)
            self.attaching[transaction] = True
            out["plugin"] = PLUGIN
            if isinstance(message.get("opaque_id"), str):
                out["opaque_id"] = message["opaque_id"][:64]
            return out
        handle = message.get("handle_id")
        if not isinstance(handle, int) or isinstance(handle, bool) or handle not in self.handles:
            raise Refused("Not your handle.")
        out["handle_id"] = handle
        if verb == "trickle":
            for key in ("candidate", "candidates"):
                if key in message:
                    out[key] = message[key]
            return out
        if verb in ("detach", "hangup"):
            return out
        return self._message(message, out, handle, speak)

    def _message(self, message, out, handle, speak):
        body = message.get("body")
        if not isinstance(body, dict) or not isinstance(body.get("request"), str):
            raise Refused("A message has a body with a request.", 400)
        request = body["request"]
        if "room" in body and body["room"] != self.room:
            raise Refused("Not this class's room.")
        clean = {key: value for key, value in body.items() if key not in STRIPPED}
        kind = self.handles[handle]
        jsep = message.get("jsep")
        if jsep is not None and (
            not isinstance(jsep, dict)
            or jsep.get("type") not in ("offer", "answer")
            or not isinstance(jsep.get("sdp"), str)
        ):
            raise Refused("A jsep is an offer or an answer.", 400)
        publishing = False
        if request in ("join", "joinandconfigure"):
            ptype = body.get("ptype")
            if kind != NEW:
                raise Refused("This handle has joined already.")
            if ptype == "publisher":
                # Everyone joins once as a participant that sends nothing, to hear who publishes;
                # sending media (an offer, joinandconfigure, publish, configure) needs the right.
                publishing = request == "joinandconfigure" or jsep is not None
                clean["display"] = self.name[:64]
                clean["pin"] = config.room_pin(self.room)
            elif ptype == "subscriber" and request == "join":
                clean["pin"] = config.room_pin(self.room)
            else:
                raise Refused("Join as publisher or subscriber.", 400)
            clean["room"] = self.room
        elif request == "listparticipants":
            clean["room"] = self.room
        elif request in PUBLISHER_ONLY:
            if kind != PUBLISHER:
                raise Refused("Not a publisher handle.")
            publishing = request == "publish"
        elif request == "configure":
            if kind == PUBLISHER:
                publishing = True
            elif kind != SUBSCRIBER:
                raise Refused("Join first.")
        elif request in SUBSCRIBER_ONLY:
            if kind != SUBSCRIBER:
                raise Refused("Not a subscription.")
        elif request == "leave":
            if kind == NEW:
                raise Refused("Join first.")
        else:
            raise Refused(f"{request[:20]!r} is not allowed here.")
        if publishing and speak is None:
            raise Refused("Only the teacher publishes; youth speak when the teacher invites them.")
        if jsep is not None:
            if kind == SUBSCRIBER and jsep["type"] != "answer":
                raise Refused("A subscription answers; it does not offer.")
            if kind != SUBSCRIBER and not publishing:
                raise Refused("Only a publisher sends an offer.")
            if (
                kind != SUBSCRIBER
                and jsep["type"] == "offer"
                and not speak.camera
                and sdp_sends_video(jsep["sdp"])
            ):
                raise Refused("Microphone only: the camera is not allowed for you.")
            if kind == SUBSCRIBER and sdp_sends_media(jsep["sdp"]):
                raise Refused("A subscription does not send media.")
            out["jsep"] = {"type": jsep["type"], "sdp": jsep["sdp"]}
            if isinstance(jsep.get("e2ee"), bool):
                out["jsep"]["e2ee"] = jsep["e2ee"]
        if request in ("join", "joinandconfigure"):
            self.handles[handle] = PUBLISHER if body.get("ptype") == "publisher" else SUBSCRIBER
        out["body"] = clean
        return out

    def seen(self, reply: dict) -> None:
        """Learn the session and handle ids from Janus's answers."""
        transaction = reply.get("transaction")
        if reply.get("janus") == "success" and isinstance(reply.get("data"), dict):
            if transaction == self.creating:
                self.session_id, self.creating = reply["data"].get("id"), None
            elif self.attaching.pop(transaction, None):
                self.handles[reply["data"].get("id")] = NEW
        elif reply.get("janus") == "error":
            if transaction == self.creating:
                self.creating = None
            self.attaching.pop(transaction, None)
        elif reply.get("janus") == "detached":
            self.handles.pop(reply.get("sender"), None)


def refusal(message, error: Refused) -> dict:
    transaction = message.get("transaction") if isinstance(message, dict) else None
    reply = {
        "janus": "error",
        "transaction": transaction if isinstance(transaction, str) else None,
        "error": {"code": error.code, "reason": error.reason},
    }
    if isinstance(message, dict) and "session_id" in message:
        reply["session_id"] = message["session_id"]
    return reply


# --- database steps (sync) -------------------------------------------------------------------


def _admit(user, session_id):
    """(session, member) or (None, close code)."""
    session = get_session(session_id)
    if session is None:
        return None, CLOSE_NOT_FOUND
    member = member_for(user, session)
    if member is None or session.state not in VIDEO_STATES:
        return None, CLOSE_FORBIDDEN
    return (session, member), None


def _still_in(user_id, session_id):
    member = member_again(user_id, session_id)
    if member is None:
        return None
    state = LiveSession.objects.filter(pk=session_id).values_list("state", flat=True).first()
    return member if state in VIDEO_STATES else None


def _speak(member, session_id) -> Speak | None:
    if member.is_host:
        return Speak(camera=True)
    from live.video.services import speak_right

    return speak_right(session_id=session_id, user_id=member.user_id)


def _room_ensure(session):
    key = f"live:video:room:{session.pk}"
    if cache.get(key):
        return
    from live.video import provider

    provider().room_ensure(session)
    cache.set(key, 1, timeout=60)


class VideoRelayConsumer(AsyncWebsocketConsumer):
    session = member = upstream = reader = None
    span_id = None
    gone = False

    async def connect(self):
        user = self.scope.get("user")
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        if user is None or not user.is_authenticated:
            return await self.refuse(CLOSE_NOT_LOGGED_IN)
        if not config.enabled():
            return await self.refuse(CLOSE_NOT_FOUND)
        if not await connection_allowed(user.pk):
            return await self.refuse(CLOSE_RATE_LIMITED)
        admitted, code = await database_sync_to_async(_admit)(user, session_id)
        if admitted is None:
            return await self.refuse(code)
        self.session, self.member = admitted
        self.user = user
        try:
            await database_sync_to_async(_room_ensure)(self.session)
            self.upstream = await ws_connect(
                config.janus_url(), subprotocols=[SUBPROTOCOL], open_timeout=5, max_size=2**20
            )
        except Exception:
            logger.exception("live video: Janus unreachable at %s", config.janus_url())
            self.session = None
            return await self.refuse(CLOSE_UNAVAILABLE)
        self.filter = RelayFilter(
            room=config.room_id(self.session.pk), role=self.member.role, name=self.member.name
        )
        self.frames = TokenBucket(FRAME_BURST, FRAME_RATE)
        self.refusals = TokenBucket(REFUSALS, FRAME_RATE)
        self.checked_at = self.touched_at = time.monotonic()
        self.joined: dict[int, int] = {}  # publisher handle -> participant id
        self.feeds: dict[int, int] = {}  # publishing handle -> feed id
        await self.channel_layer.group_add(events.room_group(self.session.pk), self.channel_name)
        await self.accept(subprotocol=SUBPROTOCOL)
        self.reader = asyncio.create_task(self.read_upstream())

    async def refuse(self, code):
        await self.accept(subprotocol=SUBPROTOCOL)
        await self.close(code=code)

    async def disconnect(self, code):
        if self.session is None:
            return
        self.gone = True
        await self.channel_layer.group_discard(events.room_group(self.session.pk), self.channel_name)
        if self.reader is not None:
            self.reader.cancel()
        if self.upstream is not None:
            try:
                if self.filter.session_id is not None:
                    await self.upstream.send(
                        json.dumps(
                            {
                                "janus": "destroy",
                                "transaction": "bye",
                                "session_id": self.filter.session_id,
                                "apisecret": config.api_secret(),
                            }
                        )
                    )
                await self.upstream.close()
            except Exception:
                pass
        for feed in list(self.feeds.values()):
            await database_sync_to_async(feeds_note)(self.session.pk, self.member.user_id, feed, gone=True)
        if self.span_id is not None:
            from live.services import attendance_leave

            await database_sync_to_async(attendance_leave)(span_id=self.span_id)
            self.span_id = None

    async def leave(self, code=CLOSE_FORBIDDEN):
        """Close this socket (and with it the Janus session: every stream of this person stops)."""
        if self.gone:
            return
        self.gone = True
        await self.close(code=code)

    # --- browser -> Janus ------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.session is None or self.gone:
            return
        size = (
            len(text_data.encode("utf-8", "surrogatepass"))
            if text_data is not None
            else len(bytes_data or b"")
        )
        if size > MAX_FRAME_BYTES:
            return await self.leave(CLOSE_TOO_BIG)
        message = None
        try:
            if not self.frames.take():
                if not self.refusals.take():
                    return await self.leave(CLOSE_RATE_LIMITED)
                raise Refused("Too many requests; wait a moment.", 429)
            try:
                message = json.loads(text_data) if text_data is not None else None
            except (ValueError, RecursionError):
                raise Refused("Requests are JSON.", 400) from None
            if time.monotonic() - self.checked_at > RECHECK_EVERY and not await self.recheck():
                return
            speak = None
            if self.filter.needs_speak(message):
                speak = await database_sync_to_async(_speak)(self.member, self.session.pk)
            forward = self.filter.check(message, speak=speak)
        except Refused as error:
            if error.code == 403 and not self.refusals.take():
                return await self.leave(CLOSE_RATE_LIMITED)
            await self.send(text_data=json.dumps(refusal(message, error)))
            return
        if forward["janus"] == "keepalive":
            await self.touch()
        await self.record_flag(message, forward)
        await self.upstream.send(json.dumps(forward))

    async def record_flag(self, message, forward):
        """The teacher records (or stops recording) a feed of theirs: `record` in a publisher's
        configure. The relay names the files; nobody else's `record` ever reaches Janus."""
        body = forward.get("body")
        if (
            not self.member.is_host
            or forward["janus"] != "message"
            or not isinstance(body, dict)
            or body.get("request") != "configure"
            or self.filter.handles.get(forward.get("handle_id")) != PUBLISHER
        ):
            return
        record = message["body"].get("record")
        if not isinstance(record, bool):
            return
        from live.video.recordings import recording_start, recording_stop

        body["record"] = record
        if record:
            body["filename"] = await database_sync_to_async(recording_start)(
                session_id=self.session.pk, member=self.member
            )
        else:
            await database_sync_to_async(recording_stop)(session_id=self.session.pk)

    # --- Janus -> browser ------------------------------------------------------------------------

    async def read_upstream(self):
        try:
            async for text in self.upstream:
                try:
                    reply = json.loads(text)
                except ValueError:
                    continue
                if isinstance(reply, dict):
                    self.filter.seen(reply)
                    await self.watch(reply)
                await self.send(text_data=text if isinstance(text, str) else text.decode())
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.info("live video: Janus connection of user %s lost", self.member.user_id)
        if not self.gone:
            await self.leave(CLOSE_UNAVAILABLE)

    async def watch(self, reply: dict):
        kind = reply.get("janus")
        if kind == "webrtcup" and self.span_id is None:
            from live.services import attendance_join

            # The room shows them as the chat does (a ceremony's names carry the group).
            span, _first = await database_sync_to_async(attendance_join)(
                session_id=self.session.pk, user=self.user, channel_name=self.channel_name,
                shape=events.member_payload(self.member),
            )
            self.span_id = span.pk
        sender = reply.get("sender")
        data = (reply.get("plugindata") or {}).get("data") or {}
        if not isinstance(data, dict) or self.filter.handles.get(sender) != PUBLISHER:
            return
        if data.get("videoroom") == "joined" and isinstance(data.get("id"), int):
            self.joined[sender] = data["id"]
        streams = data.get("streams")
        if sender in self.joined and isinstance(streams, list) and streams:
            # A handle that publishes (its configure answered with streams): noted for mute and stop.
            self.feeds[sender] = self.joined[sender]
            mids = [s.get("mid") for s in streams if isinstance(s, dict) and s.get("type") == "audio"]
            await database_sync_to_async(feeds_note)(
                self.session.pk,
                self.member.user_id,
                self.feeds[sender],
                audio_mids=[m for m in mids if isinstance(m, str)],
            )

    # --- checks ----------------------------------------------------------------------------------

    async def touch(self):
        now = time.monotonic()
        if now - self.touched_at < RECHECK_EVERY:
            return
        self.touched_at = now
        if not await self.recheck():
            return
        if self.span_id is not None:
            from live.services import attendance_touch

            await database_sync_to_async(attendance_touch)(span_id=self.span_id)

    async def recheck(self) -> bool:
        self.checked_at = time.monotonic()
        member = await database_sync_to_async(_still_in)(self.member.user_id, self.session.pk)
        if member is None:
            await self.leave()
            return False
        self.member = member
        return True

    # --- the room's channel-layer events -----------------------------------------------------------

    async def dispatch(self, message):
        if message["type"] == "room.event":  # chat traffic: only a late re-check, no database hop
            if (
                self.member is not None
                and not self.gone
                and time.monotonic() - self.checked_at > 2 * RECHECK_EVERY
            ):
                await self.recheck()
            return
        await super().dispatch(message)

    async def room_remove(self, event):
        if self.member is not None and event.get("user_id") == self.member.user_id:
            await self.leave()

    async def room_cancel(self, event):
        if self.member is not None and self.member.role not in MODERATORS:
            await self.leave()

    async def video_close(self, event):
        await self.leave()

    async def video_stop(self, event):
        """The teacher stopped this person speaking: hang up their publishing handles now."""
        if self.member is None or event.get("user_id") != self.member.user_id or self.gone:
            return
        for handle in list(self.feeds):
            if handle in self.filter.handles:
                await self.upstream.send(
                    json.dumps(
                        {
                            "janus": "message",
                            "transaction": f"stop{handle}",
                            "session_id": self.filter.session_id,
                            "handle_id": handle,
                            "apisecret": config.api_secret(),
                            "body": {"request": "unpublish"},
                        }
                    )
                )
