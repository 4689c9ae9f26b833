"""Integration: a real Celery worker groups a new response with the campaign it belongs to."""

from __future__ import annotations

import pytest

from rfi.models import Submission, SubmissionBand
from rfi.services import rfi_submission_create
from tests.conftest import wait_until
from tests.rfi.factories import notice_with_questions

LETTER = " ".join(f"word{i}" for i in range(60))


@pytest.mark.worker
def test_a_real_worker_puts_copies_of_a_letter_into_one_campaign_group(celery_worker):
    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.get()
    created = [
        rfi_submission_create(notice=notice, respondent_type="anonymous", answers={question.pk: text}, certified=True)
        for text in (LETTER, LETTER + " Thank you.", "A different answer about power grids and chips in Kenya.")
    ]

    def grouped() -> bool:
        rows = dict(Submission.objects.filter(pk__in=[s.pk for s in created]).values_list("pk", "campaign_group_id"))
        return rows[created[0].pk] is not None and rows[created[0].pk] == rows[created[1].pk]

    wait_until(grouped, timeout=60)
    wait_until(lambda: SubmissionBand.objects.filter(submission_id=created[2].pk).exists(), timeout=60)  # processed
    assert Submission.objects.get(pk=created[2].pk).campaign_group_id is None
