"""Public routes of availability alerts, under ``/alerts/``."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("new/", views.subscribe, name="subscribe"),
    path("new/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
]
