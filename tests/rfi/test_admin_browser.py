"""The review queue in a real browser: filter, select, assign through the intermediate page; axe on each page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from rfi.models import Submission
from tests.factories import StaffFactory
from tests.rfi.factories import SubmissionFactory, TagFactory, notice_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )


def test_a_reviewer_assigns_unassigned_submissions_to_a_colleague(page, live_server, assert_accessible):
    staff = StaffFactory(email="lead@example.gov")
    StaffFactory(email="colleague@example.gov", full_name="Colleague")
    notice = notice_with_questions(questions=1, topics=1)
    subs = SubmissionFactory.create_batch(2, notice=notice, country_id=None)  # transactional tests flush countries
    sign_in(page, live_server, staff)

    page.goto("/admin/rfi/submission/?reviewer=none")
    assert page.locator("#result_list tbody tr").count() == 2
    assert_accessible(page)
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "assign_to_reviewer")
    page.locator("button[name=index]").click()

    page.wait_for_selector("text=This applies to 2 submissions.")
    assert_accessible(page)
    page.get_by_label("Reviewer").select_option(label="colleague@example.gov")
    page.get_by_role("button", name="Assign").click()

    page.wait_for_selector("text=2 submissions assigned to colleague@example.gov.")
    assert "reviewer=none" in page.url  # back to the same filtered queue
    assert set(
        Submission.objects.filter(pk__in=[s.pk for s in subs]).values_list("assigned_reviewer__email", flat=True)
    ) == {"colleague@example.gov"}


def test_the_tag_form_error_state_and_the_change_page_are_accessible(page, live_server, assert_accessible):
    staff = StaffFactory(email="lead@example.gov")
    notice = notice_with_questions(questions=1, topics=1)
    submission = SubmissionFactory(notice=notice, country_id=None)
    TagFactory(name="Data centers")
    sign_in(page, live_server, staff)

    page.goto("/admin/rfi/submission/")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "tag_topics")
    page.locator("button[name=index]").click()
    page.get_by_role("button", name="Save the tags").click()  # nothing chosen
    page.wait_for_selector("text=Choose at least one tag to add or remove.")
    assert_accessible(page)

    page.goto(f"/admin/rfi/submission/{submission.pk}/change/")
    page.locator("textarea[name=internal_notes-0-text]").fill("Looks like a template letter.")
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=was changed successfully")
    assert submission.internal_notes.get().text == "Looks like a template letter."
