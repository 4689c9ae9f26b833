from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views.manage import urlpatterns as manage_urlpatterns
from .views.memberships import urlpatterns as membership_urlpatterns
from .views.public import ConsortiumViewSet, PackageViewSet

# --- Public read API (catalogpub): /api/v1/packages/, /api/v1/consortia/ ----------------------------
public_router = SimpleRouter()
public_router.register("packages", PackageViewSet, basename="api-package")
public_router.register("consortia", ConsortiumViewSet, basename="api-consortium")

# Submitter routes first: ``packages/<slug>/submit/`` must win over any read-only ``packages`` router route.
urlpatterns: list = [
    *manage_urlpatterns,
    *membership_urlpatterns,
    path("", include(public_router.urls)),
]
