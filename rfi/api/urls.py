from django.urls import path

from . import views

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="rfi-api-notice-list"),
    path("notices/<str:docket>/", views.NoticeDetailView.as_view(), name="rfi-api-notice-detail"),
    path("notices/<str:docket>/submissions/", views.NoticeSubmissionsView.as_view(), name="rfi-api-submissions"),
]
