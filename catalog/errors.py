"""Domain errors of the catalog, raised by ``catalog.services`` and turned into messages by the adapters."""

from __future__ import annotations

from aiexports.errors import DomainError


class PackageIncomplete(DomainError):
    """A package lacks what submission needs. ``extra["missing"]`` lists each problem (code, message, step)."""

    code = "package_incomplete"
    status_code = 400


class PublicationBlocked(DomainError):
    """Publication is refused while the eligibility module reports blockers (for example screening hits)."""

    code = "publication_blocked"
    status_code = 409


class PublicationNeedsOverride(DomainError):
    """The decision panel shows warnings that were not each overridden with a reason. ``extra["warnings"]`` lists
    them (code, message, severity)."""

    code = "override_required"
    status_code = 409
