"""Public catalog pages for buyers (no account needed)."""

import os

from django.urls import path

from ..views import opendata, public

urlpatterns = [
    path("catalog/", public.package_list, name="package_list"),
    path("catalog/download.csv", opendata.catalog_csv, name="open_data_csv"),
    path("catalog/download.json", opendata.catalog_json, name="open_data_json"),
    path("catalog/consortia/<slug:slug>/", public.consortium_detail, name="consortium_detail"),
    path("catalog/<slug:slug>/", public.package_detail, name="package_detail"),
    path("catalog/<slug:slug>/contact/", public.package_contact, name="package_contact"),
]

# The benchmark's baseline (bench/bench_catalog.py): a trivial JSON view, routed only when asked for.
if os.environ.get("AIX_BENCH") == "1":
    urlpatterns.append(path("bench/trivial", public.bench_trivial, name="bench_trivial"))
