"""Forms of the public RFI pages: the response form (built from the notice's questions) and tracking."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aiexports.forms import HoneypotMixin
from aiexports.singleline import SingleLineFormMixin
from catalog.countries import CountryModelChoiceField
from catalog.models import Country

from .choices import OrganizationType, RespondentType
from .models import Notice, Question, TopicArea
from .services import NON_FIELD, SubmissionInvalid, submission_key_is_valid

_WIDGET_CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.ClearableFileInput: "aix-file-input",
    forms.TextInput: "usa-input",
    forms.EmailInput: "usa-input",
}


def style_widgets(form: forms.Form) -> None:
    """USWDS classes on every widget (the shared field partial renders widgets as they are)."""
    for field in form.fields.values():
        for widget_class, css in _WIDGET_CLASSES.items():
            if isinstance(field.widget, widget_class):
                field.widget.attrs.setdefault("class", css)
                break


def tie_errors(form: forms.Form) -> None:
    """Point each invalid field's ``aria-describedby`` at its help text, counter and error messages."""
    for name, field in form.fields.items():
        if name not in form.errors:
            continue
        bound = form[name]
        ids = [f"{bound.auto_id}_helptext"] if field.help_text else []
        if "data-aix-counter" in field.widget.attrs:
            ids.append(field.widget.attrs["data-aix-counter"])
        ids += [f"{bound.auto_id}_error_{i}" for i in range(1, len(form.errors[name]) + 1)]
        field.widget.attrs["aria-describedby"] = " ".join(ids)


class RadioGroup(forms.RadioSelect):
    """Radios whose group "label" target is the first radio, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks them (type by content, size, count)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)  # the service refuses empty files with a message naming them
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


CountryChoiceField = CountryModelChoiceField  # CLDR names in the visitor's language and order


class SubmissionForm(HoneypotMixin):
    """The response form. Field checks here are about shape; the business rules live in the service."""

    respondent_type = forms.ChoiceField(
        label=_("I am responding as"), choices=RespondentType.choices, widget=RadioGroup
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("We send your receipt here. Required unless you respond anonymously; never published."),
    )
    organization_name = forms.CharField(label=_("Organization name"), max_length=250, required=False)
    organization_type = forms.ChoiceField(
        label=_("Organization type"), choices=[("", _("— Choose —")), *OrganizationType.choices], required=False
    )
    country = CountryChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name"), required=False, empty_label=_("— Choose —")
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, DOCX, XLSX, CSV, TXT, PNG or JPEG. These files may be published after the notice closes."),
    )
    is_confidential = forms.BooleanField(
        label=_("My response contains confidential business information"),
        required=False,
        help_text=_(
            "Mark the answers and files that are confidential. If you mark none, the whole response is treated "
            "as confidential."
        ),
    )
    confidentiality_justification = forms.CharField(
        label=_("Why should this information not be disclosed?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you mark anything as confidential."),
    )
    confidential_attachments = MultipleFileField(
        label=_("Confidential attachments"),
        help_text=_("Files with confidential business information. They are never published."),
    )
    public_versions = MultipleFileField(
        label=_("Public versions of the confidential attachments"),
        help_text=_("Redacted versions that may be published, in the same order as the confidential files."),
    )
    certified = forms.BooleanField(
        label=_("I certify that the information in this response is accurate to the best of my knowledge"),
        required=False,
    )
    # Server-generated idempotency key: new on each fresh form, kept when the form comes back with errors, so a
    # resubmission (double click, retry after an error or an outage) stores the response once.
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, notice: Notice, topics: list[tuple[TopicArea, list[tuple[int, Question]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        self._topics = topics
        if not self.is_bound:
            self.initial["submission_key"] = str(uuid.uuid4())
        elif not submission_key_is_valid(self.data.get("submission_key", "")):
            # A post without a usable key (an old page, tampering) gets a fresh one, so that this attempt and a
            # retry of the form shown again are idempotent too.
            self.data = data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
            data["submission_key"] = str(uuid.uuid4())
        for number, question in (item for _topic, items in topics for item in items):
            answer_name, flag_name = f"answer_{question.pk}", f"confidential_{question.pk}"
            self.fields[answer_name] = forms.CharField(
                label=_("Question %(number)s") % {"number": number},
                required=False,
                max_length=question.max_length,
                strip=False,
                widget=forms.Textarea(
                    attrs={"rows": 5, "maxlength": question.max_length, "data-aix-counter": f"id_{answer_name}_counter"}
                ),
            )
            self.fields[flag_name] = forms.BooleanField(
                label=_("This answer contains confidential business information"), required=False
            )
        style_widgets(self)

    def bound_topics(self) -> list[tuple[TopicArea, list[tuple[int, Question, forms.BoundField, forms.BoundField]]]]:
        return [
            (topic, [(n, q, self[f"answer_{q.pk}"], self[f"confidential_{q.pk}"]) for n, q in items])
            for topic, items in self._topics
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {int(k.split("_", 1)[1]): v for k, v in data.items() if k.startswith("answer_") and v}
        # "confidential_<question id>" flags; "confidential_attachments" is a file field, not a flag.
        confidential = [
            int(k.split("_", 1)[1])
            for k, v in data.items()
            if k.startswith("confidential_") and k.split("_", 1)[1].isdigit() and v
        ]
        return {
            "notice": self.notice,
            "respondent_type": data["respondent_type"],
            "name": data.get("name", ""),
            "email": data.get("email", ""),
            "organization_name": data.get("organization_name", ""),
            "organization_type": data.get("organization_type", ""),
            "country": data.get("country"),
            "answers": answers,
            "confidential_answer_ids": confidential,
            "is_confidential": data.get("is_confidential", False),
            "confidentiality_justification": data.get("confidentiality_justification", ""),
            "certified": data.get("certified", False),
            "attachments": data.get("attachments", []),
            "confidential_attachments": data.get("confidential_attachments", []),
            "public_versions": data.get("public_versions", []),
            "submission_key": data.get("submission_key") or None,
        }

    def add_service_errors(self, error: SubmissionInvalid) -> None:
        for field, messages in error.errors.items():
            target = None if field == NON_FIELD or field not in self.fields else field
            for message in messages:
                self.add_error(target, message)

    def had_files(self) -> bool:
        return any(self.files.getlist(name) for name in ("attachments", "confidential_attachments", "public_versions"))


class TrackForm(SingleLineFormMixin, forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=20, help_text=_("For example AIX-7K3M-Q9PD.")
    )
    email = forms.EmailField(label=_("E-mail address you gave with your response"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
