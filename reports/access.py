"""Who may see which report, correct attendance, and handle certificates.

As everywhere (camp/access.py): the object, or Http404 when the user may not know it exists,
or PermissionDenied when they may see it but not do what they asked. Attendance is personal data
of minors: a teacher sees the groups they teach, a coordinator their own groups, an organizer
their camps; a youth sees only their own certificates.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from camp.access import camps_for_user, get_group_for_user
from camp.models import Camp, Group, Phase
from camp.ratelimit import address_limited
from courses.models import PlanItem
from live.models import LiveSession
from reports.models import Certificate

VERIFY_RATE_LIMIT = (30, 60)  # lookups per client address per minute


def get_camp_for_reports(user, pk) -> Camp:
    try:
        return camps_for_user(user).get(pk=pk)
    except (Camp.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def camps_of_year(user, year: int) -> list[Camp]:
    camps = list(camps_for_user(user).filter(year=year).order_by("title"))
    if not camps:
        raise Http404
    return camps


def teaches_group(user, group: Group) -> bool:
    return user.is_teacher and PlanItem.objects.filter(plan__group=group, teacher=user).exists()


def get_group_for_report(user, pk) -> Group:
    """Organizers of the camp, the group's coordinators, and teachers who teach it."""
    if user.is_youth:
        raise Http404
    group = get_group_for_user(user, pk)
    if user.is_teacher and not teaches_group(user, group):
        raise PermissionDenied
    return group


def get_group_for_certificates(user, pk, *, manage: bool = False) -> Group:
    """The certificates page: report readers; with manage=True only coordinators and organizers."""
    group = get_group_for_report(user, pk)
    if manage and not (user.is_organizer or user.is_coordinator):
        raise PermissionDenied
    return group


def get_phase_of_group(group: Group, pk) -> Phase:
    try:
        return Phase.objects.get(pk=pk, camp=group.camp_id)
    except (Phase.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require_organizer_of(user, group: Group) -> None:
    """Issuing, revoking and reissuing certificates: only organizers of the group's camp."""
    if not (user.is_organizer and camps_for_user(user).filter(pk=group.camp_id).exists()):
        raise PermissionDenied


def can_nominate(user, group: Group) -> bool:
    """优秀营员 nominations: organizers of the group's camp and the teachers who teach the group."""
    if user.is_organizer:
        return camps_for_user(user).filter(pk=group.camp_id).exists()
    return teaches_group(user, group)


def require_nominator(user, group: Group) -> None:
    if not can_nominate(user, group):
        raise PermissionDenied


def get_session_for_correction(user, pk) -> LiveSession:
    """The session's teacher and the camp's organizers correct; other report readers may look."""
    try:
        session = LiveSession.objects.select_related("group__camp", "lesson", "teacher").get(pk=pk)
    except (LiveSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_group_for_report(user, session.group_id)  # 404 / 403 for those who may not see the group's report
    return session


def can_correct(user, session: LiveSession) -> bool:
    """Attendance corrections: the session's own teacher and the organizers of its camp."""
    if user.is_teacher:
        return session.teacher_id == user.pk
    if user.is_organizer:
        return camps_for_user(user).filter(pk=session.group.camp_id).exists()
    return False


def require_corrector(user, session: LiveSession) -> None:
    if not can_correct(user, session):
        raise PermissionDenied


def get_certificate_for_user(user, code: str, *, manage: bool = False) -> Certificate:
    """The youth it was issued to, the group's coordinators, the camp's organizers.
    With manage=True (revoke, reissue) only organizers."""
    try:
        certificate = Certificate.objects.select_related("participant__group__camp", "phase").get(code=code)
    except Certificate.DoesNotExist:
        raise Http404 from None
    group = certificate.participant.group
    if user.is_youth:
        if certificate.participant.user_id != user.pk:
            raise Http404
    elif user.is_teacher:
        raise Http404
    else:
        get_group_for_user(user, group.pk)
    if manage:
        require_organizer_of(user, group)
    return certificate


def verify_rate_limited(client_address: str) -> bool:
    """Count this lookup; True once the address (IPv6: its /64) has used up its minute (codes
    cannot be guessed, and this keeps anyone from trying)."""
    limit, window = VERIFY_RATE_LIMIT
    return address_limited("reports:verify", client_address, limit=limit, window=window)


def get_group_for_study(user, pk) -> Group:
    """A group's self-study and quizzes, youth by class: the readers of its report (the camp's
    organizers, the teachers who teach it, its coordinators — who already see each youth's
    attendance and camp-life figures); another teacher 403, youth and everybody else 404."""
    return get_group_for_report(user, pk)
