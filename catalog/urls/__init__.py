"""Catalog URLs (namespace ``catalog``): public pages in ``public``, submitter pages in ``manage``."""

from django.urls import include, path

app_name = "catalog"
urlpatterns = [
    path("", include("catalog.urls.public")),
    path("", include("catalog.urls.manage")),
]
