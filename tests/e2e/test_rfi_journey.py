"""A respondent answers the open notice with an attachment: one mistake first, then success, then tracking."""

from __future__ import annotations

import pytest

from rfi.models import Submission
from tests.rfi.factories import PDF_BYTES, notice_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_respondent_recovers_from_a_mistake_then_tracks_the_response(page, assert_accessible, tmp_path):
    notice = notice_with_questions(questions=4, topics=2, title="Demo RFI on AI exports")
    first, second = notice.questions.order_by("topic_area__position", "position")[:2]
    attachment = tmp_path / "our-views.pdf"
    attachment.write_bytes(PDF_BYTES)

    page.goto("/rfi/")
    assert_accessible(page)
    page.get_by_role("link", name="Demo RFI on AI exports").click()
    page.wait_for_url(f"**/rfi/{notice.docket_id}/")
    assert_accessible(page)
    page.get_by_role("link", name="Respond to this request").first.click()
    page.wait_for_url("**/respond/")
    assert_accessible(page)

    # The mistake: no e-mail address and no certification; an answer and a file are given.
    page.locator("label[for=id_respondent_type_1]").click()  # USWDS hides the input itself
    page.get_by_label("Your name").fill("Ada Example")
    page.get_by_label("Organization name").fill("Example Systems")
    page.get_by_label("Organization type").select_option("company")
    page.locator(f"#id_answer_{first.pk}").fill("Power supply is the first constraint.")
    counter = page.locator(f"#id_answer_{first.pk}_counter")
    assert counter.inner_text().startswith(str(first.max_length - len("Power supply is the first constraint.")))
    page.locator(f"#id_answer_{second.pk}").fill("Consortia need a clear anchor member.")
    page.locator("#id_attachments").set_input_files(str(attachment))
    page.get_by_role("button", name="Send my response").click()

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Enter your e-mail address" in summary.inner_text()
    assert "Please confirm that the information you give is accurate" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator(f"#id_answer_{second.pk}").input_value() == "Consortia need a clear anchor member."
    assert page.get_by_label("Your name").input_value() == "Ada Example"
    assert "please select your files again" in page.content()
    assert_accessible(page)

    # The fix: e-mail, certification, the file selected again.
    page.get_by_label("E-mail address").fill("ada@example.org")
    page.locator("label[for=id_certified]").click()
    page.locator("#id_attachments").set_input_files(str(attachment))
    page.get_by_role("button", name="Send my response").click()
    page.wait_for_url("**/respond/done/")
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    submission = Submission.objects.get()
    assert number == submission.tracking_number
    assert submission.attachments.get().original_name == "our-views.pdf"
    assert_accessible(page)

    page.get_by_role("link", name="Track a response").click()
    page.wait_for_url("**/rfi/track/")
    assert_accessible(page)
    page.get_by_label("Tracking number").fill(number.lower())
    page.get_by_label("E-mail address you gave").fill("ada@example.org")
    page.get_by_role("button", name="Show status").click()
    result = page.get_by_test_id("track-result")
    result.wait_for()
    assert number in result.inner_text() and "Received" in result.inner_text()
    assert_accessible(page)
