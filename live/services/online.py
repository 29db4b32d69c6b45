"""Who is in a room now, kept in the cache so that a join does not rebuild it from the spans.

One entry per open connection (AttendanceSpan), keyed by span id, holding the user shape of the
protocol and the join time. In production the cache is Redis and the entries are one Redis hash
per room (HSET / HDEL / HGETALL: atomic, shared by every server process); with any other cache
(local memory: one process, the tests) a dict under one cache key, changed only from the single
database thread. The database stays the record: a room whose entry is missing (cache flushed,
evicted) is rebuilt from its open spans on the next read or join, and `online_reconcile` (from the
ping path, at most once per room per 30 s) puts the entry right against the spans again: a
connection whose span closed without the cache hearing of it (a process that died) leaves it, one
the cache missed comes back.
"""

import json
import time

from django.core.cache import cache

# The room's entry outlives a class comfortably, and each join refreshes it.
ONLINE_TTL = 12 * 3600
# A field that says the hash was filled from the database once (a hash without it is rebuilt).
BUILT = "_built"
# An entry whose span the database does not show (yet) is left alone this long by online_reconcile:
# its join may still be committing on another server process.
UNSEEN_GRACE = 60


def _key(session_id: int) -> str:
    return f"live:online:{session_id}"


def _redis(key: str):
    """(redis client, full key) when the cache is Django's Redis cache, else None."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None
    full = cache.make_and_validate_key(key)
    return backend.get_client(full, write=True), full


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _spans_from_database(session_id: int, span_ids=None) -> dict[str, str]:
    """The open connections of the room as entries, read from the spans (a rebuild); only those of
    `span_ids` when given."""
    from django.utils import timezone

    from live.events import user_payload
    from live.models import AttendanceSpan, LiveSession
    from live.services.attendance import _alive

    spans = AttendanceSpan.objects.filter(_alive(timezone.now()), session_id=session_id)
    if span_ids is not None:
        spans = spans.filter(pk__in=span_ids)
    spans = spans.select_related("session", "user__participant__group")  # one query
    return {
        str(span.pk): _entry(
            user_payload(span.user, with_group=span.session.kind in LiveSession.CEREMONIES),
            span.joined_at.timestamp(),
        )
        for span in spans
    }


def _entry(shape: dict, at: float) -> str:
    return json.dumps({"u": shape, "at": at}, ensure_ascii=False, separators=(",", ":"))


def _read(session_id: int) -> dict[str, str]:
    key = _key(session_id)
    redis = _redis(key)
    if redis is not None:
        client, full = redis
        entries = {_text(k): _text(v) for k, v in client.hgetall(full).items()}
        if BUILT not in entries:
            entries = _spans_from_database(session_id)
            client.hset(full, mapping={**entries, BUILT: "1"})
            client.expire(full, ONLINE_TTL)
        entries.pop(BUILT, None)
        return entries
    entries = cache.get(key)
    if entries is None:
        entries = _spans_from_database(session_id)
        cache.set(key, entries, ONLINE_TTL)
    return entries


def online_add(*, session_id: int, span_id: int, shape: dict, at: float) -> None:
    """A connection opened (its span was just stored)."""
    key = _key(session_id)
    redis = _redis(key)
    if redis is not None:
        client, full = redis
        # One round trip. A hash not built yet then holds this entry alone: _read rebuilds it from
        # the spans, this one included (its span is stored in the same transaction).
        built, _added, _ttl = (client.pipeline(transaction=False).hexists(full, BUILT)
                               .hset(full, str(span_id), _entry(shape, at)).expire(full, ONLINE_TTL).execute())
        if not built:
            _read(session_id)
        return
    entries = _read(session_id)
    entries[str(span_id)] = _entry(shape, at)
    cache.set(key, entries, ONLINE_TTL)


def online_remove(*, session_id: int, span_ids) -> dict[int, dict]:
    """Connections closed (left, or reaped as stale). Returns the user shape of each span that was
    in the set ({span_id: shape}), as the room was shown it (a ceremony's names carry the group)."""
    fields = [str(pk) for pk in span_ids]
    if not fields:
        return {}
    key = _key(session_id)
    redis = _redis(key)
    if redis is not None:
        client, full = redis
        values = client.hmget(full, fields)
        client.hdel(full, *fields)
        found = dict(zip(fields, values, strict=True))
    else:
        entries = cache.get(key)
        found = {}
        if entries is not None:
            found = {field: entries.pop(field, None) for field in fields}
            cache.set(key, entries, ONLINE_TTL)
    return {int(field): json.loads(_text(value))["u"] for field, value in found.items() if value is not None}


def online_reconcile(session_id: int) -> tuple[int, int]:
    """Put the room's set right against its open spans (one query for the span ids, one more only
    when some are missing): entries of spans the database shows closed (or never committed, after
    UNSEEN_GRACE) go, open spans the set lacks come back. Returns (removed, added). O(room): called
    at most once per room per 30 s, never on the connect path."""
    from django.utils import timezone

    from live.models import AttendanceSpan
    from live.services.attendance import _alive

    entries = _read(session_id)
    alive = {
        str(pk)
        for pk in AttendanceSpan.objects.filter(_alive(timezone.now()), session_id=session_id).values_list(
            "pk", flat=True
        )
    }
    now = time.time()
    gone = []
    for field, value in entries.items():
        if field in alive:
            continue
        if (
            now - json.loads(value)["at"] < UNSEEN_GRACE
            and not AttendanceSpan.objects.filter(pk=field).exists()
        ):
            continue  # not committed yet, perhaps: its join is on its way
        gone.append(int(field))
    if gone:
        online_remove(session_id=session_id, span_ids=gone)
    missing = [int(field) for field in alive - set(entries)]
    if missing:
        added = _spans_from_database(session_id, missing)
        key = _key(session_id)
        redis = _redis(key)
        if redis is not None:
            client, full = redis
            client.hset(full, mapping=added)
        else:
            fresh = cache.get(key) or {}
            fresh.update(added)
            cache.set(key, fresh, ONLINE_TTL)
    return len(gone), len(missing)


def online_now(session_id: int) -> list[dict]:
    """The users connected to the room now (one shape per user, a second tab is not a second
    user), in the order they came: welcome.online. No database query unless the entry was lost."""
    parsed = []
    for field, value in _read(session_id).items():
        entry = json.loads(value)
        parsed.append((entry["at"], int(field), entry["u"]))
    parsed.sort(key=lambda row: (row[0], row[1]))
    seen, users = set(), []
    for _at, _pk, shape in parsed:
        if shape["id"] not in seen:
            seen.add(shape["id"])
            users.append(shape)
    return users


def online_connections(session_id: int) -> int:
    """How many connections the room has now (its capacity counts them): HLEN on Redis."""
    key = _key(session_id)
    redis = _redis(key)
    if redis is not None:
        client, full = redis
        built, length = client.pipeline(transaction=False).hexists(full, BUILT).hlen(full).execute()
        if built:
            return length - 1
    return len(_read(session_id))
