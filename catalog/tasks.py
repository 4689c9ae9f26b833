"""Celery tasks of the catalog (the worker autodiscovers this module)."""

from __future__ import annotations

from catalog.tasks_public import inquiry_notify_managers  # noqa: F401  (registers the public catalog's tasks)
