from __future__ import annotations

import pytest


@pytest.mark.worker
def test_a_real_worker_process_starts_on_the_test_queue_and_answers_ping(celery_worker):
    from aiexports.celery import app

    replies = app.control.ping(timeout=2)
    assert any(celery_worker.queue in name for reply in replies for name in reply)
    stats = app.control.inspect(destination=[next(iter(r)) for r in replies if celery_worker.queue in next(iter(r))])
    assert stats.active_queues()


@pytest.mark.worker
def test_a_real_worker_sends_the_contact_acknowledgement_and_stamps_postgresql(celery_worker, client):
    from aiexports.portal.models import ContactMessage
    from catalog.models import Country
    from tests.conftest import wait_until

    # Transactional tests flush tables, including the countries loaded by a data migration.
    Country.objects.get_or_create(code="NG", defaults={"name": "Nigeria"})
    response = client.post(
        "/contact/",
        {
            "name": "Amara Okafor",
            "organization": "Lagos Data Ltd",
            "country": "NG",
            "email": "amara@example.ng",
            "topic": "taking_part",
            "message": "How do we join a consortium?",
        },
    )
    assert response.status_code == 302
    row = ContactMessage.objects.get(email="amara@example.ng")

    def acknowledged():
        row.refresh_from_db()
        return row.acknowledged_at

    wait_until(acknowledged, timeout=60)
    mails = wait_until(celery_worker.sent_mail, timeout=10)
    assert any("amara@example.ng" in m and "We have received your message" in m for m in mails), celery_worker.log()
