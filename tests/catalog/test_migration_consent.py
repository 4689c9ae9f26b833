"""Migrations 0005/0006: consortium members that existed before consent are accepted members, dated when they
joined; a row created afterwards without a status is a pending invitation (fail closed)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# PostgreSQL only: there a transactional test's reference data is restored from a snapshot (tests/conftest.py),
# while on SQLite unapplying the eligibility migrations would leave later browser tests without their rule sets.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("catalog", "0004_merge_0003_search_0003_workflow")]
AFTER = [("catalog", "0006_consortium_members_accepted")]


def migrate(targets):  # noqa: ANN001, ANN201
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_members_become_accepted_and_the_migration_reverses():
    from tests.catalog.factories import ensure_reference_data

    ensure_reference_data()
    try:
        old = migrate(BEFORE)
        Organization = old.get_model("catalog", "Organization")
        Consortium = old.get_model("catalog", "Consortium")
        ConsortiumMember = old.get_model("catalog", "ConsortiumMember")
        anchor = Organization.objects.create(name="Old Anchor", slug="old-anchor", country_id="US")
        partner = Organization.objects.create(name="Old Partner", slug="old-partner", country_id="KE")
        consortium = Consortium.objects.create(name="Old Consortium", slug="old-consortium", anchor=anchor)
        ConsortiumMember.objects.create(consortium=consortium, organization=anchor, role="anchor")
        ConsortiumMember.objects.create(consortium=consortium, organization=partner, role="technology")

        new = migrate(AFTER)
        Member = new.get_model("catalog", "ConsortiumMember")
        rows = list(Member.objects.order_by("pk").values("status", "invited_at", "responded_at", "joined_at"))
        assert [r["status"] for r in rows] == ["accepted", "accepted"]
        assert all(r["invited_at"] == r["joined_at"] == r["responded_at"] for r in rows)
        fresh = Member.objects.create(
            consortium_id=consortium.pk,
            organization_id=Organization.objects.create(name="New", slug="new", country_id="US").pk,
        )
        assert fresh.status == "pending"

        migrate(BEFORE)  # reversible
        assert old.get_model("catalog", "ConsortiumMember").objects.count() == 3
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
