from django.urls import include, path

# --- Public read API (catalogpub): /api/v1/packages/, /api/v1/consortia/ ----------------------------
from rest_framework.routers import SimpleRouter

from .public import ConsortiumViewSet, PackageViewSet

public_router = SimpleRouter()
public_router.register("packages", PackageViewSet, basename="api-package")
public_router.register("consortia", ConsortiumViewSet, basename="api-consortium")
# --- end of the public read API ------------------------------------------------------------------

urlpatterns: list = [
    path("", include(public_router.urls)),
]
