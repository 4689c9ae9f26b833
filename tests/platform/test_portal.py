from __future__ import annotations

import io

import pytest
from django.core import mail

from aiexports.audit.models import AuditEvent
from aiexports.markdown import render_markdown
from aiexports.outbox.models import OutboxMail
from aiexports.portal import demo
from aiexports.portal.models import ContactMessage, InfoPage
from aiexports.portal.services import contact_message_acknowledge
from tests.conftest import send_queued_mail
from tests.factories import ConsortiumFactory, PackageFactory, StaffFactory, assert_honeypot_refused

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_program_and_shows_live_figures(client, monkeypatch):
    PackageFactory(status="published")
    PackageFactory(status="draft")
    ConsortiumFactory()
    monkeypatch.setattr("rfi.selectors.open_notice_count", lambda: 7)
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures == {"published_packages": 1, "consortia": 3, "open_rfis": 7}
    html = response.content.decode()
    assert "full-stack" in html.lower() or "complete, ready-to-deploy" in html
    assert 'href="/catalog/"' in html and 'href="/rfi/"' in html


def test_the_home_page_uses_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/")


def test_an_info_page_renders_markdown_in_the_visitor_language(client):
    InfoPage.objects.create(slug="about", language="en", title="About", body="Hello **world**")
    InfoPage.objects.create(slug="about", language="fr", title="À propos", body="Bonjour *monde*")
    response = client.get("/pages/about/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "<h1>À propos</h1>" in html and "<em>monde</em>" in html
    assert "not yet available in your language" not in html


def test_an_info_page_falls_back_to_english_and_says_so(client):
    InfoPage.objects.create(slug="faq", language="en", title="FAQ", body="Answers")
    client.cookies["aix_language"] = "ja"
    response = client.get("/pages/faq/")
    assert response.status_code == 200
    assert response.context["info"].language == "en"
    assert response.context["is_fallback"] is True


def test_an_unknown_info_page_is_a_404(client):
    InfoPage.objects.create(slug="about", language="fr", title="À propos", body="x")
    assert client.get("/pages/nothing-here/").status_code == 404
    # A slug that exists only in another language than the visitor's and English is not found either.
    assert client.get("/pages/about/", HTTP_ACCEPT_LANGUAGE="es").status_code == 404


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="position:fixed">x</p>',
    ],
)
def test_markdown_never_renders_scripts_handlers_or_styles(evil):
    html = render_markdown(f"Text\n\n{evil}\n")
    lowered = html.lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "<iframe", "style="):
        assert needle not in lowered


def test_rfi_notices_and_information_pages_share_one_renderer_and_allow_list():
    from rfi.models import Notice

    text = "## Scope\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n: definition\n\n<script>x()</script>[l](https://e.example)"
    html = render_markdown(text)
    assert Notice(body=text).body_html == html
    assert "<table>" in html and "<dl>" in html and "<script" not in html
    assert 'rel="noopener noreferrer"' in html


def test_a_script_in_a_page_body_never_reaches_the_visitor(client):
    InfoPage.objects.create(slug="about", language="en", title="About", body="Hi\n\n<script>alert('x')</script>")
    html = client.get("/pages/about/").content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<p>Hi</p>" in main
    assert "<script" not in main


def test_loading_the_demo_twice_leaves_the_same_pages_and_accounts():
    out = io.StringIO()
    demo.load(out)
    first = InfoPage.objects.count()
    demo.load(out)
    assert InfoPage.objects.count() == first == 12
    assert set(InfoPage.objects.values_list("language", flat=True)) == {"en", "ja", "es", "fr"}
    assert "demo-company-password" in out.getvalue()


CONTACT = {
    "name": "Yuki Tanaka",
    "organization": "Example KK",
    "country": "JP",
    "email": "yuki@example.jp",
    "topic": "buying",
    "message": "We would like to know more.",
}


def _stored(**overrides):
    fields = {k: v for k, v in CONTACT.items() if k != "country"}
    return ContactMessage.objects.create(country_id=CONTACT["country"], **{**fields, **overrides})


def test_a_contact_message_is_stored_audited_and_acknowledged_after_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/contact/", CONTACT)
    assert response.status_code == 302 and response["Location"] == "/contact/sent/"
    row = ContactMessage.objects.get()
    assert (row.name, row.country_id, row.status) == ("Yuki Tanaka", "JP", "new")
    assert row.acknowledged_at is not None  # queued in the outbox, in the same transaction
    assert AuditEvent.objects.filter(action="contact.receive", target_id=str(row.pk)).exists()
    (queued,) = OutboxMail.objects.all()
    assert (queued.to, queued.status, queued.dedupe_key) == (["yuki@example.jp"], "pending", f"contact-ack:{row.pk}")
    assert len(callbacks) == 1 and mail.outbox == []  # nothing is sent before commit
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["yuki@example.jp"]]


def test_the_acknowledgement_is_queued_once_and_sent_once_in_the_sender_s_language():
    row = _stored(language="fr")
    assert contact_message_acknowledge(message_id=row.pk) is True
    assert contact_message_acknowledge(message_id=row.pk) is False  # idempotent
    row.refresh_from_db()
    assert row.acknowledged_at is not None
    assert send_queued_mail() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["yuki@example.jp"]
    assert "Nous avons bien reçu votre message" in mail.outbox[0].subject


def test_the_acknowledgement_returns_quietly_for_a_missing_row():
    assert contact_message_acknowledge(message_id=999_999) is False
    assert not OutboxMail.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-address"), ("message", ""), ("topic", "bribes"), ("country", "ZZ"), ("name", "n" * 151)],
)
def test_bad_contact_input_gets_a_field_error_and_keeps_what_was_typed(client, field, value):
    response = client.post("/contact/", {**CONTACT, field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert "Example KK" in html
    assert not ContactMessage.objects.exists()


def test_a_filled_honeypot_is_refused_keeps_the_input_and_stores_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/contact/", {**CONTACT, "website": "http://spam.example"})
    assert_honeypot_refused(response, kept=CONTACT["message"])
    assert not ContactMessage.objects.exists()
    assert callbacks == [] and mail.outbox == []


def test_the_contact_form_is_rate_limited_per_address(client, settings):
    settings.AIX_RATE_CONTACT = "2/h"
    for _ in range(2):
        assert client.post("/contact/", CONTACT).status_code == 302
    response = client.post("/contact/", CONTACT)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert ContactMessage.objects.count() == 2


def test_staff_handle_the_inbox_with_audited_actions(client):
    staff = StaffFactory()
    row = _stored()
    client.force_login(staff)
    assert client.get("/admin/portal/contactmessage/?q=Tanaka&status__exact=new").status_code == 200
    for action in ["assign_to_me", "mark_in_progress"]:
        client.post("/admin/portal/contactmessage/", {"action": action, "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert (row.assigned_to, row.status) == (staff, "in_progress")
    response = client.post(f"/admin/portal/contactmessage/{row.pk}/change/", {"status": "closed", "assigned_to": ""})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.assigned_to, row.status) == (None, "closed")
    changes = list(AuditEvent.objects.filter(action="contact.update").values_list("changes", flat=True))
    assert len(changes) == 3
    assert changes[0]["status"] == {"before": "in_progress", "after": "closed"}
    assert client.get("/admin/portal/contactmessage/?assigned=mine").status_code == 200


def test_staff_edit_info_pages_in_the_admin_with_an_audit_row(client):
    client.force_login(StaffFactory())
    response = client.post(
        "/admin/portal/infopage/add/", {"slug": "about", "language": "es", "title": "Acerca", "body": "Hola"}
    )
    assert response.status_code == 302
    assert InfoPage.objects.get(slug="about", language="es").title == "Acerca"
    assert AuditEvent.objects.filter(action="info_page.create").exists()


def test_the_staff_inbox_address_is_notified_when_configured(settings):
    settings.AIX_STAFF_INBOX_EMAIL = "team@aiexports.example"
    row = _stored()
    contact_message_acknowledge(message_id=row.pk)
    send_queued_mail()
    assert [m.to for m in mail.outbox] == [["yuki@example.jp"], ["team@aiexports.example"]]


def test_a_broker_outage_does_not_lose_the_message_or_fail_the_visitor(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from aiexports import tasks_enqueue

    attempts = []

    def broker_down(task, args, kwargs):
        attempts.append(args)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks_enqueue, "_publish", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", CONTACT)
    assert response.status_code == 302
    assert len(attempts) == 1 and mail.outbox == []
    assert ContactMessage.objects.get()
    assert OutboxMail.objects.get().status == "pending"  # the outbox sweeper will send it
