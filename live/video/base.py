"""The provider seam: what the room needs from a media server, whichever it is."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JoinTicket:
    """What one browser needs to enter one class's video (nothing secret): where its client
    connects, which room, what it may do, and the STUN/TURN servers to use."""

    engine: str  # "janus"
    server_path: str  # our WebSocket path the client library connects to
    room: int
    role: str  # the live.access role
    may_publish: bool  # the teacher (youth: only once invited, then audio unless camera allowed)
    ice_servers: list = field(default_factory=list)


class VideoProvider:
    """A media server as the room uses it. Every method is called by the server, after the room's
    own access check (live.access) and the services' permission checks."""

    engine = ""

    def issue_join(self, session, member) -> JoinTicket:
        """The ticket for one member's browser (refusals are the caller's: live.access)."""
        raise NotImplementedError

    def room_ensure(self, session) -> None:
        """Create the session's media room if it does not exist yet."""
        raise NotImplementedError

    def room_close(self, session) -> None:
        """Destroy the session's media room: everyone in it loses the media at once."""
        raise NotImplementedError

    def allow_speak(self, session, user_id: int, *, camera: bool) -> None:
        """The teacher invited this youth (the relay reads the invitation on every publish)."""

    def mute(self, session, user_id: int, *, muted: bool) -> None:
        """Silence (or let speak again) this person's published audio, server-side."""
        raise NotImplementedError

    def remove(self, session, user_id: int) -> None:
        """Stop this person's published feeds now (their invitation is gone already)."""
        raise NotImplementedError
