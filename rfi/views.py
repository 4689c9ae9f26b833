from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def notice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "rfi/notice_list.html", {"notices": []})
