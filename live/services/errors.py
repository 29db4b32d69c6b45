"""The protocol's error codes, raised by services and turned into `error` frames by the consumer."""

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


class LiveError(Exception):
    """A refused request. `detail` is an English hint for developers; clients show their own
    (translated) text for each code."""

    def __init__(self, code: str, detail: str, *, retry_after: int | None = None):
        assert code in ERROR_CODES, code
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
