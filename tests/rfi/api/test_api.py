"""The RFI API: notices, the reading room after close, and submitting with the form's validation."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from rfi.models import Submission
from tests.rfi.conftest import HTML_BYTES, pdf, upload
from tests.rfi.factories import (
    AnswerFactory,
    AttachmentFactory,
    NoticeFactory,
    SubmissionFactory,
    notice_with_questions,
)

pytestmark = pytest.mark.django_db


def submit(client, notice, **data):
    return client.post(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", data)


def base(questions, **changes):
    data = {
        "respondent_type": "individual",
        "name": "Api Person",
        "email": "api@example.org",
        "answers": json.dumps({str(questions[0].pk): "Answer through the API."}),
        "certified": "true",
    }
    data.update(changes)
    return data


def test_the_notice_list_has_open_notices_first(client, django_assert_max_num_queries):
    NoticeFactory(closed=True, docket_id="OLD-ITA-2024-0001")
    NoticeFactory(docket_id="NEW-ITA-2025-0001")
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/rfi/notices/").json()
    assert [n["docket_id"] for n in body["results"]] == ["NEW-ITA-2025-0001", "OLD-ITA-2024-0001"]
    assert body["results"][0]["is_open"] is True


def test_a_notice_comes_with_its_topic_areas_and_questions(client, notice, questions, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = client.get(f"/api/v1/rfi/notices/{notice.docket_id}/").json()
    ids = [q["id"] for area in body["topic_areas"] for q in area["questions"]]
    assert sorted(ids) == sorted(q.pk for q in questions)
    assert "<h2>Background</h2>" in body["body_html"]
    assert client.get("/api/v1/rfi/notices/NOPE-0000/").status_code == 404


def test_a_valid_multipart_submission_answers_201_with_a_tracking_number(client, notice, questions):
    response = submit(client, notice, **base(questions, attachments=[pdf(), pdf("b.pdf")]))
    assert response.status_code == 201, response.content
    body = response.json()
    submission = Submission.objects.get()
    assert body["tracking_number"] == submission.tracking_number
    assert body["status"] == "received"
    assert submission.attachments.count() == 2


def test_a_json_submission_with_confidential_answers_is_accepted(client, notice, questions):
    payload = {
        "respondent_type": "anonymous",
        "answers": {str(questions[0].pk): "public", str(questions[1].pk): "secret"},
        "confidential_answers": [questions[1].pk],
        "confidentiality_justification": "Pricing.",
        "certified": True,
    }
    response = client.post(
        f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Submission.objects.get().answers.filter(is_confidential=True).count() == 1


def test_each_problem_is_named_in_a_400_json_body(client, notice, questions):
    response = submit(
        client,
        notice,
        **base(
            questions,
            email="",
            certified="false",
            answers=json.dumps({str(questions[0].pk): "x" * 3000}),
            attachments=[upload("report.pdf", HTML_BYTES)],
        ),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_submission"
    errors = body["errors"]
    assert "email" in errors and "certified" in errors
    assert "limit is 2000" in errors[f"answer_{questions[0].pk}"][0]
    assert errors["attachments"] == [
        "“report.pdf” was refused: the file looks like a web page or script, not a document."
    ]
    assert Submission.objects.count() == 0


def test_malformed_input_is_a_400_naming_the_field(client, notice, questions):
    response = submit(client, notice, **base(questions, answers="not json", respondent_type="robot"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"answers", "respondent_type"}


def test_submitting_to_a_closed_notice_is_a_409(client):
    notice = notice_with_questions(closed=True)
    question = notice.questions.first()
    response = submit(client, notice, **base([question]))
    assert response.status_code == 409
    assert "closed" in response.json()["errors"]["non_field_errors"][0]


def test_submissions_are_throttled_by_the_submissions_scope(client, notice, questions, throttle_rates):
    throttle_rates(submissions="2/hour")
    cache.clear()
    codes = [submit(client, notice, **base(questions, email=f"t{i}@example.org")).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    # Reading is not throttled by the submissions scope.
    assert client.get(f"/api/v1/rfi/notices/{notice.docket_id}/").status_code == 200


def test_the_reading_room_api_is_403_before_close(client, notice):
    response = client.get(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_yet_published"


def test_the_reading_room_api_shows_public_material_only(client, django_assert_max_num_queries):
    notice = NoticeFactory(closed=True)
    submission = SubmissionFactory(notice=notice, respondent_type="anonymous", name="Hidden Name")
    AnswerFactory(submission=submission, text="public answer")
    AnswerFactory(submission=submission, text="SECRET answer", is_confidential=True)
    secret = AttachmentFactory(submission=submission, original_name="secret.pdf", is_confidential=True)
    AttachmentFactory(submission=submission, original_name="public.pdf", public_version_of=secret)
    SubmissionFactory(notice=notice, status="spam")
    for count in (1, 9):
        while notice.submissions.count() < count + 2:
            AnswerFactory(submission=SubmissionFactory(notice=notice))
        with django_assert_max_num_queries(6):
            body = client.get(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/").json()
    assert body["count"] == 10
    item = next(r for r in body["results"] if r["tracking_number"] == submission.tracking_number)
    assert item["respondent"] == "Anonymous"
    texts = {a["text"] for a in item["answers"]}
    assert texts == {"public answer", None}
    assert [a["name"] for a in item["attachments"]] == ["public.pdf"]
    assert item["attachments"][0]["is_public_version"] is True
    raw = json.dumps(body)
    for leak in ("SECRET", "secret.pdf", "Hidden Name", "@example", "ip_address", "internal"):
        assert leak not in raw


@pytest.mark.parametrize(
    "payload",
    [
        {"respondent_type": "individual", "answers": [1, 2]},
        {"respondent_type": "individual", "answers": {"abc": "x"}},
        {"respondent_type": "individual", "answers": {"1": 5}},
        {"respondent_type": "individual", "answers": {"1": "x"}, "confidential_answers": 5},
        {"respondent_type": "individual", "answers": {"1": "x"}, "confidential_answers": {"a": 1}},
        {"respondent_type": "individual", "answers": {"1": "x"}, "country": "ZZ"},
        {"respondent_type": "individual", "answers": {"1": "x"}, "attachments": ["not a file"]},
        {"respondent_type": "individual", "name": "a\u0000b", "answers": {"1": "x"}},
    ],
)
def test_malformed_json_is_a_400_never_a_500(client, notice, payload):
    response = client.post(
        f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", payload, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "errors" in response.json()


def test_a_nul_character_in_an_answer_is_refused_not_a_server_error(client, notice, questions):
    payload = {
        "respondent_type": "anonymous",
        "answers": {str(questions[0].pk): "bad\u0000text"},
        "certified": True,
    }
    response = client.post(
        f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"][f"answer_{questions[0].pk}"][0]
