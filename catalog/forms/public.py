"""Forms of the public catalog."""

from __future__ import annotations

from html import escape
from typing import Any, cast

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin
from catalog.filtersets import country_choices


class FastSelect(forms.Select):
    """A ``<select>`` rendered in Python: Django renders each ``<option>`` through a template, and 249 countries
    made that the most expensive part of a package page."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) == selected else ""}>{escape(str(label))}</option>'
            for v, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308 - escaped


class InquiryForm(HoneypotMixin):
    """ "Express interest": a buyer's message to a package's consortium (with the shared honeypot)."""

    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organization = forms.CharField(
        label=_("Organization"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    country = forms.ChoiceField(label=_("Country"), choices=(), widget=FastSelect)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        help_text=_("What you would like to know or discuss (at most 5,000 characters)."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("- Select -")), *country_choices()]
        errors = self.errors if self.is_bound else {}
        for name, field in self.fields.items():
            css = {"country": "usa-select", "message": "usa-textarea"}.get(name, "usa-input")
            described_by = [f"id_{name}_helptext"] if field.help_text else []
            if name in errors:
                css += " usa-input--error"
                field.widget.attrs["aria-invalid"] = "true"
                described_by += [f"id_{name}_error_{n}" for n in range(1, len(errors[name]) + 1)]
            field.widget.attrs["class"] = css
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)
