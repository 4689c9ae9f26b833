from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def package_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/package_list.html", {"packages": []})
