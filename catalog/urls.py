from django.urls import path

from .views import organizations, public

app_name = "catalog"
urlpatterns = [
    path("catalog/", public.package_list, name="package_list"),
    path("dashboard/", organizations.dashboard, name="dashboard"),
    path("organizations/new/", organizations.organization_create, name="organization_create"),
]
