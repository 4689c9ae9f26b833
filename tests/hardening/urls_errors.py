"""A test-only URL configuration: the real routes plus two views that fail, to see what an error page shows."""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from aiexports.urls import urlpatterns as real_urlpatterns

LEAKY_MESSAGE = "SECRET_KEY=hunter2 in django.db.backends while running SELECT password FROM accounts_user"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(LEAKY_MESSAGE)


def bad_sql(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT secret_column FROM no_such_table_for_tests")
    return HttpResponse("unreachable")


urlpatterns = [
    path("__test__/boom/", boom),
    path("__test__/bad-sql/", bad_sql),
    *real_urlpatterns,
]
