"""Chat messages: post (seq allocation, idempotent retries), delete, react, report."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from live import events
from live.access import RoomMember
from live.models import ChatMessage, LiveSession, MessageReport, Mute, Reaction
from live.services.blocklist import BlockedContent, camp_blocklist, content_refusal
from live.services.common import (
    camp_id_of,
    clean_client_id,
    clean_int,
    clean_text,
    lock_session,
    require_live,
    require_moderator,
    require_not_muted,
    require_poster,
)
from live.services.errors import BAD_REQUEST, LOCKED, MUTED, RATE_LIMITED, LiveError
from live.services.ratelimit import rate_bucket_take

REACTIONS = ("👍", "❤️", "😂", "👏", "🎉", "😮")
MAX_REASON = 200  # MessageReport.reason


def check_content(*, session: LiveSession, member: RoomMember, text: str) -> None:
    """Blocklist for everybody's text; from youth no contact handles, and links only where the room
    allows them. Refuses with BlockedContent, whose `reason` says which rule (word, link, contact)."""
    camp_id = member.camp_id if member.camp_id is not None else camp_id_of(session.pk)
    reason = content_refusal(camp_blocklist(camp_id), text, youth=member.is_youth,
                             links_allowed=session.links_allowed)
    if reason is not None:
        raise BlockedContent(reason)


def _lock_for_chat(session_id: int, member: RoomMember, client_id: str) -> LiveSession:
    """lock_session, with what the chat rules need about this author read in the same statement
    (one query instead of three): the seq already stored under this client_id, whether they are
    muted and, for youth (slow mode), when they last posted. The subqueries only read; the lock
    is on the room's row alone."""
    mine = ChatMessage.objects.filter(session_id=OuterRef("pk"), author_id=member.user_id)
    annotations = {
        "existing_seq": Subquery(mine.filter(client_id=client_id).values("seq")[:1]),
        "is_muted": Exists(Mute.objects.filter(session_id=OuterRef("pk"), user_id=member.user_id)),
    }
    if member.is_youth:
        annotations["last_sent_at"] = Subquery(mine.order_by("-seq").values("sent_at")[:1])
    try:
        return LiveSession.objects.select_for_update().annotate(**annotations).get(pk=session_id)
    except LiveSession.DoesNotExist:
        raise LiveError(BAD_REQUEST, "No such session.") from None


def check_slow_mode(session: LiveSession, member: RoomMember, last, now) -> None:
    if member.is_youth and session.slow_mode_seconds and last is not None:
        waited = (now - last).total_seconds()
        if waited < session.slow_mode_seconds:
            retry = max(1, int(session.slow_mode_seconds - waited + 0.999))
            raise LiveError(RATE_LIMITED, "Slow mode is on.", retry_after=retry)


def chat_message_post(*, session_id: int, member: RoomMember, text, client_id, now=None) -> tuple[ChatMessage, bool]:
    """Store a chat message and broadcast it after commit. Returns (message, created); a repeated
    client_id returns the stored message and broadcasts nothing."""
    client_id = clean_client_id(client_id)
    try:
        return _chat_message_store(session_id=session_id, member=member, text=text, client_id=client_id, now=now)
    except IntegrityError:
        # The room lock serializes posts, so a duplicate client_id is normally found before the
        # insert; the database constraint is the backstop, and a retry is still a retry.
        existing = ChatMessage.objects.filter(session_id=session_id, author_id=member.user_id,
                                              client_id=client_id).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def _chat_message_store(*, session_id: int, member: RoomMember, text, client_id: str, now) -> tuple[ChatMessage, bool]:
    # The hot path of the room: about five queries (lock + author facts, token bucket read and
    # write, seq, insert); the blocklist comes compiled from the per-camp cache and the author
    # payload from the member, so nothing is read twice. tests/live/test_queries.py holds the budget.
    now = now or timezone.now()
    session = _lock_for_chat(session_id, member, client_id)
    if session.existing_seq is not None:
        return ChatMessage.objects.get(session=session, seq=session.existing_seq), False
    require_poster(member)
    text = clean_text(text)
    require_live(session, member, open_ok_for_moderators=True)
    if session.is_muted:
        raise LiveError(MUTED, "The teacher has muted you in this room.")
    if session.chat_locked and not member.is_moderator:
        raise LiveError(LOCKED, "The chat is locked.")
    check_slow_mode(session, member, getattr(session, "last_sent_at", None), now)
    check_content(session=session, member=member, text=text)
    rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
    session.last_seq += 1
    session.save(update_fields=["last_seq"])
    message = ChatMessage(session=session, seq=session.last_seq, author_id=member.user_id, text=text,
                          client_id=client_id, sent_at=now)
    # session and author exist (the room is locked, the member was checked): skip the two FK
    # lookups; the unique constraints are the database's to enforce.
    message.full_clean(exclude=["session", "author"], validate_constraints=False)
    message.save()
    events.broadcast(session.pk, events.message_payload(message, author=member))
    return message, True


def _message(session: LiveSession, seq) -> ChatMessage:
    seq = clean_int(seq, "seq", minimum=1)
    message = ChatMessage.objects.select_related("author").filter(session=session, seq=seq).first()
    if message is None:
        raise LiveError(BAD_REQUEST, f"No message {seq} in this room.")
    return message


@transaction.atomic
def chat_message_delete(*, session_id: int, member: RoomMember, seq, now=None) -> ChatMessage:
    """Hide a message from everybody (the text stays in the database for the record)."""
    require_moderator(member)
    session = lock_session(session_id)
    message = _message(session, seq)
    if message.deleted_at is None:
        message.deleted_at = now or timezone.now()
        message.deleted_by_id = member.user_id
        message.save(update_fields=["deleted_at", "deleted_by"])
        events.broadcast(session.pk, events.deleted_payload(message.seq))
    return message


def reaction_counts(message_ids) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = (Reaction.objects.filter(message_id__in=message_ids).values("message_id", "emoji")
            .annotate(n=Count("id")).order_by("message_id", "emoji"))
    for row in rows:
        counts.setdefault(row["message_id"], {})[row["emoji"]] = row["n"]
    return counts


@transaction.atomic
def reaction_set(*, session_id: int, member: RoomMember, seq, emoji, remove=False, now=None) -> dict[str, int]:
    """Add (or with remove=True take back) one emoji on a message; broadcasts the new counts."""
    now = now or timezone.now()
    require_poster(member)
    if emoji not in REACTIONS:
        raise LiveError(BAD_REQUEST, f"emoji must be one of {' '.join(REACTIONS)}.")
    if not isinstance(remove, bool):
        raise LiveError(BAD_REQUEST, "remove must be true or false.")
    session = lock_session(session_id)
    require_live(session, member)
    message = _message(session, seq)
    if message.deleted_at is not None:
        raise LiveError(BAD_REQUEST, "That message was deleted.")
    require_not_muted(session.pk, member)
    if remove:
        changed = Reaction.objects.filter(message=message, user_id=member.user_id, emoji=emoji).delete()[0] > 0
    else:
        rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
        _reaction, changed = Reaction.objects.get_or_create(message=message, user_id=member.user_id, emoji=emoji)
    counts = reaction_counts([message.pk]).get(message.pk, {})
    if changed:
        events.broadcast_reaction(session.pk, message.seq, counts)
    return counts


@transaction.atomic
def message_report(*, session_id: int, member: RoomMember, seq, reason="", now=None) -> tuple[MessageReport, bool]:
    """Flag a message for the teacher; the room's moderators get it at once."""
    require_poster(member)
    # The same plain-text cleaning as chat (the reason reaches the teacher's screen).
    reason = clean_text(reason, limit=MAX_REASON, name="reason", allow_empty=True)
    session = LiveSession.objects.get(pk=session_id)
    require_not_muted(session.pk, member)
    message = _message(session, seq)
    if message.author_id == member.user_id:
        raise LiveError(BAD_REQUEST, "You cannot report your own message.")
    report, created = MessageReport.objects.get_or_create(
        message=message, reporter_id=member.user_id, defaults={"reason": reason, "reported_at": now or timezone.now()}
    )
    if created:
        report = MessageReport.objects.select_related("message__author", "reporter").get(pk=report.pk)
        events.broadcast(session.pk, events.report_payload(report), moderators_only=True)
    return report, created
