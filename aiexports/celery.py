"""The Celery application. Settings come from Django settings under the ``CELERY_`` namespace."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiexports.settings.base")

app = Celery("aiexports")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="aiexports.ping")
def ping() -> str:
    """A trivial task used by health checks and the worker integration tests."""
    return "pong"
