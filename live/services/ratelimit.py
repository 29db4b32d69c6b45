"""Token bucket per user per room, kept in the database so every daphne process shares it."""

import math

from django.conf import settings
from django.utils import timezone

from live.models import RateBucket
from live.services.errors import RATE_LIMITED, LiveError


def rate_settings() -> tuple[float, float]:
    burst = float(getattr(settings, "LIVE_RATE_BURST", 5))
    per_second = float(getattr(settings, "LIVE_RATE_PER_SECOND", 1.0))
    return burst, per_second


def rate_bucket_take(*, session_id: int, user_id: int, now=None) -> None:
    """Take one token or raise rate_limited with retry_after. Call inside the caller's transaction
    (the row lock serializes two processes taking from the same bucket)."""
    now = now or timezone.now()
    burst, per_second = rate_settings()
    bucket, _created = RateBucket.objects.select_for_update().get_or_create(
        session_id=session_id, user_id=user_id, defaults={"tokens": burst, "updated_at": now}
    )
    elapsed = max(0.0, (now - bucket.updated_at).total_seconds())
    tokens = min(burst, bucket.tokens + elapsed * per_second)
    if tokens < 1.0:
        wait = (1.0 - tokens) / per_second if per_second > 0 else 3600
        raise LiveError(RATE_LIMITED, "Too many messages; wait a moment.", retry_after=max(1, math.ceil(wait)))
    bucket.tokens = tokens - 1.0
    bucket.updated_at = now
    bucket.save(update_fields=["tokens", "updated_at"])
