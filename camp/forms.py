import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from camp.fields import ModelChoiceField, ModelMultipleChoiceField
from camp.models import LANGUAGE_CHOICES, Group, Participant, Phase, User, validate_name
from camp.names import adult_label
from camp.zones import country_choices, zone_choices

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

    display_name = forms.CharField(label=_("Your name"), max_length=100, validators=[validate_name])
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
    display_name = forms.CharField(label=_("Name"), max_length=100, required=False, validators=[validate_name])
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(User.Role.TEACHER, _("Teacher")), (User.Role.COORDINATOR, _("Coordinator")),
                 (User.Role.ORGANIZER, _("Organizer"))],
    )


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=100, validators=[validate_name])
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


class CountryField(forms.ChoiceField):
    """A country picked by name; its ISO code is stored (typed codes are read in any case: "la")."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class GroupForm(forms.ModelForm):
    """A group's profile. Available hours: up to two weekly slots in the group's local time.

    The country is picked by its name in the page's language; the time zones are shown as cities,
    grouped by country, the chosen country's first (static/js/camp-group-form.js moves them up when
    the country changes), never as some 400 raw IANA names."""

    camp = ModelChoiceField(label=_("Camp"), queryset=None, required=False)
    country = CountryField(label=_("Country"), choices=country_choices, initial="TH")
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Asia/Bangkok",
                                  help_text=_("The city whose clock the group lives by."))
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
        country = str(self.data.get("country") or self.initial.get("country") or self.instance.country or "TH").upper()
        if self.instance.country and self.instance.country not in dict(self._flat(self.fields["country"].choices)):
            self.fields["country"].choices = [*self.fields["country"].choices,
                                              (self.instance.country, self.instance.country)]
        self.fields["time_zone"].choices = zone_choices(country[:2])
        self.fields["time_zone"].widget.attrs["data-zones-by-country"] = ""
        if self.instance.pk:
            slots = self.instance.available_hours or []
            for number, slot in enumerate(slots[:2], start=1):
                self.initial[f"slot{number}_days"] = slot.get("weekdays", [])
                self.initial[f"slot{number}_start"] = slot.get("start")
                self.initial[f"slot{number}_end"] = slot.get("end")

    @staticmethod
    def _flat(choices):
        for value, label in choices:
            if isinstance(label, (list, tuple)):
                yield from label
            else:
                yield value, label

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
        help_texts = {"family_name": _("Leave it empty for a youth with one name (most Burmese names): "
                                       "write the whole name as the given name.")}


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
        self.fields["participants"].choices = [(str(p.pk), adult_label(p)) for p in participants]
        self.fields["participants"].initial = [str(p.pk) for p in participants]


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class EnrollmentApplyForm(forms.Form):
    phase = ModelChoiceField(label=_("Phase"), queryset=None, empty_label=None)

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


# --- Camps and phases (organizers) -----------------------------------------------------------------

class OrganizerChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} <{obj.email}>" if obj.email else obj.name


class CampForm(forms.Form):
    """A camp: its title and description in every language (Chinese title required), the federation,
    year, home time zone (the phases' dates are days there), languages offered, completion rule and
    co-organizers."""

    federation = forms.CharField(label=_("Federation"), max_length=200, validators=[validate_name])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    home_time_zone = forms.ChoiceField(
        label=_("Home time zone"), choices=time_zone_choices, initial="Asia/Shanghai",
        help_text=_("The phases' dates and enrollment windows are days in this time zone."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple,
    )
    completion_threshold = forms.IntegerField(
        label=_("Attendance needed for completion (%)"), min_value=0, max_value=100, initial=80,
    )
    co_organizers = OrganizerChoiceField(
        label=_("Co-organizers"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Other organizers who run this camp with you: they see and change it as you do."),
    )

    def __init__(self, *args, camp=None, organizer=None, **kwargs):
        from camp.models import Camp
        from camp.services.camps import translated_names

        super().__init__(*args, **kwargs)
        translated = {}
        for name, label_text, widget in (("title", _("Title"), None),
                                         ("description", _("Description"), forms.Textarea(attrs={"rows": 4}))):
            for field_name, (_code, language) in zip(translated_names(name), LANGUAGE_CHOICES, strict=True):
                translated[field_name] = forms.CharField(
                    label=f"{label_text} ({language})", required=field_name == "title_zh_hans",
                    max_length=200 if name == "title" else 5000, widget=widget, strip=True,
                    validators=[validate_name] if name == "title" else [],
                )
        self.fields = {**translated, **self.fields}
        main = camp.organizer if camp is not None else organizer
        self.fields["co_organizers"].queryset = (
            User.objects.filter(role=User.Role.ORGANIZER, is_active=True).exclude(pk=getattr(main, "pk", None))
            .order_by("display_name", "email")
        )
        if camp is not None:
            for name in self.fields:
                if name != "co_organizers":
                    self.initial[name] = getattr(camp, name)
            self.initial["co_organizers"] = list(camp.co_organizers.values_list("pk", flat=True))
        elif organizer is not None:
            last = Camp.objects.filter(organizer=organizer).order_by("-year", "-pk").first()
            if last is not None:
                self.initial.setdefault("federation", last.federation)
            self.initial.setdefault("languages", ["zh-hans"])

    def title_fields(self):
        return [self[name] for name in self.fields if name.startswith("title_")]

    def description_fields(self):
        return [self[name] for name in self.fields if name.startswith("description_")]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("title_", "description_"))]

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PhaseForm(forms.Form):
    """A phase's days (in the camp's home time zone, said in each label), places and ages."""

    starts_on = forms.DateField(widget=DayInput())
    ends_on = forms.DateField(widget=DayInput())
    enrollment_opens = forms.DateField(widget=DayInput())
    enrollment_closes = forms.DateField(widget=DayInput())
    capacity = forms.IntegerField(label=_("Capacity (youth places)"), min_value=1, max_value=100000)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=3, max_value=99, initial=8)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=3, max_value=99, initial=18)

    def __init__(self, *args, camp, phase=None, **kwargs):
        super().__init__(*args, **kwargs)
        zone = camp.home_time_zone
        for name, label in (("starts_on", _("First day")), ("ends_on", _("Last day")),
                            ("enrollment_opens", _("Enrollment opens")),
                            ("enrollment_closes", _("Enrollment closes (last day to apply)"))):
            self.fields[name].label = _("%(label)s (%(zone)s)") % {"label": label, "zone": zone}
        if phase is not None:
            for name in self.fields:
                self.initial[name] = getattr(phase, name)

    def clean(self):
        cleaned = super().clean()
        pairs = (("starts_on", "ends_on", _("The last day is before the first day.")),
                 ("enrollment_opens", "enrollment_closes", _("Enrollment closes before it opens.")),
                 ("min_age", "max_age", _("The maximum age is below the minimum age.")))
        for first, last, message in pairs:
            if cleaned.get(first) is not None and cleaned.get(last) is not None and cleaned[last] < cleaned[first]:
                self.add_error(last, message)
        return cleaned


class OfferPhaseForm(forms.Form):
    """The phase an organizer offers a waitlisted group instead (the service checks camp and room)."""

    phase = ModelChoiceField(label=_("Phase with room"), queryset=Phase.objects.all())
