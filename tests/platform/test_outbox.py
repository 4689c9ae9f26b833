"""The durable e-mail outbox and the one enqueue helper (issue 15).

Every e-mail is a row written in the transaction of the change it announces; delivery is enqueued after commit
through ``aiexports.tasks_enqueue``; a broker outage at commit delays the e-mail (the sweeper sends it) instead of
losing it; a duplicated delivery sends once. Nothing outside the outbox sends mail, and no ``services`` module
imports a ``tasks`` module.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from aiexports import tasks_enqueue
from aiexports.audit.models import AuditEvent
from aiexports.outbox import tasks
from aiexports.outbox.models import OutboxMail
from aiexports.outbox.services import outbox_mail_deliver, outbox_mail_retry, outbox_sweep, queue_mail
from aiexports.portal.models import ContactMessage
from tests.factories import StaffFactory

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("aiexports", "catalog", "rfi")
ACK = "portal/email/contact_ack"

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return ContactMessage.objects.create(
        name="Yuki", email="yuki@example.jp", topic="buying", message="Hi", country_id="JP"
    )


def queue(row, key: str | None = "ack:1") -> OutboxMail:
    mail_row = queue_mail(ACK, {"row": row, "home_url": "https://portal.example/"}, [row.email], dedupe_key=key)
    assert mail_row is not None
    return mail_row


@pytest.fixture
def broker(monkeypatch):
    """The broker at the enqueue boundary: ``down`` makes every publish fail as Redis being away would."""

    class Broker:
        down = False
        published: list[tuple[str, tuple]] = []

    real = tasks_enqueue._publish

    def publish(task, args, kwargs):
        if Broker.down:
            raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        Broker.published.append((task.name, args))
        return real(task, args, kwargs)

    monkeypatch.setattr(tasks_enqueue, "_publish", publish)
    Broker.published = []
    return Broker


def expire_leases() -> None:
    OutboxMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- queue, deliver after commit ------------------------------------------------------------------------------


def test_an_e_mail_is_stored_in_the_transaction_and_sent_only_after_commit(
    row, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = queue(row)
    assert (queued.status, queued.to, queued.attempts) == ("pending", ["yuki@example.jp"], 0)
    assert queued.subject and queued.body_text and "<html" in queued.body_html.lower()
    assert mail.outbox == [] and broker.published == []
    (callback,) = callbacks
    callback()
    assert broker.published == [("outbox.deliver", (queued.pk,))]
    (message,) = mail.outbox
    assert message.to == ["yuki@example.jp"] and message.subject == queued.subject
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.body_text, queued.body_html) == ("sent", 1, "", "")
    assert queued.sent_at is not None


def test_a_rolled_back_change_leaves_no_e_mail(row, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue(row)
        raise RuntimeError("the change fails")
    assert not OutboxMail.objects.exists() and mail.outbox == []


def test_no_recipient_queues_nothing(row):
    assert queue_mail(ACK, {"row": row}, ["", ""]) is None
    assert not OutboxMail.objects.exists()


def test_the_same_dedupe_key_queues_and_sends_one_e_mail(row, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(row, key="contact-ack:7")
        again = queue(row, key="contact-ack:7")
    assert again.pk == first.pk and len(callbacks) == 1
    assert OutboxMail.objects.count() == 1 and len(mail.outbox) == 1


# --- broker down at commit: the sweeper sends it later --------------------------------------------------------


def test_with_the_broker_down_at_commit_the_e_mail_is_sent_later_by_the_sweeper(
    row, broker, django_capture_on_commit_callbacks
):
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue(row)  # the caller is not failed by the outage
    assert mail.outbox == [] and OutboxMail.objects.get().status == "pending"
    assert outbox_sweep() == {"requeued": 0, "failed": 0}  # within its lease: the first delivery may still come
    broker.down = False
    expire_leases()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep() == {"requeued": 1, "failed": 0}
    (message,) = mail.outbox
    assert message.to == ["yuki@example.jp"]
    queued.refresh_from_db()
    assert queued.status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        expire_leases()
        assert outbox_sweep() == {"requeued": 0, "failed": 0}  # a sent e-mail is never swept again
    assert len(mail.outbox) == 1


def test_a_sending_row_whose_worker_died_is_taken_over_after_its_lease(row, django_capture_on_commit_callbacks):
    queued = queue(row)
    OutboxMail.objects.filter(pk=queued.pk).update(status="sending", attempts=1)  # claimed, then the worker died
    assert outbox_mail_deliver(mail_id=queued.pk) == "skipped"  # still within its lease
    expire_leases()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep()["requeued"] == 1
    assert len(mail.outbox) == 1
    assert OutboxMail.objects.get().attempts == 2


# --- exactly once ---------------------------------------------------------------------------------------------


def test_a_double_delivery_sends_the_e_mail_once(row):
    queued = queue(row)
    assert tasks.outbox_mail_deliver(queued.pk) == "sent"
    assert tasks.outbox_mail_deliver(queued.pk) == "skipped"  # the broker redelivered the message
    assert outbox_mail_deliver(mail_id=987654) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_finds_the_row_taken_while_the_first_one_sends_it(row, broker, monkeypatch):
    import threading

    from django.db import connection

    from aiexports.outbox import services

    broker.down = True  # committed at once (no test transaction): keep the row for the two workers below
    queued = queue(row)
    assert mail.outbox == []
    sending, release, results = threading.Event(), threading.Event(), []
    real_send = services.send_rendered_mail

    def slow_send(**message):
        sending.set()
        release.wait(timeout=10)
        return real_send(**message)

    def first_worker() -> None:
        try:
            results.append(services.outbox_mail_deliver(mail_id=queued.pk))
        finally:
            connection.close()

    monkeypatch.setattr(services, "send_rendered_mail", slow_send)
    thread = threading.Thread(target=first_worker)
    thread.start()
    assert sending.wait(timeout=10)
    assert services.outbox_mail_deliver(mail_id=queued.pk) == "skipped"  # claimed by the first worker
    release.set()
    thread.join()
    assert results == ["sent"] and len(mail.outbox) == 1


# --- failures: bounded retries with backoff, then failed; staff retry ----------------------------------------


def test_a_failing_send_is_retried_with_a_growing_backoff_then_marked_failed(row, monkeypatch, settings):
    from aiexports.outbox import services

    settings.AIX_OUTBOX_MAX_ATTEMPTS = 3
    settings.AIX_OUTBOX_RETRY_SECONDS = 60

    def smtp_down(**message):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr(services, "send_rendered_mail", smtp_down)
    queued = queue(row)
    delays = []
    for expected in ("retry", "retry", "failed"):
        before = timezone.now()
        assert outbox_mail_deliver(mail_id=queued.pk) == expected
        queued.refresh_from_db()
        if queued.next_attempt_at:
            delays.append(round((queued.next_attempt_at - before).total_seconds() / 60))
    assert delays == [1, 2]  # 60 s, then 120 s
    assert (queued.status, queued.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in queued.last_error and queued.body_text  # kept for a retry
    assert outbox_mail_deliver(mail_id=queued.pk) == "skipped"


def test_the_sweeper_fails_rows_out_of_attempts(row, settings):
    settings.AIX_OUTBOX_MAX_ATTEMPTS = 2
    queued = queue(row)
    OutboxMail.objects.filter(pk=queued.pk).update(status="sending", attempts=2)
    expire_leases()
    assert outbox_sweep() == {"requeued": 0, "failed": 1}
    assert OutboxMail.objects.get().status == "failed" and mail.outbox == []


def test_staff_retry_a_failed_e_mail_with_an_audit_row(row, django_capture_on_commit_callbacks):
    from aiexports.errors import InvalidTransition

    queued = queue(row)
    OutboxMail.objects.filter(pk=queued.pk).update(status="failed", attempts=6, next_attempt_at=None)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_mail_retry(actor=staff, mail=queued)
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="outbox.mail_retry")
    assert event.actor == staff and event.changes["status"] == {"before": "failed", "after": "pending"}
    with pytest.raises(InvalidTransition):
        outbox_mail_retry(actor=staff, mail=queued)  # sent now: nothing to retry


def test_the_admin_lists_the_outbox_read_only_and_retries_through_the_service(
    row, client, django_capture_on_commit_callbacks
):
    queued = queue(row)
    OutboxMail.objects.filter(pk=queued.pk).update(status="failed", attempts=6)
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:outbox_outboxmail_changelist")
    page = client.get(url)
    assert page.status_code == 200 and "yuki@example.jp" in page.content.decode()
    assert client.get(reverse("admin:outbox_outboxmail_add")).status_code == 403
    assert "delete_selected" not in page.context["action_form"].fields["action"].choices.__repr__()
    detail = client.get(reverse("admin:outbox_outboxmail_change", args=[queued.pk])).content.decode()
    assert "Nous" not in detail and queued.body_text[:40] not in detail  # the body (a link) is not shown
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "retry", "_selected_action": [queued.pk]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="outbox.mail_retry").count() == 1 and len(mail.outbox) == 1


def test_the_sweeper_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["task"] == "outbox.sweep"


# --- the enqueue helper ---------------------------------------------------------------------------------------


def test_the_enqueue_helper_sends_after_commit_only_and_survives_a_broker_outage(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks_enqueue.enqueue_on_commit("aiexports.celery.ping")
    assert broker.published == [] and len(callbacks) == 1
    callbacks[0]()
    assert broker.published == [("aiexports.ping", ())]
    broker.down = True
    assert tasks_enqueue.enqueue("aiexports.celery.ping") is False  # logged, not raised


# --- house rules: only the outbox sends mail; services never import tasks -------------------------------------

SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "send_templated_mail", "send_rendered_mail",
           "EmailMessage", "EmailMultiAlternatives"}  # fmt: skip
ALLOWED_SENDERS = {"aiexports/mail.py", "aiexports/outbox/services.py"}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _senders(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) in SENDERS:
            found.append((node.lineno, _called_name(node)))
        elif isinstance(node, ast.Call) and _called_name(node) == "send" and isinstance(node.func, ast.Attribute):
            target = node.func.value  # EmailMessage(...).send() or message.send() on a mail object
            if isinstance(target, ast.Call) and _called_name(target) in SENDERS:
                found.append((node.lineno, "EmailMessage.send"))
        elif isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            found.extend((node.lineno, f"import {a.name}") for a in node.names if a.name in SENDERS)
    return found


def test_nothing_outside_the_outbox_sends_mail_directly():
    offenders = {path: hits for path, tree in _modules() if path not in ALLOWED_SENDERS and (hits := _senders(tree))}
    assert offenders == {}, "send e-mail with aiexports.outbox.services.queue_mail (durable, sent after commit)"


def test_the_sender_check_finds_a_direct_send():
    tree = ast.parse(
        "from django.core.mail import EmailMessage\n"
        "from aiexports.mail import send_templated_mail\n"
        "send_templated_mail('p', {}, ['a@b.c'])\nEmailMessage('s', 'b', to=['a@b.c']).send()\n"
    )
    assert sorted(name for _line, name in _senders(tree)) == [
        "EmailMessage", "EmailMessage.send", "import EmailMessage", "send_templated_mail",
    ]  # fmt: skip


def _is_services(path: str) -> bool:
    parts = path.removesuffix(".py").split("/")
    return parts[-1] == "services" or "services" in parts[:-1]


def _task_imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names += [f"{module}.{a.name}" for a in node.names if module.split(".")[-1] == "tasks" or a.name == "tasks"]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.split(".")[-1] == "tasks"]
    return names


def test_no_services_module_imports_a_tasks_module():
    """Tasks import services, never the reverse (not even inside a function): services enqueue by name through
    ``aiexports.tasks_enqueue``, so there are no import circles to break with a late import."""
    services = [(path, tree) for path, tree in _modules() if _is_services(path)]
    assert len(services) > 15
    offenders = {path: names for path, tree in services if (names := _task_imports(tree))}
    assert offenders == {}


def test_importing_every_services_module_imports_no_tasks_module():
    import subprocess
    import sys

    modules = [
        p.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for p, _t in _modules() if _is_services(p)
    ]
    code = (
        "import django, sys; django.setup()\n"
        f"before = set(sys.modules)\nfor m in {modules!r}: __import__(m)\n"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[-1] == 'tasks'))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "aiexports.settings.test", "PATH": "/usr/bin:/bin", "AIX_EMBEDDED": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
