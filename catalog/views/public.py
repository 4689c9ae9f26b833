"""Public catalog pages for buyers: the package list with search and facets, a package, a consortium."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from aiexports.http import client_ip
from aiexports.views import ratelimited
from catalog import cache as catalog_cache
from catalog import selectors
from catalog.countries import country_name
from catalog.filtersets import Availability, Ordering, PackageFilterSet, country_choices
from catalog.forms.public import InquiryForm
from catalog.models import Package
from catalog.services.inquiries import inquiry_create
from eligibility.buyer import buyer_country
from eligibility.presentation import panel_context

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _active_filters(request: HttpRequest, facets: Any) -> list[dict[str, str]]:  # a lazy selectors.Facets
    """One removable tag per active filter value: its label and the URL of the list without it."""
    names = {
        "q": _("Search"), "layer": _("Layer"), "category": _("Category"), "sector": _("Sector"),
        "consortium": _("Consortium"), "target_region": _("Target bloc"), "target_country": _("Target country"),
        "eccn": _("ECCN"), "available_in": _("Available in"),
    }  # fmt: skip
    labels: dict[str, dict[str, str]] = {}

    def label_of(name: str, value: str) -> str:
        if name not in labels:  # consortia and blocs are named by the facets, the other facets by their choices
            named = {o.value: o.label for o in getattr(facets, name)} if name in ("consortium", "target_region") else {}
            labels[name] = named or selectors.facet_labels(name)
        return labels[name].get(value, value)

    tags = []
    for name, title in names.items():
        for value in request.GET.getlist(name):
            if not value.strip():
                continue
            if name in ("target_country", "available_in"):
                label = country_name(value) or value
            elif name in ("q", "eccn"):
                label = value
            else:
                label = label_of(name, value)
            remaining = request.GET.copy()
            remaining.setlist(name, [v for v in request.GET.getlist(name) if v != value])
            remaining.pop("page", None)
            tags.append({"name": title, "label": str(label), "url": f"?{remaining.urlencode()}"})
    return tags


def _options(choices: Iterable[tuple[str, str]], selected: str) -> str:
    """``<option>`` elements built in Python: a template loop over 249 countries dominated the page's render time."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{escape(v)}"{" selected" if v == selected else ""}>{escape(label)}</option>'
            for v, label in choices
        )
    )


def _package_cards(ids: list[int]) -> list[str]:
    """The list cards of these packages (in this order), each rendered once per catalog version and language:
    only the packages missing from the cache are read (with their relations) and rendered."""

    def render_cards(missing: list[int]) -> list[str]:
        packages = {p.pk: p for p in selectors.attach_list_data(selectors.published_packages().filter(pk__in=missing))}
        return [render_to_string("catalog/public/_package_card.html", {"package": packages[pk]}) for pk in missing]

    return catalog_cache.get_many_or_build("card", ids, render_cards, local=True)


def _facets_fragment_key(request: HttpRequest, filterset: PackageFilterSet) -> str:
    """What the rendered filter column depends on besides the counts: the language and any filter errors."""
    errors = sorted((name, list(messages)) for name, messages in filterset.form.errors.items())
    state = repr((get_language(), errors, request.GET.get("target_country") or ""))
    return f"{selectors.facets_cache_key(filterset)}:{hashlib.sha256(state.encode()).hexdigest()[:32]}"


def _list_context(request: HttpRequest) -> dict[str, Any]:
    filterset = PackageFilterSet(request.GET, queryset=selectors.published_packages(), request=request)
    # Only ids are read for the page: its cards come from the cache (see ``_package_cards``).
    paginator = selectors.CachedCountPaginator(filterset.qs.values_list("pk", flat=True), _page_size(request))
    if not filterset.errors:
        paginator.count_key = selectors.filters_digest(filterset)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Lazy: when the filter column comes from the cache, its options are never built.
    facets = SimpleLazyObject(lambda: selectors.package_facets(filterset))
    without_page = request.GET.copy()
    without_page.pop("page", None)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "cards": _package_cards(page.object_list),
        "filter_errors": bool(filterset.errors),
        # The filter column is cached as rendered HTML under the facet counts' key (see package_list.html).
        "facets_cache_seconds": selectors.catalog_cache_seconds(),
        "facets_fragment_key": _facets_fragment_key(request, filterset),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
        "query_without_page": without_page.urlencode(),
        "facets": facets,
        "active_filters": _active_filters(request, facets),
        "is_filtered": filterset.is_filtered,
        "available_in_options": _options(country_choices(), (request.GET.get("available_in") or "").upper()),
        "target_country_options": lambda: _options(  # called by the template, inside the cached column
            [(o.value, f"{o.label} ({o.count})") for o in facets.target_country],
            (request.GET.get("target_country") or "").upper(),
        ),
        "ordering_choices": Ordering.CHOICES,
        "availability_choices": Availability.CHOICES,
        "current": {
            "q": request.GET.get("q", ""),
            "eccn": request.GET.get("eccn", ""),
            "ordering": request.GET.get("ordering") or Ordering.RELEVANCE,
            "availability": request.GET.get("availability") or Availability.ELIGIBLE,
            "available_in": (request.GET.get("available_in") or "").upper(),
            "target_country": (request.GET.get("target_country") or "").upper(),
            "page_size": _page_size(request),
        },
        "page_sizes": PAGE_SIZES,
    }
    return context


PLAIN_LIST_PAGES = 20  # the first pages of the unfiltered list are cached whole (a bounded number of entries)


def _plain_list_page(request: HttpRequest) -> int | None:
    """The page number of an unfiltered, default-sized list address (``/catalog/``, ``?page=2``), else None."""
    if not request.GET:
        return 1
    if set(request.GET) == {"page"} and len(request.GET.getlist("page")) == 1:
        raw = request.GET["page"]
        if raw.isdigit() and str(int(raw)) == raw and 1 <= int(raw) <= PLAIN_LIST_PAGES:
            return int(raw)
    return None


@catalog_cache.conditional_page
def package_list(request: HttpRequest) -> HttpResponse:
    """``/catalog/``: published packages, searched, filtered by facets, sorted and paginated (GET only).

    The content of an unfiltered page (its first pages) is cached whole under the catalog version and the
    language, so a warm plain list builds no filter set and reads nothing; the layout around it (the header,
    messages, the language form's token) is rendered for each visitor."""
    number = _plain_list_page(request)
    if number is not None:
        content = catalog_cache.get_or_build(
            "list-content",
            (request.path, number),
            lambda: render_to_string("catalog/public/_package_list_content.html", _list_context(request), request),
            local=True,
        )
        context = {"content_html": mark_safe(content), "current": {"q": ""}}  # noqa: S308 - our template's output
        return render(request, "catalog/public/package_list.html", context)
    context = _list_context(request)
    status = 400 if context["filter_errors"] else 200
    return render(request, "catalog/public/package_list.html", context, status=status)


def _inquiry_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "AIX_RATE_INQUIRY", settings.AIX_RATE_CONTACT)


def _package_page(slug: str) -> dict[str, Any]:
    """What a package page shows besides the inquiry form: its header fields and the rendered body (facts,
    sectors, markets, members, components), or 404. Rendered once per catalog version and language."""

    def build() -> dict[str, Any]:
        package = selectors.published_package_detail(slug=slug)
        consortium = package.consortium
        return {
            "pk": package.pk,
            "slug": package.slug,
            "title": package.title,
            "summary": package.summary,
            "lang": package.lang,
            "consortium": {"name": consortium.name, "slug": consortium.slug},
            "main": render_to_string(
                "catalog/public/_package_detail_main.html", {"package": package, "consortium": consortium}
            ),
        }

    page = selectors.cached_catalog_value("detail-page", slug, build)
    page["main"] = mark_safe(page["main"])  # noqa: S308 -- rendered by our template, autoescaped
    return page


def _eligibility_panel(request: HttpRequest, package_id: int) -> str:
    """The package's eligibility panel (250-country select, map, table), rendered once per catalog version,
    language, buyer country and page address (its country form returns to the page). An address with a query
    string is rendered every time: the cache must not grow with made-up URLs."""

    def build() -> str:
        return render_to_string("eligibility/package_panel.html", panel_context(Package(pk=package_id), request))

    if request.META.get("QUERY_STRING"):  # any query string would be a new entry (~230 kB with the map)
        return mark_safe(build())  # noqa: S308
    key = f"{package_id}:{request.path}:{buyer_country(request) or ''}"
    # Stored compressed: the map's 250 shapes make ~230 kB of HTML that compresses about tenfold, and the cache
    # shares its Redis with the Celery broker (no eviction), so its size is kept small.
    # In this process's memory it is kept inflated: inflating 230 kB on every request was a third of its cost.
    local_key = catalog_cache.key("detail-eligibility-html", key)
    html = catalog_cache.local_get(local_key)
    if html is None:
        packed = catalog_cache.get_or_build("detail-eligibility", (key,), lambda: zlib.compress(build().encode(), 1))
        html = mark_safe(zlib.decompress(packed).decode())  # noqa: S308
        if catalog_cache.cache_seconds():
            catalog_cache.local_set(local_key, html)
    return html


@require_http_methods(["GET", "HEAD"])
@catalog_cache.conditional_page
def package_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/catalog/<slug>/``: a published package (404 unless published), from the cache (see ``_package_page``).
    Its "express interest" form is a page of its own (``package_contact``), so this page holds nothing
    per-visitor but the layout."""
    page = _package_page(slug)
    context = {
        "page": page,
        "package": page,
        "consortium": page["consortium"],
        "eligibility_panel": _eligibility_panel(request, page["pk"]),
    }
    return render(request, "catalog/public/package_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_inquiry_rate, method="POST", block=False, group="catalog.inquiry")
def package_contact(request: HttpRequest, slug: str) -> HttpResponse:
    """``/catalog/<slug>/contact/``: the "express interest" form of a published package (404 unless published).
    A sent message returns to the package page, which shows the confirmation."""
    page = _package_page(slug)
    form = InquiryForm()
    if request.method == "POST":
        if getattr(request, "limited", False):
            return ratelimited(request)
        form = InquiryForm(request.POST)
        if form.is_valid():
            inquiry_create(
                package=selectors.published_package_detail(slug=slug),
                name=form.cleaned_data["name"],
                organization=form.cleaned_data["organization"],
                country_code=form.cleaned_data["country"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                ip_address=client_ip(request),
                language=get_language() or "",
            )
            messages.success(
                request, _("Thank you. Your message was sent to the consortium, who will reply by e-mail.")
            )
            messages.info(request, _("We have e-mailed you a copy of your message."))
            # No fragment: the confirmation is shown at the top of the package page, where the browser lands.
            return redirect(reverse("catalog:package_detail", args=[page["slug"]]))
    context = {"package": page, "consortium": page["consortium"], "form": form}
    return render(request, "catalog/public/package_contact.html", context, status=400 if form.errors else 200)


@catalog_cache.conditional_page
def consortium_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/catalog/consortia/<slug>/``: a consortium with published packages, its members and their countries."""
    consortium = selectors.public_consortium_detail(slug=slug)
    return render(request, "catalog/public/consortium_detail.html", {"consortium": consortium})


def bench_trivial(request: HttpRequest) -> JsonResponse:
    """A trivial JSON view, the benchmark's baseline (routed only when AIX_BENCH=1)."""
    return JsonResponse({"ok": True})
