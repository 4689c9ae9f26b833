"""Celery tasks of the accounts. Tasks take primary keys, load their row, and return early when it is gone."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from aiexports.accounts.models import User
from aiexports.accounts.tokens import make_token
from aiexports.mail import absolute_url, send_templated_mail

logger = logging.getLogger(__name__)


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
    context = {
        "user": user,
        "url": absolute_url(reverse("accounts:email_confirm", args=[make_token(user)])),
        "hours": settings.AIX_EMAIL_CONFIRM_MAX_AGE // 3600,
    }
    return send_templated_mail(
        "accounts/email/confirm_email", context, [user.email], language=user.preferred_language or None
    )
