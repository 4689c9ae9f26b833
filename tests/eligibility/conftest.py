from __future__ import annotations

import pytest

from eligibility.models import RuleSet
from eligibility.seeding import AID_VERSION, EAR_VERSION


@pytest.fixture
def ear(db) -> RuleSet:
    """The seeded, active "Current EAR controls" rule set (loaded by the data migration)."""
    return RuleSet.objects.get(version=EAR_VERSION)


@pytest.fixture
def aid(db) -> RuleSet:
    return RuleSet.objects.get(version=AID_VERSION)


@pytest.fixture
def reference_data(transactional_db) -> RuleSet:
    """The seeded EAR rule set in a transactional test (tests/conftest.py restores the reference data)."""
    return RuleSet.objects.get(version=EAR_VERSION)
