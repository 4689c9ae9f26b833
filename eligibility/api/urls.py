from django.urls import path

from . import views

urlpatterns = [
    path("countries/", views.CountryList.as_view(), name="eligibility-countries"),
    path("rulesets/", views.RuleSetList.as_view(), name="eligibility-rulesets"),
    path("rulesets/<slug:version>/", views.RuleSetDetail.as_view(), name="eligibility-ruleset"),
    path("packages/<slug:slug>/eligibility/", views.PackageEligibility.as_view(), name="eligibility-package"),
    path("eligibility/evaluate/", views.Evaluate.as_view(), name="eligibility-evaluate"),
]
