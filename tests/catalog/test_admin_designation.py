"""The decision panel on the package's change page, the publish confirmation page and the consultation page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from catalog import services
from catalog.choices import PackageStatus
from catalog.models import ConsortiumMember, ConsultationAnswer, ConsultedOffice
from catalog.review_panel import publication_warnings
from screening.models import ScreeningHit
from tests.catalog.factories import company, complete_package
from tests.factories import OrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def china_package(anchor_name: str = "Unverified Anchor Ltd", **kwargs):
    user, anchor, consortium = company(anchor_name)
    package = complete_package(
        consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now(), created_by=user, **kwargs
    )
    package.target_countries.add("CN")
    package.components.filter(category="accelerator").update(eccn="3A090.a", tpp=5000)
    return package


def change_url(package):
    return reverse("admin:catalog_package_change", args=[package.pk])


def publish_url(package):
    return reverse("admin:catalog_package_publish", args=[package.pk])


def consultation_url(package):
    return reverse("admin:catalog_package_consultation", args=[package.pk])


def office_client(code: str):
    office = ConsultedOffice.objects.get(code=code)
    user = StaffFactory(is_superuser=False)
    user.groups.add(office.group)
    client = Client()
    client.force_login(user)
    return office, user, client


def test_the_change_page_shows_the_panel_with_china_prohibited_at_the_top(client, staff):
    package = china_package()
    html = client.get(change_url(package)).content.decode()
    assert "Decision panel" in html
    assert "Export to target market China is prohibited." in html
    assert html.index("China (CN)") < html.index("Kenya (KE)")
    assert "Unverified Anchor Ltd is not verified by staff." in html
    assert "Department of State has not answered the consultation." in html
    assert publish_url(package) in html


def test_the_change_and_confirmation_pages_query_counts_do_not_grow_with_members(
    client, staff, django_assert_max_num_queries
):
    package = china_package()
    client.get(change_url(package))  # warm the rule-set cache, as a running server has
    for _ in range(2):
        with django_assert_max_num_queries(28):
            assert client.get(change_url(package)).status_code == 200
        with django_assert_max_num_queries(20):
            assert client.get(publish_url(package)).status_code == 200
        for _ in range(5):
            ConsortiumMember.objects.create(
                consortium=package.consortium, organization=OrganizationFactory(), status="accepted"
            )


def test_the_confirmation_page_of_a_package_with_a_screening_hit_is_blocked_and_publishes_nothing(client, staff):
    package = china_package()
    listed = OrganizationFactory(name="Northwind Traders")
    ConsortiumMember.objects.create(consortium=package.consortium, organization=listed, status="accepted")
    ScreeningHit.objects.create(
        organization=listed, entry_key="csl-1", entry_fingerprint="f", source_list="Entity List",
        entry_name="Northwind Traders", screened_name=listed.name, matched_name="Northwind Traders", score=0.99,
    )  # fmt: skip
    html = client.get(publish_url(package)).content.decode()
    assert "Publication is blocked" in html and 'name="override_reason"' not in html
    client.post(publish_url(package), {"override_all": "on", "override_reason": "Anyway."})
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_changing_a_consulted_office_in_the_admin_is_audited(client, staff):
    office = ConsultedOffice.objects.get(code="ostp")
    url = reverse("admin:catalog_consultedoffice_change", args=[office.pk])
    data = {"code": "ostp", "name": office.name, "group": office.group_id, "position": 40}  # "consulted" unticked
    assert client.post(url, data).status_code == 302
    office.refresh_from_db()
    assert office.active is False
    event = AuditEvent.objects.get(action="consulted_office.change")
    assert event.changes == {"active": {"before": True, "after": False}}


def test_the_confirmation_page_lists_every_warning_with_an_override_box(client, staff):
    package = china_package()
    html = client.get(publish_url(package)).content.decode()
    for warning in publication_warnings(package):
        assert f'value="{warning.code}"' in html and warning.message in html
    assert 'name="override_reason"' in html


def test_confirming_without_overrides_or_reason_is_refused_and_keeps_what_was_typed(client, staff):
    package = china_package()
    response = client.post(publish_url(package), {"message": "Typed message", "override_reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick the override of each warning" in html and "Give the reason for publishing" in html
    assert "Typed message" in html
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW
    assert not AuditEvent.objects.filter(action="package.publish").exists()


def test_ticking_each_override_but_giving_no_reason_is_refused(client, staff):
    package = china_package()
    codes = [w.code for w in publication_warnings(package)]
    response = client.post(publish_url(package), {"overrides": codes, "override_reason": " "})
    assert response.status_code == 200 and "Give the reason for publishing" in response.content.decode()
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_ticking_each_override_with_a_reason_publishes_and_returns_to_the_change_page(client, staff):
    package = china_package()
    codes = [w.code for w in publication_warnings(package)]
    response = client.post(publish_url(package), {"overrides": codes, "override_reason": "Board minute 12."})
    assert response.status_code == 302 and response["Location"] == change_url(package)
    package.refresh_from_db()
    assert package.status == PackageStatus.PUBLISHED
    event = AuditEvent.objects.get(action="package.publish")
    assert event.changes["override_reason"] == "Board minute 12." and event.changes["overrides"] == codes


def test_a_warning_that_appears_after_the_page_was_shown_is_refused_and_shown(client, staff):
    package = china_package()
    codes = [w.code for w in publication_warnings(package)]
    office, _user, _c = office_client("war")
    services.consultation_answer(actor=_user, package=package, office=office, position="object", comment="No.")
    response = client.post(publish_url(package), {"overrides": codes, "override_reason": "Weighed."})
    html = response.content.decode()
    assert response.status_code == 200 and "Department of War objects to the designation." in html
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_the_confirmation_page_of_a_package_not_in_review_offers_no_form_and_refuses_a_post(client, staff):
    _u, _o, consortium = company()
    draft = complete_package(consortium)
    html = client.get(publish_url(draft)).content.decode()
    assert "Only a package in review can be published" in html and 'name="override_reason"' not in html
    client.post(publish_url(draft), {"override_all": "on", "override_reason": "r"})
    draft.refresh_from_db()
    assert draft.status == PackageStatus.DRAFT


def test_publishing_several_packages_at_once_from_the_queue_is_refused(client, staff):
    first, second = china_package(), china_package("Second Anchor Ltd")
    response = client.post(
        reverse("admin:catalog_package_changelist"), {"action": "publish", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert any("one package at a time" in str(m) for m in response.wsgi_request._messages)
    assert set(type(first).objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        PackageStatus.IN_REVIEW
    }


def test_request_changes_from_the_change_page_returns_to_it(client, staff):
    package = china_package()
    data = {"action": "request_changes", "_selected_action": package.pk, "_changeform": "1"}
    page = client.post(reverse("admin:catalog_package_changelist"), data).content.decode()
    assert 'name="_changeform"' in page and change_url(package) in page  # carried through, and Cancel goes back
    response = client.post(reverse("admin:catalog_package_changelist"), {**data, "apply": "1", "message": "Fix it."})
    assert response["Location"] == change_url(package)


def test_an_office_member_answers_from_the_consultation_page_and_the_panel_shows_it(client, staff):
    package = china_package()
    office, user, office_c = office_client("state")
    assert "Answer for your office" in office_c.get(change_url(package)).content.decode()
    assert office_c.get(consultation_url(package)).status_code == 200
    response = office_c.post(consultation_url(package), {"office": office.pk, "position": "concur", "comment": "Fine"})
    assert response.status_code == 302 and response["Location"] == change_url(package)
    answer = ConsultationAnswer.objects.get()
    assert (answer.office, answer.answered_by, answer.position) == (office, user, "concur")
    html = client.get(change_url(package)).content.decode()
    assert "Concurrence" in html and "Fine" in html
    assert "Department of State has not answered" not in html


def test_an_office_member_cannot_answer_for_another_office_or_publish(client, staff):
    package = china_package()
    _state, _user, office_c = office_client("state")
    war = ConsultedOffice.objects.get(code="war")
    response = office_c.post(consultation_url(package), {"office": war.pk, "position": "concur"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ConsultationAnswer.objects.exists()
    assert office_c.get(publish_url(package)).status_code == 403
    assert office_c.post(publish_url(package), {"override_all": "on", "override_reason": "r"}).status_code == 403
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW


def test_an_objection_without_text_is_refused_on_the_consultation_page(client, staff):
    package = china_package()
    office, _user, office_c = office_client("energy")
    response = office_c.post(consultation_url(package), {"office": office.pk, "position": "object", "comment": ""})
    assert response.status_code == 200 and "Explain the objection." in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


def test_a_superuser_outside_every_office_group_is_told_so_and_cannot_answer(client, staff):
    package = china_package()
    html = client.get(consultation_url(package)).content.decode()
    assert "You are not a member of the staff group of any consulted office" in html
    state = ConsultedOffice.objects.get(code="state")
    client.post(consultation_url(package), {"office": state.pk, "position": "concur"})
    assert not ConsultationAnswer.objects.exists()


def test_answering_a_package_not_in_review_is_refused(client, staff):
    _u, _o, consortium = company()
    submitted = complete_package(consortium, status=PackageStatus.SUBMITTED)
    office, _user, office_c = office_client("ostp")
    assert (
        "Offices answer only while a package is in review" in office_c.get(consultation_url(submitted)).content.decode()
    )
    response = office_c.post(consultation_url(submitted), {"office": office.pk, "position": "concur"})
    assert (
        response.status_code == 200 and "Offices answer only while a package is in review" in response.content.decode()
    )
    assert not ConsultationAnswer.objects.exists()


def test_submitters_and_the_public_see_the_decision_and_public_reasons_never_the_consultation(client, staff):
    package = china_package()
    submitter = package.created_by
    office, user, _c = office_client("war")
    services.consultation_answer(
        actor=user, package=package, office=office, position="object", comment="SECRET-OBJECTION-TEXT"
    )
    codes = [w.code for w in publication_warnings(package)]
    client.post(
        publish_url(package),
        {"overrides": codes, "override_reason": "SECRET-OVERRIDE-REASON", "message": "Public reasons: vetted."},
    )
    package.refresh_from_db()
    assert package.status == PackageStatus.PUBLISHED
    company_client = Client()
    company_client.force_login(submitter)
    pages = [
        company_client.get(reverse("catalog:manage_package_detail", args=[package.slug])),
        company_client.get(reverse("catalog:dashboard")),
        Client().get(reverse("catalog:package_detail", args=[package.slug])),
        company_client.get(reverse("catalog:package_detail", args=[package.slug])),
    ]
    for response in pages:
        assert response.status_code == 200, response.request
        html = response.content.decode()
        for secret in ("SECRET-OBJECTION-TEXT", "SECRET-OVERRIDE-REASON", "Department of War", "consultation"):
            assert secret not in html, (response.request["PATH_INFO"], secret)
    assert "Public reasons: vetted." in pages[0].content.decode()
    api = company_client.get(f"/api/v1/drafts/{package.slug}/")
    assert "SECRET" not in api.content.decode()
