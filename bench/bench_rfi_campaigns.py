#!/usr/bin/env python
"""Near-duplicate campaign detection at scale: N responses to one notice, half of them copies of five
letters (one word changed in each copy), half unrelated texts. Rebuilds the groups with
``campaigns_recompute``, checks them, and prints the throughput and the cost of one more detection.

    AIX_BENCH_CAMPAIGN_N=10000 .venv/bin/python bench/bench_rfi_campaigns.py

Works in its own database ``<prefix>_campaigns`` (``AIX_BENCH_DB_PREFIX``, default ``aix_bench``) on the
PostgreSQL server of DATABASE_URL, created and migrated if missing; creates its own notice and deletes it
afterwards. Without a PostgreSQL DATABASE_URL it is skipped.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiexports.settings.test")

import _report  # noqa: E402

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    print("skipped: bench_rfi_campaigns needs DATABASE_URL=postgres://... (it creates its own database there)")
    sys.exit(_report.EXIT_SKIPPED)
os.environ["DATABASE_URL"] = _report.bench_database_url("campaigns")
_report.ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from rfi.duplicates import campaigns_recompute, submission_detect_campaign  # noqa: E402
from rfi.models import (  # noqa: E402
    Answer,
    CampaignGroup,
    Notice,
    Question,
    Submission,
    TopicArea,
    generate_tracking_number,
)

LETTERS = 5
WORDS = 200


def build(n: int, rng: random.Random) -> tuple[Notice, Question, list[str]]:
    now = timezone.now()
    notice = Notice.objects.create(
        docket_id=f"BENCH-CAMPAIGN-{int(time.time())}", title="Campaign benchmark", summary="Benchmark data.",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    question = Question.objects.create(
        notice=notice, topic_area=TopicArea.objects.create(notice=notice, title="All"), text="Your views?"
    )
    vocab = [f"term{i}" for i in range(20000)]
    letters = [" ".join(rng.choice(vocab) for _ in range(WORDS)) for _ in range(LETTERS)]
    submissions = Submission.objects.bulk_create(
        Submission(notice=notice, tracking_number=generate_tracking_number(), respondent_type="anonymous")
        for _ in range(n)
    )
    answers = []
    for i, submission in enumerate(submissions):
        if i % 2 == 0:
            words = letters[(i // 2) % LETTERS].split()
            words[rng.randrange(WORDS)] = f"changed{i}"
            text = " ".join(words)
        else:
            text = " ".join(rng.choice(vocab) for _ in range(WORDS))
        answers.append(Answer(submission=submission, question=question, text=text))
    Answer.objects.bulk_create(answers, batch_size=1000)
    return notice, question, letters


def main() -> int:
    n = int(os.environ.get("AIX_BENCH_CAMPAIGN_N", "1000"))
    rng = random.Random(20251028)
    call_command("migrate", verbosity=0)
    notice, question, letters = build(n, rng)
    try:
        started = time.perf_counter()
        groups = campaigns_recompute(notice=notice)
        elapsed = time.perf_counter() - started
        sizes = sorted(
            (Submission.objects.filter(campaign_group=g).count() for g in CampaignGroup.objects.filter(notice=notice)),
            reverse=True,
        )
        expected = [len(range(k, (n + 1) // 2, LETTERS)) for k in range(LETTERS)]
        ok = groups == LETTERS and sorted(sizes) == sorted(expected)
        print(f"{n} responses on {connection.vendor}: recompute {elapsed:.1f} s, {n / elapsed:.0f} responses/s")
        verdict = "OK" if ok else "WRONG"
        print(f"groups: {groups} (sizes {sizes}; expected {sorted(expected, reverse=True)}) -> {verdict}")
        extra = Submission.objects.create(
            notice=notice, tracking_number=generate_tracking_number(), respondent_type="anonymous"
        )
        Answer.objects.create(submission=extra, question=question, text=letters[0])
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            submission_detect_campaign(submission_id=extra.pk)
            one = time.perf_counter() - started
        queries = len(ctx.captured_queries)
        print(f"one more response: {one * 1000:.0f} ms, {queries} queries")
        _report.write(
            "RFI: near-duplicate campaign detection",
            [
                f"{n:,} responses to one notice: half are copies of {LETTERS} letters of {WORDS} words (one word "
                "changed in each copy), half unrelated texts. `campaigns_recompute` rebuilds the groups; then one "
                "more response is detected on its own.",
                _report.table(
                    ["measure", "value"],
                    [["full recompute", f"{elapsed:.1f} s ({n / elapsed:,.0f} responses/s)"],
                     ["groups found", f"{groups} (sizes {', '.join(map(str, sizes))}) — {verdict}"],
                     ["one more response", f"{one * 1000:.0f} ms, {queries} queries"]],
                ),
            ],
            params={"responses": f"{n:,}", "letters": LETTERS, "words per letter": WORDS},
            env_names=("AIX_BENCH_CAMPAIGN_N", "AIX_BENCH_DB_PREFIX"),
        )  # fmt: skip
        return 0 if ok else 1
    finally:
        Submission.objects.filter(notice=notice).delete()
        notice.delete()


if __name__ == "__main__":
    sys.exit(main())
