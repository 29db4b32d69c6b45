import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from camp.models import LANGUAGE_CHOICES, Group, Participant, User

COMMON_TIME_ZONES = [
    "Asia/Shanghai",
    "Asia/Bangkok",
    "Asia/Vientiane",
    "Asia/Yangon",
    "Asia/Kuala_Lumpur",
    "Asia/Singapore",
    "Asia/Jakarta",
    "Asia/Manila",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Paris",
    "America/Toronto",
    "America/Vancouver",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
]


def time_zone_choices():
    others = sorted(zoneinfo.available_timezones() - set(COMMON_TIME_ZONES))
    return [(name, name) for name in COMMON_TIME_ZONES] + [(name, name) for name in others]


class CoordinatorSignupForm(forms.Form):
    """Extra fields on allauth's sign-up page (self sign-up is for coordinators)."""

    display_name = forms.CharField(label=_("Your name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices, initial="Asia/Bangkok")
    preferred_language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.role = User.Role.COORDINATOR
        user.is_confirmed = False
        user.save()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    display_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(User.Role.TEACHER, _("Teacher")), (User.Role.COORDINATOR, _("Coordinator")),
                 (User.Role.ORGANIZER, _("Organizer"))],
    )


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "time_zone"]


class YouthProfileForm(ProfileForm):
    """A youth's settings: no display name, the roster decides it (given name and one letter of
    the family name, what other youth may see); a youth must not rename themselves to their full
    name, or to somebody else's."""

    class Meta(ProfileForm.Meta):
        fields = ["preferred_language", "time_zone"]


def profile_form_class(user) -> type[ProfileForm]:
    return YouthProfileForm if user.is_youth else ProfileForm



# --- Groups, roster, enrollment, join codes ------------------------------------------------------

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]


class GroupForm(forms.ModelForm):
    """A group's profile. Available hours: up to two weekly slots in the group's local time."""

    camp = forms.ModelChoiceField(label=_("Camp"), queryset=None, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Asia/Bangkok")
    languages = forms.MultipleChoiceField(
        label=_("Languages the youth read"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    slot1_days = forms.TypedMultipleChoiceField(
        label=_("Days the group can attend"), choices=WEEKDAY_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple, initial=[0, 1, 2, 3, 4],
    )
    slot1_start = forms.TimeField(label=_("From (local time)"), initial="16:00",
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    slot1_end = forms.TimeField(label=_("Until (local time)"), initial="20:00",
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    slot2_days = forms.TypedMultipleChoiceField(
        label=_("Other days (optional)"), choices=WEEKDAY_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    slot2_start = forms.TimeField(label=_("From (local time)"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    slot2_end = forms.TimeField(label=_("Until (local time)"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = Group
        fields = ["name", "institution", "country", "time_zone", "languages", "chinese_level", "age_min", "age_max"]

    def __init__(self, *args, camps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if camps is None:
            del self.fields["camp"]
        else:
            self.fields["camp"].queryset = camps
            self.fields["camp"].required = True
            self.fields["camp"].initial = camps.first()
        self.fields["country"].help_text = _("Two letters, e.g. TH, LA, MM, CA.")
        if self.instance.pk:
            slots = self.instance.available_hours or []
            for number, slot in enumerate(slots[:2], start=1):
                self.initial[f"slot{number}_days"] = slot.get("weekdays", [])
                self.initial[f"slot{number}_start"] = slot.get("start")
                self.initial[f"slot{number}_end"] = slot.get("end")

    def clean(self):
        cleaned = super().clean()
        hours = []
        for number in (1, 2):
            days, start, end = (cleaned.get(f"slot{number}_days"), cleaned.get(f"slot{number}_start"),
                                cleaned.get(f"slot{number}_end"))
            if not (days or start or end):
                continue
            if not (days and start and end):
                self.add_error(f"slot{number}_days", _("Give the days, a start and an end, or leave all empty."))
                continue
            if end <= start:
                self.add_error(f"slot{number}_end", _("A time slot ends after it starts."))
                continue
            hours.append({"weekdays": sorted(days), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
        cleaned["available_hours"] = hours
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["available_hours"] = data["available_hours"]
        return fields


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["family_name", "given_name", "chinese_name", "birth_year", "gender", "preferred_language",
                  "chinese_level", "guardian_name", "guardian_contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("Guardian consent"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Given")), ("no", _("Not given or withdrawn"))], widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(label=_("How was it given?"), required=False, choices=[("", "—")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", "—")] + [
            choice for choice in Participant.ConsentMethod.choices if choice[0] != Participant.ConsentMethod.BULK_ATTESTATION
        ]


class BulkConsentForm(forms.Form):
    participants = forms.MultipleChoiceField(label=_("Youth"), widget=forms.CheckboxSelectMultiple)
    attestation = forms.BooleanField(
        label=_("I attest that I hold the written consent of each chosen youth's parent or guardian for "
                "taking part in the online camp."),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(str(p.pk), f"{p.full_name} ({p.birth_year})") for p in participants]
        self.fields["participants"].initial = [str(p.pk) for p in participants]


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class EnrollmentApplyForm(forms.Form):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=None, empty_label=None)

    def __init__(self, *args, phases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases
        self.fields["phase"].label_from_instance = lambda phase: _(
            "Phase %(number)s: %(start)s – %(end)s (ages %(min)s–%(max)s)"
        ) % {"number": phase.number, "start": phase.starts_on, "end": phase.ends_on, "min": phase.min_age,
             "max": phase.max_age}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("waitlisted", _("Waitlist")), ("rejected", _("Reject"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "ABCD-EFGH-JK", "inputmode": "text"}),
    )
