"""The package wizard (overview → hardware → software & models → data → security → review) and a package's
page for consortium members, with submit, withdraw, reopen and revise.

Every step is a plain form that saves on each submit, so it works without JavaScript; the buttons that leave
a step save first, and a step that fails validation re-renders with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aiexports.accounts.services import EmailNotConfirmed
from aiexports.accounts.views import email_unconfirmed_response
from aiexports.errors import DomainError
from aiexports.typed import AuthenticatedHttpRequest, StrOrPromise
from catalog import services
from catalog.access import consortium_for_member_or_404, is_consortium_manager, package_for_member_or_404
from catalog.choices import FederalSupport, Layer, PackageStatus
from catalog.errors import PackageIncomplete
from catalog.forms.packages import ComponentForm, OverviewForm
from catalog.models import Package
from catalog.readiness import (
    LAYER_STEPS,
    STEP_SLUGS,
    STEPS,
    package_missing,
    us_share_context,
)
from catalog.services.packages import EDITABLE_STATUSES, open_revision
from eligibility.targets import target_market_eligibility

from ._helpers import add_service_error


def _step_url(package: Package, step: str) -> str:
    return reverse("catalog:manage_package_step", args=[package.slug, step])


# The control on a missing item's step that fixes it: the review's summary links straight to it, so focus
# lands on the field (a missing layer is fixed by adding a component, which starts with its category).
MISSING_FIELD_IDS = {"title": "id_title", "summary": "id_summary", "target_markets": "id_target_countries"}


def _missing_url(package: Package, m) -> str:  # noqa: ANN001
    if m.component is not None:  # a component's problem (its supplier left): its own form, at the supplier
        return reverse("catalog:manage_component_edit", args=[package.slug, m.component]) + "#id_supplier"
    return f"{_step_url(package, m.step)}#{MISSING_FIELD_IDS.get(m.code, 'id_new-category')}"


def _missing_links(package: Package, missing: list) -> list[dict]:
    return [{"message": m.message, "url": _missing_url(package, m)} for m in missing]


def _target_after_save(package: Package, step: str, nav: str) -> str:
    """Where a wizard button leads once the step saved: the next or previous step, or the same one."""
    index = STEP_SLUGS.index(step)
    if nav == "next":
        return _step_url(package, STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)])
    if nav == "back":
        return _step_url(package, STEP_SLUGS[max(index - 1, 0)])
    return _step_url(package, step)


def _wizard_context(package: Package | None, step: str) -> dict:
    index = STEP_SLUGS.index(step)
    steps = [
        {"slug": slug, "label": label, "state": "current" if i == index else ("complete" if i < index else "")}
        for i, (slug, label) in enumerate(STEPS)
    ]
    return {
        "package": package,
        "step": step,
        "steps": steps,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "step_label": STEPS[index][1],
        "is_first": index == 0,
    }


def _editable_package(request: AuthenticatedHttpRequest, slug: str) -> Package | HttpResponse:
    """The package if the user may edit it now; otherwise a redirect to its page with the reason (or 403/404)."""
    package = package_for_member_or_404(request.user, slug)
    if not is_consortium_manager(request.user, package.consortium):
        raise PermissionDenied
    if package.status not in EDITABLE_STATUSES:
        messages.info(
            request,
            _("This package is “%(status)s” and cannot be edited now.") % {"status": package.get_status_display()},
        )
        return redirect("catalog:manage_package_detail", slug=package.slug)
    return package


@login_required
@require_http_methods(["GET", "POST"])
def package_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The overview step of a new package of the consortium ``slug``; saving creates the draft."""
    consortium = consortium_for_member_or_404(request.user, slug)
    if not is_consortium_manager(request.user, consortium):
        raise PermissionDenied
    form = OverviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            package = services.package_create(
                actor=request.user, consortium=consortium, title=values.pop("title"), **values
            )
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(_target_after_save(package, "overview", request.POST.get("nav", "next")))
    context = {**_wizard_context(None, "overview"), "form": form, "consortium": consortium}
    return render(request, "catalog/manage/step_overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def package_step(request: AuthenticatedHttpRequest, slug: str, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    if step == "overview":
        return _overview_step(request, package)
    if step == "review":
        return _review_step(request, package)
    return _layer_step(request, package, step)


def _overview_step(request: AuthenticatedHttpRequest, package: Package) -> HttpResponse:
    form = OverviewForm(request.POST or None, instance=package)
    if request.method == "POST" and form.is_valid():
        try:
            services.package_update(actor=request.user, package=package, **form.service_values())
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Overview saved."))
            return redirect(_target_after_save(package, "overview", request.POST.get("nav", "next")))
    context = {**_wizard_context(package, "overview"), "form": form, "consortium": package.consortium}
    return render(request, "catalog/manage/step_overview.html", context)


def _layer_step(request: AuthenticatedHttpRequest, package: Package, layer: str) -> HttpResponse:
    form = ComponentForm(request.POST or None, layer=layer, package=package, prefix="new")
    nav = request.POST.get("nav", "add")
    if request.method == "POST":
        if nav != "add" and not form.has_input():
            return redirect(_target_after_save(package, layer, nav))
        if form.is_valid():
            values = form.service_values()
            try:
                services.component_add(
                    actor=request.user,
                    package=package,
                    layer=layer,
                    category=values.pop("category"),
                    name=values.pop("name"),
                    **values,
                )
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Component “%(name)s” added.") % {"name": form.cleaned_data["name"]})
                return redirect(_target_after_save(package, layer, "stay" if nav == "add" else nav))
    components = package.components.filter(layer=layer).select_related("supplier").order_by("position", "id")
    context = {
        **_wizard_context(package, layer),
        "form": form,
        "components": components,
        "layer_label": Layer(layer).label,
    }
    return render(request, "catalog/manage/step_layer.html", context, status=400 if form.errors else 200)


def _review_context(package: Package) -> dict:
    components = list(package.components.select_related("supplier").order_by("layer", "position", "id"))
    target_regions = list(package.target_regions.prefetch_related("countries"))
    layers = [
        {"value": layer.value, "label": layer.label, "components": [c for c in components if c.layer == layer]}
        for layer in Layer
    ]
    return {
        **_wizard_context(package, "review"),
        "missing": _missing_links(package, package_missing(package, components)),
        "layers": layers,
        **us_share_context(components),
        "sectors": package.sectors.all(),
        "target_countries": package.target_countries.all(),
        "target_regions": target_regions,
        "federal_support": [FederalSupport(v).label for v in package.federal_support if v in FederalSupport.values],
        "target_markets": target_market_eligibility(package, components=components, regions=target_regions),
    }


def _review_step(request: AuthenticatedHttpRequest, package: Package) -> HttpResponse:
    if request.method == "POST":
        return package_submit(request, package.slug)
    return render(request, "catalog/manage/step_review.html", _review_context(package))


@login_required
@require_POST
def package_submit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    try:
        services.package_submit(actor=request.user, package=package)
    except PackageIncomplete:
        context = {**_review_context(package), "submit_failed": True}
        return render(request, "catalog/manage/step_review.html", context, status=400)
    except EmailNotConfirmed as exc:
        return email_unconfirmed_response(request, exc)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("catalog:manage_package_detail", slug=package.slug)
    messages.success(request, _("Package submitted for review. You will get an e-mail when its status changes."))
    return redirect("catalog:manage_package_detail", slug=package.slug)


@login_required
@require_http_methods(["GET", "POST"])
def component_edit(request: AuthenticatedHttpRequest, slug: str, component_id: int) -> HttpResponse:
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    component = get_object_or_404(package.components.select_related("supplier"), pk=component_id)
    form = ComponentForm(request.POST or None, instance=component, layer=component.layer, package=package)
    if request.method == "POST" and form.is_valid():
        try:
            component = services.component_update(actor=request.user, component=component, **form.service_values())
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Component “%(name)s” saved.") % {"name": component.name})
            return redirect(_step_url(package, component.layer))
    context = {**_wizard_context(package, component.layer), "form": form, "component": component}
    return render(request, "catalog/manage/component_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def component_remove(request: AuthenticatedHttpRequest, slug: str, component_id: int) -> HttpResponse:
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    component = get_object_or_404(package.components, pk=component_id)
    if request.method == "POST":
        services.component_remove(actor=request.user, component=component)
        messages.success(request, _("Component “%(name)s” removed.") % {"name": component.name})
        return redirect(_step_url(package, component.layer))
    context = {**_wizard_context(package, component.layer), "component": component}
    return render(request, "catalog/manage/component_remove.html", context)


@login_required
def package_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A package as its consortium's members see it: status, reviewer feedback, eligibility, actions."""
    package = package_for_member_or_404(request.user, slug)
    components = list(package.components.select_related("supplier").order_by("layer", "position", "id"))
    context = {
        "package": package,
        "is_manager": is_consortium_manager(request.user, package.consortium),
        "editable": package.status in EDITABLE_STATUSES,
        "layers": [
            {"value": layer.value, "label": layer.label, "components": [c for c in components if c.layer == layer]}
            for layer in Layer
        ],
        **us_share_context(components),
        "translations": list(package.translations.order_by("language")),
        "open_revision": open_revision(package) if package.status == "published" else None,
        "layer_steps": LAYER_STEPS,
        # What the submitter is warned about before staff decide: the outcome for each of its own targets.
        "target_markets": target_market_eligibility(package, components=components)
        if package.status != PackageStatus.DRAFT
        else None,
    }
    return render(request, "catalog/manage/package_detail.html", context)


def _transition_view(service_name: str, success: StrOrPromise):
    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
        package = package_for_member_or_404(request.user, slug)
        try:
            result = getattr(services, service_name)(actor=request.user, package=package)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("catalog:manage_package_detail", slug=package.slug)
        messages.success(request, success)
        return redirect("catalog:manage_package_detail", slug=result.slug)

    view.__name__ = service_name
    return view


package_withdraw = _transition_view("package_withdraw", gettext_lazy("Package withdrawn from review."))
package_reopen = _transition_view("package_reopen", gettext_lazy("Package reopened as a draft."))
package_revise = _transition_view(
    "package_revise",
    gettext_lazy("Revision started. The public keeps seeing the published version until staff approve it."),
)
