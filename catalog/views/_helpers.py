"""Small helpers shared by the submitter views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm

from aiexports.errors import DomainError


def add_service_error(form: BaseForm, error: Exception) -> None:
    """Show a service's refusal on the form: field errors on their fields, domain errors at the top."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    elif isinstance(error, DomainError):
        form.add_error(None, str(error))
    else:  # pragma: no cover - only the two kinds above are expected
        raise error
