"""Near-duplicate (campaign) detection: near-identical responses are grouped, different ones are not."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db import transaction

from aiexports.audit.models import AuditEvent
from rfi import tasks
from rfi.duplicates import campaigns_recompute, submission_detect_campaign
from rfi.fingerprint import BANDS, jaccard, shingles
from rfi.models import CampaignGroup, Submission, SubmissionBand
from rfi.services import rfi_submission_create
from tests.rfi.factories import AnswerFactory, SubmissionFactory, notice_with_questions

pytestmark = pytest.mark.django_db

LETTER = " ".join(f"word{i}" for i in range(100))  # 100 distinct words: 96 five-word shingles


def respond(notice, text: str, *, detect: bool = True) -> Submission:
    question = notice.questions.order_by("id").first()
    submission = SubmissionFactory(notice=notice)
    AnswerFactory(submission=submission, question=question, text=text)
    if detect:
        submission_detect_campaign(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


def extra(count: int, prefix: str = "new") -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


@pytest.fixture
def notice():
    return notice_with_questions(questions=2, topics=1)


def test_near_identical_responses_form_one_campaign_group(notice):
    first = respond(notice, LETTER)
    assert first.campaign_group is None  # alone, it is no campaign
    second = respond(notice, LETTER.replace("word50", "WORD-FIFTY"))  # one word changed
    first.refresh_from_db()
    assert second.campaign_group is not None
    assert first.campaign_group == second.campaign_group
    third = respond(notice, LETTER + " Regards, Jane.")
    assert third.campaign_group == first.campaign_group
    assert Submission.objects.filter(campaign_group=first.campaign_group).count() == 3
    assert CampaignGroup.objects.count() == 1


def test_a_different_response_is_not_grouped(notice):
    respond(notice, LETTER)
    other = respond(notice, " ".join(f"other{i}" for i in range(100)))
    assert other.campaign_group is None
    assert CampaignGroup.objects.count() == 0


def test_punctuation_case_and_accents_do_not_hide_a_copy(notice):
    respond(notice, "We support the program. Café owners need power, data and chips now! " * 3)
    copy = respond(notice, "we SUPPORT the program cafe owners need power data and chips now " * 3)
    assert copy.campaign_group is not None


def test_a_similarity_of_exactly_the_threshold_is_grouped(notice):
    respond(notice, LETTER)
    edge_text = LETTER + " " + extra(24)  # 96 shared shingles of 120: J = 0.8
    assert jaccard(shingles(LETTER), shingles(edge_text)) == pytest.approx(0.8)
    assert respond(notice, edge_text).campaign_group is not None


def test_a_similarity_just_under_the_threshold_is_not_grouped(notice):
    respond(notice, LETTER)
    below_text = LETTER + " " + extra(25)  # 96 of 121: J ≈ 0.793
    assert jaccard(shingles(LETTER), shingles(below_text)) < 0.8
    assert respond(notice, below_text).campaign_group is None


def test_the_threshold_can_be_set(notice, settings):
    settings.AIX_RFI_CAMPAIGN_THRESHOLD = 0.95
    respond(notice, LETTER)
    assert respond(notice, LETTER + " " + extra(10)).campaign_group is None  # J ≈ 0.906


def test_responses_to_another_notice_are_never_grouped_together(notice):
    respond(notice, LETTER)
    elsewhere = notice_with_questions(questions=1, topics=1)
    assert respond(elsewhere, LETTER).campaign_group is None


def test_texts_too_short_to_compare_are_not_grouped(notice):
    respond(notice, "I agree.")
    assert respond(notice, "I agree.").campaign_group is None


def test_a_response_close_to_two_campaigns_merges_them(notice):
    a_text = LETTER + " " + extra(15, "a")  # J(a, b) = 96/126 ≈ 0.76: two campaigns
    b_text = LETTER + " " + extra(15, "b")
    a1, _a2 = respond(notice, a_text), respond(notice, a_text)
    b1, _b2 = respond(notice, b_text), respond(notice, b_text)
    a1.refresh_from_db()
    b1.refresh_from_db()
    assert a1.campaign_group and b1.campaign_group and a1.campaign_group != b1.campaign_group
    bridge = respond(notice, LETTER + " " + extra(7, "a"))  # J ≈ 0.93 with a, ≈ 0.81 with b
    assert CampaignGroup.objects.count() == 1
    assert Submission.objects.filter(campaign_group=bridge.campaign_group).count() == 5


def test_detection_is_idempotent_and_audited_only_on_a_change(notice):
    respond(notice, LETTER)
    second = respond(notice, LETTER)
    group = second.campaign_group
    events = AuditEvent.objects.filter(action="rfi.submission.campaign").count()
    assert submission_detect_campaign(submission_id=second.pk) == group
    assert AuditEvent.objects.filter(action="rfi.submission.campaign").count() == events
    assert AuditEvent.objects.filter(action="rfi.submission.campaign", target_id=str(second.pk)).exists()


def test_detecting_again_the_member_that_holds_the_keys_keeps_the_group(notice):
    first = respond(notice, LETTER)
    copies = [respond(notice, LETTER) for _ in range(2)]
    group = copies[0].campaign_group
    for submission in [first, *copies, first]:
        assert submission_detect_campaign(submission_id=submission.pk) == group
    assert Submission.objects.filter(campaign_group=group).count() == 3
    assert respond(notice, LETTER).campaign_group == group  # and later copies still find it


def test_copies_of_one_letter_share_one_set_of_band_keys(notice):
    for _ in range(6):
        respond(notice, LETTER)
    assert SubmissionBand.objects.filter(notice=notice).count() == BANDS


def test_the_work_per_response_does_not_grow_with_the_campaign(notice, django_assert_num_queries):
    def queries_for_one_more(copies: int) -> int:
        for _ in range(copies):
            respond(notice, LETTER)
        extra_one = respond(notice, LETTER, detect=False)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            submission_detect_campaign(submission_id=extra_one.pk)
        return len(ctx.captured_queries)

    small = queries_for_one_more(3)
    large = queries_for_one_more(30)
    assert large == small


def test_a_missing_submission_is_ignored_by_the_task():
    assert tasks.detect_campaign(987654) is None


def test_the_task_groups_by_primary_key(notice):
    respond(notice, LETTER)
    second = respond(notice, LETTER, detect=False)
    assert tasks.detect_campaign(second.pk) == CampaignGroup.objects.get().pk


def test_the_recompute_command_rebuilds_the_same_groups(notice):
    for text in (LETTER, LETTER, LETTER + " PS", "something else entirely, quite different from the letter"):
        respond(notice, text, detect=False)
    call_command("rfi_recompute_campaigns", notice.docket_id, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CampaignGroup.objects.count() == 1
    assert Submission.objects.filter(campaign_group__isnull=False).count() == 3
    call_command("rfi_recompute_campaigns", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Submission.objects.filter(campaign_group__isnull=False).count() == 3
    assert AuditEvent.objects.filter(action="rfi.campaigns.recompute").count() == 2


def _corpus(rng: random.Random) -> list[str]:
    """Copies of three letters with small edits, bridges between two letters (which merge campaigns), texts
    just around the threshold, short texts and unrelated ones, shuffled."""
    letters = [" ".join(f"l{n}w{i}" for i in range(120)) for n in range(3)]
    texts = []
    for _ in range(25):
        words = rng.choice(letters).split()
        for _edit in range(rng.randint(0, 6)):
            words[rng.randrange(len(words))] = f"edit{rng.randrange(10**6)}"
        texts.append(" ".join(words))
    a, b = letters[0].split(), letters[1].split()
    texts += [" ".join(a[:110] + b[:10]), " ".join(b[:110] + a[:10]), " ".join(a[:60] + b[60:])]
    texts += [" ".join(f"u{n}x{i}" for i in range(80)) for n in range(8)] + ["too short", ""]
    rng.shuffle(texts)
    return texts


def _state(notice) -> tuple[list[tuple[str, tuple[int, ...]]], list[tuple[int, int]]]:
    groups = sorted(
        (g.label, tuple(sorted(g.submissions.values_list("pk", flat=True)))) for g in notice.campaign_groups.all()
    )
    bands = sorted(SubmissionBand.objects.filter(notice=notice).values_list("submission_id", "key"))
    return groups, bands


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_batch_recompute_gives_exactly_what_detecting_each_response_in_turn_gives(notice, seed):
    for text in _corpus(random.Random(seed)):
        respond(notice, text, detect=False)
    for submission_id in (
        Submission.objects.filter(notice=notice).order_by("created_at", "id").values_list("pk", flat=True)
    ):
        submission_detect_campaign(submission_id=submission_id, audit=False)
    one_by_one = _state(notice)
    assert len(one_by_one[0]) >= 2  # the corpus does form campaigns (and merges some)
    assert campaigns_recompute(notice=notice) == len(one_by_one[0])
    assert _state(notice) == one_by_one


def test_the_batch_recompute_reads_once_whatever_the_number_of_responses(notice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for batch in range(3):
        for n in range(20):
            respond(notice, LETTER if n % 2 else extra(60, prefix=f"u{batch}-{n}-"), detect=False)
        with CaptureQueriesContext(connection) as ctx:
            assert campaigns_recompute(notice=notice) == 1
        # the band keys go in bulk inserts (one on PostgreSQL; SQLite's variable limit splits them)
        counts.append(sum(1 for q in ctx.captured_queries if 'INSERT INTO "rfi_submissionband"' not in q["sql"]))
    # lock, ids, answers, the deletes, two statements per group, the audit row (and the test's savepoint
    # pair): the same for 40 responses as for 60 (the first run has no old group to delete)
    assert counts[1] == counts[2] <= 14


# --- enqueued after commit ----------------------------------------------------------------------


def _intercept(monkeypatch, on_detect):
    """Stand in for the broker (``aiexports.tasks_enqueue._publish``) for the campaign task only."""
    from aiexports import tasks_enqueue

    real = tasks_enqueue._publish

    def publish(task, args, kwargs):
        if task.name != "rfi.detect_campaign":
            return real(task, args, kwargs)
        return on_detect(*args)

    monkeypatch.setattr(tasks_enqueue, "_publish", publish)


@pytest.fixture
def detections(monkeypatch):
    calls: list[int] = []
    _intercept(monkeypatch, calls.append)
    return calls


@pytest.fixture
def valid_response(notice):
    question = notice.questions.first()
    return {
        "notice": notice,
        "respondent_type": "anonymous",
        "answers": {question.pk: LETTER},
        "certified": True,
    }


def test_campaign_detection_is_enqueued_after_commit(valid_response, detections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = rfi_submission_create(**valid_response)
        assert detections == []
    for callback in callbacks:
        callback()
    assert detections == [submission.pk]


def test_campaign_detection_is_not_enqueued_when_the_transaction_rolls_back(
    valid_response, detections, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        rfi_submission_create(**valid_response)
        raise RuntimeError("rolled back")
    assert detections == []


def test_a_new_response_joins_its_campaign_through_the_task(valid_response, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = rfi_submission_create(**valid_response)
    with django_capture_on_commit_callbacks(execute=True):
        second = rfi_submission_create(**valid_response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.campaign_group_id and first.campaign_group_id == second.campaign_group_id


def test_a_failure_to_enqueue_never_fails_the_response(valid_response, monkeypatch, django_capture_on_commit_callbacks):
    def broken(pk):
        raise ConnectionError("broker down")

    _intercept(monkeypatch, broken)
    with django_capture_on_commit_callbacks(execute=True):
        submission = rfi_submission_create(**valid_response)
    assert Submission.objects.filter(pk=submission.pk).exists()


def test_the_vectorised_minhash_is_exactly_the_python_integer_definition():
    from rfi.fingerprint import minhash, minhash_reference

    rng = random.Random(7)
    for _ in range(200):
        text = " ".join(f"w{rng.randrange(10**9)}" for _ in range(rng.randint(5, 300)))
        assert minhash(shingles(text)) == minhash_reference(shingles(text))
    assert minhash(frozenset()) == minhash_reference(frozenset()) == []
