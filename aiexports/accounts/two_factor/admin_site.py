"""The admin site: Django's, with the second factor required of every staff session (``AIX_ADMIN_REQUIRE_OTP``).

``has_permission`` is what ``AdminSite.admin_view`` checks for every admin view — the standard ones and each
``ModelAdmin.get_urls()`` custom view wrapped with ``admin_site.admin_view`` — so none answers a session that
has only passed the password. The admin's sign-in page sends such a session on to the second-factor page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import selectors
from .views import second_factor_url


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not selectors.needs_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        next_url = request.POST.get("next") or request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if request.method == "GET" and selectors.needs_second_factor(request):
            return HttpResponseRedirect(second_factor_url(request, next_url))
        response = super().login(request, extra_context)
        # A correct password (django-axes has let it through): the second factor comes next, before the admin.
        if request.method == "POST" and response.status_code == 302 and selectors.needs_second_factor(request):
            return HttpResponseRedirect(second_factor_url(request, response["Location"]))
        return response
