"""Public catalog pages for buyers (no account needed)."""

from django.urls import path

from .views import public

urlpatterns = [
    path("catalog/", public.package_list, name="package_list"),
]
