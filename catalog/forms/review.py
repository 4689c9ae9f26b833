"""Forms of the staff review actions in the admin: request changes, reject with a coded reason."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aiexports.singleline import SingleLineFormMixin
from catalog.choices import RejectionReason


class _SelectedPackagesForm(SingleLineFormMixin, forms.Form):
    """Carries the packages chosen on the change list through the intermediate page."""

    # The admin's name for the selected rows (helpers.ACTION_CHECKBOX_NAME) and the action to run again.
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    action = forms.CharField(widget=forms.HiddenInput)


class AssignForm(_SelectedPackagesForm):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
    )


class RequestChangesForm(_SelectedPackagesForm):
    message = forms.CharField(
        label=_("Message to the submitter"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Say what must change. The submitter sees it on the dashboard and by e-mail."),
    )


class RejectForm(_SelectedPackagesForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectionReason.choices)
    message = forms.CharField(
        label=_("Message to the submitter"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        help_text=_("Required when the reason is “Other”."),
    )
