"""Attendance corrections, completion nominations and certificates."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from camp.models import Participant, Phase, validate_time_zone


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")


class AttendanceCorrection(models.Model):
    """A teacher's correction of one youth's status for one live session.

    Rows are never edited: a second correction for the same youth and session is a new row, and
    the latest one counts. The history is the audit trail (who, when, why).
    """

    session = models.ForeignKey("live.LiveSession", on_delete=models.CASCADE, related_name="attendance_corrections")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance_corrections")
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected at"))

    class Meta:
        ordering = ["session", "participant", "corrected_at", "pk"]
        indexes = [models.Index(fields=["session", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.session_id}: {self.status}"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why the status is corrected.")})


class Nomination(models.Model):
    """优秀营员: a teacher nominates a youth as an outstanding camper of a phase."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="nominations")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="nominations")
    citation = models.CharField(_("citation"), max_length=200)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nominated_at = models.DateTimeField()

    class Meta:
        ordering = ["phase", "participant"]
        constraints = [models.UniqueConstraint(fields=["participant", "phase"], name="one_nomination_per_phase")]

    def __str__(self) -> str:
        return f"{self.participant} ({self.phase})"

    def clean(self):
        if not (self.citation or "").strip():
            raise ValidationError({"citation": _("Write a short citation.")})


class Certificate(models.Model):
    """A 结营证书 or 优秀营员 certificate. What it says is copied at issue time, so that the PDF
    and the verification page keep saying what was issued even if the roster changes later;
    a correction is a reissue (new code), never an edit."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Completion (结营证书)")
        OUTSTANDING = "outstanding", _("Outstanding camper (优秀营员)")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="certificates")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    # Snapshot of what the certificate says.
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    chinese_name = models.CharField(_("Chinese name"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=8)
    camp_title = models.CharField(_("camp"), max_length=200)
    # The camp's title in the youth's language, when the camp has one.
    camp_title_local = models.CharField(_("camp (youth's language)"), max_length=200, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    phase_number = models.PositiveSmallIntegerField(_("phase"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    attendance_percent = models.PositiveSmallIntegerField(_("attendance (%)"))
    citation = models.CharField(_("citation"), max_length=200, blank=True)
    # The youth's camp life in the phase at issue time, printed on the 优秀营员 certificate (attended
    # classes, check-ins, homework accepted, showcase pieces, self-study, quizzes); empty on older ones.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    # The camp's home zone at issue time: the one zone every page, PDF and archive dates it in.
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai",
                                 validators=[validate_time_zone])
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        ordering = ["phase", "participant", "kind", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "phase", "kind"], condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__lte=100), name="certificate_attendance_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.given_name} ({self.kind})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def issued_local(self) -> datetime.datetime:
        """The moment of issue on the camp's clock."""
        return self.issued_at.astimezone(self.zone)

    @property
    def issued_on(self) -> datetime.date:
        """The issue date as the camp reads it: the same day on the PDF, the verify page, the lists
        and the ZIP, whatever zone the viewer or the server is in (23:30 UTC is the next day in
        Beijing)."""
        return self.issued_local.date()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def filename(self) -> str:
        """ASCII file name: the code says whose it is without putting a minor's name in a URL."""
        return f"certificate-{self.kind}-{self.code}.pdf"
