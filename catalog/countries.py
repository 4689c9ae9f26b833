"""The one source of country names and their order, for every form, filter, map, table and export.

Codes: the ISO 3166-1 alpha-2 list the ``Country`` table was loaded from (django-countries' data, see
``catalog/migrations/0002_reference_data.py``), plus the user-assigned codes of the embargoed regions of Ukraine
(``PSEUDO_DESTINATIONS``, 15 CFR 746.6, added by ``eligibility/migrations/0104``): a buyer there can pick
them, and they are named through gettext since CLDR has no entry for them.

Names: CLDR's, through Babel (``Locale.territories``), in the active language: "ジョージア" for Georgia,
"ナウル" for Nauru, "United Kingdom" / "イギリス" / "Royaume-Uni" for GB everywhere. English is CLDR's
English too, so no page mixes two names of one country.

Order (``sort_key``): locale-aware without ICU.

- Latin-script languages (en, es, fr): accents are secondary, as in CLDR's root collation: "Émirats arabes
  unis" sorts with the E's, "Égypte" before "Équateur", "Åland" with the A's. Case and the typographic
  apostrophe are ignored. Spanish "ñ" is a letter of its own after "n" (CLDR's es tailoring).
- Japanese: CLDR names are in katakana except a few; we sort in gojūon order of the kana (voiced marks and
  small kana folded into their base kana, the long-vowel mark and the middle dot ignored), and the 24 names
  that begin with kanji by their reading (``JA_READINGS``: sort keys only, the names stay CLDR's). So
  中国 (ちゅうごく) sits among the チ's, 日本 among the ニ's, not after the last katakana name.

Names are looked up once per language (``lru_cache``); a list page shows hundreds.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_noop

# The kana reading of the Japanese CLDR names that begin with kanji (used to sort, never shown).
JA_READINGS = {
    "AS": "ベイリョウサモア",
    "AQ": "ナンキョク",
    "IO": "エイリョウインドヨウチイキ",
    "CF": "チュウオウアフリカキョウワコク",
    "CN": "チュウゴク",
    "GQ": "セキドウギニア",
    "GF": "フツリョウギアナ",
    "PF": "フツリョウポリネシア",
    "TF": "フツリョウキョクナンショトウ",
    "HK": "ホンコン",
    "JP": "ニホン",
    "KP": "キタチョウセン",
    "KR": "カンコク",
    "MO": "マカオ",
    "MK": "キタマケドニア",
    "MP": "キタマリアナショトウ",
    "ZA": "ミナミアフリカ",
    "SS": "ミナミスーダン",
    "TW": "タイワン",
    "TL": "ヒガシティモール",
    "UM": "ガッシュウコクリョウユウショウリトウ",
    "VG": "エイリョウヴァージンショトウ",
    "VI": "ベイリョウヴァージンショトウ",
    "EH": "ニシサハラ",
}
# Destinations CLDR does not list: the comprehensively embargoed regions of Ukraine (15 CFR 746.6), under
# user-assigned ISO 3166-1 codes (XA–XZ are reserved for such use). Stored in the ``Country`` table with these names.
PSEUDO_DESTINATIONS = {
    "XC": gettext_noop("Crimea region of Ukraine"),
    "XD": gettext_noop("So-called Donetsk People's Republic (DNR) region of Ukraine"),
    "XL": gettext_noop("So-called Luhansk People's Republic (LNR) region of Ukraine"),
}
_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_SUPPORTED = ("en", "ja", "es", "fr")


def _language(language: str | None) -> str:
    base = (language or get_language() or "en").split("-")[0].split("_")[0].lower()
    return base if base in _SUPPORTED else "en"


@functools.lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every code the ``Country`` table holds (same data as its migrations): ISO alpha-2 and the pseudo-destinations."""
    from django_countries.data import COUNTRIES

    return tuple(sorted(set(COUNTRIES) | set(PSEUDO_DESTINATIONS)))


@functools.lru_cache(maxsize=8)
def _names(language: str) -> dict[str, str]:
    from babel import Locale

    territories = Locale.parse(language).territories
    english = Locale.parse("en").territories
    with translation.override(language):
        extra = {code: gettext(name) for code, name in PSEUDO_DESTINATIONS.items()}
    return {code: extra.get(code) or territories.get(code) or english.get(code) or code for code in country_codes()}


def country_name(code: str, language: str | None = None) -> str:
    """The CLDR name of ``code`` in ``language`` (default: the active one); "" for an unknown code."""
    code = (code or "").strip().upper()
    names = _names(_language(language))
    if code in names:
        return names[code]
    return ""


def sort_key(name: str, language: str | None = None, code: str = "") -> tuple[str, str]:
    """A collation key for a name in ``language`` (see the module docstring for the rules)."""
    lang = _language(language)
    if lang == "ja":
        reading = JA_READINGS.get(code) if code else None
        text = unicodedata.normalize("NFKC", reading or name)
        text = "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)  # hiragana → katakana
        base = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
        base = base.translate(_SMALL_KANA).replace("ー", "").replace("・", "").replace(" ", "")
        return base, name
    text = name.replace("’", "'").casefold()
    if lang == "es":
        text = text.replace("ñ", "n\uffff")  # ñ after every n…
    base = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return base, text


def sort_by_name(items: Iterable[Any], name: Any, code: Any = None, language: str | None = None) -> list[Any]:
    """``items`` sorted by ``name(item)`` in the active language (``code(item)`` gives the ja reading)."""
    lang = _language(language)
    return sorted(items, key=lambda item: sort_key(name(item), lang, code(item) if code else ""))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """``(code, name)`` of every country, named and sorted for ``language`` (default: the active one)."""
    return list(_choices(_language(language)))


@functools.lru_cache(maxsize=8)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    return tuple(sorted(names.items(), key=lambda pair: sort_key(pair[1], language, pair[0])))


def country_order(language: str | None = None) -> dict[str, int]:
    """Code → position in the sorted list, to sort rows that carry a code (results, targets) cheaply."""
    return dict(_order(_language(language)))


@functools.lru_cache(maxsize=8)
def _order(language: str) -> tuple[tuple[str, int], ...]:
    return tuple((code, i) for i, (code, _name) in enumerate(_choices(language)))


def sort_by_country(items: Iterable[Any], code: Any) -> list[Any]:
    """``items`` in the order of their country's name in the active language (``code(item)`` is its code)."""
    order = country_order()
    return sorted(items, key=lambda item: order.get(code(item), len(order)))


# --- form fields on the Country table -------------------------------------------------------------


class LocalizedCountryIterator(ModelChoiceIterator):
    """Countries in the order of their names in the visitor's language, not the table's English order."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sort_by_country(self.queryset, lambda c: c.pk):
            yield self.choice(obj)


class CountryModelChoiceField(forms.ModelChoiceField):
    """A ``Country`` chosen by its CLDR name in the visitor's language, in that language's order."""

    iterator = LocalizedCountryIterator

    def label_from_instance(self, obj: Any) -> str:
        return country_name(obj.pk) or str(obj)


class CountryModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several ``Country`` rows, named and ordered as ``CountryModelChoiceField``."""

    iterator = LocalizedCountryIterator

    def label_from_instance(self, obj: Any) -> str:
        return country_name(obj.pk) or str(obj)


# --- regional blocs -------------------------------------------------------------------------------

# The blocs of ``catalog/migrations/0002_reference_data.py`` by code, with their seeded English names. Pages show
# the seeded name in the reader's language; a bloc staff renamed (or added) is shown by its stored name.
REGION_NAMES = {
    "eu": gettext_noop("European Union"),
    "gcc": gettext_noop("Gulf Cooperation Council"),
    "asean": gettext_noop("Association of Southeast Asian Nations"),
    "mercosur": gettext_noop("MERCOSUR"),
    "ecowas": gettext_noop("Economic Community of West African States"),
}


def region_name(code: str, name: str = "") -> str:
    """A regional bloc's name in the active language (its stored ``name`` when staff renamed it)."""
    source = REGION_NAMES.get(code)
    if source is not None and (not name or name == source):
        return gettext(source)
    return name or code


def sort_by_region(items: Iterable[Any], code: Any, name: Any = None) -> list[Any]:
    """``items`` (carrying a bloc code) in the order of the blocs' names in the active language."""
    lang = _language(None)
    return sorted(items, key=lambda item: sort_key(region_name(code(item), name(item) if name else ""), lang))
