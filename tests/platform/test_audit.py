from __future__ import annotations

import pytest
from django.db import transaction

from aiexports.audit.models import AuditEvent
from aiexports.audit.services import audit_record, field_changes
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_audit_event_records_actor_action_target_changes_and_ip():
    user = UserFactory()
    org = OrganizationFactory()
    event = audit_record(
        actor=user,
        action="organization.update",
        target=org,
        changes=field_changes({"name": "Old"}, {"name": "New"}),
        ip_address="203.0.113.7",
    )
    event.refresh_from_db()
    assert event.actor == user
    assert event.target_id == str(org.pk)
    assert event.target_type.model == "organization"
    assert event.changes == {"name": {"before": "Old", "after": "New"}}
    assert event.ip_address == "203.0.113.7"
    assert event.created_at.tzinfo is not None


def test_an_audit_event_is_rolled_back_with_the_change_it_describes():
    org = OrganizationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="organization.delete", target=org)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="organization.delete").exists()


def test_field_changes_lists_only_fields_that_differ():
    assert field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": {"before": 2, "after": 3}}


def test_the_audit_log_is_read_only_in_the_admin(admin_client):
    event = audit_record(action="test.event")
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
