"""Forms of the intermediate pages of the review queue's actions (assign, status, tags)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aiexports.singleline import SingleLineFormMixin

from ..choices import SubmissionStatus
from ..models import Tag


def staff_users():  # noqa: ANN201
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")


class AssignForm(SingleLineFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=staff_users(),
        required=False,
        empty_label=_("Nobody (unassign)"),
        help_text=_("Only active staff members are listed."),
    )


class StatusForm(SingleLineFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=SubmissionStatus.choices)


class TagForm(SingleLineFormMixin, forms.Form):
    add = forms.ModelMultipleChoiceField(
        label=_("Add these topic tags"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("Remove these topic tags"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("add") and not data.get("remove"):
            raise forms.ValidationError(_("Choose at least one tag to add or remove."))
        return data
