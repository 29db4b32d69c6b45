import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import AssignmentKind, HandIn

_PHOTO_ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}
_MEDIA_ACCEPT = {"accept": "image/jpeg,image/png,image/webp,video/mp4,video/quicktime,video/webm"}


class CheckInForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("A photo (optional)"), required=False, widget=forms.ClearableFileInput(attrs=_PHOTO_ACCEPT)
    )


class PromptForm(forms.Form):
    day = forms.DateField(
        label=_("Day (the group's date)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = forms.CharField(label=_("Question of the day"), max_length=300)
    whole_phase = forms.BooleanField(label=_("For every group of the phase"), required=False)


class AssignmentForm(forms.Form):
    instructions = forms.CharField(
        label=_("Instructions"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    due_date = forms.DateField(
        label=_("Due date (the group's local date)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_time = forms.TimeField(
        label=_("Due time (the group's local time)"),
        initial=datetime.time(20, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Handed in as"), choices=AssignmentKind.choices, widget=forms.CheckboxSelectMultiple
    )

    def due_local(self) -> datetime.datetime:
        return datetime.datetime.combine(self.cleaned_data["due_date"], self.cleaned_data["due_time"])


class HandInForm(forms.Form):
    text = forms.CharField(
        label=_("Your work (text)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("A photo or a video of your work"),
        required=False,
        widget=forms.ClearableFileInput(attrs=_MEDIA_ACCEPT),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your decision"), choices=HandIn.Outcome.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment for the youth"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mark = forms.CharField(label=_("Mark (optional)"), max_length=20, required=False)
    showcase_title = forms.CharField(
        label=_("Show it in the showcase with this title (optional)"), max_length=100, required=False
    )


class PieceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    file = forms.FileField(
        label=_("Photo or short video"), widget=forms.ClearableFileInput(attrs=_MEDIA_ACCEPT)
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Show")), ("hide", _("Hide"))])


class QuizForm(forms.Form):
    """A lesson's quiz as plain text, one box per language (zh-hans, the source, first)."""

    def __init__(self, *args, **kwargs):
        from camp.models import LANGUAGE_CHOICES

        super().__init__(*args, **kwargs)
        for code, name in LANGUAGE_CHOICES:
            self.fields[f"text_{code.replace('-', '_')}"] = forms.CharField(
                label=name,
                max_length=20_000,
                required=code == "zh-hans",
                widget=forms.Textarea(attrs={"rows": 8, "lang": code}),
            )

    def texts(self) -> dict[str, str]:
        from camp.models import LANGUAGE_CODES

        return {code: self.cleaned_data.get(f"text_{code.replace('-', '_')}", "") for code in LANGUAGE_CODES}
