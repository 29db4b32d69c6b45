"""Small shared checks for the live services."""

import re

from live.access import RoomMember
from live.models import LiveSession
from live.services.errors import BAD_REQUEST, FORBIDDEN, NOT_LIVE, TOO_LONG, LiveError

MAX_TEXT = 500
# client_id is broadcast to the whole room with the message: a short token, never free text
# (UUIDs and the bundled client's ids fit).
CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# C0/C1 control characters other than newline and tab: invisible, and some terminals act on them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def lock_session(session_id: int) -> LiveSession:
    """The room's row, locked until the transaction ends: every seq allocation and every room
    setting change in one room is serialized here. (SQLite has no row locks; the settings open
    every transaction IMMEDIATE, which takes the database write lock instead.)"""
    try:
        return LiveSession.objects.select_for_update().get(pk=session_id)
    except LiveSession.DoesNotExist:
        raise LiveError(BAD_REQUEST, "No such session.") from None


def camp_id_of(session_id: int) -> int:
    return LiveSession.objects.filter(pk=session_id).values_list("group__camp_id", flat=True)[0]


def clean_text(text, *, limit: int = MAX_TEXT, name: str = "text", allow_empty: bool = False) -> str:
    """Plain text as the room stores it: newlines normalized, control characters removed,
    trimmed, non-empty (unless allow_empty) and at most `limit` characters (too_long)."""
    if not isinstance(text, str):
        raise LiveError(BAD_REQUEST, f"{name} must be a string.")
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text and not allow_empty:
        raise LiveError(BAD_REQUEST, f"{name} is empty.")
    if len(text) > limit:
        raise LiveError(TOO_LONG, f"At most {limit} characters.")
    return text


def clean_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.fullmatch(client_id):
        # Not echoed back: an error frame carries client_id only when it is a valid one.
        raise LiveError(BAD_REQUEST, "client_id must be 1 to 64 of A-Z a-z 0-9 _ . : -")
    return client_id


def clean_int(value, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    # bool is an int in Python, but true is not a seq.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or (
        maximum is not None and value > maximum
    ):
        raise LiveError(BAD_REQUEST, f"{name} must be an integer ≥ {minimum}.")
    return value


def require_poster(member: RoomMember) -> None:
    if not member.can_post:
        raise LiveError(FORBIDDEN, "Observers do not post in the room.")


def require_moderator(member: RoomMember) -> None:
    if not member.is_moderator:
        raise LiveError(FORBIDDEN, "Only the teacher and organizers do that.")


def require_live(session: LiveSession, member: RoomMember, *, open_ok_for_moderators: bool = False) -> None:
    if session.state == LiveSession.State.LIVE:
        return
    if open_ok_for_moderators and member.is_moderator and session.state == LiveSession.State.OPEN:
        return
    raise LiveError(NOT_LIVE, f"The session is {session.state}.")
