"""The one way to start a Celery task: ``enqueue_on_commit`` (from a service) or ``enqueue`` (from a task).

Rules it encodes (CONVENTIONS.md, "Celery tasks"; issue 15):

- **After commit.** A service enqueues with ``enqueue_on_commit`` inside its transaction; the message is sent
  once the transaction commits (never for a rolled-back change, never before the row is visible to the worker).
- **Robust.** Publishing never fails the caller: the change has committed, the user sees their page. A broker
  outage is logged and the durable row the work belongs to (an ``OutboxMail``, an ``EligibilityCheck``, an
  impact preview, a screening) is picked up again by its sweeper. So only enqueue work that has such a row.
- **By name.** The task is named by its dotted path (``"aiexports.outbox.tasks.outbox_mail_deliver"``) and
  imported only when the message is sent, so a ``services`` module never imports a ``tasks`` module (tasks
  import services, never the other way round: no import circles).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What a broker outage raises when a message is published (Redis down, DNS, a timeout).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, ConnectionError, OSError, TimeoutError)
# Publishing retries a few times within the call (kombu's retry_policy), then gives up to the sweeper.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def _task(task: Any) -> Any:
    return import_string(task) if isinstance(task, str) else task


def _publish(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The boundary with the broker (tests simulate an outage here)."""
    task.apply_async(args, kwargs, retry_policy=RETRY_POLICY)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send one message for ``task`` (a dotted path or a task) now; False (logged) if the broker refused it.

    With ``CELERY_TASK_ALWAYS_EAGER`` (the embedded default and the tests) the task runs in-process; an error of
    its own (not a broker error) propagates there, so a bug is not hidden as a lost message.
    """
    name = task if isinstance(task, str) else getattr(task, "name", repr(task))
    try:
        _publish(_task(task), args, kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("could not enqueue %s%r (%s); its sweeper will send it again", name, args, exc)
        return False
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.exception("could not enqueue %s%r; its sweeper will send it again", name, args)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, using: str | None = None, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs), using=using, robust=True)
