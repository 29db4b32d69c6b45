"""Who may enter a live room, and as what. The room page, the attendance page and the WebSocket
consumer all call these helpers.

Roles in a room:
- ``teacher``: the session's own teacher. Moderates.
- ``organizer``: an organizer of the group's camp. Moderates.
- ``coordinator``: a coordinator of the session's group. Observer: reads everything, sees the
  group's attendance, but does not post, raise hands, ask, vote, react or report (adults do not
  chat with other people's children; the teacher runs the room).
- ``youth``: a participant of the session's group whose guardian has consented.
A ceremony (opening, closing: ``LiveSession.phase``, no group) is the same room for the whole phase:
its co-hosts are ``teacher``, the camp's organizers ``organizer``, the confirmed coordinators of every
group approved for the phase ``coordinator``, and the consenting youth of those groups ``youth``; a
youth there is shown with their group (``public_name(..., with_group=True)``).
A cancelled class (taken off the plan) keeps its page for all of them, which says so; its socket,
with the chat history, is the teacher's and the organizers' only.
Anyone else (other teachers, other groups' youth and coordinators, youth without consent, users
the teacher removed from the room) is refused.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists
from django.http import Http404

from camp.access import camps_for_user
from camp.models import Enrollment, Participant
from live.models import LiveSession, Removal

TEACHER, ORGANIZER, COORDINATOR, YOUTH = "teacher", "organizer", "coordinator", "youth"
MODERATORS = frozenset({TEACHER, ORGANIZER})
POSTERS = frozenset({TEACHER, ORGANIZER, YOUTH})


@dataclass(frozen=True)
class RoomMember:
    """A user as a room sees them: what they are called there and what they may do."""

    user_id: int
    name: str
    role: str
    # The room's camp, kept here so that the chat hot path finds the camp's blocklist without a
    # query per message (a session never changes camp).
    camp_id: int | None = None
    # The room is a ceremony: there the organizers host (publish their video) as a class's teacher does.
    ceremony: bool = False

    @property
    def is_host(self) -> bool:
        """Who publishes the room's main video and records it: a class's teacher; in a ceremony its
        organizers and co-hosts too."""
        return self.role == TEACHER or (self.ceremony and self.role == ORGANIZER)

    @property
    def is_moderator(self) -> bool:
        return self.role in MODERATORS

    @property
    def can_post(self) -> bool:
        return self.role in POSTERS

    @property
    def is_youth(self) -> bool:
        return self.role == YOUTH


def public_name(user, *, with_group: bool = False) -> str:
    """The name a room shows: a youth's display name (given name + initial), an adult's name;
    with_group (a ceremony, where a thousand youth of many groups meet): "Ming L. · 中老友谊侨校"."""
    if user.is_youth:
        try:
            participant = user.participant
        except Participant.DoesNotExist:
            return user.name
        if with_group:
            return f"{participant.display_name} · {participant.group.name}"
        return participant.display_name
    return user.name


def ceremony_groups(session: LiveSession):
    """The groups a ceremony is for: every group approved for its phase."""
    from camp.models import Group

    return Group.objects.filter(enrollments__phase_id=session.phase_id,
                                enrollments__status=Enrollment.Status.APPROVED)


def _ceremony_role(user, session: LiveSession) -> str | None:
    if user.is_teacher and session.co_hosts.filter(pk=user.pk).exists():
        return TEACHER
    if user.is_organizer and camps_for_user(user).filter(pk=session.phase.camp_id).exists():
        return ORGANIZER
    groups = ceremony_groups(session)
    if user.is_coordinator and user.is_confirmed and groups.filter(coordinators=user).exists():
        return COORDINATOR
    if user.is_youth and Participant.objects.filter(user=user, group__in=groups, consent_given=True).exists():
        return YOUTH
    return None


def room_role(user, session: LiveSession) -> str | None:
    """The user's role in this room, or None when they may not enter it."""
    if not (user.is_authenticated and user.is_active):
        return None
    group = session.group
    role = None
    if session.is_ceremony:
        role = _ceremony_role(user, session)
    elif user.is_teacher and session.teacher_id == user.pk:
        role = TEACHER
    elif user.is_organizer and camps_for_user(user).filter(pk=group.camp_id).exists():
        role = ORGANIZER
    elif user.is_coordinator and user.is_confirmed and group.coordinators.filter(pk=user.pk).exists():
        role = COORDINATOR
    elif user.is_youth:
        # The youth's path (most of a class joining at once) in one query: consent, a removal, and
        # the participant row public_name() reads next.
        participant = (Participant.objects.filter(user=user, group=group, consent_given=True)
                       .annotate(removed=Exists(Removal.objects.filter(session=session, user=user))).first())
        if participant is None:
            return None
        user.participant = participant
        return None if participant.removed else YOUTH
    if role is None:
        return None
    if role not in MODERATORS and Removal.objects.filter(session=session, user=user).exists():
        return None
    return role


def session_queryset():
    return LiveSession.objects.select_related("group", "phase__camp", "lesson", "teacher", "plan_item",
                                              "plan_item__lesson")


# A lesson's long texts in every language: what a room's socket never sends (its title and meeting
# link are all the welcome carries).
_LESSON_TEXTS = ("summary", "goals", "body", "materials")


@functools.cache
def _socket_deferred() -> tuple[str, ...]:
    """The lessons' long-text columns (every language's), as the handshake's query defers them."""
    from courses.models import Lesson

    texts = [f.name for f in Lesson._meta.concrete_fields
             if any(f.name == t or f.name.startswith(f"{t}_") for t in _LESSON_TEXTS)]
    return tuple(f"{path}__{name}" for path in ("lesson", "plan_item__lesson") for name in texts)


def socket_session(pk) -> LiveSession | None:
    """get_session() for the handshake: no teacher row, no camp row, and the lesson (and the plan
    item's lesson) without its long texts in five languages. It was the largest single cost of a
    join in the profile of a class coming in at once: ~170 columns built into objects per youth."""
    try:
        return (LiveSession.objects.select_related("group", "phase", "lesson", "plan_item__lesson")
                .defer(*_socket_deferred()).get(pk=pk))
    except (LiveSession.DoesNotExist, ValueError, TypeError):
        return None


def get_session(pk) -> LiveSession | None:
    try:
        return session_queryset().get(pk=pk)
    except (LiveSession.DoesNotExist, ValueError, TypeError):
        return None


def member_for(user, session: LiveSession, *, page: bool = False) -> RoomMember | None:
    """The user as the room's socket admits them; page=True: as its page shows them (a cancelled
    class's page tells everyone it was cancelled, its socket admits only the moderators)."""
    role = room_role(user, session)
    if role is None:
        return None
    if session.is_cancelled and role not in MODERATORS and not page:
        return None
    return RoomMember(user_id=user.pk, name=public_name(user, with_group=session.is_ceremony), role=role,
                      camp_id=session.camp_id, ceremony=session.is_ceremony)


def member_again(user_id: int, session_id: int) -> RoomMember | None:
    """member_for from fresh rows: an open socket's periodic re-check, so that an account
    deactivated, a teacher reassigned or a session deleted since the connect count too."""
    from camp.models import User

    user = User.objects.select_related("participant__group").filter(pk=user_id).first()
    session = get_session(session_id)
    if user is None or session is None:
        return None
    return member_for(user, session)


def removed_from(user_id: int, session_id: int) -> bool:
    """Did a teacher or organizer remove this user from this class (a Removal)? Says why a refused
    user is refused: the room page and the socket then tell them so, and whom to ask."""
    return Removal.objects.filter(session_id=session_id, user_id=user_id).exists()


def get_session_for_user(user, pk) -> tuple[LiveSession, RoomMember]:
    """The session and the user's place in it. 404 when there is no such session or its group is
    unknown to the user; PermissionDenied when they know the group but may not enter
    (another teacher, a youth without consent, someone removed)."""
    from camp.access import visible_groups

    session = get_session(pk)
    if session is None:
        raise Http404
    if session.is_ceremony:
        # Who knows the phase: its camp's organizers, teachers (they teach across camps), and the
        # youth and coordinators of its groups; a youth of another phase is told nothing.
        known = user.is_authenticated and (
            user.is_teacher or camps_for_user(user).filter(pk=session.phase.camp_id).exists()
            or visible_groups(user).filter(pk__in=ceremony_groups(session)).exists())
    else:
        known = visible_groups(user).filter(pk=session.group_id).exists()
    if not known:
        raise Http404
    member = member_for(user, session, page=True)
    if member is None:
        raise PermissionDenied
    return session, member


def can_curate_blocklist(user, camp_id: int) -> bool:
    """An organizer (or co-organizer) of this camp edits its chat blocklist."""
    return camps_for_user(user).filter(pk=camp_id).exists()


def get_camp_for_blocklist(user, pk):
    """The camp whose blocklist the user curates, or 404 (nobody else learns the camp's terms)."""
    camp = camps_for_user(user).filter(pk=pk).first() if isinstance(pk, int) else None
    if camp is None:
        raise Http404
    return camp


def get_blocked_term_for_user(user, camp_pk, pk, *, change: bool = False):
    """(camp, term) of the user's camp, or 404; with change=True PermissionDenied for a starter term
    (read-only: every camp keeps the starter lists)."""
    from live.models import BlockedTerm
    from live.services.blocked_terms import is_starter

    camp = get_camp_for_blocklist(user, camp_pk)
    term = BlockedTerm.objects.filter(camp=camp, pk=pk).first()
    if term is None:
        raise Http404
    if change and is_starter(term):
        raise PermissionDenied
    return camp, term


def can_see_attendance(member: RoomMember) -> bool:
    """Teachers and organizers see the whole room's attendance; coordinators see their group's
    (the room is one group's, so that is the same list)."""
    return member.role in (TEACHER, ORGANIZER, COORDINATOR)


def get_phase_for_ceremonies(user, pk):
    """The phase whose ceremonies the user makes: an organizer of its camp; 404 for anyone else."""
    from camp.models import Phase

    phase = (Phase.objects.select_related("camp").filter(pk=pk, camp__in=camps_for_user(user)).first()
             if user.is_authenticated and user.is_organizer else None)
    if phase is None:
        raise Http404
    return phase


def get_ceremony_for_user(user, pk) -> LiveSession:
    """A ceremony the user may change (an organizer of its camp); 404 for anyone else and for a class."""
    session = get_session(pk)
    if session is None or not session.is_ceremony:
        raise Http404
    get_phase_for_ceremonies(user, session.phase_id)
    return session
