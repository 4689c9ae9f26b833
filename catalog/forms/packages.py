"""Forms of the package wizard: the overview step and a component of one layer."""

from __future__ import annotations

import copy
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import USWDSFormMixin, ValidateOnlyModelFormMixin
from aiexports.widgets import CountryCheckboxPicker
from catalog.choices import FederalSupport, Layer, categories_for_layer
from catalog.component_rules import component_rule_errors, normalize_eccn
from catalog.countries import CountryModelMultipleChoiceField
from catalog.models import Component, ConsortiumMember, Country, Organization, Package, Region, Sector

OVERVIEW_FIELDS = [
    "title",
    "summary",
    "description",
    "sectors",
    "target_countries",
    "target_regions",
    "builder",
    "owner",
    "operator",
    "business_model",
    "federal_support",
    "federal_support_details",
    "us_content_statement",
]


CountryChoiceField = CountryModelMultipleChoiceField  # CLDR names in the visitor's language and order


class RegionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.localized_name  # the bloc's name in the visitor's language


class OverviewForm(ValidateOnlyModelFormMixin, USWDSFormMixin, forms.ModelForm):
    """Step 1: what the package is, where it is offered, who builds, owns and operates it, what support it asks."""

    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sectors and use cases"),
    )
    target_countries = CountryChoiceField(
        queryset=Country.objects.order_by("name"),
        required=False,
        widget=CountryCheckboxPicker,
        label=_("Target countries"),
        help_text=_("Tick every country the package is offered in. Choose at least one country or one regional bloc."),
    )
    target_regions = RegionChoiceField(
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Target regional blocs"),
    )
    federal_support = forms.MultipleChoiceField(
        choices=FederalSupport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Federal support requested"),
    )

    class Meta:
        model = Package
        fields = OVERVIEW_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "business_model": forms.Textarea(attrs={"rows": 4}),
            "federal_support_details": forms.Textarea(attrs={"rows": 3}),
            "us_content_statement": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("One or two sentences buyers see in the catalog list."),
            "business_model": _("How the infrastructure is financed, sold and run over time."),
            "us_content_statement": _("How much of the stack is made in the U.S., and how you measured it."),
        }

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of ``package_create``/``package_update``."""
        return {name: self.cleaned_data[name] for name in OVERVIEW_FIELDS}


# Fields shown for each layer, beyond the common ones.
LAYER_FIELDS: dict[str, list[str]] = {
    Layer.HARDWARE: [
        "tpp",
        "performance_density",
        "dram_bandwidth",
        "designed_for_data_centers",
        "unit_value_usd",
        "us_origin_share",
    ],  # fmt: skip
    Layer.SOFTWARE: ["training_operations", "weights_published"],
    Layer.DATA: [],
    Layer.SECURITY: [],
}
COMMON_FIELDS = ["category", "name", "supplier", "description", "quantity", "eccn"]


class ComponentForm(ValidateOnlyModelFormMixin, USWDSFormMixin, forms.ModelForm):
    """A component of one layer: category limited to the layer, supplier to the consortium's accepted members.

    The rules on the fields (quantity, which figures go with which category...) are the services' own
    (``catalog.component_rules``): the views map their ``ValidationError`` onto these fields
    (``add_service_error``), so the form, the API and the admin refuse the same input with the same words.
    """

    class Meta:
        model = Component
        fields = [*COMMON_FIELDS, *LAYER_FIELDS[Layer.HARDWARE], *LAYER_FIELDS[Layer.SOFTWARE]]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "weights_published": forms.NullBooleanSelect,
            "designed_for_data_centers": forms.NullBooleanSelect,
        }
        help_texts = {
            "tpp": _("For chips and servers: TPP = 2 × MacTOPS × bit length of the operation, per unit."),
            "performance_density": _("For chips: TPP divided by the die area in mm²."),
            "dram_bandwidth": _(
                "For chips and servers: the total bandwidth of the device's DRAM (for example HBM) in GB/s, per unit."
            ),
            "designed_for_data_centers": _(
                "For chips and servers. Not stated counts as designed for data centers (the stricter rules)."
            ),
            "unit_value_usd": _("Used to weigh the hardware layer's U.S.-origin share."),
            "us_origin_share": _("Between 0 and 100."),
            "training_operations": _("Total operations used to train the model, for example 3.8e25."),
        }

    def __init__(self, *args: Any, layer: str, package: Package, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layer = layer
        self.instance.layer = layer
        if self.instance.package_id is None:
            self.instance.package = package
        for name in LAYER_FIELDS[Layer.HARDWARE] + LAYER_FIELDS[Layer.SOFTWARE]:
            if name not in LAYER_FIELDS[layer]:
                del self.fields[name]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Choose a category")),
            *categories_for_layer(layer),
        ]
        supplier = cast(forms.ModelChoiceField, self.fields["supplier"])
        # Only accepted members can supply: an invited, declined, withdrawn or departed organization cannot.
        supplier.queryset = Organization.objects.filter(
            consortium_memberships__in=ConsortiumMember.objects.accepted().filter(consortium_id=package.consortium_id)
        ).order_by("name")
        supplier.empty_label = _("Not stated")
        supplier.help_text = _("A member organization of the consortium.")
        current = self.instance.supplier if self.instance.pk and self.instance.supplier_id else None
        if current is not None and not supplier.queryset.filter(pk=current.pk).exists():
            supplier.help_text = _(
                "%(org)s is no longer a member of the consortium: choose another supplier (or “Not stated”)."
            ) % {"org": current}
        self.fields["eccn"].widget.attrs["spellcheck"] = "false"
        if "weights_published" in self.fields:
            self.fields["weights_published"].help_text = _("For models: are the trained weights publicly available?")

    def clean_eccn(self) -> str:
        return normalize_eccn(self.cleaned_data.get("eccn", ""))

    def clean(self) -> dict[str, Any]:
        """The services' component rules on the typed values, each error on its field (or at the top)."""
        data = super().clean() or {}
        probe = copy.copy(self.instance)
        for name, value in data.items():
            setattr(probe, name, value)
        changed = list(self.fields) if self.instance.pk else None
        for name, messages in component_rule_errors(probe, changed=changed).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, messages)
        return data

    def has_input(self) -> bool:
        """Whether the user typed anything in this (new-component) form, so leaving the step must keep it."""
        ignored = {"quantity"}
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip() not in ("", "unknown")
            for name in self.fields
            if name not in ignored
        )

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}
