"""Catalog models, one module per area. Import models from ``catalog.models``."""

from .inquiries import Inquiry
from .organizations import Consortium, ConsortiumMember, Organization, OrganizationMembership
from .packages import ECCN_RE, Component, Package, eccn_validator
from .reference import Country, Region, Sector

# Last: the search-vector signals import services, which import the models above.
from . import search as _search_signals  # noqa: E402,F401,I001

__all__ = [
    "ECCN_RE",
    "Component",
    "Consortium",
    "ConsortiumMember",
    "Country",
    "Inquiry",
    "Organization",
    "OrganizationMembership",
    "Package",
    "Region",
    "Sector",
    "eccn_validator",
]
