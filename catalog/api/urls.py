from django.urls import path  # noqa: F401

from .manage import urlpatterns as manage_urlpatterns

# Submitter routes first: ``packages/<slug>/submit/`` must win over any read-only ``packages`` router route.
urlpatterns: list = [*manage_urlpatterns]
