"""Public eligibility pages: the buyer's country, a package's full eligibility, and the calculator."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from catalog.countries import country_name, sort_by_country

from .buyer import buyer_country, remember_country
from .choices import Outcome, outcome_label, tier_label
from .forms import CalculatorForm, ComponentFormSet, CountryForm
from .models import RuleSet
from .presentation import map_context, panel_context
from .selectors_results import eligibility_evaluate, package_for_eligibility, ruleset_active


def choose_country(request: HttpRequest) -> HttpResponse:
    """Remember the buyer's country (a preference, like the language) and go back to the page."""
    form = CountryForm(request.GET)
    target = request.GET.get("next") or reverse("eligibility:calculator")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("eligibility:calculator")
    if form.is_valid():
        remember_country(request, form.cleaned_data["country"])
    return HttpResponseRedirect(target)


def package_eligibility(request: HttpRequest, slug: str) -> HttpResponse:
    package = package_for_eligibility(slug, request.user)
    if package is None:
        raise Http404
    return render(request, "eligibility/package_eligibility.html", panel_context(package, request))


@ratelimit(key="ip", rate=lambda g, r: settings.AIX_RATE_CALCULATOR, method="POST", block=True)
def calculator(request: HttpRequest) -> HttpResponse:
    """Evaluate components typed by a visitor against a rule set; nothing is saved."""
    if request.method == "POST":
        form = CalculatorForm(request.POST)
        formset = ComponentFormSet(request.POST, prefix="c")
    else:
        form = CalculatorForm(initial={"country": buyer_country(request) or ""})
        formset = ComponentFormSet(prefix="c")
    context: dict[str, object] = {"form": form, "formset": formset}
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        ruleset: RuleSet | None = form.cleaned_data["ruleset"] or ruleset_active()
        if ruleset is None:
            form.add_error(None, _("No rule set is active."))
        else:
            components = formset.components()  # type: ignore[attr-defined]  # BaseComponentFormSet
            context.update(_calculation(components, ruleset, form.cleaned_data["country"] or None))
    failed = request.method == "POST" and bool(form.errors or formset.total_error_count())
    status = 400 if failed else 200
    return render(request, "eligibility/calculator.html", context, status=status)


def _calculation(components: list, ruleset: RuleSet, country: str | None) -> dict[str, object]:
    """The result, summary first: counts by outcome and the buyer's country; then the details (folded)."""
    evaluation = eligibility_evaluate(components=components, ruleset=ruleset)
    rows = sort_by_country(evaluation.outcomes.values(), lambda o: o.country)
    outcomes = {o.country: o.outcome for o in rows}
    tiers = {t.code: t.name for t in ruleset.tiers.all()}
    counts = Counter(outcomes.values())
    return {
        "ruleset": ruleset,
        "evaluation": evaluation,
        "classified": [(c, evaluation.classifications[i]) for i, c in enumerate(components)],
        "rows": [(o, country_name(o.country) or o.country, tier_label(o.tier, tiers.get(o.tier, ""))) for o in rows],
        "outcome_counts": [(value, outcome_label(value), counts.get(value, 0)) for value in Outcome.values],
        "chosen": evaluation.outcomes.get(country) if country else None,
        "chosen_name": country_name(country or ""),
        **map_context(outcomes, country),
    }
