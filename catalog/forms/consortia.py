"""Forms of the consortium pages: create or edit a consortium, find and add a member organization."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aiexports.forms import USWDSFormMixin, ValidateOnlyModelFormMixin
from catalog.choices import ConsortiumRole, Layer
from catalog.models import Consortium, Organization

MEMBER_ROLES = [(value, label) for value, label in ConsortiumRole.choices if value != ConsortiumRole.ANCHOR]


class ConsortiumForm(ValidateOnlyModelFormMixin, USWDSFormMixin, forms.ModelForm):
    anchor = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Anchor member (lead organization)"),
        help_text=_("The organization that leads the consortium and submits its packages. You must be its admin."),
        empty_label=None,
    )
    anchor_layers = forms.MultipleChoiceField(
        choices=Layer.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Layers the anchor contributes"),
    )

    class Meta:
        model = Consortium
        fields = ["name", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, anchors: QuerySet[Organization] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["anchor"]
            del self.fields["anchor_layers"]
        else:
            cast(forms.ModelChoiceField, self.fields["anchor"]).queryset = (
                anchors if anchors is not None else Organization.objects.none()
            )
        self.order_fields(["name", "anchor", "anchor_layers", "description", "website"])


class MemberSearchForm(USWDSFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Find an organization by name"), max_length=100, required=False, help_text=_("At least 2 characters.")
    )

    def results(self, *, exclude: QuerySet | None = None) -> QuerySet[Organization] | None:
        if not self.is_valid() or len(self.cleaned_data["q"].strip()) < 2:
            return None
        q = self.cleaned_data["q"].strip()
        qs = Organization.objects.filter(Q(name__icontains=q) | Q(slug__icontains=q)).select_related("country")
        if exclude is not None:
            qs = qs.exclude(pk__in=exclude)
        return qs.order_by("name")[:20]


class MemberAddForm(USWDSFormMixin, forms.Form):
    """Add one organization (chosen among search results) with its role and layers."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        label=_("Organization"),
        empty_label=None,
    )
    role = forms.ChoiceField(choices=MEMBER_ROLES, label=_("Role in the consortium"))
    layers = forms.MultipleChoiceField(
        choices=Layer.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Layers contributed")
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
