"""Forms of the public eligibility pages: the buyer's country and the calculator."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin
from aiexports.singleline import SingleLineFormMixin
from aiexports.typed import StrOrPromise
from catalog import countries
from catalog.choices import Category, Layer
from catalog.forms.public import FastSelect
from catalog.models import eccn_validator

from . import engine
from .choices import RuleSetStatus, ruleset_label
from .models import RuleSet


def uswds(form: forms.Form) -> None:
    """Give every widget its USWDS class."""
    for field in form.fields.values():
        widget = field.widget
        css = "usa-select" if isinstance(widget, forms.Select) else "usa-input"
        if not isinstance(widget, forms.HiddenInput):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def country_choices() -> list[tuple[str, StrOrPromise]]:
    """The countries by their CLDR names in the visitor's language and order (``catalog.countries``)."""
    return [("", _("Choose a country")), *countries.country_choices()]


class CountryForm(SingleLineFormMixin, forms.Form):
    # Rendered in Python: Django's per-option template made this select most of a package page's render time.
    country = forms.ChoiceField(label=_("Your country"), choices=(), widget=FastSelect)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()
        uswds(self)


WEIGHTS = [("", _("Not applicable or unknown")), ("false", _("No (closed weights)")), ("true", _("Yes"))]
DATA_CENTER = [("", _("Not stated (counts as yes)")), ("true", _("Yes")), ("false", _("No"))]


class CalculatorComponentForm(SingleLineFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(Category.choices), required=False)
    eccn = forms.CharField(
        label=_("ECCN"),
        max_length=30,
        required=False,
        validators=[eccn_validator],
        help_text=_("Leave blank to derive it."),
    )
    tpp = forms.FloatField(label=_("TPP per unit"), required=False, min_value=0, max_value=1e12)
    pd = forms.FloatField(label=_("Performance density"), required=False, min_value=0, max_value=1e6)
    dram_bandwidth = forms.FloatField(
        label=_("DRAM bandwidth (GB/s) per unit"),
        required=False,
        min_value=0,
        max_value=1e9,
        help_text=_("Total of the device's memory. Without it no favourable bandwidth-based lane is assumed."),
    )
    designed_for_data_centers = forms.TypedChoiceField(
        label=_("Designed or marketed for data centers?"),
        choices=DATA_CENTER,
        required=False,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
        help_text=_("For chips and servers: decides which license exceptions can apply."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000_000, initial=1, required=False)
    training_operations = forms.FloatField(
        label=_("Training compute (operations)"), required=False, min_value=0, max_value=1e40
    )
    weights_published = forms.TypedChoiceField(
        label=_("Weights published?"),
        choices=WEIGHTS,
        required=False,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        uswds(self)

    MEANINGFUL = ("name", "category", "eccn", "tpp", "pd", "dram_bandwidth", "training_operations", "weights_published")

    def is_filled(self) -> bool:
        """Whether the visitor described anything here (an untouched quantity does not count)."""
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.MEANINGFUL)

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.is_filled() and not data.get("category") and not data.get("eccn"):
            self.add_error("category", _("Choose a category or give an ECCN."))
        return data

    def to_component(self, index: int) -> engine.ComponentData:
        d = self.cleaned_data
        category = d.get("category") or ""
        from catalog.choices import CATEGORY_LAYER

        return engine.ComponentData(
            id=index,
            name=d.get("name") or _("Component %(n)d") % {"n": index},
            layer=CATEGORY_LAYER.get(category, Layer.HARDWARE),
            category=category,
            eccn=(d.get("eccn") or "").strip(),
            tpp=d.get("tpp"),
            pd=d.get("pd"),
            dram_bandwidth=d.get("dram_bandwidth"),
            designed_for_data_centers=d.get("designed_for_data_centers"),
            quantity=d.get("quantity") or 1,
            training_operations=d.get("training_operations"),
            weights_published=d.get("weights_published"),
        )


class BaseComponentFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not any(f.is_filled() for f in self.forms):
            raise forms.ValidationError(_("Describe at least one component."))

    def components(self) -> list[engine.ComponentData]:
        return [f.to_component(i) for i, f in enumerate(self.forms, start=1) if f.is_filled()]


ComponentFormSet = forms.formset_factory(
    CalculatorComponentForm, formset=BaseComponentFormSet, extra=3, max_num=20, validate_max=True, absolute_max=20
)


class RuleSetChoiceField(forms.ModelChoiceField):
    """A rule set by its name in the visitor's language (seeded names are translated) and its version."""

    def label_from_instance(self, obj: RuleSet) -> str:
        return f"{ruleset_label(obj.name)} ({obj.version})"


class CalculatorForm(HoneypotMixin):
    country = forms.ChoiceField(label=_("Country (optional)"), choices=(), required=False)
    ruleset = RuleSetChoiceField(
        label=_("Rule-set version"),
        queryset=RuleSet.objects.exclude(status=RuleSetStatus.DRAFT),
        to_field_name="version",
        required=False,
        empty_label=_("The active rule set"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("All countries")), *country_choices()[1:]]
        uswds(self)
