"""Widgets shared by every app.

``CountryCheckboxPicker`` replaces a long ``<select multiple>`` ("hold Ctrl") of countries, unusable on touch and
hard with the keyboard: every country is a USWDS checkbox, grouped by the first letter of its name in the
visitor's language (Japanese names by their kana row), the chosen ones listed first and summed up in a count
announced politely. Without JavaScript the checkboxes are all there and submit as any checkbox group; with it,
``static/js/country-picker.js`` shows a filter box (hidden until then) that narrows the list as one types, case-
and accent-insensitive, in the visitor's language, in English or by ISO code.

The field template renders the fieldset, legend, hint and errors around it (``catalog/manage/_field.html``,
``renders_fieldset``); ``id_for_label`` names that fieldset, so the error summary's link lands on the group.
Include ``{{ form.media }}`` on the page for the script and the styles.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# The rows of the Japanese syllabary, by the first katakana of each row (a name's first kana, its voicing
# mark removed, falls in the row of the last start not after it).
KANA_ROWS = [
    ("ア", "ア行"),
    ("カ", "カ行"),
    ("サ", "サ行"),
    ("タ", "タ行"),
    ("ナ", "ナ行"),
    ("ハ", "ハ行"),
    ("マ", "マ行"),
    ("ヤ", "ヤ行"),
    ("ラ", "ラ行"),
    ("ワ", "ワ行"),
]


OTHER = pgettext_lazy("country group", "Other")  # names that begin with neither a letter nor a kana


def fold(text: str) -> str:
    """Lower case, accents and kana voicing marks removed, full-width forms made plain, hiragana as katakana.

    ``country-picker.js`` folds what is typed the same way, so "cote", "Côte" and "ＣＯＴＥ" find Côte d'Ivoire
    and "にほん" would find a name written "ニホン".
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    chars = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if "\u3041" <= ch <= "\u3096":
            ch = chr(ord(ch) + 0x60)
        chars.append(ch)
    return "".join(chars).lower()


def group_label(name: str, language: str | None = None) -> str:
    """The group a name is listed under: its first letter (accents removed), or its kana row in Japanese;
    names that begin otherwise (a kanji, a digit) are listed under "Other"."""
    first = fold(name).strip()[:1]
    if (language or "").startswith("ja") and "\u30a1" <= first <= "\u30fa":
        label = KANA_ROWS[0][1]
        for start, row in KANA_ROWS:
            if first >= start:
                label = row
        return label
    if first.isalpha() and not ("\u3040" <= first <= "\u9fff"):  # a letter, not a kana or a kanji
        return first.upper()
    return str(OTHER)


class CountryCheckboxPicker(forms.CheckboxSelectMultiple):
    """A searchable group of country checkboxes (see the module's docstring)."""

    template_name = "widgets/country_picker.html"
    renders_fieldset = True  # the field template gives it a fieldset and legend, not a <label>
    filter_label = _("Filter countries")
    filter_hint = _(
        "Type part of a name, then press the Down arrow to reach the list. "
        "In the list, the arrow keys move between countries and Space ticks one."
    )

    class Media:
        css = {"all": ["css/country-picker.css"]}
        js = ["js/country-picker.js"]

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        # The group as a whole (its fieldset carries the id): where the error summary's link leads.
        if index is None:
            return id_
        return super().id_for_label(id_, index)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        language = get_language()
        options = [option for _group, group_options, _index in widget["optgroups"] for option in group_options]
        for option in options:
            option["terms"] = self.search_terms(option)
        chosen = [option for option in options if option["selected"]]
        groups: list[dict[str, Any]] = []
        if chosen:
            groups.append({"label": _("Chosen"), "options": chosen})
        by_label: dict[str, list[dict[str, Any]]] = {}
        others = sorted((o for o in options if not o["selected"]), key=lambda o: fold(str(o["label"])))
        for option in others:
            by_label.setdefault(group_label(str(option["label"]), language), []).append(option)
        other = str(OTHER)
        groups += [{"label": label, "options": opts} for label, opts in by_label.items() if label != other]
        if other in by_label:
            groups.append({"label": other, "options": by_label[other]})
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "groups": groups,
                "chosen": chosen,
                "base_id": base_id,
                "filter_label": self.filter_label,
                "filter_hint": self.filter_hint,
                # Both plural forms; the script picks one for a new count with the page language's plural rule.
                "count_text": ngettext("%(count)s chosen", "%(count)s chosen", len(chosen)) % {"count": len(chosen)},
                "count_one": ngettext("%(count)s chosen", "%(count)s chosen", 1),
                "count_other": ngettext("%(count)s chosen", "%(count)s chosen", 2),
                "no_match": _("No country matches the filter."),
            }
        )
        return context

    @staticmethod
    def search_terms(option: dict[str, Any]) -> str:
        """What the filter matches: the name shown, the value (an ISO code) and the model's own name (English)."""
        instance = getattr(option["value"], "instance", None)
        words = [str(option["label"]), str(option["value"]), str(getattr(instance, "name", "") or "")]
        return fold(" ".join(words))
