from django import forms


class ReadAllForm(forms.Form):
    # The newest notification the page showed: one that arrived after the reader looked is not
    # marked read unseen. Left out, everything unread is marked.
    up_to = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
