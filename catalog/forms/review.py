"""Forms of the staff review actions in the admin: request changes, reject with a coded reason."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aiexports.singleline import SingleLineFormMixin
from catalog.choices import ConsultationPosition, RejectionReason


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


class PublishForm(SingleLineFormMixin, forms.Form):
    """The publish confirmation: an override per warning (or one for all), the reason, the public message."""

    overrides = forms.MultipleChoiceField(
        label=_("Override these warnings"), required=False, widget=forms.CheckboxSelectMultiple
    )
    override_all = forms.BooleanField(label=_("Override every warning listed above"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for publishing over the warnings"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Internal: recorded in the audit log with the warnings, never shown to the submitter."),
    )
    message = forms.CharField(
        label=_("Message to the submitter (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("The public reasons of the decision: the submitter sees them on the dashboard and by e-mail."),
    )

    def __init__(self, *args, warnings: list, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        cast(forms.MultipleChoiceField, self.fields["overrides"]).choices = [(w.code, w.message) for w in warnings]
        if not warnings:
            for name in ("overrides", "override_all", "override_reason"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.warnings:
            return data
        ticked = set(data.get("overrides") or ())
        if not data.get("override_all") and any(w.code not in ticked for w in self.warnings):
            self.add_error("overrides", _("Tick the override of each warning, or override every warning at once."))
        if not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give the reason for publishing over the warnings."))
        return data

    def override_codes(self) -> list[str]:
        if not self.warnings:
            return []
        if self.cleaned_data.get("override_all"):
            return [w.code for w in self.warnings]
        return list(self.cleaned_data.get("overrides") or ())


class ConsultationAnswerForm(SingleLineFormMixin, forms.Form):
    """One office's answer; ``office`` is limited to the offices the signed-in staff member belongs to."""

    office: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[arg-type]  # set in __init__
        label=_("Office"), queryset=None, empty_label=None
    )
    position = forms.ChoiceField(label=_("Answer"), choices=ConsultationPosition.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Internal comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Required with an objection. Internal: never shown to the submitter or the public."),
    )

    def __init__(self, *args, offices, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["office"]).queryset = offices

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("position") == ConsultationPosition.OBJECT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Explain the objection."))
        return data
