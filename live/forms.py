"""Forms of the live app's pages (the room itself talks over the WebSocket)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from camp.fields import ModelMultipleChoiceField
from live.services.blocked_terms import MAX_TERM, language_choices
from live.services.common import MAX_TEXT


class BlockedTermForm(forms.Form):
    """A word or phrase of the camp's chat blocklist. The service cleans and checks it (empty,
    too long, control characters, the same as a term already there); the form only carries it."""

    term = forms.CharField(label=_("Word or phrase"), required=False, strip=False,
                           widget=forms.TextInput(attrs={"maxlength": MAX_TERM, "autocomplete": "off"}))
    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices,
                                 help_text=_("Only a label for the list: every term is refused in every language's chat."))


class TryPhraseForm(forms.Form):
    text = forms.CharField(label=_("Try a phrase"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_TEXT}),
                           help_text=_("As a youth would write it in a class where links are not allowed. "
                                       "Nothing is saved."))


class CeremonyForm(forms.Form):
    """An opening or closing ceremony: its time is typed in the camp's own zone (Beijing for 普洱市侨联)
    and stored in UTC; every group then sees it in its own. The service checks the rest (one of
    each per phase, during the phase, a sane length, co-hosts who are teachers)."""

    kind = forms.ChoiceField(label=_("Ceremony"), choices=[
        ("opening", _("Opening ceremony")), ("closing", _("Closing ceremony"))])
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    starts_local = forms.DateTimeField(
        label=_("Starts (the camp's time)"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format="%Y-%m-%dT%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=10, max_value=240, initial=60)
    co_hosts = ModelMultipleChoiceField(
        label=_("Teachers who co-host (optional)"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, zone, editing: bool = False, **kwargs):
        from camp.models import User

        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["co_hosts"].queryset = User.objects.filter(role=User.Role.TEACHER, is_active=True).order_by(
            "display_name", "pk")
        self.fields["co_hosts"].label_from_instance = lambda user: user.name
        if editing:
            del self.fields["kind"]

    def clean_starts_local(self):
        value = self.cleaned_data["starts_local"]
        # The year is bounded so that converting to UTC cannot overflow (year 1 or 9999).
        if value is None or not 2000 <= value.year <= 2100:
            raise forms.ValidationError(_("Enter the date and time."))
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)
