"""Signed-in pages for consortium members: dashboard, consortia, package drafts, API tokens."""

from django.urls import path

from .views import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
