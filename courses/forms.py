import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from camp.fields import ModelChoiceField, ModelMultipleChoiceField
from camp.models import LANGUAGE_CHOICES, ChineseLevel, Enrollment, User
from courses.models import TRANSLATED_LESSON_FIELDS, Lesson, PlanTemplate, TeacherProfile, Topic


def teachers():
    return User.objects.filter(role=User.Role.TEACHER, is_active=True).order_by("display_name", "username")


# Every single-id field here is camp.fields.ModelChoiceField: an id no database can hold (2**70, -1,
# "abc") is "not one of the choices", a form error, never a 500 (tests/courses/test_form_ids.py).


class TeacherChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _field(code: str, name: str) -> str:
    return f"{name}_{code.replace('-', '_')}"


class LessonForm(forms.ModelForm):
    """All languages on one form: a teacher writes Chinese first, translators fill the others."""

    video_url = forms.URLField(label=_("video URL"), required=False, assume_scheme="https")
    meeting_url = forms.URLField(
        label=_("Default video meeting link"), required=False, assume_scheme="https", max_length=200,
        help_text=_("The https:// link of the video meeting (Zoom, Tencent Meeting, …) that live classes of this "
                    "lesson use, unless a class in a plan sets its own."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )

    class Meta:
        model = Lesson
        fields = [
            *[_field(code, name) for code, _label in LANGUAGE_CHOICES for name in TRANSLATED_LESSON_FIELDS],
            "duration_minutes", "format", "age_min", "age_max", "chinese_level", "topics", "video_url", "meeting_url",
        ]
        widgets = {"topics": forms.CheckboxSelectMultiple}
        field_classes = {"topics": ModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in LANGUAGE_CHOICES:
            for name in TRANSLATED_LESSON_FIELDS:
                field = self.fields[_field(code, name)]
                field.required = code == "zh-hans" and name == "title"
                field.label = f"{Lesson._meta.get_field(name).verbose_name} ({label})"
                if name in ("summary", "goals", "materials"):
                    field.widget = forms.Textarea(attrs={"rows": 3})
                elif name == "body":
                    field.widget = forms.Textarea(attrs={"rows": 8})
                    field.help_text = _("HTML is allowed; scripts and styles are removed when saved.")
        self.fields["duration_minutes"].min_value = 5
        self.fields["duration_minutes"].max_value = 480

    def language_sections(self):
        return [
            {"code": code, "label": label,
             "fields": [self[_field(code, name)] for name in TRANSLATED_LESSON_FIELDS]}
            for code, label in LANGUAGE_CHOICES
        ]

    def clean_meeting_url(self):
        from courses.services.plans import meeting_url_clean

        try:
            return meeting_url_clean(self.cleaned_data.get("meeting_url") or "")
        except ValidationError as error:
            raise ValidationError(error.message_dict["meeting_url"]) from error

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_max"] < data["age_min"]:
            self.add_error("age_max", _("The oldest age is below the youngest age."))
        duration = data.get("duration_minutes")
        if duration is not None and not 5 <= duration <= 480:
            self.add_error("duration_minutes", _("Between 5 and 480 minutes."))
        return data


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    topic = ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("", _("Any format"))] + list(Lesson.Format.choices),
                               required=False)
    level = forms.ChoiceField(label=_("Chinese level"), choices=[("", _("Any level"))] + list(ChineseLevel.choices),
                              required=False)
    fits = forms.BooleanField(label=_("Only lessons that suit the group"), required=False)


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in a given zone (the group's), stored in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class _ZoneForm(forms.Form):
    """Reads local times in the group's zone and keeps them near the phase.

    A typo like year 0001 or 9999 would otherwise overflow when converted to UTC (a 500) or land an
    item decades away from the camp; a year either side of the phase is room enough for any real plan.
    """

    MAX_DISTANCE = datetime.timedelta(days=365)

    def __init__(self, *args, zone=None, phase=None, **kwargs):
        self.zone = zone
        self.phase = phase
        super().__init__(*args, **kwargs)

    def _near_phase(self, day: datetime.date) -> bool:
        if self.phase is None:
            return True
        # Compare by ordinals: phase ± a year can itself fall outside datetime.date's range.
        return (self.phase.starts_on.toordinal() - self.MAX_DISTANCE.days
                <= day.toordinal()
                <= self.phase.ends_on.toordinal() + self.MAX_DISTANCE.days)

    def _far_message(self):
        return _("That date is too far from the phase (%(first)s to %(last)s): choose a date within a year of it.") % {
            "first": self.phase.starts_on.isoformat(), "last": self.phase.ends_on.isoformat()}

    def _aware(self, field: str, value: datetime.datetime | None) -> datetime.datetime | None:
        """The local value as UTC, or None with an error on `field`."""
        if value is None:
            return None
        naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
        if not self._near_phase(naive.date()):
            self.add_error(field, self._far_message())
            return None
        try:
            return naive.replace(tzinfo=self.zone).astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            self.add_error(field, _("That time cannot be used: the date is out of range."))
            return None


class ItemAddForm(_ZoneForm):
    lesson = ModelChoiceField(queryset=Lesson.objects.all(), widget=forms.HiddenInput)
    on_date = forms.DateField(label=_("On or after (the group's local date)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    starts_local = LocalDateTimeField(label=_("At (the group's local time)"), required=False)
    teacher = TeacherChoiceField(label=_("Teacher"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers()

    def clean(self):
        data = super().clean()
        data["starts_at"] = self._aware("starts_local", data.get("starts_local"))
        if data.get("on_date") and not self._near_phase(data["on_date"]):
            self.add_error("on_date", self._far_message())
        return data


class ItemUpdateForm(_ZoneForm):
    SHIFTS = [("-1440", _("One day earlier")), ("-30", _("30 minutes earlier")), ("30", _("30 minutes later")),
              ("1440", _("One day later"))]

    starts_local = LocalDateTimeField(label=_("Starts (the group's local time)"), required=False)
    teacher = TeacherChoiceField(label=_("Teacher"), queryset=User.objects.none(), required=False)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, required=False)
    # Checked by the service (https only, live formats only); absent from the POST means "leave it".
    meeting_url = forms.CharField(label=_("Video meeting link"), required=False, strip=True)
    shift = forms.TypedChoiceField(choices=SHIFTS, coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers()

    def clean(self):
        data = super().clean()
        data["starts_at"] = self._aware("starts_local", data.get("starts_local"))
        return data


class PlanCreateForm(forms.Form):
    enrollment = ModelChoiceField(label=_("Group and phase"), queryset=Enrollment.objects.none())
    template = ModelChoiceField(label=_("Start from template"), queryset=PlanTemplate.objects.all(),
                                required=False, empty_label=_("— an empty plan —"))
    teacher = TeacherChoiceField(label=_("Teacher for the lessons"), queryset=User.objects.none(), required=False)
    start_on = forms.DateField(label=_("Schedule from (the group's local date)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Empty: from the phase's first day."))
    adapt = forms.BooleanField(label=_("Swap lessons that do not suit the group for suitable ones of the same topic"),
                               required=False, initial=True)

    def __init__(self, *args, enrollments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments if enrollments is not None else Enrollment.objects.none()
        self.fields["enrollment"].label_from_instance = lambda e: f"{e.group.name} · {e.phase} ({e.group.time_zone})"
        self.fields["teacher"].queryset = teachers()


class PlanCopyForm(forms.Form):
    enrollment = ModelChoiceField(label=_("Copy to group and phase"), queryset=Enrollment.objects.none())
    teacher = TeacherChoiceField(label=_("Teacher (empty: keep each lesson's teacher)"),
                                 queryset=User.objects.none(), required=False)

    def __init__(self, *args, enrollments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments if enrollments is not None else Enrollment.objects.none()
        self.fields["enrollment"].label_from_instance = lambda e: f"{e.group.name} · {e.phase} ({e.group.time_zone})"
        self.fields["teacher"].queryset = teachers()


class ProposeForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for keeping the conflicts"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("What should change"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class UnpublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes: take this plan back to draft. The coordinators and youth stop seeing it and its live "
                "rooms close until it is published again."),
    )


class TemplateFromPlanForm(forms.Form):
    name = forms.CharField(label=_("Template name"), max_length=200)


class TeacherHoursForm(forms.ModelForm):
    """A teacher's working day, always in Beijing time (Asia/Shanghai), whatever their own zone."""

    class Meta:
        model = TeacherProfile
        fields = ["work_start", "work_end"]
        labels = {"work_start": _("Working day starts (Asia/Shanghai, Beijing time)"),
                  "work_end": _("Working day ends (Asia/Shanghai, Beijing time)")}
        widgets = {"work_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "work_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        data = super().clean()
        if data.get("work_start") and data.get("work_end") and data["work_start"] == data["work_end"]:
            self.add_error("work_end", _("The working day needs some length."))
        return data


class LessonAttachmentForm(forms.Form):
    """Title and file; the file's type, size and content are checked by the same rule the service applies."""

    title = forms.CharField(label=_("title"), max_length=200)
    # Empty files reach clean_file so the service's own clear message is shown.
    file = forms.FileField(
        label=_("file"), allow_empty_file=True,
        help_text=_("PDF, image, Office, MP3, MP4 or text file, up to 20 MiB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.mp3,.mp4,.txt"}),
    )

    def clean_file(self):
        from courses.services.lessons import attachment_file_check

        file = self.cleaned_data["file"]
        attachment_file_check(file)
        return file


class GroupInterestsForm(forms.Form):
    topics = ModelMultipleChoiceField(
        label=_("Interests"), queryset=Topic.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Lessons on these topics come first when the teacher builds the group's plan."),
    )


class PlanTemplateForm(forms.ModelForm):
    """A template's name, description and length (in the author's UI language)."""

    class Meta:
        model = PlanTemplate
        fields = ["name", "description", "days"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].widget.attrs.update(min=1, max=60)  # the service checks 1–60


class LessonChoiceField(ModelChoiceField):
    """A catalog lesson by id (an id no database can hold is "not one of the choices", not a 500)."""

    def label_from_instance(self, obj):
        return f"{obj.title} · {obj.get_format_display()} · {obj.duration_minutes}′"


class TemplateItemForm(forms.Form):
    lesson = LessonChoiceField(label=_("Lesson"), queryset=Lesson.objects.none())
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=60)  # the service checks the template's days

    def __init__(self, *args, lessons, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = lessons
        self.fields["day"].widget.attrs.update(max=days)

