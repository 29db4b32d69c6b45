"""Questions for the teacher (with upvotes) and live polls."""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from live import events
from live.access import RoomMember
from live.models import Poll, PollVote, Question, QuestionUpvote
from live.services.chat import check_content, check_slow_mode
from live.services.common import (
    clean_client_id,
    clean_int,
    clean_text,
    lock_session,
    require_live,
    require_moderator,
    require_not_muted,
    require_poster,
)
from live.services.errors import BAD_REQUEST, LiveError
from live.services.ratelimit import rate_bucket_take

MAX_OPTIONS = 6


def question_event(question: Question) -> dict:
    upvotes = QuestionUpvote.objects.filter(question=question).count()
    return events.question_payload(question, upvotes)


@transaction.atomic
def question_ask(*, session_id: int, member: RoomMember, text, client_id, now=None) -> tuple[Question, bool]:
    """Ask the teacher a question. Same rules as chat (mute, blocklist, links, rate limit) except
    that a locked chat still takes questions. A repeated client_id returns the stored question."""
    now = now or timezone.now()
    client_id = clean_client_id(client_id)
    session = lock_session(session_id)
    existing = Question.objects.filter(session=session, author_id=member.user_id, client_id=client_id).first()
    if existing is not None:
        return existing, False
    require_poster(member)
    text = clean_text(text)
    require_live(session, member)
    require_not_muted(session.pk, member)
    if member.is_youth and session.slow_mode_seconds:
        # Slow mode slows questions as it slows chat: the gap since this youth's last question.
        last = (Question.objects.filter(session=session, author_id=member.user_id)
                .order_by("-asked_at").values_list("asked_at", flat=True).first())
        check_slow_mode(session, member, last, now)
    check_content(session=session, member=member, text=text)
    rate_bucket_take(session_id=session.pk, user_id=member.user_id, now=now)
    question = Question(session=session, author_id=member.user_id, text=text, client_id=client_id, asked_at=now)
    question.full_clean(validate_constraints=False)
    question.save()
    question = Question.objects.select_related("author__participant").get(pk=question.pk)
    events.broadcast(session.pk, question_event(question))
    return question, True


def _question(session_id: int, question_id) -> Question:
    question_id = clean_int(question_id, "question_id", minimum=1)
    question = (Question.objects.select_related("author__participant")
                .filter(session_id=session_id, pk=question_id, deleted_at__isnull=True).first())
    if question is None:
        raise LiveError(BAD_REQUEST, "No such question in this room.")
    return question


@transaction.atomic
def question_upvote(*, session_id: int, member: RoomMember, question_id, now=None) -> bool:
    """+1 a question, once per person."""
    require_poster(member)
    session = lock_session(session_id)
    require_live(session, member)
    require_not_muted(session.pk, member)
    question = _question(session_id, question_id)
    _vote, created = QuestionUpvote.objects.get_or_create(question=question, user_id=member.user_id)
    if created:
        events.broadcast(session.pk, question_event(question))
    return created


@transaction.atomic
def question_answer(*, session_id: int, member: RoomMember, question_id, now=None) -> Question:
    """The teacher marks a question answered."""
    require_moderator(member)
    lock_session(session_id)
    question = _question(session_id, question_id)
    if question.answered_at is None:
        question.answered_at = now or timezone.now()
        question.save(update_fields=["answered_at"])
        events.broadcast(session_id, question_event(question))
    return question


def poll_counts(poll: Poll) -> list[int]:
    counts = [0] * len(poll.options)
    for row in PollVote.objects.filter(poll=poll).values("option").annotate(n=Count("id")):
        if row["option"] < len(counts):
            counts[row["option"]] = row["n"]
    return counts


def poll_event(poll: Poll) -> dict:
    return events.poll_payload(poll, poll_counts(poll))


@transaction.atomic
def poll_open(*, session_id: int, member: RoomMember, question, options, now=None) -> Poll:
    """The teacher asks the room a multiple-choice question; results are live."""
    require_moderator(member)
    question = clean_text(question, limit=300)
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise LiveError(BAD_REQUEST, f"options must be a list of 2 to {MAX_OPTIONS} strings.")
    options = [clean_text(option, limit=100) for option in options]
    session = lock_session(session_id)
    require_live(session, member, open_ok_for_moderators=True)
    poll = Poll(session=session, question=question, options=options, created_by_id=member.user_id,
                opened_at=now or timezone.now())
    poll.full_clean()
    poll.save()
    events.broadcast(session.pk, poll_event(poll))
    return poll


def _poll(session_id: int, poll_id) -> Poll:
    poll_id = clean_int(poll_id, "poll_id", minimum=1)
    poll = Poll.objects.filter(session_id=session_id, pk=poll_id).first()
    if poll is None:
        raise LiveError(BAD_REQUEST, "No such poll in this room.")
    return poll


@transaction.atomic
def poll_vote(*, session_id: int, member: RoomMember, poll_id, option, now=None) -> bool:
    """One vote per person per poll; repeating the same vote is a harmless no-op."""
    require_poster(member)
    session = lock_session(session_id)
    require_live(session, member, open_ok_for_moderators=True)
    require_not_muted(session.pk, member)
    poll = _poll(session_id, poll_id)
    option = clean_int(option, "option", maximum=len(poll.options) - 1)
    if poll.closed_at is not None:
        raise LiveError(BAD_REQUEST, "This poll is closed.")
    previous = PollVote.objects.filter(poll=poll, user_id=member.user_id).first()
    if previous is not None:
        if previous.option != option:
            raise LiveError(BAD_REQUEST, "You have already voted in this poll.")
        return False
    PollVote.objects.create(poll=poll, user_id=member.user_id, option=option, voted_at=now or timezone.now())
    events.broadcast(session.pk, poll_event(poll))
    return True


@transaction.atomic
def poll_close(*, session_id: int, member: RoomMember, poll_id, now=None) -> Poll:
    require_moderator(member)
    lock_session(session_id)
    poll = _poll(session_id, poll_id)
    if poll.closed_at is None:
        poll.closed_at = now or timezone.now()
        poll.save(update_fields=["closed_at"])
        events.broadcast(session_id, poll_event(poll))
    return poll
