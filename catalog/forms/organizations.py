"""Organization forms: parse input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiexports.forms import USWDSFormMixin, ValidateOnlyModelFormMixin
from aiexports.singleline import SingleLineFormMixin
from aiexports.typed import StrOrPromise
from catalog import countries
from catalog.choices import OrganizationRole
from catalog.models import Organization
from catalog.services import organizations as services


def country_choices() -> list[tuple[str, StrOrPromise]]:
    """The countries by their CLDR names in the visitor's language and order (``catalog.countries``)."""
    return [("", _("Choose a country")), *countries.country_choices()]


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # what people type is "www.example.com"
    return db_field.formfield(**kwargs)


class OrganizationForm(ValidateOnlyModelFormMixin, USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        formfield_callback = _formfield
        fields = ["name", "country", "website", "description", "foreign_controlled", "controlling_country"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        # Labels of our own (not the model's verbose names) so this form is translated with the accounts pages.
        labels = {
            "name": _("Legal name"),
            "country": _("Country of headquarters"),
            "website": _("Website"),
            "description": _("Description"),
            "foreign_controlled": _("Owned or controlled from another country"),
            "controlling_country": _("Controlling country"),
        }
        help_texts = {
            "foreign_controlled": _("Tick if a person or entity in another country owns or controls the organization."),
            "name": _("The organization's registered legal name."),
            "website": _("A full address, for example https://www.example.com"),
            "controlling_country": _("Required when the organization is owned or controlled from another country."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices()
        cast(forms.ChoiceField, self.fields["country"]).choices = choices
        cast(forms.ChoiceField, self.fields["controlling_country"]).choices = choices
        self.fields["website"].error_messages["invalid"] = _(
            "Enter a valid web address, for example https://www.example.com"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "country" in cleaned:
            services.validate_control(
                country=cleaned.get("country"),
                foreign_controlled=bool(cleaned.get("foreign_controlled")),
                controlling_country=cleaned.get("controlling_country"),
            )
        return cleaned


class MemberAddForm(USWDSFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganizationRole.choices,
        initial=OrganizationRole.EDITOR,
        help_text=_("Admins manage the organization and its members; editors work on its packages."),
    )


class MemberRoleForm(SingleLineFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganizationRole.choices)
