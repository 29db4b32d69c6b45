"""Camp life around the classes: daily check-ins (打卡), homework with feedback, the showcase and
the youth's uploads they rely on."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from camp.models import Group, Participant, Phase
from courses.models import Lesson, PlanItem


def _upload_to(instance, filename: str) -> str:
    # Random names: a file's path tells nothing about the youth, and nobody guesses another's.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"activities/{instance.participant_id}/{uuid.uuid4().hex}.{extension}"


class Upload(models.Model):
    """A photo or short video a youth sent: checked by content, photos re-encoded without EXIF.
    Served only through activities:upload_file (never MEDIA_URL)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    thumbnail = models.FileField(upload_to=_upload_to, max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # The group's local day it was sent: the daily cap counts these.
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "day"], name="upload_per_day")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.participant_id}"

    @property
    def is_photo(self) -> bool:
        return self.kind == self.Kind.PHOTO


class CheckInPrompt(models.Model):
    """The question of one day (the group's local day): for one group, or for every group of a phase
    when `group` is empty. A group's own prompt wins over the phase's."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="checkin_prompts")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="checkin_prompts"
    )
    day = models.DateField(_("day"))
    text = models.CharField(_("question"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "day"], condition=Q(group__isnull=False), name="one_prompt_per_group_day"
            ),
            models.UniqueConstraint(
                fields=["phase", "day"], condition=Q(group__isnull=True), name="one_phase_prompt_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.text[:40]}"

    def clean(self):
        if self.phase_id and self.day and not (self.phase.starts_on <= self.day <= self.phase.ends_on):
            raise ValidationError(
                {
                    "day": _("Choose a day of the phase (%(first)s – %(last)s).")
                    % {"first": self.phase.starts_on, "last": self.phase.ends_on}
                }
            )


class CheckIn(models.Model):
    """A youth's answer of one day: once per day in the group's local day."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField()
    prompt = models.ForeignKey(
        CheckInPrompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("your answer"), max_length=1000)
    photo = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="one_checkin_per_day")]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.day}"


class AssignmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text")


def validate_kinds(value) -> None:
    if not isinstance(value, list) or not value or not all(kind in AssignmentKind.values for kind in value):
        raise ValidationError(_("Choose at least one way to hand in: photo, video or text."), code="kinds")


class Assignment(models.Model):
    """Homework of one plan item: what to do, by when (stored UTC, entered in the group's local time)."""

    plan_item = models.OneToOneField(PlanItem, on_delete=models.CASCADE, related_name="assignment")
    instructions = models.TextField(_("instructions"), max_length=4000)
    due_at = models.DateTimeField(_("due"))
    kinds = models.JSONField(_("handed in as"), default=list, validators=[validate_kinds])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"homework of item {self.plan_item_id}"

    @property
    def group(self) -> Group:
        return self.plan_item.plan.group


class Submission(models.Model):
    """One youth's homework for one assignment, through its rounds (HandIn). No row yet: assigned."""

    class State(models.TextChoices):
        HANDED_IN = "handed_in", _("Handed in")
        RETURNED = "returned", _("Returned for revision")
        HANDED_IN_AGAIN = "handed_in_again", _("Handed in again")
        ACCEPTED = "accepted", pgettext_lazy("homework", "Accepted")

    # The states a teacher acts on.
    WAITING = (State.HANDED_IN, State.HANDED_IN_AGAIN)

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="submissions")
    state = models.CharField(max_length=16, choices=State.choices)
    # When the round now waiting was handed in: the teacher's queue is oldest first by this.
    waiting_since = models.DateTimeField(null=True, blank=True)
    mark = models.CharField(_("mark"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["waiting_since", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "participant"], name="one_submission_per_youth"),
        ]
        indexes = [models.Index(fields=["state", "waiting_since"], name="submission_queue")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.state}"

    @property
    def is_waiting(self) -> bool:
        return self.state in self.WAITING


class HandIn(models.Model):
    """One round: what the youth handed in, and the teacher's answer to it (return or accept)."""

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", pgettext_lazy("homework", "Accepted")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("your work (text)"), max_length=4000, blank=True)
    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handed_in_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    mark = models.CharField(_("mark"), max_length=20, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="hand_in_number_unique")]

    def __str__(self) -> str:
        return f"round {self.number} of {self.submission_id}"


class ShowcasePiece(models.Model):
    """A youth's work in the showcase. Pending: seen by the youth and their teachers only. Approved:
    by the group if the guardian allows `showcase_group`, by the whole camp if `showcase_camp`
    (activities.access.can_view_piece reads the consent at every view). Hidden: as pending."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a teacher")
        APPROVED = "approved", _("Shown")
        HIDDEN = "hidden", _("Hidden by a teacher")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="showcase_pieces")
    title = models.CharField(_("title"), max_length=100)
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    hand_in = models.ForeignKey(HandIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A moderator may turn other youth's reactions off for one piece (the reactions stay stored).
    reactions_on = models.BooleanField(_("reactions on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Reaction(models.Model):
    """One youth's reaction to another youth's approved piece, from a fixed set (no comments): one
    per youth per piece, changed or taken back by them."""

    class Emoji(models.TextChoices):
        THUMBS_UP = "thumbs_up", "👍"
        HEART = "heart", "❤️"
        STAR = "star", "🌟"
        CLAP = "clap", "👏"

    piece = models.ForeignKey(ShowcasePiece, on_delete=models.CASCADE, related_name="reactions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reactions")
    emoji = models.CharField(max_length=12, choices=Emoji.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["piece", "participant"], name="one_reaction_per_youth")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.emoji} {self.piece_id}"


# --- Self-study, recorded lessons and quizzes ---------------------------------------------------

# The formats a youth works through on their own: these items count when the youth marks them done.
SELF_PACED_FORMATS = (Lesson.Format.SELF_STUDY, Lesson.Format.VIDEO)


class ItemDone(models.Model):
    """A youth finished a self-study or recorded-video class of their plan: marked by them, or seen
    by the page when the lesson's video played to its end."""

    class How(models.TextChoices):
        MARKED = "marked", _("Marked done")
        WATCHED = "watched", _("Watched to the end")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="items_done")
    plan_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="done_by")
    how = models.CharField(max_length=8, choices=How.choices, default=How.MARKED)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["participant", "plan_item"], name="item_done_once")]

    def __str__(self) -> str:
        return f"{self.participant_id} did item {self.plan_item_id}"


def validate_questions(value) -> None:
    """[{"text": {lang: str}, "choices": [{lang: str}, …], "answer": index}, …]: 1–20 questions of
    2–6 choices, the source language (zh-hans) always written."""
    message = _("A quiz needs 1 to 20 questions, each with 2 to 6 choices and one right answer.")
    if not isinstance(value, list) or not 1 <= len(value) <= 20:
        raise ValidationError(message, code="questions")
    for question in value:
        if not isinstance(question, dict) or set(question) != {"text", "choices", "answer"}:
            raise ValidationError(message, code="questions")
        choices, answer = question["choices"], question["answer"]
        texts = [question["text"], *choices] if isinstance(choices, list) else []
        if not 2 <= len(choices if isinstance(choices, list) else []) <= 6:
            raise ValidationError(message, code="questions")
        if type(answer) is not int or not 0 <= answer < len(choices):
            raise ValidationError(message, code="questions")
        for text in texts:
            if not isinstance(text, dict) or not str(text.get("zh-hans", "")).strip():
                raise ValidationError(message, code="questions")
            if not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 300 for k, v in text.items()):
                raise ValidationError(message, code="questions")


class Quiz(models.Model):
    """A short multiple-choice quiz on a lesson, written in the lesson's languages (one text per
    language in each question and choice, zh-hans the source, like the lesson's own fields)."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    questions = models.JSONField(_("questions"), default=list, validators=[validate_questions])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"quiz of lesson {self.lesson_id}"

    @property
    def total(self) -> int:
        return len(self.questions)


class QuizAttempt(models.Model):
    """One try of a youth at a quiz, marked at once. Retries are allowed; the best score counts."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="quiz_attempts")
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=models.F("total")), name="quiz_score_within_total")
        ]
        indexes = [models.Index(fields=["participant", "quiz"], name="quiz_attempt_youth")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.score}/{self.total}"
