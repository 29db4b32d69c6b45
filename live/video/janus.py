"""The Janus VideoRoom provider: the server's own control connection to Janus.

Room creation, destruction, kicks and moderation need the room's secret (and creation the
plugin's admin_key); only this module and the relay know them. Each call opens a short Janus
session on JANUS_URL, attaches to the VideoRoom plugin, sends its requests and destroys it.
The relay records which feeds each person publishes (`feeds_note`) so that mute and stop reach
exactly that person's streams.
"""

import itertools
import json
import logging

from django.core.cache import cache
from websockets.sync.client import connect

from live.video import config
from live.video.base import JoinTicket, VideoProvider

logger = logging.getLogger(__name__)

PLUGIN = "janus.plugin.videoroom"
NO_SUCH_ROOM, ROOM_EXISTS, NO_SUCH_FEED = 426, 427, 428
FEEDS_TTL = 6 * 3600  # longer than any class
# Per publisher: 720p simulcast (three layers) fits well under this.
PUBLISHER_BITRATE = 2_500_000


class JanusError(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(f"Janus {code}: {reason}")
        self.code, self.reason = code, reason


class JanusControl:
    """`with JanusControl() as janus: janus.request({...})` — one Janus session, one VideoRoom handle."""

    def __init__(self, url: str | None = None, timeout: float = 5.0):
        self.url, self.timeout = url or config.janus_url(), timeout
        self.counter = itertools.count(1)

    def _call(self, message: dict) -> dict:
        transaction = f"qc{next(self.counter)}"
        message = {**message, "transaction": transaction, "apisecret": config.api_secret()}
        if getattr(self, "session_id", None):
            message.setdefault("session_id", self.session_id)
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=self.timeout))
            if reply.get("transaction") != transaction or reply.get("janus") == "ack":
                continue
            if reply.get("janus") == "error":
                raise JanusError(reply["error"].get("code", 0), reply["error"].get("reason", ""))
            return reply

    def __enter__(self):
        self.connection = connect(
            self.url,
            subprotocols=["janus-protocol"],
            open_timeout=self.timeout,
            close_timeout=1,
            max_size=2**20,
        )
        self.ws = self.connection.__enter__()
        try:
            self.session_id = None
            self.session_id = self._call({"janus": "create"})["data"]["id"]
            self.handle_id = self._call({"janus": "attach", "plugin": PLUGIN})["data"]["id"]
        except BaseException:
            self.connection.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        try:
            self._call({"janus": "destroy"})
        except Exception:  # the session times out in Janus anyway
            pass
        self.connection.__exit__(None, None, None)

    def request(self, body: dict) -> dict:
        """A synchronous VideoRoom request; its data, or JanusError."""
        reply = self._call({"janus": "message", "handle_id": self.handle_id, "body": body})
        data = reply.get("plugindata", {}).get("data", {})
        if "error_code" in data:
            raise JanusError(data["error_code"], data.get("error", ""))
        return data


def _feeds_key(session_id: int, user_id: int) -> str:
    return f"live:video:feeds:{session_id}:{user_id}"


def feeds_note(session_id: int, user_id: int, feed: int, *, audio_mids=None, gone: bool = False) -> None:
    """The relay's record of a person's published feeds (feed id -> its audio mids)."""
    key = _feeds_key(session_id, user_id)
    feeds = cache.get(key) or {}
    if gone:
        feeds.pop(str(feed), None)
    else:
        current = feeds.setdefault(str(feed), [])
        if audio_mids is not None:
            feeds[str(feed)] = sorted(set(audio_mids))
        else:
            feeds[str(feed)] = current
    cache.set(key, feeds, timeout=FEEDS_TTL)


def feeds_of(session_id: int, user_id: int) -> dict[str, list[str]]:
    return cache.get(_feeds_key(session_id, user_id)) or {}


class JanusProvider(VideoProvider):
    engine = "janus"

    def issue_join(self, session, member) -> JoinTicket:
        from live.video.relay import ws_path

        return JoinTicket(
            engine=self.engine,
            server_path=ws_path(session.pk),
            room=config.room_id(session.pk),
            role=member.role,
            may_publish=member.is_host,
            ice_servers=config.ice_servers(member.user_id),
        )

    def room_ensure(self, session) -> None:
        room = config.room_id(session.pk)
        with JanusControl() as janus:
            try:
                janus.request(
                    {
                        "request": "create",
                        "room": room,
                        "admin_key": config.room_admin_key(),
                        "secret": config.room_secret(room),
                        "pin": config.room_pin(room),
                        "description": f"live session {session.pk}",
                        "is_private": True,
                        "permanent": False,
                        "publishers": 6,
                        "bitrate": PUBLISHER_BITRATE,
                        "bitrate_cap": True,
                        "fir_freq": 10,
                        "audiocodec": "opus",
                        "videocodec": "vp8",
                        "notify_joining": False,
                        "record": False,
                    }
                )
            except JanusError as error:
                if error.code != ROOM_EXISTS:
                    raise

    def room_close(self, session) -> None:
        room = config.room_id(session.pk)
        with JanusControl() as janus:
            try:
                janus.request({"request": "destroy", "room": room, "secret": config.room_secret(room)})
            except JanusError as error:
                if error.code != NO_SUCH_ROOM:
                    raise

    def mute(self, session, user_id: int, *, muted: bool) -> None:
        room = config.room_id(session.pk)
        feeds = feeds_of(session.pk, user_id)
        if not feeds:
            return
        with JanusControl() as janus:
            for feed, mids in feeds.items():
                for mid in mids:
                    try:
                        janus.request(
                            {
                                "request": "moderate",
                                "room": room,
                                "secret": config.room_secret(room),
                                "id": int(feed),
                                "mid": mid,
                                "mute": muted,
                            }
                        )
                    except JanusError as error:
                        if error.code not in (NO_SUCH_ROOM, NO_SUCH_FEED):
                            raise

    def remove(self, session, user_id: int) -> None:
        room = config.room_id(session.pk)
        feeds = feeds_of(session.pk, user_id)
        if not feeds:
            return
        with JanusControl() as janus:
            for feed in feeds:
                try:
                    janus.request(
                        {"request": "kick", "room": room, "secret": config.room_secret(room), "id": int(feed)}
                    )
                except JanusError as error:
                    if error.code not in (NO_SUCH_ROOM, NO_SUCH_FEED):
                        raise
                feeds_note(session.pk, user_id, int(feed), gone=True)
