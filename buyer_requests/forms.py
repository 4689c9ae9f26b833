"""The public "Request a package" form. Field checks here are about shape; the rules live in the service."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin, USWDSFormMixin
from catalog.choices import Layer, SectorChoice
from catalog.forms.organizations import country_choices

from .choices import FinancingInterest, RequesterType, Scale, Timeline
from .models import NEED_FIELDS, NEED_MAX_LENGTH
from .services import RequestInvalid

NEED_LABELS = {
    Layer.HARDWARE: _("Hardware: what computing, storage, networking or data-center capacity you need"),
    Layer.SOFTWARE: _("Software and models: which models, platforms or applications you need"),
    Layer.DATA: _("Data: which data sets, pipelines or data services you need"),
    Layer.SECURITY: _("Security: which security services or controls you need"),
}


def _choose(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("— Choose —")), *choices]


def _need_field(layer: Layer) -> forms.CharField:
    return forms.CharField(
        label=NEED_LABELS[layer],
        required=False,
        max_length=NEED_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PackageRequestForm(USWDSFormMixin, HoneypotMixin, forms.Form):
    requester_type = forms.ChoiceField(label=_("You are requesting for"), choices=_choose(RequesterType.choices))
    organization_name = forms.CharField(
        label=_("Organization"), max_length=250, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation, the link to follow your request and our replies here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = forms.ChoiceField(label=_("Country"), help_text=_("The country where the package would be used."))
    sector = forms.ChoiceField(label=_("Sector"), choices=_choose(SectorChoice.choices))
    need_hardware = _need_field(Layer.HARDWARE)
    need_software = _need_field(Layer.SOFTWARE)
    need_data = _need_field(Layer.DATA)
    need_security = _need_field(Layer.SECURITY)
    scale = forms.ChoiceField(label=_("Scale"), choices=_choose(Scale.choices))
    timeline = forms.ChoiceField(label=_("Timeline"), choices=_choose(Timeline.choices))
    financing_interest = forms.ChoiceField(
        label=_("Interest in U.S. financing"), choices=_choose(FinancingInterest.choices)
    )
    confidential_details = forms.CharField(
        label=_("Confidential details (optional)"),
        required=False,
        max_length=NEED_MAX_LENGTH,
        help_text=_("Seen by program staff only; never sent to the consortia we match you with."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_to_contact = forms.BooleanField(
        label=_(
            "I agree that program staff, and the consortia of the packages they match with this request, may "
            "contact me about it"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in NEED_FIELDS.values()):
            raise forms.ValidationError(_("Describe what you need in at least one layer."), code="no_need")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "requester_type": data["requester_type"],
            "organization_name": data["organization_name"],
            "contact_name": data["contact_name"],
            "email": data["email"],
            "country_code": data["country"],
            "sector_code": data["sector"],
            "needs": {layer.value: data[name] for layer, name in NEED_FIELDS.items()},
            "scale": data["scale"],
            "timeline": data["timeline"],
            "financing_interest": data["financing_interest"],
            "confidential_details": data["confidential_details"],
            "consent_to_contact": data["consent_to_contact"],
        }

    def add_service_errors(self, error: RequestInvalid) -> None:
        for field, messages in error.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
