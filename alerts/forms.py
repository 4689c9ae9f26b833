"""Forms of the alerts pages (public, no account)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin, USWDSFormMixin
from catalog.filtersets import country_choices
from catalog.forms.public import FastSelect


class AlertForm(USWDSFormMixin, HoneypotMixin, forms.Form):
    """ "E-mail me when a package matching this search becomes available in my country." The search itself
    travels in hidden inputs named like the catalog's filters (validated by the view with the catalog's
    FilterSet)."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        help_text=_("We send a link to this address: the alert starts once you open it and confirm."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    country = forms.ChoiceField(
        label=_("Your country"), choices=(), widget=FastSelect,
        help_text=_("We tell you when a package matching the search may be exported to this country."),
    )  # fmt: skip
    label = forms.CharField(
        label=_("Name of the alert (optional)"), max_length=100, required=False,
        help_text=_("At most 100 characters, for example “Arabic language models”."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("- Select -")), *country_choices()]


class ManageLinkForm(USWDSFormMixin, HoneypotMixin, forms.Form):
    """Ask for the link to one's alerts again (an old one expired or was lost)."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
