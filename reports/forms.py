from django import forms
from django.utils.translation import gettext_lazy as _

from camp.names import adult_label
from reports.models import AttendanceStatus


class CorrectionForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=None, label=_("Youth"))
    status = forms.ChoiceField(choices=AttendanceStatus.choices, label=_("Status"))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.fields["participant"].label_from_instance = adult_label  # two youth may share a name

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the status is corrected."))
        return reason


class NominationForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=None, label=_("Youth"))
    citation = forms.CharField(label=_("Citation"), max_length=200)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.fields["participant"].label_from_instance = adult_label  # two youth may share a name

    def clean_citation(self):
        citation = self.cleaned_data["citation"].strip()
        if not citation:
            raise forms.ValidationError(_("Write a short citation."))
        return citation


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why."))
        return reason
