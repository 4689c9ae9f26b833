"""Audit that cannot miss a change: every write service, found by introspection, records an audit event with a real
before/after for each field it can change.

A new public ``<entity>_<verb>`` function in a services module (or in any module that writes audit events) makes
``test_every_write_service_is_walked_or_excluded_with_a_reason`` fail with its name: give it a case in ``CASES`` (or
a per-field walk below), or an entry in ``EXCLUDED`` that says why it writes no audited model.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from aiexports.audit.services import field_changes
from catalog.choices import Category, ConsortiumRole, Layer, PackageStatus
from catalog.models import Component, ConsortiumMember, Country, Organization, OrganizationMembership
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import ComponentFactory, OrganizationFactory, StaffFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("aiexports", "catalog", "eligibility", "screening", "rfi", "alerts", "buyer_requests")
SERVICE_NAME = re.compile(r"^[a-z]+(_[a-z]+)+$")


def _service_modules() -> list[str]:
    """Modules named ``services`` (or inside a ``services`` package), and any other module that writes audit events."""
    found = []
    for package in PACKAGES:
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            parts = info.name.split(".")
            private = any(part.startswith("_") for part in parts)  # helpers of a services package, not services
            if private or "migrations" in parts or "tests" in parts or info.name == "aiexports.audit.services":
                continue
            path = ROOT.joinpath(*parts, "__init__.py") if info.ispkg else ROOT.joinpath(*parts).with_suffix(".py")
            source = path.read_text()
            if "services" in parts or "audit_record(" in source:
                found.append(info.name)
    return sorted(found)


def discovered_services() -> dict[str, Callable[..., Any]]:
    services = {}
    for name in _service_modules():
        module = importlib.import_module(name)
        for attr, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == name and not attr.startswith("_") and SERVICE_NAME.match(attr):
                services[f"{name}.{attr}"] = func
    return services


# --- Services that write no audited model, each with the reason ------------------------------------------------

READS = "reads only (a selector, validator or formatter living next to the writes)"
DERIVED = (
    "writes derived data recomputed from audited rows (results, search vectors, caches); "
    "the change that caused it is audited"
)
QUEUE = "enqueues work (on commit); the work it starts is audited by the service that does it"
DELIVERY = "stamps the delivery time of an e-mail (bookkeeping of a send, not a change anyone made)"
MACHINERY = "moves an eligibility check through its lifecycle (claim, run, retry, fail): worker bookkeeping"
EXCLUDED: dict[str, str] = {
    "catalog.services.organizations.validate_control": READS,
    "aiexports.portal.services.contact_message_acknowledge": DELIVERY,
    "rfi.services.rfi_receipt_send": DELIVERY,
    "rfi.services.submission_key_is_valid": READS,
    "rfi.duplicates.campaign_threshold": READS,
    "rfi.duplicates.submission_texts": READS,
    "rfi.duplicates.enqueue_campaign_detection": QUEUE,
    "rfi.exports.csv_response": READS + "; the export it streams is recorded by submission_export_record",
    "rfi.exports.export_queryset": READS,
    "rfi.exports.export_rows": READS,
    "rfi.exports.safe_cell": READS,
    "rfi.exports.with_campaign_size": READS,
    "catalog.services.inquiries.inquiry_notify": DELIVERY,
    "catalog.services.inquiries.inquiry_copy_send": DELIVERY + " (the buyer's copy of an inquiry)",
    "alerts.services.alert_unsubscribe": "checks a signed link and calls alert_end or subscriber_unsubscribe_all "
    "(both walked)",
    "alerts.services.manage_link_request": QUEUE + " (the e-mail of the manage link; nothing is written)",
    "alerts.services.alert_confirmation_send": "sends the confirmation e-mail of an alert whose subscription is "
    "audited (alert.subscribe); it writes nothing",
    "alerts.services.manage_link_send": "sends the manage-link e-mail; it writes nothing",
    "alerts.services.alerts_match_package": DERIVED + " (announcements: which saved searches a package matches)",
    "alerts.services.alerts_digest_send": DELIVERY + " (the digest's day and its announcements' sent time)",
    "alerts.services.alerts_sweep": DERIVED + "; " + QUEUE + " (the digests)",
    "catalog.services.packages.component_snapshot": READS,
    "catalog.services.packages.component_values": READS,
    "catalog.services.packages.open_revision": READS,
    "catalog.services.packages.package_snapshot": READS,
    "catalog.services.packages.require_editable": READS,
    "catalog.services.revisions.revision_diff": READS,
    "catalog.services.revisions.revision_merge": "called only by package_publish, whose package.revision_merged "
    "and package.publish_revision events record the merge (walked there)",
    "catalog.services.search.search_enabled": READS,
    "catalog.services.search.package_search_refresh": DERIVED,
    "catalog.services.search.packages_search_refresh": DERIVED,
    "eligibility.services.eligibility_checks_create": "creates the check rows of an audited request "
    "(ruleset_activate, eligibility_recheck_all, package_submit)",
    "eligibility.services.eligibility_check_claim": MACHINERY,
    "eligibility.services.eligibility_checks_claim": MACHINERY,
    "eligibility.services.eligibility_checks_execute": MACHINERY + "; its results are " + DERIVED[7:],
    "eligibility.services.eligibility_check_execute": MACHINERY + "; its results are " + DERIVED[7:],
    "eligibility.services.eligibility_check_fail": MACHINERY,
    "eligibility.services.eligibility_check_release": MACHINERY,
    "eligibility.services.eligibility_sweep": MACHINERY,
    "eligibility.services.eligibility_compute_now": DERIVED + " (demo data and --sync only)",
    "eligibility.services.eligibility_results_write": DERIVED,
    "eligibility.services.eligibility_results_write_many": DERIVED,
    "eligibility.services.program_evaluate": READS,
    "eligibility.services.ruleset_validate": READS,
    "screening.services.organization_screen_request": QUEUE,
    "aiexports.accounts.services.email_confirmation_send": QUEUE + " (the send stamps no audited field)",
    "aiexports.accounts.services.require_confirmed_email": READS,
    "aiexports.accounts.two_factor.demo.demo_totp_secret": READS + " (the demo key derived from settings)",
    "aiexports.accounts.two_factor.services.format_recovery_code": READS,
    "aiexports.accounts.two_factor.services.normalize_code": READS,
    "eligibility.impact.compare_outcomes": READS,
    "eligibility.impact.impact_preview_execute": "worker bookkeeping of the preview asked for by "
    "impact_preview_request (ruleset.impact_requested, walked); it fills in the preview's own result row",
    "catalog.services.memberships.clean_layers": READS,
    "catalog.services.translations.clean_language": READS,
    "catalog.services.search.split_query": READS + " (a search split into words and no-space runs)",
    "catalog.services.translations.translations_copy": "copies a package's language versions inside "
    "package_revise and the publishing of a revision, whose own audit rows record the step",
    "catalog.services.memberships.notify_member_event": QUEUE + " (the e-mail of an audited membership step)",
    "screening.services.screening_sweep": QUEUE + " (organization_screen, walked)",
    "aiexports.outbox.services.queue_mail": "stores the e-mail of an audited change in the outbox (delivery "
    "bookkeeping written in that change's transaction, not a change anyone made)",
    "aiexports.outbox.services.outbox_mail_cancel": "withdraws an unsent e-mail of a step undone by an audited "
    "service (consortium_member_withdraw): delivery bookkeeping",
    "aiexports.outbox.services.outbox_mail_deliver": DELIVERY + " (claim, send, mark sent: worker bookkeeping)",
    "aiexports.outbox.services.outbox_sweep": QUEUE + " (re-enqueues e-mails whose delivery was lost)",
    "buyer_requests.services.package_request_receipt_send": DELIVERY,
    "buyer_requests.services.request_reply_send": DELIVERY,
    "buyer_requests.services.request_match_notify": DELIVERY,
    "buyer_requests.services.status_url": READS + " (the signed status link of a request)",
}


# --- The walk: each case calls one service and says which event, with which before/after, it must write --------


@dataclass
class Expect:
    action: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (before, after) as recorded (JSON)
    plain: tuple[str, ...] = ()  # keys of an event that records a request or an access, not a field change


def manager_and_package(status: str = PackageStatus.DRAFT):
    user, org, consortium = company()
    return user, complete_package(consortium, status=status)


def _package_transition(service: str, status: str, after: str, **kwargs: Any) -> Callable[[], Expect]:
    def case() -> Expect:
        from catalog import services

        user, package = manager_and_package(status)
        actor = StaffFactory() if service in {"package_start_review", "package_publish", "package_reject",
                                              "package_request_changes"} else user  # fmt: skip
        getattr(services, service)(actor=actor, package=package, **kwargs)
        action = {"package_submit": "package.submit"}.get(service, f"package.{service.removeprefix('package_')}")
        return Expect(action, {"status": (status, after)})

    return case


def case_package_publish() -> Expect:
    from catalog.review_panel import publication_warnings
    from tests.catalog.factories import publish_over_warnings

    _user, package = manager_and_package(PackageStatus.IN_REVIEW)
    warnings = [w.as_dict() for w in publication_warnings(package)]
    assert warnings  # an unverified organization and unanswered consultations: publishing must override them
    publish_over_warnings(StaffFactory(), package, reason="The board weighed each warning.")
    return Expect("package.publish", {"status": ("in_review", "published")}, plain=("warnings", "overrides"))


def case_package_create() -> Expect:
    from catalog.services import package_create

    user, _org, consortium = company()
    package_create(actor=user, consortium=consortium, title="Stack", summary="A stack.", target_countries=["KE"])
    return Expect(
        "package.create", {"title": (None, "Stack"), "summary": (None, "A stack."), "target_countries": (None, ["KE"])}
    )


def case_package_revise() -> Expect:
    from catalog.services import package_revise

    user, package = manager_and_package(PackageStatus.PUBLISHED)
    revision = package_revise(actor=user, package=package)
    return Expect("package.revise", {}, plain=("revision",)) if revision else Expect("never")


def case_package_assign() -> Expect:
    from catalog.services import package_assign

    _user, package = manager_and_package(PackageStatus.SUBMITTED)
    staff = StaffFactory(email="reviewer@example.gov")
    package_assign(actor=staff, package=package, reviewer=staff)
    return Expect("package.assign", {"reviewer": (None, "reviewer@example.gov")})


def case_component_add() -> Expect:
    from catalog.services import component_add

    user, package = manager_and_package()
    component_add(actor=user, package=package, layer=Layer.DATA, category=Category.PIPELINE, name="ETL", quantity=3)
    return Expect("component.add", {"name": (None, "ETL"), "quantity": (None, 3), "category": (None, "pipeline")})


def case_component_remove() -> Expect:
    from catalog.services import component_remove

    user, package = manager_and_package()
    component = package.components.get(layer=Layer.HARDWARE)
    component_remove(actor=user, component=component)
    return Expect("component.remove", {"name": (component.name, None), "quantity": (1, None)})


def case_package_translation_save() -> Expect:
    from catalog.services import package_translation_save

    user, package = manager_and_package()
    component = package.components.get(layer=Layer.HARDWARE)
    package_translation_save(
        actor=user, package=package, language="ja", title="主権AI", summary="概要",
        components={component.pk: {"name": "加速器"}},
    )  # fmt: skip
    return Expect(
        "package.translation_save",
        {"title": (None, "主権AI"), "summary": (None, "概要"), f"component {component.pk} name": (None, "加速器")},
    )


def case_package_translation_remove() -> Expect:
    from catalog.models import PackageTranslation
    from catalog.services import package_translation_remove

    user, package = manager_and_package()
    PackageTranslation.objects.create(package=package, language="fr", title="Pile souveraine")
    package_translation_remove(actor=user, package=package, language="fr")
    return Expect("package.translation_remove", {"title": ("Pile souveraine", None)})


def case_consortium_create() -> Expect:
    from catalog.services import consortium_create

    user, org, _consortium = company()
    consortium_create(actor=user, name="Nairobi AI", anchor=org, website="https://ke.example")
    return Expect("consortium.create", {"name": (None, "Nairobi AI"), "website": (None, "https://ke.example")})


def case_consortium_member_remove() -> Expect:
    from catalog.services import consortium_member_remove

    user, _org, consortium = company()
    consortium_member_remove(actor=user, member=add_member(consortium))
    return Expect("consortium.member_remove", {}, plain=("organization", "role"))


def case_api_token_create() -> Expect:
    from catalog.services import api_token_create

    api_token_create(actor=UserFactory())
    return Expect("api_token.create", {"api_token": (None, "created")})


def case_api_token_revoke() -> Expect:
    from catalog.services import api_token_create, api_token_revoke

    user = UserFactory()
    api_token_create(actor=user)
    api_token_revoke(actor=user)
    return Expect("api_token.revoke", {"api_token": ("set", None)})


def case_inquiry_create() -> Expect:
    from catalog.services.inquiries import inquiry_create

    _user, package = manager_and_package(PackageStatus.PUBLISHED)
    inquiry_create(
        package=package, name="Aiko", organization="Osaka", country_code="JP", email="a@example.jp", message="Hi"
    )
    return Expect("catalog.inquiry.create", {}, plain=("package", "organization", "country"))


def case_user_sign_up() -> Expect:
    from aiexports.accounts.services import user_sign_up

    user_sign_up(email="Ada@Example.com", full_name="Ada", password="correct-horse-battery-staple")
    return Expect("account.sign_up", {"email": (None, "ada@example.com"), "full_name": (None, "Ada")})


def case_organization_create() -> Expect:
    from catalog.models import Country
    from catalog.services.organizations import organization_create

    organization_create(
        actor=UserFactory(), name="Acme", country=Country.objects.get(pk="US"), website="https://a.example"
    )
    return Expect("organization.create", {"name": (None, "Acme"), "website": (None, "https://a.example")})


def _org_admin():
    user, org, _consortium = company()
    return user, org


def case_organization_member_add() -> Expect:
    from catalog.services.organizations import organization_member_add

    user, org = _org_admin()
    UserFactory(email="colleague@example.com")
    organization_member_add(actor=user, organization=org, email="colleague@example.com", role="editor")
    return Expect("organization.member_add", {"member": (None, "colleague@example.com"), "role": (None, "editor")})


def case_organization_member_set_role() -> Expect:
    from catalog.services.organizations import organization_member_set_role

    user, org = _org_admin()
    membership = OrganizationMembership.objects.create(organization=org, user=UserFactory(), role="editor")
    organization_member_set_role(actor=user, membership=membership, role="admin")
    return Expect("organization.member_set_role", {"role": ("editor", "admin")})


def case_organization_member_remove() -> Expect:
    from catalog.services.organizations import organization_member_remove

    user, org = _org_admin()
    membership = OrganizationMembership.objects.create(
        organization=org, user=UserFactory(email="leaver@example.com"), role="editor"
    )
    organization_member_remove(actor=user, membership=membership)
    return Expect("organization.member_remove", {"member": ("leaver@example.com", None)})


def case_contact_message_create() -> Expect:
    from aiexports.portal.services import contact_message_create

    contact_message_create(
        name="Yuki",
        organization="KK",
        country=Country.objects.get(pk="JP"),
        email="y@example.jp",
        topic="buying",
        message="Hi",
    )
    return Expect("contact.receive")


def case_info_page_delete() -> Expect:
    from aiexports.portal.models import InfoPage
    from aiexports.portal.services import info_page_delete

    page = InfoPage.objects.create(slug="about-x", language="en", title="About", body="Text")
    info_page_delete(actor=StaffFactory(), page=page)
    return Expect("info_page.delete", {"slug": ("about-x", None), "title": ("About", None)})


def case_outbox_mail_retry() -> Expect:
    from aiexports.outbox.models import OutboxMail
    from aiexports.outbox.services import outbox_mail_retry

    mail = OutboxMail.objects.create(
        template_prefix="t", subject="Hello", to=["y@example.jp"], dedupe_key="walk", status="failed", attempts=6,
        last_error="x",
    )  # fmt: skip
    outbox_mail_retry(actor=StaffFactory(), mail=mail)
    return Expect("outbox.mail_retry", {"status": ("failed", "pending"), "attempts": (6, 0), "last_error": ("x", "")})


def case_ruleset_clone() -> Expect:
    from eligibility.services import ruleset_active, ruleset_clone

    ruleset_clone(ruleset=ruleset_active(), new_version="2099-01", actor=StaffFactory())
    return Expect("ruleset.cloned", {"version": (None, "2099-01"), "status": (None, "draft")})


def case_ruleset_activate() -> Expect:
    from eligibility.models import RuleSet
    from eligibility.services import ruleset_activate

    archived = RuleSet.objects.exclude(status="active").first()
    ruleset_activate(ruleset=archived, actor=StaffFactory())
    return Expect("ruleset.activated", {"status": (archived.status, "active")})


def case_eligibility_check_request() -> Expect:
    from eligibility.choices import CheckTrigger
    from eligibility.services import eligibility_check_request

    _user, package = manager_and_package(PackageStatus.SUBMITTED)
    eligibility_check_request(package_id=package.pk, actor=StaffFactory(), trigger=CheckTrigger.STAFF)
    return Expect("eligibility.check_requested", {"status": (None, "pending")})


def case_eligibility_recheck_all() -> Expect:
    from eligibility.services import eligibility_recheck_all

    manager_and_package(PackageStatus.SUBMITTED)
    eligibility_recheck_all(actor=StaffFactory())
    return Expect("eligibility.recheck_all", {}, plain=("checks",))


def case_eligibility_checks_rerun_failed() -> Expect:
    from eligibility.models import EligibilityCheck
    from eligibility.services import eligibility_checks_rerun_failed, ruleset_active

    _user, package = manager_and_package(PackageStatus.SUBMITTED)
    EligibilityCheck.objects.create(package=package, ruleset=ruleset_active(), status="failed")
    eligibility_checks_rerun_failed(ruleset=ruleset_active(), actor=StaffFactory())
    return Expect("eligibility.rerun_failed", {}, plain=("checks",))


# Restricted-party screening: a list with one entry that matches one member organization.
def _screening_hit():
    from screening.models import ScreeningHit
    from screening.services import organization_screen, screening_list_import
    from tests.screening.conftest import csl_csv, csl_row

    screening_list_import(content=csl_csv([csl_row("e1", "Blocked Trading Co")]), file_name="list.csv")
    organization = OrganizationFactory(name="Blocked Trading Co")
    organization_screen(organization_id=organization.pk)
    return ScreeningHit.objects.get(organization=organization)


def case_screening_list_import() -> Expect:
    from screening.services import screening_list_import
    from tests.screening.conftest import csl_csv, csl_row

    screening_list_import(
        content=csl_csv([csl_row("e1", "Blocked Trading Co")]), file_name="l.csv", actor=StaffFactory()
    )
    return Expect("screening.list_imported", {}, plain=("row_count", "added", "changed", "removed"))


def case_organization_screen() -> Expect:
    _screening_hit()
    return Expect("screening.hit_opened", {"status": (None, "open")})


def case_screening_screen_organizations() -> Expect:
    from screening.services import screening_list_import, screening_screen_organizations
    from tests.screening.conftest import csl_csv, csl_row

    screening_list_import(content=csl_csv([csl_row("e1", "Blocked Trading Co")]), file_name="list.csv")
    screening_screen_organizations(organization_ids=[OrganizationFactory(name="Blocked Trading Co").pk])
    return Expect("screening.hit_opened", {"status": (None, "open")})


def case_screening_rescreen_all() -> Expect:
    from screening.services import screening_rescreen_all

    company()
    screening_rescreen_all(actor=StaffFactory())
    return Expect("screening.rescreen_requested", {}, plain=("organizations",))


def _hit_decision(service: str, status: str) -> Callable[[], Expect]:
    def case() -> Expect:
        from screening import services

        hit = _screening_hit()
        getattr(services, service)(hit_id=hit.pk, actor=StaffFactory(), reason="Different company (checked address).")
        return Expect(f"screening.hit_{status}", {"status": ("open", status)})

    return case


# RFI
def _submission(**fields):
    from tests.rfi.factories import SubmissionFactory

    return SubmissionFactory(**fields)


def case_rfi_submission_create() -> Expect:
    from rfi.services import rfi_submission_create
    from tests.rfi.factories import notice_with_questions

    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.get()
    rfi_submission_create(
        notice=notice,
        respondent_type="individual",
        name="Ada",
        email="ada@example.org",
        answers={question.pk: "Yes."},
        certified=True,
    )
    return Expect("rfi.submission.create")  # a new response: the event's target is the submission itself


def _rfi_bulk(service: str, action: str, changed: str, before: Any, after: Any, **kwargs: Any) -> Callable[[], Expect]:
    def case() -> Expect:
        from rfi import review

        submission = _submission()
        getattr(review, service)(actor=StaffFactory(), submission_ids=[submission.pk], **kwargs)
        return Expect(action, {changed: (before, after)})

    return case


def case_submission_assign() -> Expect:
    from rfi import review

    submission = _submission()
    review.submission_assign(
        actor=StaffFactory(), submission_ids=[submission.pk], reviewer=StaffFactory(email="r@example.gov")
    )
    return Expect("rfi.submission.assign", {"assigned_reviewer": (None, "r@example.gov")})


def case_submission_tag() -> Expect:
    from rfi import review
    from tests.rfi.factories import TagFactory

    submission = _submission()
    tag = TagFactory(name="energy")
    review.submission_tag(actor=StaffFactory(), submission_ids=[submission.pk], add=[tag])
    return Expect("rfi.submission.tag", {}, plain=("tags",))


def case_campaign_set_status() -> Expect:
    from rfi import review
    from rfi.models import CampaignGroup

    submission = _submission()
    group = CampaignGroup.objects.create(notice=submission.notice)
    submission.campaign_group = group
    submission.save(update_fields=["campaign_group"])
    review.campaign_set_status(actor=StaffFactory(), campaign_group_ids=[group.pk], status="reviewed")
    return Expect("rfi.campaign.status", {}, plain=("status",))


def case_submission_review_update() -> Expect:
    from rfi import review

    submission = _submission()
    review.submission_review_update(
        actor=StaffFactory(), submission_id=submission.pk, status="reviewed", assigned_reviewer=None,
        hidden_from_reading_room=True, tags=[],
    )  # fmt: skip
    return Expect("rfi.submission.status", {"status": (submission.status, "reviewed")})


def case_internal_note_add() -> Expect:
    from rfi import review

    review.internal_note_add(actor=StaffFactory(), submission=_submission(), text="Check page 4.")
    return Expect("rfi.note.add", {}, plain=())


def case_attachment_download_audit() -> Expect:
    from rfi import review
    from tests.rfi.factories import AttachmentFactory

    attachment = AttachmentFactory(submission=_submission(), is_confidential=True)
    review.attachment_download_audit(actor=StaffFactory(), attachment=attachment)
    return Expect("rfi.attachment.download")


def case_submission_export_record() -> Expect:
    from rfi.exports import submission_export_record

    submission_export_record(actor=StaffFactory(), filters="status=new", rows=3, selected=False, ip_address=None)
    return Expect("rfi.submission.export")


def case_submission_detect_campaign() -> Expect:
    from rfi.duplicates import submission_detect_campaign
    from tests.rfi.factories import AnswerFactory, notice_with_questions

    notice = notice_with_questions(questions=1, topics=1)
    letter = "We support the program because it builds trusted AI infrastructure for our partners abroad. " * 3
    subs = []
    for _ in range(2):
        submission = _submission(notice=notice)
        AnswerFactory(submission=submission, question=notice.questions.get(), text=letter)
        subs.append(submission)
    for submission in subs:
        submission_detect_campaign(submission_id=submission.pk)
    return Expect("rfi.submission.campaign")


def case_campaigns_recompute() -> Expect:
    from rfi.duplicates import campaigns_recompute
    from tests.rfi.factories import notice_with_questions

    campaigns_recompute(notice=notice_with_questions(questions=1, topics=1))
    return Expect("rfi.campaigns.recompute")


def _recorded(value: Any) -> Any:
    """A value as the audit log records it (datetimes and users as their JSON form)."""
    return field_changes({"v": None}, {"v": value})["v"]["after"]


def case_organization_verify() -> Expect:
    from catalog.services.organizations import organization_verify

    _user, org = _org_admin()
    staff = StaffFactory(email="checker@example.gov")
    org = organization_verify(actor=staff, organization=org, note="Checked the registry.")
    return Expect("organization.verify", {
        "verified": (False, True), "verified_by": (None, _recorded(staff)),
        "verified_at": (None, _recorded(org.verified_at)), "verification_note": ("", "Checked the registry."),
    })  # fmt: skip


def case_organization_unverify() -> Expect:
    from catalog.services.organizations import organization_unverify, organization_verify

    _user, org = _org_admin()
    staff = StaffFactory(email="checker@example.gov")
    org = organization_verify(actor=staff, organization=org, note="Checked.")
    verified_at = org.verified_at
    organization_unverify(actor=staff, organization=org, note="Registry lapsed.")
    return Expect("organization.unverify", {
        "verified": (True, False), "verified_by": (_recorded(staff), None),
        "verified_at": (_recorded(verified_at), None), "verification_note": ("Checked.", "Registry lapsed."),
    })  # fmt: skip


def case_user_email_change() -> Expect:
    from aiexports.accounts.services import user_email_change

    user = UserFactory(email="old@example.com")
    confirmed = user.email_confirmed_at
    user_email_change(actor=user, user=user, email="New@Example.com")
    return Expect("account.email_change", {
        "email": ("old@example.com", "new@example.com"), "email_confirmed_at": (_recorded(confirmed), None),
    })  # fmt: skip


def case_user_email_confirm() -> Expect:
    from aiexports.accounts.services import user_email_confirm
    from aiexports.accounts.tokens import make_token

    user = UserFactory(email_confirmed_at=None)
    _state, confirmed = user_email_confirm(token=make_token(user))
    return Expect("account.email_confirm", {"email_confirmed_at": (None, _recorded(confirmed.email_confirmed_at))})


def case_mfa_enrolment_begin() -> Expect:
    from aiexports.accounts.two_factor.services import mfa_enrolment_begin

    mfa_enrolment_begin(user=StaffFactory())
    return Expect("mfa.enrolment_started")  # an access (a key was shown): the event's message says so


def case_mfa_enrolment_confirm() -> Expect:
    from aiexports.accounts.two_factor.services import mfa_enrolment_begin, mfa_enrolment_confirm
    from tests.accounts.otp import code_for

    staff = StaffFactory()
    device = mfa_enrolment_begin(user=staff)
    assert mfa_enrolment_confirm(user=staff, code=code_for(device)).ok
    return Expect("mfa.enrolled", {"authenticator_apps": (0, 1), "recovery_codes_left": (0, 10)})


def case_mfa_verify() -> Expect:
    from aiexports.accounts.two_factor.services import mfa_verify
    from tests.accounts.otp import recovery_codes, totp_device

    staff = StaffFactory()
    totp_device(staff)
    recovery_codes(staff, ["abcd1234", "efgh5678"])
    assert mfa_verify(user=staff, code="abcd-1234").ok
    return Expect("mfa.recovery_code_used", {"recovery_codes_left": (2, 1)})


def case_mfa_recovery_codes_regenerate() -> Expect:
    from aiexports.accounts.two_factor.services import mfa_recovery_codes_regenerate
    from tests.accounts.otp import recovery_codes, totp_device

    staff = StaffFactory()
    totp_device(staff)
    recovery_codes(staff, ["abcd1234"])
    mfa_recovery_codes_regenerate(user=staff)
    return Expect("mfa.recovery_codes_regenerated", {"recovery_codes_left": (1, 10)})


def case_mfa_reset() -> Expect:
    from aiexports.accounts.two_factor.services import mfa_reset
    from tests.accounts.otp import recovery_codes, totp_device

    staff = StaffFactory()
    totp_device(staff)
    recovery_codes(staff, ["abcd1234"])
    mfa_reset(user=staff, actor=StaffFactory(), reason="Lost phone.")
    return Expect("mfa.reset", {"authenticator_apps": (1, 0), "recovery_codes_left": (1, 0), "devices": (2, 0)})


def case_impact_preview_request() -> Expect:
    from eligibility.impact import impact_preview_request
    from eligibility.models import RuleSet

    other = RuleSet.objects.exclude(status="active").first()
    impact_preview_request(ruleset=other, actor=StaffFactory())
    return Expect("ruleset.impact_requested", {}, plain=("impact", "baseline", "packages"))


def _office():
    from django.contrib.auth.models import Group

    from catalog.models import ConsultedOffice

    group = Group.objects.create(name="Walk office")
    return ConsultedOffice(code="walk", name="Walk Office", group=group, position=1)


def case_consulted_office_save() -> Expect:
    from catalog.services.consultation import consulted_office_save

    office = consulted_office_save(actor=StaffFactory(), office=_office())
    office.name, office.active = "Walk Bureau", False
    consulted_office_save(actor=StaffFactory(), office=office)
    return Expect("consulted_office.change", {"name": ("Walk Office", "Walk Bureau"), "active": (True, False)})


def case_consultation_answer() -> Expect:
    from catalog.services.consultation import consultation_answer, consulted_office_save

    _user, package = manager_and_package(PackageStatus.IN_REVIEW)
    office = consulted_office_save(actor=StaffFactory(), office=_office())
    staff = StaffFactory(email="office@example.gov")
    staff.groups.add(office.group)
    consultation_answer(actor=staff, package=package, office=office, position="concur")
    consultation_answer(actor=staff, package=package, office=office, position="object", comment="Check the chips.")
    changed = {"position": ("concur", "object"), "comment": ("", "Check the chips.")}
    return Expect("package.consultation_answer", changed, plain=("office",))


def _invitation(status: str = "pending"):
    """A consortium's manager, an invited organization's admin and the membership row."""
    from catalog.choices import MemberStatus

    manager, _org, consortium = company()
    admin, invited, _own = company("Invited Partner Ltd")
    member = add_member(consortium, organization=invited, status=getattr(MemberStatus, status.upper()))
    return manager, admin, member


def case_consortium_member_invite() -> Expect:
    from catalog.services.memberships import consortium_member_invite

    user, _org, consortium = company()
    other = OrganizationFactory(name="Data Partner Ltd")
    consortium_member_invite(actor=user, consortium=consortium, organization=other, role=ConsortiumRole.TECHNOLOGY,
                             layers=[Layer.DATA])  # fmt: skip
    return Expect("consortium.member_invite", {"status": (None, "pending"), "role": (None, "technology"),
                  "layers": (None, ["data"]), "invited_by": (None, _recorded(user))},
                  plain=("organization", "member_id", "invited_at"))  # fmt: skip


def _member_step(service: str, actor: str, start: str, after: str, stamp: str) -> Callable[[], Expect]:
    def case() -> Expect:
        from catalog.services import memberships

        manager, admin, member = _invitation(start)
        who = manager if actor == "manager" else admin
        getattr(memberships, service)(actor=who, member=member)
        member.refresh_from_db()
        action = f"consortium.member_{service.removeprefix('consortium_member_')}"
        return Expect(action, {"status": (start, after), f"{stamp}_by": (None, _recorded(who)),
                               f"{stamp}_at": (None, _recorded(getattr(member, f"{stamp}_at")))})  # fmt: skip

    return case


def _alert(confirmed: bool = True):
    from django.utils import timezone

    from alerts.models import Alert, Subscriber

    subscriber = Subscriber.objects.create(email="walk@example.jp")
    return Alert.objects.create(
        subscriber=subscriber, country_id="JP", query={}, confirmed_at=timezone.now() if confirmed else None
    )


def case_alert_subscribe() -> Expect:
    from alerts.services import alert_subscribe

    alert_subscribe(email="walk@example.jp", country_code="JP", query={"layer": ["hardware"]}, language="ja")
    return Expect("alert.subscribe", {"status": (None, "pending")}, plain=("query", "country"))


def case_alert_confirm() -> Expect:
    from alerts.services import alert_confirm
    from alerts.tokens import confirm_token

    alert = _alert(confirmed=False)
    alert_confirm(token=confirm_token(alert))
    alert.refresh_from_db()
    return Expect("alert.confirm", {"confirmed_at": (None, _recorded(alert.confirmed_at))}, plain=("matching_now",))


def case_alert_end() -> Expect:
    from alerts.services import alert_end

    alert = _alert()
    alert_end(subscriber=alert.subscriber, alert_id=alert.pk)
    alert.refresh_from_db()
    return Expect("alert.end", {"ended_at": (None, _recorded(alert.ended_at))})


def case_subscriber_unsubscribe_all() -> Expect:
    from alerts.services import subscriber_unsubscribe_all

    alert = _alert()
    subscriber_unsubscribe_all(subscriber=alert.subscriber)
    return Expect("alert.unsubscribe_all", {"open_alerts": (1, 0), "token_version": (0, 1)}, plain=("ended",))


def case_package_request_create() -> Expect:
    from buyer_requests.services import package_request_create

    package_request_create(
        requester_type="agency", organization_name="ICT Authority", contact_name="Wanjiru", email="w@example.ke",
        country_code="KE", sector_code="health", needs={"hardware": "GPUs"}, scale="pilot", timeline="6m",
        financing_interest="undecided", consent_to_contact=True,
    )  # fmt: skip
    return Expect("package_request.create", {"status": (None, "received"), "country": (None, "KE"),
                                             "layers": (None, ["hardware"])})  # fmt: skip


def _package_request(**kwargs: Any):  # noqa: ANN202
    from tests.buyer_requests.factories import make_request

    return make_request(**kwargs)


def case_package_request_assign() -> Expect:
    from buyer_requests.services import package_request_assign

    staff = StaffFactory()
    package_request_assign(actor=staff, request_ids=[_package_request().pk], assignee=staff)
    return Expect("package_request.assign", {"assigned_to": (None, str(staff))})


def case_package_request_set_status() -> Expect:
    from buyer_requests.services import package_request_set_status

    package_request_set_status(actor=StaffFactory(), request_ids=[_package_request().pk], status="referred")
    return Expect("package_request.status", {"status": ("received", "referred")})


def case_package_request_withdraw() -> Expect:
    from buyer_requests.services import package_request_withdraw

    package_request_withdraw(request_id=_package_request(status="in_review").pk)
    return Expect("package_request.withdraw", {"status": ("in_review", "closed")})


def case_request_note_add() -> Expect:
    from buyer_requests.services import request_note_add

    request_note_add(actor=StaffFactory(), request=_package_request(), text="Ask USTDA.")
    return Expect("package_request.note", {"note": (None, "Ask USTDA.")})


def case_request_reply_add() -> Expect:
    from buyer_requests.services import request_reply_add

    request_reply_add(actor=StaffFactory(), request=_package_request(), text="Two packages fit.")
    return Expect("package_request.reply", {"reply": (None, "Two packages fit.")})


def case_request_match_confirm() -> Expect:
    from buyer_requests.services import request_match_confirm
    from tests.buyer_requests.factories import published_for

    package, _manager = published_for("KE")
    request_match_confirm(actor=StaffFactory(), request=_package_request(), packages=[package])
    return Expect("package_request.match", {"matches": ([], [package.slug]), "status": ("received", "matched")})


def case_package_request_export_record() -> Expect:
    from buyer_requests.services import package_request_export_record

    package_request_export_record(actor=StaffFactory(), count=3, filters="status=received")
    return Expect("package_request.export", {"rows": (None, 3)})


CASES: dict[str, Callable[[], Expect]] = {
    "alerts.services.alert_subscribe": case_alert_subscribe,
    "alerts.services.alert_confirm": case_alert_confirm,
    "alerts.services.alert_end": case_alert_end,
    "alerts.services.subscriber_unsubscribe_all": case_subscriber_unsubscribe_all,
    "catalog.services.translations.package_translation_save": case_package_translation_save,
    "catalog.services.translations.package_translation_remove": case_package_translation_remove,
    "aiexports.accounts.services.user_sign_up": case_user_sign_up,
    "aiexports.accounts.services.user_email_change": case_user_email_change,
    "aiexports.accounts.services.user_email_confirm": case_user_email_confirm,
    "catalog.services.organizations.organization_verify": case_organization_verify,
    "catalog.services.organizations.organization_unverify": case_organization_unverify,
    "aiexports.accounts.two_factor.services.mfa_enrolment_begin": case_mfa_enrolment_begin,
    "aiexports.accounts.two_factor.services.mfa_enrolment_confirm": case_mfa_enrolment_confirm,
    "aiexports.accounts.two_factor.services.mfa_verify": case_mfa_verify,
    "aiexports.accounts.two_factor.services.mfa_recovery_codes_regenerate": case_mfa_recovery_codes_regenerate,
    "aiexports.accounts.two_factor.services.mfa_reset": case_mfa_reset,
    "catalog.services.organizations.organization_create": case_organization_create,
    "catalog.services.organizations.organization_member_add": case_organization_member_add,
    "catalog.services.organizations.organization_member_set_role": case_organization_member_set_role,
    "catalog.services.organizations.organization_member_remove": case_organization_member_remove,
    "aiexports.portal.services.contact_message_create": case_contact_message_create,
    "aiexports.portal.services.info_page_delete": case_info_page_delete,
    "catalog.services.packages.package_create": case_package_create,
    "catalog.services.packages.package_submit": _package_transition("package_submit", "draft", "submitted"),
    "catalog.services.packages.package_withdraw": _package_transition("package_withdraw", "submitted", "withdrawn"),
    "catalog.services.packages.package_reopen": _package_transition("package_reopen", "withdrawn", "draft"),
    "catalog.services.packages.package_revise": case_package_revise,
    "catalog.services.packages.component_add": case_component_add,
    "catalog.services.packages.component_remove": case_component_remove,
    "catalog.services.review.package_assign": case_package_assign,
    "catalog.services.review.package_start_review": _package_transition(
        "package_start_review", "submitted", "in_review"
    ),
    "catalog.services.review.package_publish": case_package_publish,
    "catalog.services.review.package_request_changes": _package_transition(
        "package_request_changes", "in_review", "changes_requested", message="Add a data pipeline."
    ),
    "catalog.services.review.package_reject": _package_transition(
        "package_reject", "in_review", "rejected", reason="out_of_scope", message="Not an AI stack."
    ),
    "catalog.services.consortia.consortium_create": case_consortium_create,
    "catalog.services.memberships.consortium_member_invite": case_consortium_member_invite,
    "catalog.services.memberships.consortium_member_accept": _member_step(
        "consortium_member_accept", "admin", "pending", "accepted", "responded"
    ),
    "catalog.services.memberships.consortium_member_decline": _member_step(
        "consortium_member_decline", "admin", "pending", "declined", "responded"
    ),
    "catalog.services.memberships.consortium_member_withdraw": _member_step(
        "consortium_member_withdraw", "manager", "pending", "withdrawn", "ended"
    ),
    "catalog.services.memberships.consortium_member_leave": _member_step(
        "consortium_member_leave", "admin", "accepted", "left", "ended"
    ),
    "catalog.services.consultation.consultation_answer": case_consultation_answer,
    "catalog.services.consultation.consulted_office_save": case_consulted_office_save,
    "eligibility.impact.impact_preview_request": case_impact_preview_request,
    "catalog.services.consortia.consortium_member_remove": case_consortium_member_remove,
    "catalog.services.tokens.api_token_create": case_api_token_create,
    "catalog.services.tokens.api_token_revoke": case_api_token_revoke,
    "catalog.services.inquiries.inquiry_create": case_inquiry_create,
    "eligibility.services.ruleset_clone": case_ruleset_clone,
    "eligibility.services.ruleset_activate": case_ruleset_activate,
    "eligibility.services.eligibility_check_request": case_eligibility_check_request,
    "eligibility.services.eligibility_recheck_all": case_eligibility_recheck_all,
    "eligibility.services.eligibility_checks_rerun_failed": case_eligibility_checks_rerun_failed,
    "screening.services.screening_list_import": case_screening_list_import,
    "screening.services.organization_screen": case_organization_screen,
    "screening.services.screening_screen_organizations": case_screening_screen_organizations,
    "screening.services.screening_rescreen_all": case_screening_rescreen_all,
    "screening.services.screening_hit_clear": _hit_decision("screening_hit_clear", "cleared"),
    "screening.services.screening_hit_confirm": _hit_decision("screening_hit_confirm", "confirmed"),
    "rfi.services.rfi_submission_create": case_rfi_submission_create,
    "rfi.review.submission_assign": case_submission_assign,
    "rfi.review.submission_set_status": _rfi_bulk(
        "submission_set_status", "rfi.submission.status", "status", "received", "reviewed", status="reviewed"
    ),
    "rfi.review.submission_mark_spam": _rfi_bulk(
        "submission_mark_spam", "rfi.submission.spam", "status", "received", "spam"
    ),
    "rfi.review.submission_set_hidden": _rfi_bulk(
        "submission_set_hidden", "rfi.submission.hide", "hidden_from_reading_room", False, True, hidden=True
    ),
    "rfi.review.submission_tag": case_submission_tag,
    "rfi.review.campaign_set_status": case_campaign_set_status,
    "rfi.review.submission_review_update": case_submission_review_update,
    "rfi.review.internal_note_add": case_internal_note_add,
    "rfi.review.attachment_download_audit": case_attachment_download_audit,
    "rfi.exports.submission_export_record": case_submission_export_record,
    "rfi.duplicates.submission_detect_campaign": case_submission_detect_campaign,
    "rfi.duplicates.campaigns_recompute": case_campaigns_recompute,
    "aiexports.outbox.services.outbox_mail_retry": case_outbox_mail_retry,
    "buyer_requests.services.package_request_create": case_package_request_create,
    "buyer_requests.services.package_request_assign": case_package_request_assign,
    "buyer_requests.services.package_request_set_status": case_package_request_set_status,
    "buyer_requests.services.package_request_withdraw": case_package_request_withdraw,
    "buyer_requests.services.request_note_add": case_request_note_add,
    "buyer_requests.services.request_reply_add": case_request_reply_add,
    "buyer_requests.services.request_match_confirm": case_request_match_confirm,
    "buyer_requests.services.package_request_export_record": case_package_request_export_record,
}

# Edit services whose every field is walked one by one below (test_each_field_an_edit_service_can_change_...).
FIELD_WALKED = {
    "catalog.services.packages.package_update",
    "catalog.services.packages.component_update",
    "catalog.services.consortia.consortium_update",
    "catalog.services.organizations.organization_update",
    "aiexports.accounts.services.user_profile_update",
    "aiexports.portal.services.contact_message_update",
    "aiexports.portal.services.info_page_save",
}


def test_every_write_service_is_walked_or_excluded_with_a_reason():
    services = set(discovered_services())
    assert len(services) > 60, sorted(services)  # the discovery itself works
    known = set(CASES) | FIELD_WALKED | set(EXCLUDED)
    assert sorted(services - known) == [], "services with neither a walk case nor a reasoned exclusion"
    assert sorted(known - services) == [], "walk cases or exclusions of services that no longer exist"
    assert not (set(CASES) | FIELD_WALKED) & set(EXCLUDED)
    assert all(len(reason) > 20 for reason in EXCLUDED.values())


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def assert_audited(since: int, expect: Expect) -> AuditEvent:
    events = [e for e in _new_events(since) if e.action == expect.action]
    assert events, f"no {expect.action!r} event; got {[e.action for e in _new_events(since)]}"
    event = events[-1]
    for name, (before, after) in expect.fields.items():
        assert event.changes.get(name) == {"before": before, "after": after}, (name, event.changes)
    for key in expect.plain:
        assert key in event.changes, (key, event.changes)
    assert event.target_repr or event.changes or event.message
    return event


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_write_service_records_its_change(name, django_capture_on_commit_callbacks):
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=False):
        expect = CASES[name]()
    event = assert_audited(since, expect)
    if name == "catalog.services.review.package_publish":  # the overridden warnings, and why, are on the row
        codes = [w["code"] for w in event.changes["warnings"]]
        assert codes and event.changes["overrides"] == codes
        assert event.changes["override_reason"] == "The board weighed each warning."


# --- Edit services: every field they can change, one at a time -------------------------------------------------

COMPONENT_CHANGES: dict[str, tuple[Any, Any, Any]] = {
    # field: (start value, new value, the new value as recorded)
    "name": ("Old name", "New name", "New name"),
    "description": ("", "Eight-GPU servers.", "Eight-GPU servers."),
    "quantity": (1192, 2000, 2000),
    "position": (0, 3, 3),
    "eccn": ("", "3A090.a", "3A090.a"),
    "tpp": (None, 4000.0, 4000.0),
    "dram_bandwidth": (None, 3350.0, 3350.0),
    "designed_for_data_centers": (None, False, False),
    "performance_density": (None, 4.5, 4.5),
    "unit_value_usd": (None, Decimal("25000.00"), "25000.00"),
    "us_origin_share": (None, Decimal("80.00"), "80.00"),
    "specs": ({}, {"memory_gb": 80}, {"memory_gb": 80}),
    "category": (Category.ACCELERATOR, Category.SERVER, "server"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COMPONENT_CHANGES) + ["supplier", "training_operations", "weights_published"])
def test_each_field_of_a_component_update_is_audited_with_its_before_and_after(name):
    from catalog.services import component_update
    from catalog.services.packages import COMPONENT_FIELDS

    assert set(COMPONENT_CHANGES) | {"supplier", "training_operations", "weights_published"} == set(COMPONENT_FIELDS)
    user, package = manager_and_package()
    if name in {"training_operations", "weights_published"}:
        component = package.components.get(category=Category.FOUNDATION_MODEL)
        start, new, recorded = {"training_operations": (None, 1.5e9, 1.5e9), "weights_published": (None, True, True)}[
            name
        ]
    elif name == "supplier":
        component = package.components.get(layer=Layer.HARDWARE)
        member = add_member(package.consortium)
        start, new, recorded = None, member.organization_id, member.organization_id
    else:
        component = package.components.get(layer=Layer.HARDWARE)
        start, new, recorded = COMPONENT_CHANGES[name]
    Component.objects.filter(pk=component.pk).update(**{("supplier_id" if name == "supplier" else name): start})
    component.refresh_from_db()
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    value = Organization.objects.get(pk=new) if name == "supplier" else new
    component_update(actor=user, component=component, **{name: value})
    assert_audited(since, Expect("component.update", {name: (start, recorded)}))


@pytest.mark.django_db
def test_a_component_edited_through_the_wizard_form_reaches_the_audit_log(client):
    """The issue's case: the ModelForm used to copy 2000 onto the instance before the service took its snapshot."""
    user, package = manager_and_package()
    client.force_login(user)
    chip = package.components.get(layer=Layer.HARDWARE)
    Component.objects.filter(pk=chip.pk).update(quantity=1192)
    url = reverse("catalog:manage_component_edit", args=[package.slug, chip.pk])
    data = {
        **{"category": chip.category, "name": chip.name, "supplier": "", "description": "", "quantity": 2000},
        **{"eccn": "", "tpp": "", "performance_density": "", "unit_value_usd": "1000", "us_origin_share": "80"},
    }
    response = client.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="component.update")
    assert event.changes["quantity"] == {"before": 1192, "after": 2000}
    assert event.actor == user


@pytest.mark.django_db
def test_a_component_edited_through_the_api_reaches_the_audit_log(client):
    user, package = manager_and_package()
    client.force_login(user)
    chip = package.components.get(layer=Layer.HARDWARE)
    Component.objects.filter(pk=chip.pk).update(quantity=1192)
    response = client.patch(
        f"/api/v1/drafts/{package.slug}/components/{chip.pk}/", {"quantity": 2000}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.get(action="component.update").changes["quantity"] == {"before": 1192, "after": 2000}


def test_model_forms_only_validate_and_leave_the_callers_instance_alone():
    from catalog.forms.packages import ComponentForm

    chip = ComponentFactory.build(quantity=1192, category=Category.ACCELERATOR, layer=Layer.HARDWARE)
    form = ComponentForm({"category": "accelerator", "name": "X", "quantity": 2000}, instance=chip, layer="hardware",
                         package=chip.package)  # fmt: skip
    form.is_valid()
    assert chip.quantity == 1192 and form.instance.quantity == 2000
    with pytest.raises(TypeError):
        form.save()


PACKAGE_CHANGES: dict[str, tuple[Any, Any]] = {
    "title": ("Nairobi Sovereign Cloud", "Nairobi Sovereign Cloud"),
    "summary": ("A GPU cloud.", "A GPU cloud."),
    "description": ("Two data halls.", "Two data halls."),
    "builder": ("Acme Builders", "Acme Builders"),
    "owner": ("Kenya Power", "Kenya Power"),
    "operator": ("Acme Ops", "Acme Ops"),
    "business_model": ("Leased capacity.", "Leased capacity."),
    "federal_support": (["loans"], ["loans"]),
    "federal_support_details": ("A DFC loan.", "A DFC loan."),
    "us_content_statement": ("80 % U.S.-made.", "80 % U.S.-made."),
    "sectors": (["health"], ["health"]),
    "target_countries": (["TZ"], ["TZ"]),
    "target_regions": (["gcc"], ["gcc"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PACKAGE_CHANGES))
def test_each_field_of_a_package_update_is_audited_with_its_before_and_after(name):
    from catalog.services import package_update
    from catalog.services.packages import PACKAGE_FIELDS, PACKAGE_M2M, package_snapshot

    assert set(PACKAGE_CHANGES) == set(PACKAGE_FIELDS) | set(PACKAGE_M2M)
    user, package = manager_and_package()
    before = package_snapshot(package)[name]
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    package_update(actor=user, package=package, **{name: PACKAGE_CHANGES[name][0]})
    assert_audited(since, Expect("package.update", {name: (before, PACKAGE_CHANGES[name][1])}))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), [("name", "Renamed Consortium"), ("description", "Who we are."),
                                             ("website", "https://renamed.example")])  # fmt: skip
def test_each_field_of_a_consortium_update_is_audited_through_the_form(client, name, value):
    from catalog.services.consortia import CONSORTIUM_FIELDS

    user, _org, consortium = company()
    client.force_login(user)
    data = {field: getattr(consortium, field) for field in CONSORTIUM_FIELDS}
    before = data[name]
    response = client.post(reverse("catalog:manage_consortium_edit", args=[consortium.slug]), {**data, name: value})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="consortium.update").changes == {name: {"before": before, "after": value}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value", "recorded"),
    [
        ("name", "Renamed Inc.", "Renamed Inc."),
        ("country", "KE", "Kenya"),
        ("website", "https://renamed.example", "https://renamed.example"),
        ("description", "What we do.", "What we do."),
        ("foreign_controlled", True, True),
        ("controlling_country", "JP", "Japan"),
    ],
)
def test_each_field_of_an_organization_update_is_audited_through_the_form(client, name, value, recorded):
    from catalog.services.organizations import ORGANIZATION_FIELDS

    user, org, _consortium = company()
    client.force_login(user)
    data = {"name": org.name, "country": "US", "website": org.website, "description": "", "controlling_country": ""}
    if name in {"foreign_controlled", "controlling_country"}:
        data.update(foreign_controlled="on", controlling_country="JP")
    else:
        data[name] = value
    assert name in ORGANIZATION_FIELDS
    response = client.post(reverse("organizations:edit", args=[org.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = AuditEvent.objects.get(action="organization.update").changes
    stored = getattr(org, name)
    before = None if stored is None else field_changes({name: stored}, {})[name]["before"]  # as recorded
    assert changes[name] == {"before": before, "after": recorded}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), [("full_name", "Ada King"), ("preferred_language", "fr")])
def test_each_field_of_a_profile_update_is_audited(name, value):
    from aiexports.accounts.services import PROFILE_FIELDS, user_profile_update

    user = UserFactory(full_name="Ada Lovelace", preferred_language="")
    fields = {"full_name": user.full_name, "preferred_language": user.preferred_language, name: value}
    assert set(fields) == set(PROFILE_FIELDS)
    before = getattr(user, name)
    user_profile_update(user=user, **fields)
    assert AuditEvent.objects.get(action="account.profile_update").changes == {name: {"before": before, "after": value}}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["status", "assigned_to"])
def test_each_field_of_a_contact_message_update_is_audited(name):
    from aiexports.portal.models import ContactMessage
    from aiexports.portal.services import contact_message_update

    row = ContactMessage.objects.create(
        name="Yuki", email="y@example.jp", topic="buying", message="Hi", country_id="JP"
    )
    staff = StaffFactory(email="desk@example.gov")
    value = {"status": "closed", "assigned_to": staff}[name]
    contact_message_update(actor=staff, message=row, **{name: value})
    recorded = {"status": ("new", "closed"), "assigned_to": (None, "desk@example.gov")}[name]
    assert AuditEvent.objects.get(action="contact.update").changes == {name: dict(zip(("before", "after"), recorded))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"), [("slug", "about-us"), ("language", "fr"), ("title", "New"), ("body", "New body")]
)
def test_each_field_of_an_information_page_save_is_audited(name, value):
    from aiexports.portal.models import InfoPage
    from aiexports.portal.services import info_page_save

    page = info_page_save(actor=StaffFactory(), page=InfoPage(slug="about", language="en", title="About", body="Body"))
    assert AuditEvent.objects.get(action="info_page.create").changes["title"] == {"before": None, "after": "About"}
    before = getattr(page, name)
    setattr(page, name, value)
    info_page_save(actor=StaffFactory(), page=page)
    assert AuditEvent.objects.get(action="info_page.update").changes == {name: {"before": before, "after": value}}


@pytest.mark.django_db
def test_a_no_op_edit_writes_no_event():
    from catalog.services import component_update, consortium_update

    user, package = manager_and_package()
    chip = package.components.get(layer=Layer.HARDWARE)
    component_update(actor=user, component=chip, quantity=chip.quantity)
    consortium_update(actor=user, consortium=package.consortium, name=package.consortium.name)
    assert not AuditEvent.objects.filter(action__in=["component.update", "consortium.update"]).exists()
    assert ConsortiumMember.objects.filter(consortium=package.consortium).exists()


# --- Admin pages that save without a service of their own (AuditedAdminMixin) ------------------------------------


class _FormData(HTMLParser):
    """The values a browser would submit from the page's main form (the admin change form)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            default = "on" if a.get("type") in {"checkbox", "radio"} else ""
            self.data.setdefault(a["name"], []).append(a.get("value") or default)
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def admin_form(client, url: str) -> dict[str, list[str]]:
    parser = _FormData()
    parser.feed(client.get(url).content.decode())
    data = dict(parser.data)
    for key, values in data.items():
        if key.endswith("TOTAL_FORMS") or key.endswith("INITIAL_FORMS"):
            continue
        if values and values[0].startswith("\n"):
            data[key] = [values[0][1:]]
    return data


@pytest.mark.django_db
def test_a_staff_edit_of_a_consortium_in_the_admin_is_audited_and_its_members_cannot_be_added_there(client):
    """Membership is by consent (the invited organization accepts): the members inline is read-only, with no add."""
    _user, _org, consortium = company()
    member = add_member(consortium, role=ConsortiumRole.TECHNOLOGY)
    old_name, old_description = consortium.name, consortium.description
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("admin:catalog_consortium_change", args=[consortium.pk])
    data = admin_form(client, url)
    data["name"] = ["Renamed in the admin"]
    data["description"] = ["Edited by staff."]
    prefix = next(k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS"))
    rows = consortium.members.count()  # the anchor and the member: shown, no empty row to add from
    assert data[f"{prefix}-TOTAL_FORMS"] == data[f"{prefix}-INITIAL_FORMS"] == [str(rows)]
    assert not any(k.startswith(f"{prefix}-") and k.endswith(("-role", "-status", "-organization")) for k in data)
    # A hand-made extra row (an organization added without its consent) is ignored, not saved.
    other = OrganizationFactory(name="Never Asked Ltd")
    data.update({f"{prefix}-TOTAL_FORMS": [str(rows + 1)], f"{prefix}-{rows}-organization": [str(other.pk)],
                 f"{prefix}-{rows}-role": [ConsortiumRole.OPERATOR]})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    change = AuditEvent.objects.get(action="consortium.update")  # through the service, as on the site
    assert change.actor == staff
    assert change.changes["name"] == {"before": old_name, "after": "Renamed in the admin"}
    assert change.changes["description"] == {"before": old_description, "after": "Edited by staff."}
    assert consortium.members.count() == rows
    assert not ConsortiumMember.objects.filter(consortium=consortium, organization=other).exists()
    assert not AuditEvent.objects.filter(action__startswith="catalog.consortiummember.").exists()
    member.refresh_from_db()
    assert member.role == ConsortiumRole.TECHNOLOGY


@pytest.mark.django_db
def test_deleting_in_the_admin_records_what_was_deleted(client):
    from rfi.models import Tag

    tag = Tag.objects.create(name="energy", slug="energy")
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:rfi_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="rfi.tag.admin_delete")
    assert event.changes["name"] == {"before": "energy", "after": None}
