"""Staff designate a package: the decision panel shows the China warning, the consulted offices answer (an
objection needs its text), and the reviewer publishes through the confirmation page with a reason — with
axe-core (serious and critical, as for every admin page) on each page visited, error states included."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from catalog.choices import PackageStatus
from catalog.models import ConsultationAnswer, ConsultedOffice, Package
from tests.catalog.factories import company, complete_package, ensure_reference_data
from tests.e2e.test_submitter_journey import sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = {"serious", "critical"}


def test_staff_see_the_china_warning_offices_answer_and_the_reviewer_publishes_with_a_reason(
    page, live_server, assert_accessible
):
    ensure_reference_data()
    _u, _anchor, consortium = company("Meridian Compute Inc.")
    package = complete_package(
        consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now(), title="Meridian sovereign stack"
    )
    package.target_countries.add("CN")
    package.components.filter(category="accelerator").update(eccn="3A090.a", tpp=5000)
    reviewer = StaffFactory(email="reviewer@commerce.example")
    offices = {o.code: o for o in ConsultedOffice.objects.all()}
    members = {}
    for code, office in offices.items():
        members[code] = StaffFactory(email=f"{code}@agency.example", is_superuser=False)
        members[code].groups.add(office.group)
    change = f"/admin/catalog/package/{package.pk}/change/"

    # The reviewer opens the package: the panel flags China at the top.
    sign_in(page, live_server, reviewer)
    page.goto(change)
    panel = page.locator("section.aix-panel")
    assert panel.get_by_text("Export to target market China is prohibited.").is_visible()
    assert panel.locator("table").first.locator("tbody tr").first.locator("th").inner_text() == "China (CN)"
    assert panel.get_by_text("Department of War has not answered the consultation.").is_visible()
    assert_accessible(page, impacts=ADMIN)

    # Each office answers through a member of its group; an objection without text is refused first.
    for code, answer in (("state", "Concurrence"), ("energy", "No comment"), ("ostp", "Concurrence"), ("war", "")):
        page.context.clear_cookies()
        sign_in(page, live_server, members[code])
        page.goto(change)
        page.get_by_role("link", name="Answer for your office").click()
        if code == "war":
            page.get_by_label("Objection").check()
            page.get_by_role("button", name="Record the answer").click()
            assert page.get_by_text("Explain the objection.").first.is_visible()
            assert_accessible(page, impacts=ADMIN)
            page.get_by_label("Internal comment").fill("Diversion risk: end user not vetted.")
        else:
            page.get_by_label(answer).check()
        page.get_by_role("button", name="Record the answer").click()
        page.wait_for_url(f"**{change}")
        assert page.get_by_text("The office's answer is recorded.").is_visible()
    assert ConsultationAnswer.objects.filter(package=package).count() == 4

    # Back to the reviewer: the objection shows on the panel; publishing goes through the confirmation page.
    page.context.clear_cookies()
    sign_in(page, live_server, reviewer)
    page.goto(change)
    assert page.locator("section.aix-panel").get_by_text("Diversion risk: end user not vetted.").is_visible()
    page.get_by_role("link", name="Approve and publish…").click()
    assert page.get_by_text("Department of War objects to the designation.").first.is_visible()
    assert_accessible(page, impacts=ADMIN)
    page.get_by_role("button", name="Publish").click()
    errors = page.locator("ul.errorlist")
    assert errors.get_by_text("Tick the override of each warning").is_visible()
    assert errors.get_by_text("Give the reason for publishing over the warnings.").is_visible()
    assert_accessible(page, impacts=ADMIN)
    assert Package.objects.get(pk=package.pk).status == PackageStatus.IN_REVIEW

    page.get_by_label("Override every warning listed above").check()
    page.get_by_label("Reason for publishing over the warnings").fill("Secretary's determination 2026-14.")
    page.get_by_label("Message to the submitter (optional)").fill("Designated for Kenya.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{change}")
    assert page.get_by_text("Published “Meridian sovereign stack”.").is_visible()
    assert Package.objects.get(pk=package.pk).status == PackageStatus.PUBLISHED
    event = AuditEvent.objects.get(action="package.publish")
    assert event.changes["override_reason"] == "Secretary's determination 2026-14."
    assert "target_prohibited:CN" in event.changes["overrides"]
    assert f"consultation_objection:{offices['war'].pk}" in event.changes["overrides"]
