"""Rendering and sending e-mail: one subject line, a plain-text part and an HTML part, links made absolute from
``AIX_SITE_URL``.

Code that sends an e-mail calls ``aiexports.outbox.services.queue_mail`` (same arguments as
``send_templated_mail``, plus a ``dedupe_key``) inside its transaction: the message is rendered here, stored as an
outbox row and delivered after commit (``send_rendered_mail``), with a sweeper for lost messages. Only the outbox
calls the senders of this module (``tests/platform/test_outbox.py`` enforces it).

Templates come in threes, named by a prefix: ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``
(the HTML part usually extends ``email/base.html``). The subject and text parts are rendered without HTML
escaping (they are not HTML); the HTML part is escaped as usual. Each template gets ``site_url`` (no trailing
slash) and ``site_name`` besides the caller's context; build links as ``{{ site_url }}{% url ... %}`` or pass
``absolute_url(path)`` values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

SUBJECT_MAX_LENGTH = 200
_SPACES = re.compile(r"\s+")


def site_url() -> str:
    """The portal's public address from ``AIX_SITE_URL``, without a trailing slash."""
    return str(settings.AIX_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (as ``reverse()`` returns it) as an absolute link on the portal; an absolute URL is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + "/" + path.lstrip("/")


def mail_subject(text: str, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """``text`` as one clean subject line.

    CR and LF in a subject make Django refuse the whole message (``BadHeaderError``), so a package title with a
    newline would stop every e-mail about it. Control characters (C0, C1, DEL), line and paragraph separators and
    runs of whitespace become one space; the result is trimmed and cut at ``max_length`` characters.
    """
    chars = [" " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch for ch in str(text)]
    line = _SPACES.sub(" ", "".join(chars)).strip()
    if len(line) > max_length:
        line = line[: max_length - 1].rstrip() + "…"
    return line


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """Render a text template without HTML escaping (``&`` stays ``&`` in a subject or a plain-text body)."""
    template = get_template(template_name)
    return template.template.render(Context(dict(context), autoescape=False))  # type: ignore[attr-defined]  # the engine's own Template


def render_templated_mail(
    template_prefix: str, context: Mapping[str, Any], *, language: str | None = None
) -> tuple[str, str, str]:
    """The (subject, text, html) of ``template_prefix`` rendered with ``context`` in ``language``."""
    full = {"site_url": site_url(), "site_name": settings.AIX_SITE_NAME, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = mail_subject(_render_plain(f"{template_prefix}_subject.txt", full))
        text = _render_plain(f"{template_prefix}.txt", full)
        html = render_to_string(f"{template_prefix}.html", full)
    return subject, text, html


def send_templated_mail(
    template_prefix: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    *,
    language: str | None = None,
    from_email: str | None = None,
    reply_to: Sequence[str] | None = None,
    fail_silently: bool = False,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Render ``<template_prefix>_subject.txt``, ``.txt`` and ``.html`` and send one message to ``to``.

    ``language`` (default ``LANGUAGE_CODE``) is the language of the recipient; ``from_email`` defaults to
    ``DEFAULT_FROM_EMAIL``; ``headers`` are extra message headers (``List-Unsubscribe``). Returns the number of
    messages sent (0 when ``to`` is empty, 1 otherwise).
    """
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    subject, text, html = render_templated_mail(template_prefix, context, language=language)
    return send_rendered_mail(
        subject=subject,
        text=text,
        html=html,
        to=recipients,
        from_email=from_email,
        reply_to=reply_to,
        fail_silently=fail_silently,
    )


def send_rendered_mail(
    *,
    subject: str,
    text: str,
    html: str,
    to: Sequence[str],
    from_email: str | None = None,
    reply_to: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    fail_silently: bool = False,
) -> int:
    """Send one already rendered message (text with an HTML alternative); the outbox's delivery calls this."""
    message = EmailMultiAlternatives(
        subject=mail_subject(subject),
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
        headers=dict(headers) if headers else None,
    )
    message.attach_alternative(html, "text/html")
    return message.send(fail_silently=fail_silently)
