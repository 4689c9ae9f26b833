"""E-mails a person can act on: one helper (``aiexports.mail``), absolute links from ``AIX_SITE_URL``, an HTML part
next to the plain text, and a one-line subject whatever the title it is built from contains."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from aiexports.mail import absolute_url, mail_subject, send_templated_mail
from aiexports.portal.models import ContactMessage
from aiexports.portal.services import contact_message_acknowledge
from catalog.models import Inquiry
from catalog.notifications import package_status_mail
from catalog.services.inquiries import inquiry_notify
from tests.catalog.factories_public import consortium_with_manager, published_package
from tests.conftest import send_queued_mail
from tests.factories import UserFactory

SITE = "https://portal.example.gov"
URL = re.compile(r"""https?://[^\s"'<>]+""")
HREF = re.compile(r"""href="([^"]*)\"""")
EVIL_TITLE = "Sovereign stack\r\nBcc: attacker@example.com\x07\u2028part two"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.AIX_SITE_URL = SITE


def assert_actionable(message, *, link_to: str) -> None:
    """The message has an HTML part, every link in both parts is absolute on the site, one leads to ``link_to``,
    and its subject is a single clean line."""
    assert not re.search(r"[\x00-\x1f\x7f\u2028\u2029]", message.subject), repr(message.subject)
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html) == 1
    text_links = URL.findall(message.body)
    html_links = [h for h in HREF.findall(html[0]) if not h.startswith("mailto:")]
    assert text_links and html_links
    assert all(link.startswith(SITE + "/") for link in text_links + html_links), text_links + html_links
    assert any(link.startswith(SITE + link_to) for link in text_links)
    assert any(link.startswith(SITE + link_to) for link in html_links)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Title\r\nBcc: x@example.com", "Title Bcc: x@example.com"),
        ("tab\tand\x00nul\x7fdel\x85nel", "tab and nul del nel"),
        ("line\u2028separator\u2029paragraph", "line separator paragraph"),
        ("  many     spaces  ", "many spaces"),
        ("“Quoted” & <kept>", "“Quoted” & <kept>"),
    ],
)
def test_a_subject_is_one_clean_line(raw, clean):
    assert mail_subject(raw) == clean


def test_a_long_subject_is_cut_with_an_ellipsis():
    subject = mail_subject("word " * 100)
    assert len(subject) == 200 and subject.endswith("…")


def test_absolute_urls_are_built_from_the_site_url_setting(settings):
    settings.AIX_SITE_URL = "https://portal.example.gov/"
    assert absolute_url("/catalog/x/") == "https://portal.example.gov/catalog/x/"
    assert absolute_url("catalog/x/") == "https://portal.example.gov/catalog/x/"
    assert absolute_url("https://elsewhere.example/") == "https://elsewhere.example/"


def test_the_helper_sends_nothing_without_recipients():
    assert send_templated_mail("catalog/email/package_status", {}, ["", ""]) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_status_e_mail_of_a_package_whose_title_has_a_newline_is_sent_with_a_clean_subject():
    consortium = consortium_with_manager(email="lead@example.com")
    package = published_package(consortium=consortium, status="changes_requested", title=EVIL_TITLE)
    package.reviewer_feedback = "Add a security component & a data pipeline."
    package.save(update_fields=["reviewer_feedback"])
    package_status_mail(package)
    assert send_queued_mail() == 1
    (message,) = mail.outbox
    assert message.to == ["lead@example.com"]
    assert message.subject.startswith("[AI Exports] “Sovereign stack Bcc: attacker@example.com")
    assert "\n" not in message.subject and "Bcc" not in message.extra_headers
    assert "Add a security component & a data pipeline." in message.body  # plain text is not HTML-escaped
    assert "Add a security component &amp; a data pipeline." in message.alternatives[0][0]
    assert_actionable(message, link_to=f"/dashboard/packages/{package.slug}/")
    assert message.message()["Subject"]  # the message serializes (a header with CR/LF would raise here)


@pytest.mark.django_db
def test_an_inquiry_e_mail_links_to_the_package_page_and_answers_the_buyer():
    package = published_package(consortium=consortium_with_manager(email="lead@example.com"), title=EVIL_TITLE)
    inquiry = Inquiry.objects.create(
        package=package,
        name="Aiko",
        organization="Osaka\r\nOffice",
        country_id="JP",
        email="aiko@example.jp",
        message="Hello",
    )
    assert inquiry_notify(inquiry_id=inquiry.pk) == 1
    assert send_queued_mail() == 1
    (message,) = mail.outbox
    assert message.reply_to == ["aiko@example.jp"]
    assert message.subject.endswith("from Osaka Office")
    assert_actionable(message, link_to=f"/catalog/{package.slug}/")


@pytest.mark.django_db
def test_the_contact_acknowledgement_and_the_staff_notice_have_absolute_links_and_html(settings):
    settings.AIX_STAFF_INBOX_EMAIL = "team@aiexports.example"
    row = ContactMessage.objects.create(
        name="Yuki\r\nTanaka", email="yuki@example.jp", topic="buying", message="More, please.", country_id="JP"
    )
    assert contact_message_acknowledge(message_id=row.pk) is True
    assert send_queued_mail() == 2
    ack, notice = mail.outbox
    assert_actionable(ack, link_to="/")
    assert_actionable(notice, link_to=f"/admin/portal/contactmessage/{row.pk}/change/")
    assert notice.subject == "[AI Exports Program] New contact message from Yuki Tanaka"
    assert notice.reply_to == ["yuki@example.jp"]


@pytest.mark.django_db
def test_the_password_reset_link_comes_from_the_site_url_not_the_host_header(client):
    UserFactory(email="ada@example.com")
    response = client.post("/accounts/password-reset/", {"email": "ada@example.com"}, HTTP_HOST="testserver")
    assert response.status_code == 302
    assert send_queued_mail() == 1
    (message,) = mail.outbox
    assert_actionable(message, link_to="/accounts/password-reset/")
    assert "testserver" not in message.body
