"""Writes of the reports app: attendance corrections, nominations, issuing and revoking certificates.

Each takes its caller as `by=` and checks it with the reports access helpers (reports/access.py),
the same ones the views call, so a new caller (a command, a job) cannot skip the check.
"""

import secrets
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from camp.models import LANGUAGE_CODES, Group, Participant, Phase, User
from live.models import LiveSession
from reports.access import require_corrector, require_nominator, require_organizer_of
from reports.models import AttendanceCorrection, Certificate, Nomination
from reports.selectors import phase_standings

# Crockford's base 32: no I, L, O, U, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4  # 4 groups of 4 characters: 80 random bits


def certificate_code() -> str:
    """A verification code nobody can guess: 80 bits from the OS's random source."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * 4))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalize_code(code: str) -> str:
    """What a person may type: lower case, O for 0, I/L for 1, spaces or no dashes."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_GROUPS * 4:
        return (code or "").upper()
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


@transaction.atomic
def attendance_correct(*, session: LiveSession, participant: Participant, status: str, reason: str,
                       by: User) -> AttendanceCorrection:
    """Record a teacher's correction of one youth's status for one session (the latest counts)."""
    require_corrector(by, session)
    if participant.group_id != session.group_id:
        raise ValidationError({"participant": _("This youth is not in the session's group.")})
    if not (session.state == LiveSession.State.ENDED or session.ended_at):
        raise ValidationError(_("Attendance can be corrected once the session has ended."))
    correction = AttendanceCorrection(
        session=session, participant=participant, status=status, reason=(reason or "").strip(),
        corrected_by=by, corrected_at=timezone.now(),
    )
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def nomination_set(*, participant: Participant, phase: Phase, citation: str, by: User) -> Nomination:
    """Nominate a youth as 优秀营员 of a phase, or change the citation."""
    require_nominator(by, participant.group)
    if participant.group.camp_id != phase.camp_id:
        raise ValidationError({"participant": _("This youth is not in the phase's camp.")})
    nomination = Nomination.objects.select_for_update().filter(participant=participant, phase=phase).first()
    if nomination is None:
        nomination = Nomination(participant=participant, phase=phase)
    nomination.citation = (citation or "").strip()
    nomination.nominated_by = by
    nomination.nominated_at = timezone.now()
    nomination.full_clean()
    nomination.save()
    return nomination


def standing_figures(standing) -> dict:
    """What the 优秀营员 certificate prints of the youth's phase (reports.selectors.Standing)."""
    life, study = standing.life, standing.life.study
    return {
        "attended": standing.attended,
        "held": standing.held,
        "checkins": life.checkins,
        "prompt_days": life.prompt_days,
        "homework_accepted": life.homework_accepted,
        "homework_assigned": life.homework_assigned,
        "showcase": life.showcase,
        "self_study_done": study.self_paced_done,
        "self_study_due": study.self_paced_due,
        "quizzes_answered": study.quizzes_answered,
        "quizzes_available": study.quizzes_available,
        "quiz_average": study.quiz_average,
    }


def _snapshot(participant: Participant, phase: Phase, kind: str, attendance: float | None, citation: str,
              issued_by: User | None, figures: dict | None = None) -> Certificate:
    camp = phase.camp
    language = participant.preferred_language or "zh-hans"
    titles = [getattr(camp, f"title_{code.replace('-', '_')}", "") or "" for code in LANGUAGE_CODES]
    chinese_title = titles[0] or camp.title or next((t for t in titles if t), "")
    with translation.override(language):
        local_title = camp.title  # modeltranslation: the camp's title in the youth's language, or a fallback
    return Certificate(
        participant=participant, phase=phase, kind=kind, code=certificate_code(),
        given_name=participant.given_name, family_name=participant.family_name,
        chinese_name=participant.chinese_name, language=language,
        camp_title=chinese_title, camp_title_local=local_title if local_title != chinese_title else "",
        issuer=camp.federation, phase_number=phase.number, starts_on=phase.starts_on, ends_on=phase.ends_on,
        attendance_percent=int(attendance or 0), citation=citation, issued_at=timezone.now(), issued_by=issued_by,
        time_zone=camp.home_time_zone, figures=figures or {},
    )


@transaction.atomic
def certificates_issue(*, group: Group, phase: Phase, by: User) -> list[Certificate]:
    """Issue what is due once the phase is over: 结营证书 to every youth who met the camp's
    attendance rule, and 优秀营员 to the nominated among them. Already issued ones are kept."""
    require_organizer_of(by, group)
    if phase.camp_id != group.camp_id:
        raise ValidationError(_("The phase is not in the group's camp."))
    # "After the last day" on the camp's clock, not the organizer's or the server's.
    if phase.ends_on >= timezone.localdate(timezone=zoneinfo.ZoneInfo(group.camp.home_time_zone)):
        raise ValidationError(_("Certificates are issued after the phase's last day."))
    # Lock the group so two organizers clicking at once do not issue twice.
    Group.objects.select_for_update().filter(pk=group.pk).first()
    issued = []
    for standing in phase_standings(group, phase):
        if not standing.completed:
            continue
        valid = {c.kind for c in standing.certificates if c.is_valid}
        due = [(Certificate.Kind.COMPLETION, "")]
        if standing.nomination:
            due.append((Certificate.Kind.OUTSTANDING, standing.nomination.citation))
        for kind, citation in due:
            if kind in valid:
                continue
            certificate = _snapshot(standing.participant, phase, kind, standing.rate, citation, by,
                                    standing_figures(standing))
            certificate.full_clean()
            certificate.save()
            issued.append(certificate)
    return issued


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """The verification page then says the certificate is revoked."""
    certificate = Certificate.objects.select_for_update().select_related("participant__group").get(pk=certificate.pk)
    require_organizer_of(by, certificate.participant.group)
    if certificate.revoked_at:
        raise ValidationError(_("This certificate is already revoked."))
    if not (reason or "").strip():
        raise ValidationError({"revoke_reason": _("Say why the certificate is revoked.")})
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason.strip()
    certificate.full_clean()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke (if still valid) and issue a new certificate with the roster's current data and a new code."""
    certificate = Certificate.objects.select_for_update().select_related("participant__group", "phase__camp").get(
        pk=certificate.pk)
    require_organizer_of(by, certificate.participant.group)
    if certificate.revoked_at is None:
        certificate_revoke(certificate=certificate, by=by, reason=reason)
    elif hasattr(certificate, "replaced_by"):
        raise ValidationError(_("This certificate was already reissued."))
    participant, phase = certificate.participant, certificate.phase
    if Certificate.objects.filter(participant=participant, phase=phase, kind=certificate.kind,
                                  revoked_at__isnull=True).exists():
        raise ValidationError(_("A valid certificate of this kind already exists."))
    standing = next(s for s in phase_standings(participant.group, phase) if s.participant.pk == participant.pk)
    citation = standing.nomination.citation if standing.nomination else certificate.citation
    if certificate.kind == Certificate.Kind.COMPLETION:
        citation = ""
    new = _snapshot(participant, phase, certificate.kind, standing.rate, citation, by, standing_figures(standing))
    new.replaces = certificate
    new.full_clean()
    new.save()
    return new
