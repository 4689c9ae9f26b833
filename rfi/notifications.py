"""E-mails of the RFI module, rendered in the respondent's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Submission


def send_receipt(submission: Submission) -> None:
    """The receipt: tracking number, notice, time received. Never the answers (e-mail is not private)."""
    language = submission.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"submission": submission, "notice": submission.notice, "site_name": settings.AIX_SITE_NAME}
        subject = render_to_string("rfi/email/receipt_subject.txt", context).strip()
        body = render_to_string("rfi/email/receipt.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [submission.email])
