from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin, USWDSFormMixin
from catalog.forms.organizations import country_choices
from catalog.models import Country

from .choices import ContactTopic


class ContactForm(USWDSFormMixin, HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organization = forms.CharField(
        label=_("Organization"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send an acknowledgement and our answer to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Choose a topic"))] + list(ContactTopic.choices))
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "data-aix-counter": "id_message_counter"}),
        help_text=_("Up to 5,000 characters. Do not send confidential business information here."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()
