"""An availability alert from sign-up to the digest, in a browser, with a real Celery worker sending the e-mails.

A buyer in Japan searches the catalog for hardware, asks to be told about new matches, confirms from the e-mail,
a matching package is published, and the worker's digest lists it (only it: what matched at sign-up is not
new), with RFC 8058 one-click unsubscribe headers and a link to the page that manages the alerts. axe-core on
every page, at desktop and phone width.
"""

from __future__ import annotations

import email
import re

import pytest

from catalog.choices import Category, PackageStatus
from tests.alerts.helpers import available
from tests.catalog.factories import publish_over_warnings
from tests.catalog.factories_public import ensure_reference_data, published_package
from tests.conftest import wait_until
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def check_both_widths(page, assert_accessible) -> None:  # noqa: ANN001
    # Our pages only: the site footer's own grid is the layout owners' business.
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(
            "[...document.querySelectorAll('main *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
        )
        assert not wide, (width, page.url, wide)
        assert_accessible(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def mail_with(worker, text: str) -> str:  # noqa: ANN001
    return wait_until(lambda: next((m for m in worker.sent_mail() if text in m), None), timeout=60)


def one_click_headers(message: str) -> tuple[str, str]:
    """The RFC 8058 headers of a message as the file backend wrote it (long headers are folded)."""
    parsed = email.message_from_string(message.split("\n" + "-" * 79)[0])
    return " ".join(str(parsed["List-Unsubscribe"]).split()), str(parsed["List-Unsubscribe-Post"])


def path_in(message: str, prefix: str) -> str:
    match = re.search(rf"https?://[^\s/]+({prefix}[^\s<>\"]+/)", message)
    assert match, message[:2000]
    return match.group(1)


def test_an_alert_from_sign_up_to_the_digest_with_a_real_worker(page, assert_accessible, celery_worker):
    ensure_reference_data()
    known = available(published_package(title="Kestrel national AI stack", categories=[Category.ACCELERATOR]), "JP")
    upcoming = available(
        published_package(title="Osprey sovereign compute", categories=[Category.ACCELERATOR],
                          status=PackageStatus.IN_REVIEW),
        "JP",
    )  # fmt: skip

    page.goto("/catalog/?layer=hardware&available_in=JP")
    page.get_by_role(
        "link", name="E-mail me when a package matching this search becomes available in my country"
    ).click()
    page.wait_for_url(re.compile(r"/alerts/new/\?"))
    assert page.get_by_label("Your country").input_value() == "JP"
    check_both_widths(page, assert_accessible)
    page.get_by_label("E-mail address").fill("not-an-address")
    page.get_by_role("button", name="Send me the confirmation link").click()
    page.locator("#error-summary").wait_for()
    assert page.get_by_label("E-mail address").input_value() == "not-an-address"  # kept, and explained
    check_both_widths(page, assert_accessible)
    page.get_by_label("E-mail address").fill("aiko@example.jp")
    page.get_by_role("button", name="Send me the confirmation link").click()
    page.wait_for_url("**/alerts/new/sent/")
    check_both_widths(page, assert_accessible)

    confirmation = mail_with(celery_worker, "/alerts/confirm/")
    unsubscribe, post = one_click_headers(confirmation)
    assert post == "List-Unsubscribe=One-Click" and re.match(r"^<https?://\S+/alerts/unsubscribe/\S+/>$", unsubscribe)
    page.goto(path_in(confirmation, "/alerts/confirm/"))
    check_both_widths(page, assert_accessible)
    page.get_by_role("button", name="Confirm the alert").click()
    page.get_by_text("your alert is on").wait_for()
    check_both_widths(page, assert_accessible)

    publish_over_warnings(StaffFactory(), upcoming)  # on commit: the worker matches it and sends the digest
    digest = mail_with(celery_worker, "Osprey sovereign compute")
    assert "Kestrel national AI stack" not in digest and known.slug not in digest
    unsubscribe, post = one_click_headers(digest)
    assert post == "List-Unsubscribe=One-Click" and re.match(r"^<https?://\S+/alerts/unsubscribe/\S+/>$", unsubscribe)

    page.goto(path_in(digest, "/alerts/manage/"))
    assert page.get_by_role("heading", name=re.compile("Packages available in Japan")).is_visible()
    check_both_widths(page, assert_accessible)
    page.get_by_role("button", name="End this alert").click()
    page.get_by_text("The alert is ended.").wait_for()
    assert page.get_by_text("You have no running alert.").is_visible()
    check_both_widths(page, assert_accessible)
