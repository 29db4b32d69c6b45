"""Lesson catalog, plan templates and per-group plans (一团一案)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from camp.models import CHINESE_LEVEL_ORDER, LANGUAGE_CODES, ChineseLevel, Group, Phase


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    # A group's interests: stored here so that camp does not depend on courses.
    interested_groups = models.ManyToManyField(Group, blank=True, related_name="interests")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    class Format(models.TextChoices):
        LIVE = "live", _("Live class")
        VIDEO = "video", _("Recorded video")
        CLOUD_TOUR = "cloud_tour", _("Cloud tour")
        WORKSHOP = "workshop", _("Craft workshop")
        SELF_STUDY = "self_study", _("Self-study")

    # The formats where a teacher meets the youth: a published plan's items of these get a live room.
    TAUGHT_LIVE = (Format.LIVE, Format.WORKSHOP)

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    goals = models.TextField(_("learning goals"), blank=True)
    body = models.TextField(_("body"), blank=True)  # sanitized HTML (nh3) — see courses.services
    materials = models.TextField(_("materials to prepare"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.LIVE)
    age_min = models.PositiveSmallIntegerField(_("youngest age"), default=8)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), default=18)
    chinese_level = models.CharField(
        _("Chinese level needed"), max_length=16, choices=ChineseLevel.choices, default=ChineseLevel.NONE
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="lessons")
    video_url = models.URLField(_("video URL"), blank=True)
    # The video meeting a live item of this lesson uses unless the item sets its own (https only).
    meeting_url = models.URLField(_("default video meeting link"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(age_max__gte=models.F("age_min")), name="lesson_ages_ordered"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="lesson_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def suits(self, group: Group) -> bool:
        """Whether the group's whole age range and its Chinese level fit this lesson."""
        return self.suits_age(group) and self.suits_level(group)

    def suits_age(self, group: Group) -> bool:
        return self.age_min <= group.age_min and group.age_max <= self.age_max

    def suits_level(self, group: Group) -> bool:
        return CHINESE_LEVEL_ORDER[self.chinese_level] <= CHINESE_LEVEL_ORDER[group.chinese_level]

    @property
    def complete_languages(self) -> list[str]:
        """Languages in which every field written in Chinese (the source) is translated too."""
        source = [name for name in TRANSLATED_LESSON_FIELDS if getattr(self, f"{name}_zh_hans", "")]
        if not source:
            return []
        return [
            code for code in LANGUAGE_CODES
            if all((getattr(self, f"{name}_{code.replace('-', '_')}", "") or "").strip() for name in source)
        ]

    @property
    def language_status(self) -> list[tuple[str, bool]]:
        complete = set(self.complete_languages)
        return [(code, code in complete) for code in LANGUAGE_CODES]


TRANSLATED_LESSON_FIELDS = ("title", "summary", "goals", "body", "materials")


class LessonAttachment(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="lessons/%Y/")
    # Who uploaded it (empty for attachments from before it was recorded): they may remove it again.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("uploaded by"),
    )

    def __str__(self) -> str:
        return self.title


class TeacherProfile(models.Model):
    """A teacher's working hours in Beijing time, used by the scheduler."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_profile")
    work_start = models.TimeField(_("working day starts (Beijing time)"), default=datetime.time(8, 0))
    work_end = models.TimeField(_("working day ends (Beijing time)"), default=datetime.time(22, 0))

    def __str__(self) -> str:
        return str(self.user)


class PlanTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    days = models.PositiveSmallIntegerField(_("days"), default=7)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_templates")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="items")
    day = models.PositiveSmallIntegerField(_("day"))  # 1-based day of the plan
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["template", "day", "order"]

    def __str__(self) -> str:
        return f"{self.template} · day {self.day}: {self.lesson}"


class Plan(models.Model):
    """一团一案: one plan per group per phase."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="plans")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding conflicts"), blank=True)
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans",
        verbose_name=_("made from template"),
    )

    class Meta:
        ordering = ["phase", "group"]
        constraints = [models.UniqueConstraint(fields=["group", "phase"], name="one_plan_per_group_phase")]

    def __str__(self) -> str:
        return f"{self.group} · {self.phase}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="plan_items")
    starts_at = models.DateTimeField(_("starts at"))  # UTC
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items"
    )
    # The class's video meeting (https only); empty means the lesson's default meeting link.
    meeting_url = models.URLField(_("video meeting link"), blank=True)
    # iCalendar SEQUENCE: grows each time the item moves.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["teacher", "starts_at"]), models.Index(fields=["plan", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="item_duration_positive")]

    def __str__(self) -> str:
        return f"{self.lesson} @ {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def meeting_link(self) -> str:
        """The video meeting this class uses: its own link, else its lesson's default."""
        return self.meeting_url or self.lesson.meeting_url


class UnscheduledLesson(models.Model):
    """A template's lesson that found no free slot when the plan was made: listed on the builder
    until someone adds it by hand (adding the lesson takes it off the list) or drops it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unscheduled")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    day = models.PositiveSmallIntegerField(_("day"))  # the template's 1-based day
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "day", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="unscheduled_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} (day {self.day})"


class PlanChange(models.Model):
    """What changed in a published plan, for the record and the coordinator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return self.summary[:80]


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar URL for a group, a teacher or a youth."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        TEACHER = "teacher", _("Teacher")
        YOUTH = "youth", _("Youth")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True)
    # Event titles are written in this language (the subscriber's, when the feed was made).
    language = models.CharField(max_length=8, blank=True)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One live link per owner and kind: a new one is made only after revoking the old.
            models.UniqueConstraint(
                fields=["group"], condition=Q(revoked_at__isnull=True, kind="group"), name="one_active_group_feed",
            ),
            models.UniqueConstraint(
                fields=["kind", "user"], condition=Q(revoked_at__isnull=True, user__isnull=False),
                name="one_active_personal_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} feed"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
