"""The catalog's one package FilterSet, shared by the HTML list (``/catalog/``) and the API (``/api/v1/packages/``).

Within one facet the chosen values are alternatives (``layer=hardware&layer=data`` means either), and the
facets combine with AND. Relations are filtered with ``EXISTS`` subqueries so that a package never appears
twice and counting stays cheap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from drf_spectacular.drainage import set_override

from catalog import countries
from catalog.choices import Category, Layer, SectorChoice
from catalog.models import Component, ComponentTranslation, Consortium, Package, PackageTranslation, Region
from catalog.services.search import SEARCH_CONFIG, SplitQuery, search_enabled, split_query
from eligibility.selectors import packages_available_in

# An ECCN or its beginning: "3A090", "3A090.a", "4A", "5A992.c" or "EAR99" (case-insensitive on input).
ECCN_PREFIX_RE = re.compile(r"^(EAR99|[0-9]([A-E]([0-9]{1,3}(\.[a-z0-9]+)*)?)?)$")


class NgramQuery(SearchQuery):
    """A tsquery written by ``SplitQuery.ngram_tsquery`` (bigram phrases of quoted lexemes), cast as it is: the
    lexemes are already what the vector holds, so no text-search configuration may parse them again."""

    def __init__(self, value: str) -> None:
        super().__init__(value)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::tsquery", params


def search_query(split: SplitQuery) -> SearchQuery | None:
    """The PostgreSQL query of a search: its words (websearch syntax, English stems) and its no-space runs
    (bigram phrases), all required; None when there is nothing to look for."""
    parts: list[SearchQuery] = []
    if split.has_words:
        parts.append(SearchQuery(split.words, config=SEARCH_CONFIG, search_type="websearch"))
    if split.runs:
        parts.append(NgramQuery(split.ngram_tsquery()))
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query = query & part
    return query


class Ordering:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    TITLE = "title"
    CHOICES = [(RELEVANCE, _("Relevance")), (NEWEST, _("Newest first")), (TITLE, _("Title (A–Z)"))]


class Availability:
    ELIGIBLE = "eligible"
    ELIGIBLE_OR_LICENSE = "eligible_or_license"
    CHOICES = [
        (ELIGIBLE, _("Eligible without a license")),
        (ELIGIBLE_OR_LICENSE, _("Eligible, or with a license")),
    ]


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with CLDR names in the active language, in its order (``catalog.countries``)."""
    return countries.country_choices()


class SchemaStated:
    """A filter whose API schema is ``openapi_schema`` with the filter's help text as its description
    (drf-spectacular drops the help text of a filter whose schema is given)."""

    openapi_schema: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = self.extra.get("help_text")  # type: ignore[attr-defined]
        set_override(self, "field", {**self.openapi_schema, **({"description": help_text} if help_text else {})})


class CountryCodeField(filter_fields.ChoiceField):
    """An ISO alpha-2 country code; lower case is accepted (``fr`` means ``FR``)."""

    def to_python(self, value: Any) -> str:
        return super().to_python(value).strip().upper()


@functools.lru_cache(maxsize=1)
def country_code_values() -> list[str]:
    """What a country filter accepts, for the API schema: blank (no filter) or a code in either case."""
    codes = countries.country_codes()
    return ["", *sorted(set(codes) | {code.lower() for code in codes})]


class CountryCodeFilter(SchemaStated, django_filters.ChoiceFilter):
    openapi_schema = {"type": "string", "enum": country_code_values()}
    field_class = CountryCodeField


ECMA_BLANKS = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class EccnPrefixField(forms.CharField):
    """An ECCN or its prefix, normalized: the code in upper case, sub-paragraphs in lower case (``3A090.a``)."""

    default_error_messages = {
        "invalid": _("Enter an ECCN or the beginning of one, such as 3A090, 3A090.a, 4A or EAR99."),
    }

    def to_python(self, value: Any) -> str:
        # Exactly the blanks of the schema's ``\s`` (ECMAScript's, which includes U+FEFF and not U+001C-U+001F),
        # so that what the schema calls valid is accepted and what it refuses is refused.
        value = ("" if value in self.empty_values else str(value)).strip(ECMA_BLANKS)
        if not value:
            return value
        head, dot, tail = value.partition(".")
        normalized = head.upper() + dot + tail.lower()
        if not ECCN_PREFIX_RE.match(normalized):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return normalized


# ``ECCN_PREFIX_RE`` before normalization (either case, surrounding spaces), or blank: what the API schema states.
ECCN_PREFIX_PATTERN = r"^\s*([Ee][Aa][Rr]99|[0-9]([A-Ea-e]([0-9]{1,3}(\.[a-zA-Z0-9]+)*)?)?)?\s*$"


class EccnPrefixFilter(SchemaStated, django_filters.CharFilter):
    openapi_schema = {"type": "string", "pattern": ECCN_PREFIX_PATTERN}
    field_class = EccnPrefixField


SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class SlugChoicesField(filter_fields.ModelMultipleChoiceField):
    """Slugs (or codes) of objects. Blank values (``consortium=``, as an empty form select sends) mean "no choice";
    a well-formed slug that names nothing matches nothing (an empty page, as for any search); only a value that
    cannot be a slug is invalid."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = [v for v in value if v not in ("", None)]
        return super().clean(value)

    def _check_values(self, value: Any) -> QuerySet:
        values = {str(v) for v in value}
        for v in sorted(values):
            if not SLUG_RE.match(v):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": v})  # fmt: skip
        return self.queryset.filter(**{f"{self.to_field_name or 'pk'}__in": values})


class SlugChoicesFilter(SchemaStated, django_filters.ModelMultipleChoiceFilter):
    openapi_schema = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$"}
    field_class = SlugChoicesField


class SearchField(forms.CharField):
    """Words to look for, in any language. A search of punctuation and symbols alone is refused with a message
    (it could only ever find nothing)."""

    default_error_messages = {
        "unsearchable": _(
            "Enter a word or a few characters to search for: punctuation and symbols alone find nothing."
        ),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not split_query(value).searchable:
            raise forms.ValidationError(self.error_messages["unsearchable"], code="unsearchable")


class SearchFilter(SchemaStated, django_filters.CharFilter):
    """Words to look for (forms refuse the NUL character)."""

    openapi_schema = {"type": "string", "maxLength": 200, "pattern": r"^[^\x00]*$"}
    field_class = SearchField


class PackageFilterSet(django_filters.FilterSet):
    """Filters of the public package catalog. Give it a queryset of published packages."""

    q = SearchFilter(method="filter_q", max_length=200, label=_("Search"), help_text=_("Words to look for."))
    layer = django_filters.MultipleChoiceFilter(
        choices=Layer.choices, method="filter_layer", label=_("Layer"),
        help_text=_("Packages with at least one component in any of these layers."),
    )  # fmt: skip
    category = django_filters.MultipleChoiceFilter(
        choices=Category.choices, method="filter_category", label=_("Component category"),
        help_text=_("Packages with at least one component of any of these categories."),
    )  # fmt: skip
    sector = django_filters.MultipleChoiceFilter(
        choices=SectorChoice.choices, method="filter_sector", label=_("Sector"),
        help_text=_("Packages serving any of these sectors."),
    )  # fmt: skip
    consortium = SlugChoicesFilter(
        queryset=Consortium.objects.all(), to_field_name="slug", method="filter_consortium",
        label=_("Consortium"), help_text=_("Slugs of consortia."),
    )  # fmt: skip
    target_region = SlugChoicesFilter(
        queryset=Region.objects.all(), method="filter_target_region", label=_("Target regional bloc"),
        help_text=_("Codes of regional blocs a package targets (for example gcc, eu, asean)."),
    )  # fmt: skip
    target_country = CountryCodeFilter(
        choices=country_choices, method="filter_target_country",
        label=_("Target country"),
        help_text=_("ISO code of a country the package targets, directly or through a regional bloc."),
    )  # fmt: skip
    eccn = EccnPrefixFilter(
        method="filter_eccn", label=_("ECCN"),
        help_text=_("An export control classification number or its beginning, such as 3A090 or 5A992.c."),
    )  # fmt: skip
    available_in = CountryCodeFilter(
        choices=country_choices, method="filter_available_in",
        label=_("Available to buyers in"),
        help_text=_("ISO code of the buyer's country: only packages that may be exported there."),
    )  # fmt: skip
    availability = django_filters.ChoiceFilter(
        choices=Availability.CHOICES, method="filter_nothing", label=_("Availability"), empty_label=None,
        help_text=_("With available_in: 'eligible' (default) or 'eligible_or_license'."),
    )  # fmt: skip
    ordering = django_filters.ChoiceFilter(
        choices=Ordering.CHOICES, method="filter_nothing", label=_("Sort by"), empty_label=None,
        help_text=_("relevance (with a search, else newest), newest or title."),
    )  # fmt: skip

    class Meta:
        model = Package
        fields: list[str] = []

    # Filters that narrow the results (everything except sorting and the availability qualifier).
    FACET_FILTERS = ("q", "layer", "category", "sector", "consortium", "target_region", "target_country", "eccn")

    def filter_queryset(self, queryset: QuerySet, *, exclude: Iterable[str] = ()) -> QuerySet:
        """Apply every valid filter except those named in ``exclude``, then sort."""
        excluded = set(exclude)
        for name, value in self.form.cleaned_data.items():
            # An empty model multiple choice cleans to ``none()``, which django-filter does not treat as empty.
            if isinstance(value, QuerySet) and value.query.is_empty():
                continue
            if name not in excluded:
                queryset = self.filters[name].filter(queryset, value)
        if "ordering" not in excluded:
            queryset = self.sort(queryset, self.form.cleaned_data.get("ordering") or Ordering.RELEVANCE)
        return queryset

    def qs_without(self, *names: str) -> QuerySet:
        """The results without the given filters (for a facet's counts) and without sorting."""
        self.errors  # noqa: B018 - validates the form
        return self.filter_queryset(self.queryset.all(), exclude=(*names, "ordering"))

    @property
    def is_filtered(self) -> bool:
        data = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        return any(data.get(name) for name in (*self.FACET_FILTERS, "available_in"))

    # --- sorting -------------------------------------------------------------------------------
    @staticmethod
    def sort(queryset: QuerySet, ordering: str) -> QuerySet:
        if ordering == Ordering.TITLE:
            return queryset.order_by("title", "pk")
        if ordering == Ordering.RELEVANCE and "rank" in queryset.query.annotations:
            return queryset.order_by("-rank", "-published_at", "-pk")
        return queryset.order_by("-published_at", "-pk")

    # --- filters -------------------------------------------------------------------------------
    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        split = split_query(value)
        if search_enabled():
            query = search_query(split)
            if query is None:
                return queryset.none()
            return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        # SQLite (the embedded default): every word (and every run of Japanese, Chinese... text) must appear in the
        # package, one of its translations, one of its components or their translations.
        for word in split.terms()[:10]:
            in_components = Component.objects.filter(package=OuterRef("pk")).filter(
                Q(name__icontains=word) | Q(description__icontains=word)
            )
            in_translations = PackageTranslation.objects.filter(package=OuterRef("pk")).filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
            )
            in_component_translations = ComponentTranslation.objects.filter(component__package=OuterRef("pk")).filter(
                Q(name__icontains=word) | Q(description__icontains=word)
            )
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Exists(in_components)
                | Exists(in_translations)
                | Exists(in_component_translations)
            )
        return queryset

    def filter_layer(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(Exists(Component.objects.filter(package=OuterRef("pk"), layer__in=value)))

    def filter_category(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(Exists(Component.objects.filter(package=OuterRef("pk"), category__in=value)))

    def filter_sector(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        through = Package.sectors.through
        return queryset.filter(Exists(through.objects.filter(package=OuterRef("pk"), sector_id__in=value)))

    def filter_consortium(self, queryset: QuerySet, name: str, value: list[Consortium]) -> QuerySet:
        return queryset.filter(consortium__in=value)

    def filter_target_region(self, queryset: QuerySet, name: str, value: list[Region]) -> QuerySet:
        through = Package.target_regions.through
        return queryset.filter(Exists(through.objects.filter(package=OuterRef("pk"), region__in=value)))

    def filter_target_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        direct = Package.target_countries.through.objects.filter(package=OuterRef("pk"), country_id=value)
        via_region = Package.target_regions.through.objects.filter(
            package=OuterRef("pk"), region__countries__code=value
        )
        return queryset.filter(Exists(direct) | Exists(via_region))

    def filter_eccn(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Exists(Component.objects.filter(package=OuterRef("pk"), eccn__startswith=value)))

    def filter_available_in(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        availability = self.form.cleaned_data.get("availability") or Availability.ELIGIBLE
        return packages_available_in(
            queryset, country=value, include_license_required=availability == Availability.ELIGIBLE_OR_LICENSE
        )
