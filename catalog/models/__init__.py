"""Catalog models, one module per area. Import models from ``catalog.models``."""

from .consultation import ConsultationAnswer, ConsultedOffice
from .inquiries import Inquiry
from .organizations import Consortium, ConsortiumMember, Organization, OrganizationMembership
from .packages import ECCN_RE, Component, Package, eccn_validator
from .reference import Country, Region, Sector
from .translations import ComponentTranslation, PackageTranslation

__all__ = [
    "ECCN_RE",
    "Component",
    "ComponentTranslation",
    "Consortium",
    "ConsultationAnswer",
    "ConsultedOffice",
    "ConsortiumMember",
    "Country",
    "Inquiry",
    "Organization",
    "OrganizationMembership",
    "Package",
    "PackageTranslation",
    "Region",
    "Sector",
    "eccn_validator",
]
