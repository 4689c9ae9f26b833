"""Form building blocks shared by every app: USWDS styling, inputs tied to their hints and errors, a honeypot.

Templates render widgets as they are (``partials/field.html``, ``catalog/manage/_field.html``), so the
classes and ``aria-describedby`` ids are set here, once for all forms.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from aiexports.singleline import SingleLineFormMixin

# The first class the widget is an instance of wins (so subclasses come before their bases).
WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.Textarea: "usa-textarea",
    forms.SelectMultiple: "usa-select aix-select-multiple",
    forms.Select: "usa-select",
    forms.widgets.Input: "usa-input",
}


def add_uswds_classes(form: forms.BaseForm) -> None:
    """Give every widget its USWDS class, unless the form set one of its own."""
    for field in form.fields.values():
        for widget_type, css in WIDGET_CLASSES.items():
            if isinstance(field.widget, widget_type):
                field.widget.attrs.setdefault("class", css)
                break


class DescribedBoundField(BoundField):
    """Ties each input to its hint and its error messages (ids ``<id>_helptext`` and ``<id>_error_<n>``, as the
    field templates render them), so screen readers read the error with the field, not only in the summary.

    A widget that names its own ``aria-describedby`` keeps it, followed by the errors. A group of radios or
    checkboxes is described by its fieldset; its inputs name the errors only.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not self.auto_id or widget.is_hidden:
            return attrs
        errors = [f"{self.auto_id}_error_{n}" for n in range(1, len(self.errors) + 1)]
        own = widget.attrs.get("aria-describedby")
        if own:
            ids = [own, *errors] if errors else []
        elif errors or not self.use_fieldset:
            ids = ([f"{self.auto_id}_helptext"] if self.field.help_text else []) + errors
        else:
            ids = []
        if ids:
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class USWDSFormMixin(SingleLineFormMixin):
    """USWDS classes on every widget, inputs described by their hint and errors, single-line fields kept single."""

    bound_field_class: type[BoundField] | None = DescribedBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        add_uswds_classes(self)  # type: ignore[arg-type]


class ValidateOnlyModelFormMixin:
    """A ModelForm that validates and never writes: forms validate, services write.

    ``ModelForm._post_clean`` copies the cleaned values onto its instance (``construct_instance``) while it
    validates. Were that the caller's instance, a service handed it afterwards would take its "before" snapshot
    from the typed values and record no change. So the form works on a copy of the instance, and ``save()``
    is refused: pass ``cleaned_data`` (or ``service_values()``) to the service instead, which re-reads the row.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["instance"] = copy.copy(instance)
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def save(self, commit: bool = True) -> Any:  # noqa: ARG002
        raise TypeError(f"{type(self).__name__} only validates: call the service with its cleaned data.")


HONEYPOT_ERROR = _("Your message could not be accepted. Please check it and send it again.")


class HoneypotMixin(SingleLineFormMixin, forms.Form):
    """A field people never see (off-screen, skipped by the keyboard, labelled "leave empty") that naive bots fill in.

    One policy for every public form that has one: a filled-in trap makes the form invalid with a neutral error
    (the view answers 400 as for any invalid form), nothing is stored or sent, everything else typed is kept, and
    the trap is emptied so that a person whose browser filled it in by mistake succeeds by sending again. Views
    need no check of their own. Render the visible fields with ``form.visible_fields`` and the trap with
    ``partials/honeypot.html``.
    """

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self) -> bool:
        return bool(str(self.data.get("website", "")).strip())

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.is_spam():
            self.data = data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
            data["website"] = ""
            raise forms.ValidationError(HONEYPOT_ERROR, code="honeypot")
        return cleaned

    def visible_fields(self) -> list[BoundField]:  # type: ignore[override]
        return [f for f in super().visible_fields() if f.name != "website"]
