"""Live sessions, the chat room around them, and attendance."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from courses.models import Lesson, PlanItem


class LiveSession(models.Model):
    """The room of one class. It belongs to its plan item while the item exists, and keeps what it
    needs without it (group, lesson, title, teacher, time): removing the item from the plan cancels
    the room and keeps its chat, attendance, questions and polls."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")
        # Taken off the plan (the item removed, or the plan back to draft): nobody is taught here.
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        # A ceremony (开营 / 闭营) is the phase's, not one group's: every approved group of the
        # phase attends it in this one room (live.services.ceremonies). It has no group and no item.
        OPENING = "opening", _("Opening ceremony")
        CLOSING = "closing", _("Closing ceremony")

    CEREMONIES = (Kind.OPENING, Kind.CLOSING)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLASS)
    # A ceremony's phase (None for a class, whose phase is its group's enrollment).
    phase = models.ForeignKey("camp.Phase", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="ceremonies")
    # A ceremony's teachers who help the organizers run it (moderators in its room).
    co_hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name=_("co-hosts"))
    plan_item = models.OneToOneField(PlanItem, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="live_session")
    # The room's own copy of its item (copy_item; live.services.sessions.room_follow_item keeps it in
    # step on every save of the item): access, lists and attendance read these, never the item.
    # None only for a ceremony (live_session_class_or_ceremony).
    group = models.ForeignKey("camp.Group", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="live_sessions")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The lesson's title in the camp's source language, shown once the lesson itself is gone.
    title = models.CharField(_("title"), max_length=200, blank=True)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    starts_at = models.DateTimeField(_("starts at"))  # UTC
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SCHEDULED)
    opens_minutes_before = models.PositiveSmallIntegerField(_("room opens (minutes before)"), default=15)
    chat_locked = models.BooleanField(_("chat locked"), default=False)
    slow_mode_seconds = models.PositiveSmallIntegerField(_("slow mode (seconds)"), default=0)
    links_allowed = models.BooleanField(_("youth may post links"), default=False)
    # Highest chat seq allocated in this room; allocated under a row lock (see live.services).
    last_seq = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="live_session_group_idx"),
            models.Index(fields=["teacher", "starts_at"], name="live_session_teacher_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="live_session_duration_positive"),
            models.CheckConstraint(
                condition=(models.Q(kind="class", group__isnull=False, phase__isnull=True)
                           | models.Q(kind__in=["opening", "closing"], group__isnull=True, phase__isnull=False,
                                      plan_item__isnull=True)),
                name="live_session_class_or_ceremony",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_title} @ {self.starts_at:%Y-%m-%d %H:%M}Z" if self.starts_at else self.lesson_title

    def save(self, *args, **kwargs):
        if self._state.adding and self.plan_item_id is not None and self.group_id is None:
            self.copy_item(self.plan_item)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The room's page: the one link other apps show for a live class."""
        return reverse("live:room", args=[self.pk])

    def copy_item(self, item: PlanItem) -> None:
        """Take the item's group, lesson, teacher and time (not saved)."""
        self.group_id = item.plan.group_id
        self.lesson_id = item.lesson_id
        with translation.override(settings.LANGUAGE_CODE):
            self.title = item.lesson.title[:200]
        self.teacher_id = item.teacher_id
        self.starts_at = item.starts_at
        self.duration_minutes = item.duration_minutes

    @property
    def is_ceremony(self) -> bool:
        return self.kind in self.CEREMONIES

    @property
    def camp_id(self) -> int:
        """The room's camp: its group's, a ceremony's phase's."""
        return self.phase.camp_id if self.is_ceremony else self.group.camp_id

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def lesson_title(self) -> str:
        """The lesson's title in the viewer's language while the lesson exists, else the copy; a
        ceremony's own title, else its kind ("Opening ceremony") in the viewer's language."""
        if self.is_ceremony:
            return self.title or str(self.get_kind_display())
        return self.lesson.title if self.lesson_id else self.title

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def meeting_link(self) -> str:
        """The class's video meeting: its plan item's link (else its lesson's default); none without an item."""
        return self.plan_item.meeting_link if self.plan_item_id else ""


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
    # Refreshed by the client's pings: a span whose process died without closing it is
    # treated as ended at its last sign of life (see live.services.attendance).
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "joined_at"]
        indexes = [
            models.Index(fields=["session", "user"]),
            models.Index(fields=["session", "left_at"], name="live_span_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.session}"


class Mute(models.Model):
    """A user the teacher has silenced in one room."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_mute_unique")]

    def __str__(self) -> str:
        return f"{self.user} muted in {self.session}"


class Removal(models.Model):
    """A user the teacher has sent out of one room; they cannot come back into it."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="removals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_removal_unique")]

    def __str__(self) -> str:
        return f"{self.user} removed from {self.session}"


class RaisedHand(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="hands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_hand_unique")]

    def __str__(self) -> str:
        return f"{self.user} ✋ {self.session}"


class Question(models.Model):
    """A question for the teacher (Q&A), upvoted by the room."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    client_id = models.CharField(max_length=64)
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author", "client_id"], name="live_question_client_id_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class QuestionUpvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="live_upvote_unique")]

    def __str__(self) -> str:
        return f"+1 {self.question_id}"


class Poll(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    options = models.JSONField(_("options"))  # list of 2–6 strings
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "opened_at", "pk"]

    def __str__(self) -> str:
        return self.question[:40]


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    option = models.PositiveSmallIntegerField()
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="live_vote_once")]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.option}"


class Reaction(models.Model):
    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="live_reaction_unique")]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class MessageReport(models.Model):
    """A youth (or adult) flags a message for the teacher."""

    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reported_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="live_report_once")]

    def __str__(self) -> str:
        return f"report on {self.message_id}"


class RateBucket(models.Model):
    """Token bucket per user per room, in the database so that every server process shares it."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_bucket_unique")]

    def __str__(self) -> str:
        return f"{self.tokens:.1f} tokens"


class BlockedTerm(models.Model):
    """A word or phrase a camp does not allow in chat (starter lists in zh, en, th; organizers add more)."""

    camp = models.ForeignKey("camp.Camp", on_delete=models.CASCADE, related_name="blocked_terms")
    term = models.CharField(_("word or phrase"), max_length=100)
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        ordering = ["camp", "language", "term"]
        constraints = [models.UniqueConstraint(fields=["camp", "term"], name="live_blocked_term_unique")]

    def __str__(self) -> str:
        return self.term


class SpeakInvite(models.Model):
    """The teacher invited this youth to speak in this class's video (live.video.services). While
    it exists the relay lets them publish: audio only unless `camera` (the guardian's consent to
    the camera). `muted`: the teacher silenced them; only a moderator lets them speak again."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="speak_invites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    camera = models.BooleanField(_("camera allowed"), default=False)
    muted = models.BooleanField(_("muted"), default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_speak_invite_unique")]

    def __str__(self) -> str:
        return f"{self.user} may speak in {self.session}"


class Recording(models.Model):
    """The teacher's feed recorded in one class (docs/video.md, "Recording"). Janus writes .mjr
    files under JANUS_RECORDINGS_DIR with the name `base`; after the class they are converted
    (janus-pp-rec, ffmpeg) to one playable `file`. The class's group watches it from the room."""

    class Status(models.TextChoices):
        RECORDING = "recording", _("Recording")
        CONVERTING = "converting", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="recordings")
    base = models.CharField(max_length=200)  # file name stem under JANUS_RECORDINGS_DIR
    file = models.CharField(max_length=200, blank=True)  # the playable file, under the same folder
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECORDING)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["session", "started_at", "pk"]

    def __str__(self) -> str:
        return f"recording {self.base}"
