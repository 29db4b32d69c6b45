import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from camp.models import LANGUAGE_CHOICES, User

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


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
