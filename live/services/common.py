"""Small shared checks for the live services."""

import re
import unicodedata

from live.access import RoomMember
from live.models import LiveSession
from live.services.errors import BAD_REQUEST, FORBIDDEN, MUTED, NOT_LIVE, TOO_LONG, LiveError

MAX_TEXT = 500
# client_id is broadcast to the whole room with the message: a short token, never free text
# (UUIDs and the bundled client's ids fit).
CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# C0/C1 control characters other than newline and tab: invisible, and some terminals act on them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A lone (unpaired) UTF-16 surrogate: JSON lets a client write "\ud800", Python keeps it in the str,
# and no UTF-8 encoder (the database's, the socket's) can write it.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Integers a client may send (ids, seqs, indexes): JavaScript's safe integers. Larger ones do not fit
# the database's integer columns (SQLite raised OverflowError at 2**63).
MAX_INT = 2 ** 53 - 1
# Nesting deeper than this is refused before anything looks at the frame (json.loads itself raised
# RecursionError at about 1,000 levels).
MAX_DEPTH = 16


def lock_session(session_id: int) -> LiveSession:
    """The room's row, locked until the transaction ends: every seq allocation and every room
    setting change in one room is serialized here. (SQLite has no row locks; the settings open
    every transaction IMMEDIATE, which takes the database write lock instead.)"""
    try:
        return LiveSession.objects.select_for_update().get(pk=session_id)
    except LiveSession.DoesNotExist:
        raise LiveError(BAD_REQUEST, "No such session.") from None


def camp_id_of(session_id: int) -> int:
    group_camp, phase_camp = LiveSession.objects.filter(pk=session_id).values_list(
        "group__camp_id", "phase__camp_id")[0]
    return group_camp if group_camp is not None else phase_camp


def check_unicode(text: str, name: str = "text") -> None:
    """Refuse (bad_request) a string no encoder can write: one with a lone surrogate. Every string of
    every frame goes through here (check_frame), and every stored text again (clean_text)."""
    if _SURROGATE_RE.search(text):
        raise LiveError(BAD_REQUEST, f"{name} is not valid Unicode (a lone surrogate).")


def check_frame(frame) -> None:
    """The whole parsed frame, before any handler reads it (iteratively: no recursion to exhaust):
    nested at most MAX_DEPTH levels, no string (key or value) with a lone surrogate, no integer
    outside ±MAX_INT. Refuses with bad_request."""
    stack = [(frame, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LiveError(BAD_REQUEST, f"Frames nest at most {MAX_DEPTH} levels.")
        if isinstance(value, str):
            check_unicode(value, "a string")
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -MAX_INT <= value <= MAX_INT:
                raise LiveError(BAD_REQUEST, f"Integers are at most {MAX_INT} in size.")
        elif isinstance(value, dict):
            for key, item in value.items():
                check_unicode(key, "a key")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def clean_text(text, *, limit: int = MAX_TEXT, name: str = "text", allow_empty: bool = False) -> str:
    """Plain text as the room stores it -- the one check of every text a client sends (chat,
    questions, report reasons, poll questions and options): a string (bad_request), valid Unicode
    (no lone surrogate: bad_request), newlines normalized to \\n, no control character other than
    newline and tab (bad_request), NFC, trimmed, non-empty unless allow_empty (bad_request) and at
    most `limit` characters (too_long)."""
    if not isinstance(text, str):
        raise LiveError(BAD_REQUEST, f"{name} must be a string.")
    check_unicode(text, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL_RE.search(text):
        raise LiveError(BAD_REQUEST, f"{name} has control characters (only newline and tab are allowed).")
    text = unicodedata.normalize("NFC", text).strip()
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


def clean_int(value, name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    # bool is an int in Python, but true is not a seq. Never above MAX_INT: the database's columns
    # cannot hold more (an OverflowError, not a refusal).
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or value > min(maximum, MAX_INT):
        raise LiveError(BAD_REQUEST, f"{name} must be an integer ≥ {minimum}.")
    return value


def require_not_muted(session_id: int, member: RoomMember) -> None:
    """A muted person takes no part: no chat, questions, upvotes, votes, reactions, reports or hands."""
    from live.models import Mute

    if Mute.objects.filter(session_id=session_id, user_id=member.user_id).exists():
        raise LiveError(MUTED, "The teacher has muted you in this room.")


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
