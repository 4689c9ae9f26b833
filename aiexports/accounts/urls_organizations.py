"""Organization pages (/organizations/): create an organization, edit it, manage its members."""

from django.urls import path  # noqa: F401

app_name = "organizations"
urlpatterns: list = []
