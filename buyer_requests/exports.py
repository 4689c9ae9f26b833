"""CSV export of the request queue: streamed, one row per request, every cell guarded against formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.http import client_ip, signed_in_user
from aiexports.streaming import Echo, csv_safe

from .models import NEED_FIELDS, PackageRequest
from .services import package_request_export_record


def _header() -> list[str]:
    return [
        _("reference"), _("received (UTC)"), _("status"), _("assigned to"), _("requester type"), _("organization"),
        _("contact name"), _("e-mail address"), _("country"), _("sector"),
        *[str(layer.label) for layer in NEED_FIELDS], _("scale"), _("timeline"), _("financing interest"),
        _("matched packages"),
    ]  # fmt: skip


def _row(r: PackageRequest) -> list[str]:
    return [csv_safe(str(value)) for value in (
        r.reference, r.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), r.get_status_display(),
        r.assigned_to or "", r.get_requester_type_display(), r.organization_name, r.contact_name, r.email,
        r.country_id, r.sector_id, *[getattr(r, name) for name in NEED_FIELDS.values()], r.get_scale_display(),
        r.get_timeline_display(), r.get_financing_interest_display(),
        " ".join(m.package.slug for m in r.matches.all()),
    )]  # fmt: skip


def _lines(queryset: QuerySet[PackageRequest]) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(_header())  # the BOM: spreadsheets read the file as UTF-8
    for row in queryset.iterator(chunk_size=500):
        yield writer.writerow(_row(row))


def csv_response(request: HttpRequest, queryset: QuerySet[PackageRequest], *, filters: str) -> StreamingHttpResponse:
    """Stream ``queryset`` as CSV; the export itself is audited (it carries contact details)."""
    queryset = queryset.select_related("country", "sector", "assigned_to").prefetch_related("matches__package")
    package_request_export_record(
        actor=signed_in_user(request), count=queryset.count(), filters=filters, ip_address=client_ip(request)
    )
    name = f"package-requests-{timezone.now():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
