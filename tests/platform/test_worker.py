from __future__ import annotations

import pytest


@pytest.mark.worker
def test_a_real_worker_process_starts_on_the_test_queue_and_answers_ping(celery_worker):
    from aiexports.celery import app

    replies = app.control.ping(timeout=2)
    assert any(celery_worker.queue in name for reply in replies for name in reply)
    stats = app.control.inspect(destination=[next(iter(r)) for r in replies if celery_worker.queue in next(iter(r))])
    assert stats.active_queues()
