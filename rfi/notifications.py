"""E-mails of the RFI module, rendered in the respondent's language."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail

from .models import Submission


def queue_receipt(submission: Submission) -> None:
    """The receipt: tracking number, notice, time received, a link to the tracking page (the number filled in).

    Never the answers (e-mail is not private), and never the e-mail address in the link (links end up in logs).
    """
    track_url = absolute_url(reverse("rfi:track")) + "?" + urlencode({"number": submission.tracking_number})
    context = {"submission": submission, "notice": submission.notice, "track_url": track_url}
    queue_mail(
        "rfi/email/receipt",
        context,
        [submission.email],
        language=submission.language or None,
        dedupe_key=f"rfi-receipt:{submission.pk}",
    )
