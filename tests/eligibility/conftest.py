from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from catalog.eligibility.models import RuleSet
from catalog.eligibility.seeding import AID_VERSION, EAR_VERSION, seed_country_groups, seed_rulesets


@pytest.fixture
def ear(db) -> RuleSet:
    """The seeded, active "Current EAR controls" rule set (loaded by the data migration)."""
    return RuleSet.objects.get(version=EAR_VERSION)


@pytest.fixture
def aid(db) -> RuleSet:
    return RuleSet.objects.get(version=AID_VERSION)


@pytest.fixture
def reference_data(transactional_db) -> RuleSet:
    """A transactional test starts from an emptied database: load the countries and the seeds again."""
    catalog_reference = importlib.import_module("catalog.migrations.0002_reference_data")
    catalog_reference.load(django_apps, None)
    seed_country_groups(django_apps)
    seed_rulesets(django_apps)
    return RuleSet.objects.get(version=EAR_VERSION)
