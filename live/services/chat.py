"""Chat messages: post (seq allocation, idempotent retries), delete, react, report."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from camp.models import User
from live import events
from live.access import RoomMember
from live.models import ChatMessage, LiveSession, MessageReport, Mute, Reaction
from live.services.blocklist import camp_terms, contains_link, find_blocked_term
from live.services.common import (
    camp_id_of,
    clean_client_id,
    clean_int,
    clean_text,
    lock_session,
    require_live,
    require_moderator,
    require_poster,
)
from live.services.errors import BAD_REQUEST, BLOCKED_CONTENT, LOCKED, MUTED, RATE_LIMITED, LiveError
from live.services.ratelimit import rate_bucket_take

REACTIONS = ("👍", "❤️", "😂", "👏", "🎉", "😮")


def check_content(*, session: LiveSession, member: RoomMember, text: str) -> None:
    """Blocklist for everybody's text; links only from adults unless the room allows them."""
    if find_blocked_term(text, camp_terms(camp_id_of(session.pk))):
        raise LiveError(BLOCKED_CONTENT, "This message contains a word the camp does not allow.")
    if member.is_youth and not session.links_allowed and contains_link(text):
        raise LiveError(BLOCKED_CONTENT, "Links are not allowed in this room.")


def check_can_speak(*, session: LiveSession, member: RoomMember, now, chat: bool) -> None:
    """Muted, locked (chat only), slow mode (youth), then the token bucket."""
    if Mute.objects.filter(session=session, user_id=member.user_id).exists():
        raise LiveError(MUTED, "The teacher has muted you in this room.")
    if chat and session.chat_locked and not member.is_moderator:
        raise LiveError(LOCKED, "The chat is locked.")
    if chat and member.is_youth and session.slow_mode_seconds:
        last = (ChatMessage.objects.filter(session=session, author_id=member.user_id)
                .order_by("-seq").values_list("sent_at", flat=True).first())
        if last is not None:
            waited = (now - last).total_seconds()
            if waited < session.slow_mode_seconds:
                retry = max(1, int(session.slow_mode_seconds - waited + 0.999))
                raise LiveError(RATE_LIMITED, "Slow mode is on.", retry_after=retry)


@transaction.atomic
def chat_message_post(*, session_id: int, member: RoomMember, text, client_id, now=None) -> tuple[ChatMessage, bool]:
    """Store a chat message and broadcast it after commit. Returns (message, created); a repeated
    client_id returns the stored message and broadcasts nothing."""
    now = now or timezone.now()
    client_id = clean_client_id(client_id)
    session = lock_session(session_id)
    existing = ChatMessage.objects.filter(session=session, author_id=member.user_id, client_id=client_id).first()
    if existing is not None:
        return existing, False
    require_poster(member)
    text = clean_text(text)
    require_live(session, member, open_ok_for_moderators=True)
    check_can_speak(session=session, member=member, now=now, chat=True)
    check_content(session=session, member=member, text=text)
    rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
    session.last_seq += 1
    session.save(update_fields=["last_seq"])
    message = ChatMessage(session=session, seq=session.last_seq, author_id=member.user_id, text=text,
                          client_id=client_id, sent_at=now)
    message.full_clean(validate_constraints=False)
    message.save()
    message.author = User.objects.select_related("participant").get(pk=member.user_id)
    events.broadcast(session.pk, events.message_payload(message))
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
    if Mute.objects.filter(session=session, user_id=member.user_id).exists():
        raise LiveError(MUTED, "The teacher has muted you in this room.")
    if remove:
        changed = Reaction.objects.filter(message=message, user_id=member.user_id, emoji=emoji).delete()[0] > 0
    else:
        rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
        _reaction, changed = Reaction.objects.get_or_create(message=message, user_id=member.user_id, emoji=emoji)
    counts = reaction_counts([message.pk]).get(message.pk, {})
    if changed:
        events.broadcast(session.pk, events.reaction_payload(message.seq, counts))
    return counts


@transaction.atomic
def message_report(*, session_id: int, member: RoomMember, seq, reason="", now=None) -> tuple[MessageReport, bool]:
    """Flag a message for the teacher; the room's moderators get it at once."""
    require_poster(member)
    if not isinstance(reason, str):
        raise LiveError(BAD_REQUEST, "reason must be a string.")
    reason = reason.strip()[:200]
    session = LiveSession.objects.get(pk=session_id)
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
