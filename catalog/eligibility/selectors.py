"""Eligibility reads used by the catalog. (Stub until the eligibility issue lands.)"""

from __future__ import annotations

from django.db.models import QuerySet


def packages_available_in(queryset: QuerySet, *, country: str, include_license_required: bool = False) -> QuerySet:
    """Narrow a package queryset to packages whose eligibility outcome for ``country`` allows export.

    ``include_license_required`` also keeps packages that need a license. Stub: no results exist yet.
    """
    return queryset.none()


def publication_blockers(*, consortium_id: int) -> list[str]:
    """Reasons that block publishing this consortium's packages (open restricted-party screening hits).

    The catalog's publish service refuses to publish while this list is not empty.
    """
    from .screening.selectors import screening_blockers

    return screening_blockers(consortium_id=consortium_id)
