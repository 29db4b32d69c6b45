from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.kinds import render


class Notification(models.Model):
    """One thing one person is told, rendered in their language when they read it (notifications.kinds)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # A key of notifications.kinds.KINDS (checked by notify(); no choices, so a new kind needs no migration).
    kind = models.CharField(_("kind"), max_length=32)
    url = models.CharField(_("link"), max_length=500)
    params = models.JSONField(_("params"), default=dict, blank=True)
    # Set by callers that may fire twice for the same thing (the per-minute command): one row per key.
    key = models.CharField(_("key"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When the digest mail carried it (adults only); a notification read in the app first is not mailed.
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def text(self) -> str:
        return render(self.kind, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Digest(models.Model):
    """One digest mail sent to an adult: the hourly limit is counted from the last one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    count = models.PositiveIntegerField(_("notifications"))

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["recipient", "sent_at"], name="digest_recipient_sent")]

    def __str__(self) -> str:
        return f"{self.count} → {self.recipient_id} at {self.sent_at:%Y-%m-%d %H:%M}"
