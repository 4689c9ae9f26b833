from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import USWDSFormMixin


class EnrolmentCodeForm(USWDSFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        help_text=_("The 6 digits the app shows now for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )


class VerificationCodeForm(USWDSFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes (each works once)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
        error_messages={"required": _("Enter the code from your authenticator app, or a recovery code.")},
    )
