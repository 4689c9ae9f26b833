"""Publishing over the decision panel's warnings, and the interagency consultation (services)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from catalog import services
from catalog.choices import ConsultationPosition, PackageStatus
from catalog.errors import PublicationNeedsOverride
from catalog.models import ConsultationAnswer, ConsultedOffice
from catalog.review_panel import publication_warnings
from tests.catalog.factories import company, complete_package
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


def in_review(**kwargs):
    _u, anchor, consortium = company("Unverified Anchor Ltd")
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now(), **kwargs)
    package.target_countries.add("CN")
    package.components.filter(category="accelerator").update(eccn="3A090.a", tpp=5000)
    return package, anchor


def office_member(code: str, **kwargs):
    office = ConsultedOffice.objects.get(code=code)
    user = StaffFactory(is_superuser=False, **kwargs)
    user.groups.add(office.group)
    return office, user


def test_publishing_over_warnings_without_overrides_is_refused_and_changes_nothing(staff):
    package, anchor = in_review()
    with pytest.raises(PublicationNeedsOverride) as exc:
        services.package_publish(actor=staff, package=package, override_reason="Because.")
    refused = {w["code"] for w in exc.value.extra["warnings"]}
    assert {"target_prohibited:CN", f"member_unverified:{anchor.pk}"} <= refused
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW and package.published_at is None
    assert not AuditEvent.objects.filter(action="package.publish").exists()


def test_overriding_only_some_warnings_is_refused(staff):
    package, anchor = in_review()
    with pytest.raises(PublicationNeedsOverride) as exc:
        services.package_publish(
            actor=staff, package=package, overrides=["target_prohibited:CN"], override_reason="Weighed."
        )
    assert f"member_unverified:{anchor.pk}" in {w["code"] for w in exc.value.extra["warnings"]}
    assert "target_prohibited:CN" not in {w["code"] for w in exc.value.extra["warnings"]}
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_overriding_every_warning_without_a_reason_is_refused(staff):
    package, _anchor = in_review()
    codes = [w.code for w in publication_warnings(package)]
    for reason in ("", "   "):
        with pytest.raises(PublicationNeedsOverride) as exc:
            services.package_publish(actor=staff, package=package, overrides=codes, override_reason=reason)
        assert exc.value.code == "override_reason_required"
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_publishing_with_an_override_of_each_warning_and_a_reason_records_both_in_the_audit_row(staff):
    package, anchor = in_review()
    warnings = publication_warnings(package)
    codes = [w.code for w in warnings]
    result = services.package_publish(
        actor=staff, package=package, overrides=codes, override_reason="Board minute 12: end user vetted.",
        message="Designated for Kenya.",
    )  # fmt: skip
    assert result.status == PackageStatus.PUBLISHED
    event = AuditEvent.objects.get(action="package.publish")
    assert event.changes["override_reason"] == "Board minute 12: end user vetted."
    assert event.changes["overrides"] == codes
    logged = {w["code"]: w for w in event.changes["warnings"]}
    assert logged["target_prohibited:CN"]["severity"] == "high"
    assert logged[f"member_unverified:{anchor.pk}"]["message"] == "Unverified Anchor Ltd is not verified by staff."
    assert event.changes["status"] == {"before": "in_review", "after": "published"}
    assert event.message == "Designated for Kenya."


def test_a_package_without_warnings_publishes_without_a_reason_and_logs_no_override(staff):
    _u, anchor, consortium = company()
    anchor.verified = True
    anchor.save()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now())
    for office in ConsultedOffice.objects.all():
        _o, member = office_member(office.code)
        services.consultation_answer(actor=member, package=package, office=office, position=ConsultationPosition.CONCUR)
    assert services.package_publish(actor=staff, package=package).status == PackageStatus.PUBLISHED
    assert AuditEvent.objects.get(action="package.publish").changes["warnings"] == []


def test_publishing_over_an_objection_needs_its_override(staff):
    package, _anchor = in_review()
    office, member = office_member("war")
    before = {w.code for w in publication_warnings(package)}
    services.consultation_answer(
        actor=member, package=package, office=office, position=ConsultationPosition.OBJECT, comment="Diversion risk."
    )
    with pytest.raises(PublicationNeedsOverride) as exc:
        services.package_publish(actor=staff, package=package, overrides=before, override_reason="Weighed.")
    assert [w["code"] for w in exc.value.extra["warnings"]] == [f"consultation_objection:{office.pk}"]


def test_an_office_member_answers_and_the_answer_is_audited_with_before_and_after():
    package, _anchor = in_review()
    office, member = office_member("state")
    services.consultation_answer(actor=member, package=package, office=office, position=ConsultationPosition.CONCUR)
    services.consultation_answer(
        actor=member, package=package, office=office, position=ConsultationPosition.OBJECT, comment="Second look."
    )
    answer = ConsultationAnswer.objects.get(package=package, office=office)
    assert (answer.position, answer.comment, answer.answered_by) == ("object", "Second look.", member)
    first, second = AuditEvent.objects.filter(action="package.consultation_answer").order_by("pk")
    assert first.changes["position"] == {"before": None, "after": "concur"}
    assert second.changes["position"] == {"before": "concur", "after": "object"}
    assert second.changes["comment"] == {"before": "", "after": "Second look."}
    assert second.changes["office"] == "Department of State"


def test_a_staff_member_outside_the_office_group_cannot_answer_for_it():
    package, _anchor = in_review()
    office = ConsultedOffice.objects.get(code="state")
    _energy, energy_member = office_member("energy")
    for outsider in (StaffFactory(is_superuser=False), energy_member):
        with pytest.raises(NotAllowed):
            services.consultation_answer(
                actor=outsider, package=package, office=office, position=ConsultationPosition.CONCUR
            )
    assert not ConsultationAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action="package.consultation_answer").exists()


def test_a_superuser_does_not_answer_for_an_office_silently(staff):
    package, _anchor = in_review()
    assert staff.is_superuser
    with pytest.raises(NotAllowed):
        services.consultation_answer(
            actor=staff, package=package, office=ConsultedOffice.objects.get(code="ostp"), position="concur"
        )
    assert not ConsultationAnswer.objects.exists()


def test_a_company_user_in_the_office_group_is_still_refused():
    package, _anchor = in_review()
    office = ConsultedOffice.objects.get(code="state")
    user, _o, _c = company()
    user.groups.add(office.group)
    with pytest.raises(NotAllowed):
        services.consultation_answer(actor=user, package=package, office=office, position="concur")


def test_an_objection_without_text_and_an_unknown_answer_are_refused():
    package, _anchor = in_review()
    office, member = office_member("state")
    with pytest.raises(DomainError) as exc:
        services.consultation_answer(actor=member, package=package, office=office, position="object", comment="  ")
    assert exc.value.code == "objection_text_required"
    with pytest.raises(DomainError):
        services.consultation_answer(actor=member, package=package, office=office, position="maybe")
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize("status", [PackageStatus.SUBMITTED, PackageStatus.PUBLISHED, PackageStatus.DRAFT])
def test_offices_answer_only_while_a_package_is_in_review(status):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=status)
    office, member = office_member("state")
    with pytest.raises(DomainError) as exc:
        services.consultation_answer(actor=member, package=package, office=office, position="concur")
    assert exc.value.code == "invalid_status"
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize("status", [PackageStatus.SUBMITTED, PackageStatus.REJECTED, PackageStatus.PUBLISHED])
def test_publishing_outside_review_is_refused_even_with_overrides(staff, status):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=status)
    with pytest.raises(InvalidTransition):
        services.package_publish(actor=staff, package=package, overrides=["x"], override_reason="r")
    package.refresh_from_db()
    assert package.status == status


def test_the_submitter_email_carries_the_public_message_but_never_the_consultation_or_override(
    staff, django_capture_on_commit_callbacks
):
    package, _anchor = in_review()
    user = package.consortium.anchor.memberships.get().user
    package.created_by = user
    package.save(update_fields=["created_by"])
    office, member = office_member("energy")
    services.consultation_answer(
        actor=member, package=package, office=office, position="object", comment="SECRET-OBJECTION-TEXT"
    )
    codes = [w.code for w in publication_warnings(package)]
    with django_capture_on_commit_callbacks(execute=True):
        services.package_publish(
            actor=staff, package=package, overrides=codes, override_reason="SECRET-OVERRIDE-REASON",
            message="Public reasons: designated for Kenya.",
        )  # fmt: skip
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "Published" in body and "Public reasons: designated for Kenya." in body
    for secret in ("SECRET-OBJECTION-TEXT", "SECRET-OVERRIDE-REASON", "Department of Energy", "Objection"):
        assert secret not in body
