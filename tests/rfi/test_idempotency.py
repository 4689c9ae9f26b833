"""Idempotent submissions: the same submission key for the same notice stores one response and sends one receipt."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from aiexports.outbox.models import OutboxMail
from rfi import services
from rfi.models import Attachment, Submission
from rfi.services import SubmissionInvalid, rfi_submission_create
from tests.rfi.api.test_api import base, submit
from tests.rfi.conftest import pdf
from tests.rfi.factories import notice_with_questions
from tests.rfi.test_services import stored_files
from tests.rfi.test_views import form_data, respond_url

pytestmark = pytest.mark.django_db

KEY = "3f1c2b9e-8d7a-4c1e-9b2a-5e6f7a8b9c0d"


def queued_receipts() -> list[int]:
    """The submissions whose receipt was queued in the outbox (its rows are keyed by the submission)."""
    keys = OutboxMail.objects.filter(dedupe_key__startswith="rfi-receipt:").values_list("dedupe_key", flat=True)
    return sorted(int(key.split(":")[1]) for key in keys)


def test_the_same_key_twice_stores_one_response_and_enqueues_one_receipt(
    valid, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = rfi_submission_create(**valid, submission_key=KEY, attachments=[pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        again = rfi_submission_create(**valid, submission_key=KEY, attachments=[pdf()])
    assert again.pk == first.pk and again.tracking_number == first.tracking_number
    assert (first.is_replay, again.is_replay) == (False, True)
    assert Submission.objects.count() == 1
    assert queued_receipts() == [first.pk]
    assert Attachment.objects.count() == 1 and len(stored_files(settings)) == 1


def test_the_same_key_for_another_notice_stores_a_second_response(valid):
    other = notice_with_questions(questions=1)
    first = rfi_submission_create(**valid, submission_key=KEY)
    second = rfi_submission_create(
        **{**valid, "notice": other, "answers": {other.questions.get().pk: "Another notice."}}, submission_key=KEY
    )
    assert first.pk != second.pk and not second.is_replay
    assert Submission.objects.filter(submission_key=KEY).count() == 2


def test_a_key_reused_with_different_answers_returns_the_earlier_response_unchanged(valid, questions):
    first = rfi_submission_create(**valid, submission_key=KEY)
    again = rfi_submission_create(**{**valid, "answers": {questions[1].pk: "Different."}}, submission_key=KEY)
    assert again.pk == first.pk
    assert list(again.answers.values_list("question_id", flat=True)) == [questions[0].pk]


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space in the key!", "ключ-ключ-ключ-ключ"])
def test_a_malformed_key_is_refused_and_nothing_is_stored(valid, key):
    with pytest.raises(SubmissionInvalid) as info:
        rfi_submission_create(**valid, submission_key=key)
    assert info.value.code == "invalid_submission_key" and "submission_key" in info.value.errors
    assert Submission.objects.count() == 0


def test_a_concurrent_duplicate_caught_by_the_unique_constraint_returns_the_stored_one(
    valid, settings, monkeypatch, django_capture_on_commit_callbacks
):
    first = rfi_submission_create(**valid, submission_key=KEY, attachments=[pdf()])
    # The second call's look-up runs before the first one commits: it sees nothing and reaches the INSERT.
    real_lookup = services._submission_for_key
    calls = iter([None])
    monkeypatch.setattr(services, "_submission_for_key", lambda n, k: next(calls, None) or real_lookup(n, k))
    with django_capture_on_commit_callbacks(execute=True):
        again = rfi_submission_create(**valid, submission_key=KEY, attachments=[pdf()])
    assert again.pk == first.pk and again.is_replay
    assert Submission.objects.count() == 1 and Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1
    assert queued_receipts() == [first.pk]  # the replay queues no second receipt


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_with_one_key_store_one_response_on_postgresql(notice, questions):
    barrier, results = threading.Barrier(2), []

    def send() -> None:
        try:
            barrier.wait()
            submission = rfi_submission_create(
                notice=notice,
                respondent_type="anonymous",
                answers={questions[0].pk: "Sent twice at once."},
                certified=True,
                submission_key=KEY,
            )
            results.append(submission.tracking_number)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert Submission.objects.count() == 1


def test_the_form_carries_a_fresh_key_on_each_visit(client, notice):
    keys = [
        re.search(r'name="submission_key" value="([^"]+)"', client.get(respond_url(notice)).content.decode())[1]
        for _ in range(2)
    ]
    assert keys[0] != keys[1] and all(uuid.UUID(k).version == 4 for k in keys)


def test_a_form_shown_again_with_errors_keeps_its_key(client, notice, questions):
    html = client.post(respond_url(notice), form_data(questions, certified=None, submission_key=KEY)).content
    assert f'name="submission_key" value="{KEY}"'.encode() in html


def test_a_form_posted_without_a_usable_key_comes_back_with_a_fresh_one(client, notice, questions):
    html = client.post(respond_url(notice), form_data(questions, certified=None, submission_key="bad")).content
    key = re.search(r'name="submission_key" value="([^"]+)"', html.decode())[1]
    assert uuid.UUID(key).version == 4


def test_resubmitting_the_form_with_the_same_key_shows_the_same_tracking_number(client, notice, questions):
    data = form_data(questions, submission_key=KEY)
    first = client.post(respond_url(notice), data)
    number = Submission.objects.get().tracking_number
    again = client.post(respond_url(notice), form_data(questions, submission_key=KEY))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("rfi:submission_done", args=[notice.docket_id])
    assert number in client.get(again["Location"]).content.decode()
    assert Submission.objects.count() == 1


def test_the_api_answers_201_then_200_with_the_same_tracking_number(client, notice, questions):
    url = f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"
    first = client.post(url, base(questions), headers={"Idempotency-Key": KEY})
    again = client.post(url, base(questions), headers={"Idempotency-Key": KEY})
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == first.json()
    assert Submission.objects.get().submission_key == KEY


def test_the_api_refuses_a_malformed_idempotency_key_with_json(client, notice, questions):
    url = f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"
    response = client.post(url, base(questions), headers={"Idempotency-Key": "not a key"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_submission_key"
    assert Submission.objects.count() == 0


def test_api_submissions_without_a_key_are_each_stored(client, notice, questions):
    assert [submit(client, notice, **base(questions)).status_code for _ in range(2)] == [201, 201]
    assert Submission.objects.filter(submission_key=None).count() == 2


def test_the_idempotency_key_header_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/rfi/notices/{docket}/submissions/"]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["schema"]["pattern"] == services.SUBMISSION_KEY_PATTERN
    assert {"200", "201", "400"} <= set(post["responses"])
