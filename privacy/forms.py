from django import forms
from django.utils.translation import gettext_lazy as _


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: the name, the guardian, the account, chat lines and consent records are "
            "deleted for good; only anonymous attendance and certificate counts stay."
        ),
        required=True,
    )
