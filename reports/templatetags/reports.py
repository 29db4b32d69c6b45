from django import template
from django.utils import formats

from reports.fonts import unprintable
from reports.models import AttendanceStatus, Certificate

register = template.Library()
STATUS_LABELS = dict(AttendanceStatus.choices)


@register.filter
def cell(value):
    """A report cell: em dash for no value, numbers in the viewer's locale."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1)
    return value


@register.filter
def status_label(value) -> str:
    return STATUS_LABELS.get(value, value)


@register.filter
def phase_number(phases: dict, phase_id):
    phase = phases.get(phase_id)
    return phase.number if phase else ""


@register.simple_tag
def certificates_of(participant) -> list:
    """The youth's valid certificates, for the "My camp" page."""
    if participant is None:
        return []
    return list(Certificate.objects.filter(participant=participant, revoked_at__isnull=True).order_by("phase_number",
                                                                                                   "kind"))


@register.simple_tag
def certificate_unprintable(certificate) -> list[str]:
    """The characters of the certificate's name that its PDF cannot print as typed."""
    return unprintable(f"{certificate.full_name} {certificate.chinese_name}")
