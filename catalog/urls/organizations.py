"""Organization pages (/organizations/): create an organization, edit it, manage its members."""

from django.urls import path

from ..views import organizations as views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/edit/", views.organization_edit, name="edit"),
    path("<slug:slug>/members/", views.organization_members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", views.member_set_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
