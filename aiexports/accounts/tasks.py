"""Celery tasks of the accounts. Tasks take primary keys, load their row, and return early when it is gone."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.tokens import make_token

logger = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """A subject on one line: no CR, LF or other control characters (a header cannot be split)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def absolute_url(path: str) -> str:
    return settings.AIX_SITE_URL.rstrip("/") + path


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email_confirmation(user_id: int) -> int:
    """E-mail the account a fresh confirmation link (text and HTML); nothing if gone or already confirmed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_confirmed_at is not None:
        logger.info("user %s is gone or confirmed; no confirmation e-mail", user_id)
        return 0
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "site_name": settings.AIX_SITE_NAME,
            "url": absolute_url(reverse("accounts:email_confirm", args=[make_token(user)])),
            "hours": settings.AIX_EMAIL_CONFIRM_MAX_AGE // 3600,
        }
        subject = one_line(_("Confirm your e-mail address for %(site)s") % {"site": settings.AIX_SITE_NAME})
        text = render_to_string("accounts/email/confirm_email.txt", context)
        html = render_to_string("accounts/email/confirm_email.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    return message.send()
