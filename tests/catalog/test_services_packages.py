from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from catalog import services
from catalog.choices import Category, Layer, OrganizationRole, PackageStatus
from catalog.errors import PackageIncomplete
from catalog.models import Component, Package
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import ComponentFactory, MembershipFactory, OrganizationFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_draft_with_a_unique_slug_and_an_audit_row():
    user, _org, consortium = company()
    first = services.package_create(actor=user, consortium=consortium, title="Sovereign Cloud", summary="S")
    second = services.package_create(actor=user, consortium=consortium, title="Sovereign Cloud")
    assert first.status == PackageStatus.DRAFT
    assert first.slug == "sovereign-cloud" and second.slug == "sovereign-cloud-2"
    assert AuditEvent.objects.filter(action="package.create", target_id=str(first.pk)).exists()


def test_an_editor_of_the_anchor_cannot_create_a_package():
    _user, org, consortium = company()
    editor = UserFactory()
    MembershipFactory(user=editor, organization=org, role=OrganizationRole.EDITOR)
    with pytest.raises(NotAllowed):
        services.package_create(actor=editor, consortium=consortium, title="X")


def test_a_user_of_another_company_cannot_create_a_package_for_the_consortium():
    _user, _org, consortium = company()
    other, _o, _c = company()
    with pytest.raises(NotAllowed):
        services.package_create(actor=other, consortium=consortium, title="X")


def test_updating_a_draft_records_the_changed_fields_including_target_countries():
    user, _org, consortium = company()
    package = services.package_create(actor=user, consortium=consortium, title="Old")
    services.package_update(actor=user, package=package, title="New", target_countries=["KE", "GH"])
    event = AuditEvent.objects.get(action="package.update")
    assert event.changes["title"] == {"before": "Old", "after": "New"}
    assert event.changes["target_countries"]["after"] == ["GH", "KE"]


def test_an_empty_title_is_refused():
    user, _org, consortium = company()
    package = services.package_create(actor=user, consortium=consortium, title="T")
    with pytest.raises(ValidationError):
        services.package_update(actor=user, package=package, title="  ")


def test_a_component_is_added_with_its_layer_and_position():
    user, org, consortium = company()
    package = services.package_create(actor=user, consortium=consortium, title="T")
    comp = services.component_add(
        actor=user, package=package, layer=Layer.HARDWARE, category=Category.ACCELERATOR, name="H100",
        supplier=org, eccn="3A090.a", tpp=15832, performance_density=19.4,
    )  # fmt: skip
    assert comp.position == 0 and comp.supplier == org
    assert AuditEvent.objects.filter(action="component.add").count() == 1


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"category": Category.FOUNDATION_MODEL}, "category"),
        ({"eccn": "3A09"}, "eccn"),
        ({"tpp": -1}, "tpp"),
        ({"us_origin_share": Decimal("101")}, "us_origin_share"),
    ],
)
def test_a_component_with_bad_values_is_refused_naming_the_field(fields, error_field):
    user, _org, consortium = company()
    package = services.package_create(actor=user, consortium=consortium, title="T")
    values = {"category": Category.ACCELERATOR, **fields}
    with pytest.raises(ValidationError) as exc:
        services.component_add(actor=user, package=package, layer=Layer.HARDWARE, name="C", **values)
    assert error_field in exc.value.message_dict
    assert not Component.objects.exists()


def test_a_supplier_outside_the_consortium_is_refused():
    user, _org, consortium = company()
    package = services.package_create(actor=user, consortium=consortium, title="T")
    with pytest.raises(ValidationError) as exc:
        services.component_add(
            actor=user, package=package, layer=Layer.DATA, category=Category.PIPELINE, name="P",
            supplier=OrganizationFactory(),
        )  # fmt: skip
    assert "supplier" in exc.value.message_dict


def test_a_member_organization_can_supply_a_component():
    user, _org, consortium = company()
    member = add_member(consortium)
    package = services.package_create(actor=user, consortium=consortium, title="T")
    comp = services.component_add(
        actor=user, package=package, layer=Layer.DATA, category=Category.PIPELINE, name="P",
        supplier=member.organization,
    )  # fmt: skip
    assert comp.supplier == member.organization


def test_components_are_updated_and_removed_with_audit_rows():
    user, _org, consortium = company()
    package = complete_package(consortium)
    comp = package.components.first()
    services.component_update(actor=user, component=comp, name="Renamed", quantity=4)
    comp.refresh_from_db()
    assert (comp.name, comp.quantity) == ("Renamed", 4)
    services.component_remove(actor=user, component=comp)
    assert not Component.objects.filter(pk=comp.pk).exists()
    assert {"component.update", "component.remove"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_submitting_a_complete_draft_moves_it_to_submitted_and_requests_an_eligibility_check(monkeypatch):
    user, _org, consortium = company()
    package = complete_package(consortium)
    calls = []
    monkeypatch.setattr(
        "catalog.services.packages.eligibility_check_request", lambda **kw: calls.append(kw["package_id"])
    )
    result = services.package_submit(actor=user, package=package)
    assert result.status == PackageStatus.SUBMITTED and result.submitted_at is not None
    assert calls == [package.pk]
    assert AuditEvent.objects.filter(action="package.submit", target_id=str(package.pk)).exists()


def test_submitting_a_package_without_a_security_component_is_refused_with_what_is_missing():
    user, _org, consortium = company()
    package = complete_package(consortium)
    package.components.filter(layer=Layer.SECURITY).delete()
    with pytest.raises(PackageIncomplete) as exc:
        services.package_submit(actor=user, package=package)
    assert [m["code"] for m in exc.value.extra["missing"]] == ["layer_security"]
    assert exc.value.extra["missing"][0]["step"] == "security"
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT


def test_submitting_without_a_target_market_is_refused():
    user, _org, consortium = company()
    package = complete_package(consortium)
    package.target_countries.clear()
    with pytest.raises(PackageIncomplete) as exc:
        services.package_submit(actor=user, package=package)
    assert [m["code"] for m in exc.value.extra["missing"]] == ["target_markets"]


def test_a_regional_bloc_counts_as_a_target_market():
    user, _org, consortium = company()
    package = complete_package(consortium)
    package.target_countries.clear()
    package.target_regions.add("gcc")
    assert services.package_submit(actor=user, package=package).status == PackageStatus.SUBMITTED


@pytest.mark.parametrize(
    "status",
    [PackageStatus.SUBMITTED, PackageStatus.IN_REVIEW, PackageStatus.PUBLISHED, PackageStatus.REJECTED,
     PackageStatus.WITHDRAWN],
)  # fmt: skip
def test_submitting_from_a_non_editable_status_is_refused(status):
    user, _org, consortium = company()
    package = complete_package(consortium, status=status)
    with pytest.raises(InvalidTransition):
        services.package_submit(actor=user, package=package)


@pytest.mark.parametrize("status", [PackageStatus.SUBMITTED, PackageStatus.IN_REVIEW, PackageStatus.PUBLISHED])
def test_editing_a_package_outside_draft_or_changes_requested_is_refused(status):
    user, _org, consortium = company()
    package = complete_package(consortium, status=status)
    with pytest.raises(DomainError):
        services.package_update(actor=user, package=package, title="X")
    with pytest.raises(DomainError):
        services.component_add(actor=user, package=package, layer="data", category="pipeline", name="P")
    with pytest.raises(DomainError):
        services.component_remove(actor=user, component=package.components.first())


def test_a_published_package_is_read_only_with_a_hint_to_revise():
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED)
    with pytest.raises(NotAllowed) as exc:
        services.package_update(actor=user, package=package, title="X")
    assert exc.value.code == "published_read_only"


def test_resubmitting_after_changes_requested_is_recorded_as_a_resubmission():
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.CHANGES_REQUESTED)
    services.package_update(actor=user, package=package, summary="Better")
    assert services.package_submit(actor=user, package=package).status == PackageStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="package.resubmit").exists()


@pytest.mark.parametrize("status", [PackageStatus.SUBMITTED, PackageStatus.IN_REVIEW, PackageStatus.CHANGES_REQUESTED])
def test_a_submitter_withdraws_a_package_under_review(status):
    user, _org, consortium = company()
    package = complete_package(consortium, status=status)
    assert services.package_withdraw(actor=user, package=package).status == PackageStatus.WITHDRAWN


@pytest.mark.parametrize("status", [PackageStatus.DRAFT, PackageStatus.PUBLISHED, PackageStatus.REJECTED])
def test_withdrawing_a_draft_published_or_rejected_package_is_refused(status):
    user, _org, consortium = company()
    package = complete_package(consortium, status=status)
    with pytest.raises(InvalidTransition):
        services.package_withdraw(actor=user, package=package)


def test_a_withdrawn_package_reopens_as_a_draft_and_only_then():
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.WITHDRAWN)
    assert services.package_reopen(actor=user, package=package).status == PackageStatus.DRAFT
    with pytest.raises(InvalidTransition):
        services.package_reopen(actor=user, package=package)


def test_revising_a_published_package_copies_fields_and_components_into_a_draft():
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, description="D")
    package.sectors.add("health")
    revision = services.package_revise(actor=user, package=package)
    assert revision.status == PackageStatus.DRAFT and revision.revision_of == package
    assert revision.slug != package.slug and revision.description == "D"
    assert list(revision.sectors.values_list("code", flat=True)) == ["health"]
    assert sorted(revision.components.values_list("revision_source_id", flat=True)) == sorted(
        package.components.values_list("pk", flat=True)
    )
    with pytest.raises(InvalidTransition):
        services.package_revise(actor=user, package=package)


@pytest.mark.parametrize("status", [PackageStatus.DRAFT, PackageStatus.IN_REVIEW, PackageStatus.REJECTED])
def test_only_a_published_package_can_be_revised(status):
    user, _org, consortium = company()
    with pytest.raises(InvalidTransition):
        services.package_revise(actor=user, package=complete_package(consortium, status=status))


def test_a_package_of_another_company_cannot_be_submitted_or_withdrawn():
    _user, _org, consortium = company()
    other, _o, _c = company()
    package = complete_package(consortium)
    with pytest.raises(NotAllowed):
        services.package_submit(actor=other, package=package)
    with pytest.raises(NotAllowed):
        services.package_withdraw(actor=other, package=package)


def test_package_factory_default_is_a_draft():
    assert PackageFactory().status == PackageStatus.DRAFT
    assert Package.objects.count() == 1
    assert ComponentFactory().layer == Layer.HARDWARE


def test_a_withdrawn_revision_cannot_be_reopened_while_a_newer_revision_is_open():
    user, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED)
    first = services.package_revise(actor=user, package=package)
    services.package_submit(actor=user, package=first)
    services.package_withdraw(actor=user, package=first)
    second = services.package_revise(actor=user, package=package)
    assert second.pk != first.pk
    with pytest.raises(InvalidTransition):
        services.package_reopen(actor=user, package=first)
