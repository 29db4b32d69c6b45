"""Forms of guardian consent: the guardian's answers, paper consent recorded by a coordinator, a question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from camp.models import ConsentItem, Participant

ITEM_PREFIX = "item_"
ANSWERS = [("yes", _("I agree")), ("no", _("I do not agree"))]


class GuardianConsentForm(forms.Form):
    """One yes/no per item, nothing chosen in advance, and the version the guardian read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in ConsentItem.choices:
            self.fields[ITEM_PREFIX + item] = forms.ChoiceField(
                label=label, choices=ANSWERS, widget=forms.RadioSelect
            )

    def clean(self):
        data = super().clean()
        # An item we do not ask about is a forged or stale page: refuse rather than ignore it.
        unknown = [
            key
            for key in self.data
            if key.startswith(ITEM_PREFIX) and key[len(ITEM_PREFIX) :] not in ConsentItem.values
        ]
        if unknown:
            raise forms.ValidationError(_("This page asked about other items: reload it and answer again."))
        return data

    def answers(self) -> dict[str, bool]:
        return {item: self.cleaned_data[ITEM_PREFIX + item] == "yes" for item in ConsentItem.values}

    def item_fields(self):
        return [self[ITEM_PREFIX + item] for item in ConsentItem.values]


class PaperConsentForm(forms.Form):
    """A coordinator records what the guardian agreed to on paper; nothing is ticked in advance."""

    items = forms.MultipleChoiceField(
        label=_("The guardian agreed to"),
        choices=ConsentItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick only what the guardian agreed to. Nothing ticked records that they do not agree "
            "(or withdrew): the youth cannot take part without the first item."
        ),
    )
    method = forms.ChoiceField(label=_("How was it given?"), choices=[("", "—")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paper = (
            Participant.ConsentMethod.PAPER,
            Participant.ConsentMethod.MESSAGE,
            Participant.ConsentMethod.IN_PERSON,
        )
        self.fields["method"].choices = [("", "—")] + [
            c for c in Participant.ConsentMethod.choices if c[0] in paper
        ]


class BulkPaperConsentForm(forms.Form):
    """Paper consent to take part for several youth at once: the coordinator ticks each one."""

    participants = forms.MultipleChoiceField(label=_("Youth"), widget=forms.CheckboxSelectMultiple)
    attestation = forms.BooleanField(
        label=_(
            "I attest that I hold the written consent of each chosen youth's parent or guardian for "
            "taking part in the online camp."
        ),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Never ticked in advance: each youth is one guardian's signature the coordinator holds.
        self.fields["participants"].choices = [
            (str(p.pk), f"{p.full_name} ({p.birth_year})") for p in participants
        ]


class GuardianMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your question to the coordinator"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
