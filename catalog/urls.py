"""Catalog URLs (namespace ``catalog``): public pages in ``urls_public``, submitter pages in ``urls_manage``."""

from django.urls import include, path

app_name = "catalog"
urlpatterns = [
    path("", include("catalog.urls_public")),
    path("", include("catalog.urls_manage")),
]
