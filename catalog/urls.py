from django.urls import path

from .views import dashboard, public

app_name = "catalog"
urlpatterns = [
    path("catalog/", public.package_list, name="package_list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
