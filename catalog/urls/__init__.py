"""Catalog URLs (namespace ``catalog``): public pages in ``public``, submitter pages in ``manage``.

``organizations`` has its own namespace (``organizations``) and is included at ``/organizations/`` by the project.
"""

from django.urls import include, path

app_name = "catalog"
urlpatterns = [
    path("", include("catalog.urls.public")),
    path("", include("catalog.urls.manage")),
]
