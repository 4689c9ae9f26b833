"""Top-level URL configuration. Each app owns its routes; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from aiexports.api import json_not_found

handler400 = "aiexports.views.bad_request"  # says which upload limit a refused request went over

admin.site.site_header = _("AI Exports Program — staff")
admin.site.site_title = _("AI Exports staff")
admin.site.index_title = _("Review and administration")

api_v1 = [
    path("", include("catalog.api.urls")),
    path("", include("eligibility.api.urls")),
    path("rfi/", include("rfi.api.urls")),
    path("staff/", include("buyer_requests.api.urls")),
]

urlpatterns = [
    path("", include("aiexports.portal.urls")),
    path("accounts/", include("aiexports.accounts.urls")),
    path("accounts/second-factor/", include("aiexports.accounts.two_factor.urls")),
    path("organizations/", include("catalog.urls.organizations")),
    path("", include("catalog.urls")),
    path("eligibility/", include("eligibility.urls")),
    path("rfi/", include("rfi.urls")),
    path("alerts/", include("alerts.urls")),
    path("requests/", include("buyer_requests.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other /api/ path is a JSON 404 (the API never answers with an HTML page).
    re_path(r"^api/", json_not_found),
]
