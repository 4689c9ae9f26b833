from __future__ import annotations

import pytest
from django.core import mail

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from catalog import services
from catalog.choices import Category, Layer, PackageStatus, RejectionReason
from catalog.errors import PublicationBlocked
from catalog.services.revisions import revision_diff
from tests.catalog.factories import company, complete_package, publish_over_warnings
from tests.factories import ComponentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


def test_staff_start_review_and_become_the_reviewer(staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    result = services.package_start_review(actor=staff, package=package)
    assert result.status == PackageStatus.IN_REVIEW and result.reviewer == staff
    assert AuditEvent.objects.filter(action="package.start_review", actor=staff).exists()


@pytest.mark.parametrize("status", [PackageStatus.DRAFT, PackageStatus.IN_REVIEW, PackageStatus.PUBLISHED])
def test_starting_a_review_outside_submitted_is_refused(staff, status):
    _u, _o, consortium = company()
    with pytest.raises(InvalidTransition):
        services.package_start_review(actor=staff, package=complete_package(consortium, status=status))


def test_a_company_user_cannot_take_review_decisions():
    user, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    for call in (
        lambda: services.package_start_review(actor=user, package=package),
        lambda: services.package_publish(actor=user, package=package),
        lambda: services.package_request_changes(actor=user, package=package, message="m"),
        lambda: services.package_reject(actor=user, package=package, reason=RejectionReason.OTHER, message="m"),
        lambda: services.package_assign(actor=user, package=package, reviewer=user),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_assigning_a_reviewer_is_audited_and_needs_a_staff_reviewer(staff):
    _u, _o, consortium = company()
    user, _o2, _c2 = company()
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    assert services.package_assign(actor=staff, package=package, reviewer=staff).reviewer == staff
    assert AuditEvent.objects.filter(action="package.assign").exists()
    with pytest.raises(NotAllowed):
        services.package_assign(actor=staff, package=package, reviewer=user)


def test_assigning_a_draft_is_refused(staff):
    _u, _o, consortium = company()
    with pytest.raises(InvalidTransition):
        services.package_assign(actor=staff, package=complete_package(consortium), reviewer=staff)


def test_publishing_sets_the_date_and_status(staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    result = publish_over_warnings(staff, package)
    assert result.status == PackageStatus.PUBLISHED and result.published_at is not None


@pytest.mark.parametrize("status", [PackageStatus.DRAFT, PackageStatus.SUBMITTED, PackageStatus.REJECTED])
def test_publishing_outside_review_is_refused(staff, status):
    _u, _o, consortium = company()
    with pytest.raises(InvalidTransition):
        services.package_publish(actor=staff, package=complete_package(consortium, status=status))


def test_publishing_is_refused_while_the_eligibility_module_reports_blockers(staff, monkeypatch):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    monkeypatch.setattr("catalog.services.review.publication_blockers", lambda **kw: ["Screening hit: ACME"])
    with pytest.raises(PublicationBlocked) as exc:
        services.package_publish(actor=staff, package=package)
    assert exc.value.extra["blockers"] == ["Screening hit: ACME"]
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_requesting_changes_keeps_the_message_for_the_submitter(staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    result = services.package_request_changes(actor=staff, package=package, message="Add a data pipeline.")
    assert result.status == PackageStatus.CHANGES_REQUESTED
    assert result.reviewer_feedback == "Add a data pipeline."
    with pytest.raises(InvalidTransition):
        services.package_request_changes(actor=staff, package=result, message="again")


def test_requesting_changes_without_a_message_is_refused(staff):
    _u, _o, consortium = company()
    with pytest.raises(DomainError):
        services.package_request_changes(
            actor=staff, package=complete_package(consortium, status=PackageStatus.IN_REVIEW), message=" "
        )


def test_rejecting_needs_a_coded_reason(staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    with pytest.raises(DomainError):
        services.package_reject(actor=staff, package=package, reason="because")
    with pytest.raises(DomainError):
        services.package_reject(actor=staff, package=package, reason=RejectionReason.OTHER)
    result = services.package_reject(actor=staff, package=package, reason=RejectionReason.US_CONTENT)
    assert (result.status, result.rejection_reason) == (PackageStatus.REJECTED, "us_content")
    with pytest.raises(InvalidTransition):
        services.package_reject(actor=staff, package=result, reason=RejectionReason.US_CONTENT)


def test_each_status_change_enqueues_one_email_after_commit(staff, django_capture_on_commit_callbacks):
    user, _o, consortium = company()
    package = complete_package(consortium, created_by=user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.package_submit(actor=user, package=package)
    assert callbacks  # the status e-mail (and the eligibility check of the submitted package)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "Submitted" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.package_start_review(actor=staff, package=package)
        services.package_request_changes(actor=staff, package=package, message="Please add pricing.")
    assert len(mail.outbox) == 3
    assert "Please add pricing." in mail.outbox[2].body


def test_no_email_is_sent_when_the_transaction_is_rolled_back(django_capture_on_commit_callbacks):
    user, _o, consortium = company()
    package = complete_package(consortium)
    package.components.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        services.package_submit(actor=user, package=package)
    assert callbacks == [] and mail.outbox == []


def test_a_package_nobody_can_hear_about_queues_no_status_e_mail():
    from aiexports.outbox.models import OutboxMail
    from catalog.notifications import package_status_mail

    _user, _o, consortium = company()
    package = complete_package(consortium)
    package.consortium.anchor.memberships.all().delete()
    package.created_by = None
    package_status_mail(package)
    assert not OutboxMail.objects.exists()


def _published_with_revision(staff):
    user, org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, title="Stack One")
    revision = services.package_revise(actor=user, package=package)
    return user, package, revision


def test_the_revision_diff_lists_changed_fields_and_added_removed_and_changed_components(staff):
    user, package, revision = _published_with_revision(staff)
    services.package_update(actor=user, package=revision, summary="A better summary", target_countries=["GH"])
    security = revision.components.get(layer=Layer.SECURITY)
    services.component_remove(actor=user, component=security)
    chip = revision.components.get(layer=Layer.HARDWARE)
    services.component_update(actor=user, component=chip, quantity=64)
    services.component_add(actor=user, package=revision, layer="security", category=Category.PRIVACY, name="Vault")
    diff = revision_diff(revision)
    assert {label for label, _b, _a in diff.fields} == {"summary", "target countries"}
    assert [c.name for c in diff.added] == ["Vault"]
    assert [c.layer for c in diff.removed] == ["security"]
    assert diff.changed[0][1] == [("quantity", 1, 64)]


def test_approving_a_revision_copies_it_onto_the_published_package_and_closes_it(staff):
    user, package, revision = _published_with_revision(staff)
    chip_id = package.components.get(layer=Layer.HARDWARE).pk
    services.package_update(actor=user, package=revision, title="Stack One v2")
    services.component_update(actor=user, component=revision.components.get(layer=Layer.HARDWARE), quantity=8)
    services.component_remove(actor=user, component=revision.components.get(layer=Layer.SECURITY))
    services.component_add(actor=user, package=revision, layer="security", category=Category.PRIVACY, name="Vault")
    services.package_submit(actor=user, package=revision)
    package.refresh_from_db()
    assert package.title == "Stack One"  # the public still sees the published version
    services.package_start_review(actor=staff, package=revision)
    public = publish_over_warnings(staff, revision)
    assert public.pk == package.pk and public.slug == package.slug and public.title == "Stack One v2"
    assert public.status == PackageStatus.PUBLISHED
    assert public.components.get(layer=Layer.HARDWARE).pk == chip_id
    assert public.components.get(layer=Layer.HARDWARE).quantity == 8
    assert list(public.components.filter(layer=Layer.SECURITY).values_list("name", flat=True)) == ["Vault"]
    revision.refresh_from_db()
    assert revision.status == PackageStatus.MERGED
    assert AuditEvent.objects.filter(action="package.revision_merged", target_id=str(package.pk)).exists()
    # with the revision closed, a new one may start
    assert services.package_revise(actor=user, package=public).revision_of == public


def test_a_component_added_to_a_revision_is_reported_once(staff):
    user, _package, revision = _published_with_revision(staff)
    ComponentFactory(package=revision, category=Category.DATASET, name="Extra")
    assert [c.name for c in revision_diff(revision).added] == ["Extra"]
