"""Reads for the live room: what a newcomer gets (welcome), what a resuming client missed
(history), and the links on home pages."""

import datetime
import time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from live import events
from live.access import RoomMember
from live.models import (
    ChatMessage,
    LiveSession,
    MessageReport,
    Mute,
    Poll,
    PollVote,
    Question,
    QuestionUpvote,
    RaisedHand,
    Removal,
)
from live.services.chat import reaction_counts
from live.services.online import online_now

WELCOME_HISTORY = 50
RESUME_LIMIT = 500
WELCOME_QUESTIONS = 50
WELCOME_POLLS = 10

# Pages this app adds to the navigation, per role: {"coordinator": [("url-name", _("Label"))]}.
NAVIGATION: dict = {
    "teacher": [("live:sessions", _("Live classes"))],
    "organizer": [("live:sessions", _("Live classes")), ("live:blocklist_index", _("Chat filter"))],
    "coordinator": [("live:sessions", _("Live classes"))],
}


def message_payloads(messages, *, with_group: bool = False) -> list[dict]:
    messages = list(messages)
    counts = reaction_counts([m.pk for m in messages if m.deleted_at is None])
    return [events.message_payload(m, counts.get(m.pk), with_group=with_group) for m in messages]


def _messages(session_id: int):
    return ChatMessage.objects.filter(session_id=session_id).select_related("author__participant__group")


def history_after(session_id: int, after: int) -> tuple[list[dict] | None, int]:
    """Messages with seq > after, oldest first, and the room's last seq; None when more than
    RESUME_LIMIT are missing (the client reloads instead)."""
    last_seq, kind = LiveSession.objects.filter(pk=session_id).values_list("last_seq", "kind")[0]
    if last_seq - after > RESUME_LIMIT:
        return None, last_seq
    messages = _messages(session_id).filter(seq__gt=after, seq__lte=last_seq).order_by("seq")
    return message_payloads(messages, with_group=kind in LiveSession.CEREMONIES), last_seq


def last_seq_of(session_id: int) -> int:
    return LiveSession.objects.filter(pk=session_id).values_list("last_seq", flat=True)[0]


def poll_counts_for(polls: list[Poll]) -> dict[int, list[int]]:
    """Vote counts per option for each poll: {poll_id: [n0, n1, …]}, one query for all of them."""
    counts = {poll.pk: [0] * len(poll.options) for poll in polls}
    rows = (PollVote.objects.filter(poll__in=[poll.pk for poll in polls]).values("poll_id", "option")
            .annotate(n=Count("id")).order_by())
    for row in rows:
        options = counts[row["poll_id"]]
        if row["option"] < len(options):
            options[row["option"]] = row["n"]
    return counts


# The newcomers' shared part of the welcome, per process: {(session, version, last_seq): (built, part)}.
# Kept SHARED_TTL seconds at most: the version is exact for changes made through live.services,
# and the TTL bounds what a change made elsewhere (a name edited, the admin) can stay unseen.
SHARED_TTL = 2.0
_shared: dict = {}


def _shared_part(session: LiveSession) -> dict:
    """History, hands, questions (without the viewer's upvote) and polls (without their vote): the
    same for everyone in the room at one version and last_seq."""
    recent = list(_messages(session.pk).filter(seq__lte=session.last_seq).order_by("-seq")[:WELCOME_HISTORY])
    recent.reverse()
    hands = [events.user_payload(h.user) for h in
             RaisedHand.objects.filter(session=session).select_related("user__participant")]
    questions = list(Question.objects.filter(session=session, deleted_at__isnull=True)
                     .select_related("author__participant").annotate(n=Count("upvotes"))
                     .order_by("-asked_at")[:WELCOME_QUESTIONS])
    polls = list(Poll.objects.filter(session=session).order_by("-opened_at")[:WELCOME_POLLS])
    counts = poll_counts_for(polls)
    return {
        "history": message_payloads(recent, with_group=session.is_ceremony),
        "hands": hands,
        "questions": [events.question_shape(q, q.n) for q in reversed(questions)],
        "polls": [events.poll_shape(p, counts[p.pk]) for p in reversed(polls)],
    }


def shared_part(session: LiveSession) -> dict:
    """_shared_part(), built once per room version and last_seq in this process (a deep copy is
    not needed: welcome_for copies the shapes it adds the viewer's own marks to)."""
    now = time.monotonic()
    key = (session.pk, events.room_version(session.pk), session.last_seq)
    found = _shared.get(key)
    if found is not None and now - found[0] < SHARED_TTL:
        return found[1]
    part = _shared_part(session)
    for old in [k for k, (built, _part) in list(_shared.items()) if now - built >= SHARED_TTL]:
        _shared.pop(old, None)
    _shared[key] = (now, part)
    return part


def forget_shared_parts() -> None:
    """Drop this process's shared parts (tests: a rolled-back database reuses primary keys)."""
    _shared.clear()


def welcome_for(session: LiveSession, member: RoomMember, now=None, *, fresh: bool = False) -> dict:
    """What a newcomer is sent. fresh=True: `session` was read after the socket joined the room's
    group (the handshake's hop), so its last_seq bounds the history and a message committed after
    it reaches the socket live; otherwise the row is read again. The part that is the same for
    everyone comes from shared_part(); the viewer's own marks (muted, upvotes, votes) are read here."""
    if not fresh:
        session = LiveSession.objects.select_related("lesson", "plan_item__lesson").get(pk=session.pk)
    shared = shared_part(session)
    question_ids = [q["id"] for q in shared["questions"]]
    poll_ids = [p["id"] for p in shared["polls"]]
    upvoted = set(QuestionUpvote.objects.filter(question_id__in=question_ids, user_id=member.user_id)
                  .values_list("question_id", flat=True)) if question_ids else set()
    votes = dict(PollVote.objects.filter(poll_id__in=poll_ids, user_id=member.user_id)
                 .values_list("poll_id", "option")) if poll_ids else {}
    reports = removed = None
    if member.is_moderator:
        reports = [events.report_shape(r) for r in MessageReport.objects.filter(
            message__session=session, resolved_at__isnull=True).select_related(
            "message__author__participant", "reporter__participant")[:100]]
        removed = [events.user_payload(r.user) for r in Removal.objects.filter(session=session)
                   .select_related("user__participant").order_by("created_at", "pk")]
    return events.welcome_payload(
        session=session,
        member=member,
        muted=Mute.objects.filter(session=session, user_id=member.user_id).exists(),
        last_seq=session.last_seq,
        history=shared["history"],
        # The room's online set in the cache: no query, whatever the room's size (Finding 2).
        online=online_now(session.pk),
        hands=shared["hands"],
        questions=[{**q, "upvoted": q["id"] in upvoted} for q in shared["questions"]],
        polls=[{**p, "voted": votes.get(p["id"])} for p in shared["polls"]],
        reports=reports,
        removed=removed,
    )


def ceremonies_for_groups(groups):
    """The ceremonies of the phases these groups are approved for (a queryset)."""
    from camp.models import Enrollment

    phases = Enrollment.objects.filter(group__in=groups, status=Enrollment.Status.APPROVED).values("phase")
    return LiveSession.objects.filter(kind__in=LiveSession.CEREMONIES, phase__in=phases)


STARTING_SOON = datetime.timedelta(hours=2)


def rooms_today_for_group(group_id: int, now=None) -> list[LiveSession]:
    """The group's sessions a youth can walk into today: open or live now, or starting later today
    (in the group's own day) or within the next STARTING_SOON (a class at 00:10 is on the list at
    23:50); today's cancelled classes too, shown as cancelled. The ceremonies of the group's phase
    are among them (shown at the one time, in the group's day)."""
    from camp.models import Group

    now = now or timezone.now()
    group = Group.objects.get(pk=group_id)
    ceremonies = ceremonies_for_groups([group_id]).values("pk")
    sessions = (LiveSession.objects.select_related("lesson", "group", "phase")
                .filter(Q(group_id=group_id) | Q(pk__in=ceremonies))
                .filter(Q(plan_item__plan__status="published") | Q(state=LiveSession.State.CANCELLED)
                        | Q(kind__in=LiveSession.CEREMONIES))
                .exclude(state=LiveSession.State.ENDED)
                .filter(starts_at__lte=now + datetime.timedelta(hours=24),
                        starts_at__gte=now - datetime.timedelta(hours=12))
                .order_by("starts_at", "pk"))
    result = []
    for session in sessions:
        zone = group.zone
        if session.state in (LiveSession.State.OPEN, LiveSession.State.LIVE) or (
            (session.starts_at.astimezone(zone).date() == now.astimezone(zone).date()
             or session.starts_at <= now + STARTING_SOON)
            and session.ends_at > now
        ):
            result.append(session)
    return result


def rooms_for_adult(user, now=None) -> list[LiveSession]:
    """Sessions an adult runs or watches, from yesterday on (the teacher's, the coordinator's
    groups', the organizer's camps')."""
    from camp.access import camps_for_user

    now = now or timezone.now()
    sessions = LiveSession.objects.select_related("lesson", "group", "phase")
    if user.is_teacher:
        sessions = sessions.filter(Q(teacher=user) | Q(co_hosts=user))
    elif user.is_coordinator:
        from camp.access import visible_groups

        ceremonies = ceremonies_for_groups(visible_groups(user)).values("pk")
        sessions = sessions.filter(Q(group__coordinators=user) | Q(pk__in=ceremonies))
    elif user.is_organizer:
        camps = camps_for_user(user)
        sessions = sessions.filter(Q(group__camp__in=camps) | Q(phase__camp__in=camps))
    else:
        return []
    return list(sessions.filter(starts_at__gte=now - datetime.timedelta(days=1))
                .distinct().order_by("starts_at", "pk")[:20])


def home_context(user) -> dict:
    """What this app shows on the user's home page: today's rooms."""
    if not user.is_authenticated:
        return {}
    if user.is_youth:
        participant = getattr(user, "participant", None)
        if participant is None or not participant.consent_given:
            return {"live_rooms": []}
        return {"live_rooms": rooms_today_for_group(participant.group_id)}
    return {"live_rooms": rooms_for_adult(user)}
