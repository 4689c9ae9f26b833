"""The form of a package's version in another language: title, summary, description, and each component's name
and description (blank: the English is shown). Saved by ``catalog.services.package_translation_save``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from aiexports.forms import USWDSFormMixin
from aiexports.singleline import SingleLineFormMixin
from catalog.models import Component, PackageTranslation
from catalog.models.translations import content_language_choices


class _TranslationFields(SingleLineFormMixin, forms.Form):
    """The fixed fields, then one name and one description field per component (added before the mixins style
    and guard every field)."""

    language = forms.ChoiceField(
        label=_("Language"),
        error_messages={
            "required": _("Choose the language of this version."),
            "invalid_choice": _("Choose one of the languages in the list."),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    description = forms.CharField(label=_("Description"), max_length=20000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, components: Iterable[Component] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = list(components)
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("- Select -")), *content_language_choices()]
        for component in self.components:
            english = Truncator(component.name).chars(80)
            self.fields[f"component_{component.pk}_name"] = forms.CharField(
                label=_("Name of “%(name)s”") % {"name": english}, max_length=200, required=False
            )
            described = Truncator(component.description).chars(200)
            self.fields[f"component_{component.pk}_description"] = forms.CharField(
                label=_("Description of “%(name)s”") % {"name": english},
                help_text=(_("In English: %(text)s") % {"text": described}) if described else "",
                max_length=5000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class PackageTranslationForm(USWDSFormMixin, _TranslationFields):
    def __init__(
        self,
        data: Any = None,
        *,
        components: Iterable[Component] = (),
        translation: PackageTranslation | None = None,
        component_values: dict[int, dict[str, str]] | None = None,
        language: str = "",
    ) -> None:
        initial: dict[str, Any] = {"language": language}
        if translation is not None:
            initial.update(
                language=translation.language,
                title=translation.title,
                summary=translation.summary,
                description=translation.description,
            )
        for component_id, values in (component_values or {}).items():
            initial[f"component_{component_id}_name"] = values.get("name", "")
            initial[f"component_{component_id}_description"] = values.get("description", "")
        super().__init__(data, components=components, initial=initial)

    def component_fields(self) -> list[tuple[Component, Any, Any]]:
        return [(c, self[f"component_{c.pk}_name"], self[f"component_{c.pk}_description"]) for c in self.components]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "title": data["title"],
            "summary": data.get("summary", ""),
            "description": data.get("description", ""),
            "components": {
                c.pk: {
                    "name": data.get(f"component_{c.pk}_name", ""),
                    "description": data.get(f"component_{c.pk}_description", ""),
                }
                for c in self.components
            },
        }
