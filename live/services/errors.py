"""The protocol's error codes, raised by services and turned into `error` frames by the consumer.

`LiveError` is the live room's `camp.errors.DomainError`: pages show its translated message like any
other refusal, and the consumer sends its code and English `detail` as the protocol's `error` frame
(docs/live-protocol.md §3). `live_error_from` maps any refusal to that frame.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from camp.errors import DomainError

BAD_REQUEST = "bad_request"
UNKNOWN_TYPE = "unknown_type"
TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
MUTED = "muted"
LOCKED = "locked"
FORBIDDEN = "forbidden"
BLOCKED_CONTENT = "blocked_content"
NOT_LIVE = "not_live"

ERROR_CODES = (BAD_REQUEST, UNKNOWN_TYPE, TOO_LONG, RATE_LIMITED, MUTED, LOCKED, FORBIDDEN, BLOCKED_CONTENT,
               NOT_LIVE)

# What a person reads for each code: the room page hands these to the JS client, a page shows them.
MESSAGES = {
    BAD_REQUEST: _("That did not work."),
    UNKNOWN_TYPE: _("That did not work."),
    TOO_LONG: _("Your message is too long (500 characters at most)."),
    RATE_LIMITED: _("Slow down a little — try again in a moment."),
    MUTED: _("The teacher has muted you."),
    LOCKED: _("The teacher has locked the chat."),
    FORBIDDEN: _("You cannot do that here."),
    BLOCKED_CONTENT: _("This message is not allowed here."),
    NOT_LIVE: _("The class has not started (or is over)."),
}


class LiveError(DomainError):
    """A refused request. `code` is one of ERROR_CODES; `detail` is an English hint for developers
    (the frame's `detail`); the message people read is the code's (MESSAGES) unless `message` says more."""

    def __init__(self, code: str, detail: str, *, retry_after: int | None = None, message=None):
        assert code in ERROR_CODES, code
        super().__init__(message or MESSAGES[code], code=code)
        self.detail = detail
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def live_error_from(error: ValidationError | PermissionDenied) -> LiveError:
    """Any refusal as the protocol's error: a LiveError as it is, a PermissionDenied as `forbidden`,
    any other ValidationError (a DomainError of a lower app, a full_clean()) as `bad_request`."""
    if isinstance(error, LiveError):
        return error
    if isinstance(error, PermissionDenied):
        return LiveError(FORBIDDEN, "You may not do this.")
    with translation.override("en"):
        detail = " ".join(str(message) for message in error.messages)
    return LiveError(BAD_REQUEST, detail or "Refused.")
