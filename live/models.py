"""Live sessions, the chat room around them, and attendance."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import PlanItem


class LiveSession(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    plan_item = models.OneToOneField(PlanItem, on_delete=models.CASCADE, related_name="live_session")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SCHEDULED)
    opens_minutes_before = models.PositiveSmallIntegerField(_("room opens (minutes before)"), default=15)
    video_url = models.URLField(_("video meeting link"), blank=True)
    chat_locked = models.BooleanField(_("chat locked"), default=False)
    slow_mode_seconds = models.PositiveSmallIntegerField(_("slow mode (seconds)"), default=0)
    links_allowed = models.BooleanField(_("youth may post links"), default=False)
    # Highest chat seq allocated in this room; allocated under a row lock (see live.services).
    last_seq = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan_item__starts_at"]

    def __str__(self) -> str:
        return str(self.plan_item)

    @property
    def starts_at(self) -> datetime.datetime:
        return self.plan_item.starts_at

    @property
    def ends_at(self) -> datetime.datetime:
        return self.plan_item.ends_at

    @property
    def group_name(self) -> str:
        """Channel-layer group for this room."""
        return f"live.{self.pk}"


class ChatMessage(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    client_id = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="chat_seq_unique"),
            models.UniqueConstraint(fields=["session", "author", "client_id"], name="chat_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.text[:40]}"


class AttendanceSpan(models.Model):
    """One connection of one user to one room: from join to leave."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="attendance_spans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_spans")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    channel_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["session", "joined_at"]
        indexes = [models.Index(fields=["session", "user"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.session}"
