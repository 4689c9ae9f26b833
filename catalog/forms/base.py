"""USWDS styling for Django forms: widget classes, and error messages tied to their fields for screen readers."""

from __future__ import annotations

from typing import Any

from django import forms

WIDGET_CLASSES: dict[type, str] = {
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.Textarea: "usa-textarea",
    forms.SelectMultiple: "usa-select aix-select-multiple",
    forms.Select: "usa-select",
    forms.widgets.Input: "usa-input",
}


class USWDSFormMixin:
    """Adds USWDS classes to widgets and, after validation, points ``aria-describedby`` at the error texts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            for widget_type, css in WIDGET_CLASSES.items():
                if isinstance(field.widget, widget_type):
                    field.widget.attrs.setdefault("class", css)
                    break

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            bound = self[name]  # type: ignore[index]
            ids = [f"{bound.auto_id}_error_{n}" for n in range(1, len(errors) + 1)]
            field = self.fields[name]  # type: ignore[attr-defined]
            # Setting the attribute stops Django adding the help text's id itself, so keep it first.
            helptext = f"{bound.auto_id}_helptext" if field.help_text else ""
            existing = field.widget.attrs.get("aria-describedby", "")
            field.widget.attrs["aria-describedby"] = " ".join(filter(None, [existing or helptext, *ids]))
