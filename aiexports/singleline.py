"""Single-line text fields refuse control characters, at validation, in every form and serializer.

A CR or LF in a package title or an inquiry's organization ended up in e-mail subjects (Django refuses them there:
a 500 after the row was saved) and in CSV exports and logs. A single-line field is a text field whose input is a
single line: a form ``CharField`` whose widget is not a ``Textarea`` (passwords excepted: they are compared, never
shown), or a serializer ``CharField`` not styled as a text area (DRF styles model ``TextField``s so; a declared
multi-line field says ``style={"base_template": "textarea.html"}``). Multi-line fields keep their line breaks.

Applied once per form (``SingleLineFormMixin``, part of ``aiexports.forms.USWDSFormMixin``) and per serializer
(``SingleLineSerializerMixin``); ``tests/hardening/test_control_characters.py`` walks every form and serializer
class of the project and fails on one without it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Cc: C0/C1 controls (CR, LF, TAB, NUL, ESC...); Zl/Zp: the Unicode line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value)


def validate_single_line(value: Any) -> None:
    """Refuse line breaks, tabs and other control characters in a one-line text."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Enter a single line of text, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def _add(validators: list) -> None:
    if validate_single_line not in validators:
        validators.append(validate_single_line)


def is_single_line_form_field(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)


def is_single_line_serializer_field(field: serializers.Field) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and not field.read_only
        and field.style.get("base_template") != "textarea.html"
    )


class SingleLineFormMixin:
    """Adds ``validate_single_line`` to each single-line field of the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if is_single_line_form_field(field):
                _add(field.validators)


class SingleLineSerializerMixin:
    # Adds ``validate_single_line`` to each writable single-line ``CharField`` of the serializer. (A comment, not
    # a docstring: drf-spectacular would show a mixin's docstring as the description of every schema using it.)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            if is_single_line_serializer_field(field):
                _add(field.validators)
            elif isinstance(field, serializers.ListField) and is_single_line_serializer_field(field.child):
                _add(field.child.validators)
        return fields
