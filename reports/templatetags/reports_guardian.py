"""The child's attendance and certificates on the guardian's page (camp's "guardian" place,
templates/reports/_guardian.html): the same attendance book as the reports, for one youth."""

from dataclasses import dataclass

from django import template
from django.db.models import Q

from live.models import LiveSession
from reports.attendance import attendance_book, session_infos
from reports.models import Certificate

register = template.Library()


@dataclass
class GuardianAttendance:
    rows: list  # [(SessionInfo, Mark)], oldest first
    attended: int
    held: int


@register.simple_tag
def guardian_attendance(participant) -> GuardianAttendance:
    """This youth's mark in every held class of their group, as the reports count it."""
    scope = Q(plan_item__plan__group_id=participant.group_id)
    sessions = session_infos(LiveSession.objects.filter(scope).order_by())
    book = attendance_book(sessions, [participant], scope)
    held = sorted(book.held_sessions_of(participant.group_id), key=lambda s: s.planned_start)
    rows = [
        (session, book.marks[(session.id, participant.pk)])
        for session in held
        if (session.id, participant.pk) in book.marks
    ]
    return GuardianAttendance(rows, sum(1 for _s, mark in rows if mark.attended), len(held))


@register.simple_tag
def guardian_certificates(participant) -> list:
    """The youth's valid certificates (their public verification page is linked)."""
    return list(
        Certificate.objects.filter(participant=participant, revoked_at__isnull=True).order_by(
            "phase_number", "kind"
        )
    )
