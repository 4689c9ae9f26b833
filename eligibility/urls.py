from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("country/", views.choose_country, name="choose_country"),
    path("packages/<slug:slug>/", views.package_eligibility, name="package"),
]
