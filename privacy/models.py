"""What the privacy app keeps: the record that a youth's personal data was erased."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from camp.models import Group, Participant


class Erasure(models.Model):
    """A youth whose personal data was erased. The roster row stays as an anonymous placeholder so
    that the counts a report must keep (attendance, certificates issued) stay right; this row says
    it is one, when, by whom and why — never who the youth was."""

    class Reason(models.TextChoices):
        REQUEST = "request", _("Deleted by an organizer")
        RETENTION = "retention", _("Retention period over")

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="erasure")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"erased #{self.participant_id} ({self.reason})"
