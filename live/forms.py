"""Forms of the live app's pages (the room itself talks over the WebSocket)."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
