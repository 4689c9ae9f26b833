"""A package's versions in other languages, for its consortium's managers: add, edit, remove (plain forms, no
JavaScript). Written by ``catalog.services.translations``; shown to buyers in their language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aiexports.errors import DomainError
from aiexports.typed import AuthenticatedHttpRequest
from catalog import services
from catalog.forms.translations import PackageTranslationForm
from catalog.models import ComponentTranslation, Package, PackageTranslation
from catalog.models.translations import content_language_choices

from ._helpers import add_service_error
from .packages import _editable_package


def _language_or_404(language: str) -> tuple[str, str]:
    names = dict(content_language_choices())
    if language not in names:
        raise Http404(_("No such language."))
    return language, str(names[language])


def _component_values(package: Package, language: str) -> dict[int, dict[str, str]]:
    rows = ComponentTranslation.objects.filter(component__package=package, language=language)
    return {r.component_id: {"name": r.name, "description": r.description} for r in rows}


def _form_page(request: AuthenticatedHttpRequest, package: Package, language: str = "") -> HttpResponse:
    components = list(package.components.order_by("layer", "position", "id"))
    translation = PackageTranslation.objects.filter(package=package, language=language).first() if language else None
    form = PackageTranslationForm(
        request.POST if request.method == "POST" else None,
        components=components,
        translation=translation,
        component_values=_component_values(package, language) if language else None,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.package_translation_save(actor=request.user, package=package, **form.service_values())
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            name = dict(content_language_choices())[saved.language]
            messages.success(request, _("The %(language)s version is saved.") % {"language": name})
            return redirect("catalog:manage_package_detail", slug=package.slug)
    context = {"package": package, "form": form, "translation": translation, "language": language}
    return render(request, "catalog/manage/translation_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def translation_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Add a version of the package in another language."""
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    return _form_page(request, package)


@login_required
@require_http_methods(["GET", "POST"])
def translation_edit(request: AuthenticatedHttpRequest, slug: str, language: str) -> HttpResponse:
    """Change the package's version in ``language`` (a language it has no version in starts one)."""
    language, _name = _language_or_404(language)
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    return _form_page(request, package, language)


@login_required
@require_http_methods(["GET", "POST"])
def translation_remove(request: AuthenticatedHttpRequest, slug: str, language: str) -> HttpResponse:
    """Confirm, then remove the package's version in ``language``."""
    language, name = _language_or_404(language)
    package = _editable_package(request, slug)
    if isinstance(package, HttpResponse):
        return package
    translation = PackageTranslation.objects.filter(package=package, language=language).first()
    if translation is None:
        raise Http404(_("This package has no version in that language."))
    if request.method == "POST":
        services.package_translation_remove(actor=request.user, package=package, language=language)
        messages.success(request, _("The %(language)s version is removed.") % {"language": name})
        return redirect("catalog:manage_package_detail", slug=package.slug)
    context = {"package": package, "translation": translation, "language_name": name}
    return render(request, "catalog/manage/translation_remove.html", context)
