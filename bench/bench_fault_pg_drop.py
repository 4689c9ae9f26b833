#!/usr/bin/env python
"""Fault run: PostgreSQL connections are dropped while RFI responses with attachments are being submitted.

What it does (loopback only, bounded by ``--count`` submissions and ``--timeout`` seconds):

1. Creates the dedicated database ``aix_bench_fault_pg`` on the server of ``DATABASE_URL``, migrates it and
   opens a bench notice; starts gunicorn (``--workers`` sync workers) on a free loopback port, and a real Celery
   worker on a private queue of ``REDIS_URL`` that e-mails the receipts (to memory).
2. Sends ``--count`` multipart POSTs to ``/api/v1/rfi/notices/{docket}/submissions/`` from ``--concurrency``
   threads, each with three answers and two attachments (a PDF and a PNG, built by bench_rfi.py's helpers).
   When ``--drops`` fractions of the submissions have been answered, it terminates every backend of the bench
   database (``pg_terminate_backend``: the web workers', the Celery worker's), as a PostgreSQL restart or a
   failover would. A client that gets a 503 waits for its ``Retry-After`` and sends the same response once more.
3. Checks the database and the private media folder. LOST is: accepted (201 with a tracking number) but not
   stored, stored without both files on disk, or a file on disk that no stored attachment owns. It also reports
   the answers (503 with Retry-After vs 500 or other), responses stored twice, receipts not sent, and for each
   drop the time until the next successful submission.

Exit status: 0 when nothing was lost and no answer was a 500, 1 otherwise, 2 when the scenario could not run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/bench_fault_pg_drop.py --count 200
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _faultkit as kit  # noqa: E402
from bench_rfi import PDF, PNG, multipart  # noqa: E402 - the same payload as the RFI load benchmark

DB_NAME = "aix_bench_fault_pg"
STEM = Path(__file__).stem
DOCKET = "BENCH-FAULT-0001"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="submissions to send (max 2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (max 64)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--drops", default="0.2,0.45,0.7", help="fractions of answered submissions at which to drop")
    parser.add_argument("--timeout", type=float, default=180.0, help="bound on the whole load, in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    args.count = max(10, min(args.count, 2000))
    args.concurrency = max(1, min(args.concurrency, 64))
    args.drops = sorted(min(max(float(x), 0.01), 0.99) for x in args.drops.split(",") if x.strip())
    return args


@dataclass
class Attempt:
    status: int
    started: float
    ended: float
    tracking: str = ""
    retry_after: str | None = None
    body: str = ""


@dataclass
class Outcome:
    first: Attempt
    second: Attempt | None = None

    @property
    def final(self) -> Attempt:
        return self.second or self.first


def main() -> int:
    args = parse_args()
    command = kit.command_line()
    admin_url, bench_url, redis_url = kit.service_urls(DB_NAME)
    kit.check_redis(redis_url)
    queue = kit.new_queue("pg")
    media = Path(tempfile.mkdtemp(prefix="aix-bench-fault-pg-"))
    env = kit.base_env(
        bench_url, redis_url, queue,
        DJANGO_SECRET_KEY="bench-" + uuid.uuid4().hex, DJANGO_DEBUG="false", DJANGO_SECURE="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1", AIX_PRIVATE_MEDIA_ROOT=str(media), AIX_RATELIMIT_ENABLE="false",
        AIX_API_SUBMISSION_RATE="1000000/hour", AIX_API_ANON_RATE="1000000/hour",
    )  # fmt: skip
    kit.recreate_database(admin_url, DB_NAME)
    children = kit.Children()
    try:
        kit.django_setup(env)
        questions = prepare_notice()
        kit.start_worker(children, env, queue, "receipts", concurrency=1)
        port = kit.free_port()
        kit.start_gunicorn(children, env, port, args.workers)
        run = "r" + uuid.uuid4().hex[:8]
        outcomes, drops, wall = load(args, admin_url, port, questions, run)
        measured = verify(run, media, outcomes, drops, wall)
    finally:
        children.kill_all()
        kit.delete_queue(queue, redis_url)
        shutil.rmtree(media, ignore_errors=True)
        if not args.keep:
            kit.drop_database(admin_url, DB_NAME)
    return report(args, command, measured)


def prepare_notice() -> list[int]:
    from datetime import timedelta

    from django.utils import timezone

    from rfi.models import Notice, Question, TopicArea

    now = timezone.now()
    notice = Notice.objects.create(
        docket_id=DOCKET, title="Fault bench notice", summary="bench",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
    )  # fmt: skip
    area = TopicArea.objects.create(notice=notice, position=0, title="Bench")
    return [Question.objects.create(notice=notice, topic_area=area, position=i, text=f"Q{i}").pk for i in range(3)]


def post(port: int, questions: list[int], run: str, i: int) -> Attempt:
    fields = {
        "respondent_type": "organization", "name": f"Fault {i}", "email": f"fault{i}@{run}.bench.test",
        "organization_name": f"Fault Org {i}", "organization_type": "company", "country": "US",
        "answers": json.dumps({str(q): f"Answer {i} to question {q}. " * 20 for q in questions}),
        "certified": "true",
    }  # fmt: skip
    body, ctype = multipart(
        fields, [("attachments", f"v-{i}.pdf", PDF, "application/pdf"), ("attachments", "c.png", PNG, "image/png")]
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/rfi/notices/{DOCKET}/submissions/",
        data=body, headers={"Content-Type": ctype}, method="POST",
    )  # fmt: skip
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
            return Attempt(response.status, started, time.perf_counter(), payload.get("tracking_number", ""))
    except urllib.error.HTTPError as exc:
        text = exc.read()[:300].decode(errors="replace")
        return Attempt(exc.code, started, time.perf_counter(), retry_after=exc.headers.get("Retry-After"), body=text)
    except OSError as exc:
        return Attempt(0, started, time.perf_counter(), body=str(exc))


def submit_with_one_retry(port: int, questions: list[int], run: str, i: int) -> Outcome:
    first = post(port, questions, run, i)
    if first.status == 503 and first.retry_after:
        time.sleep(min(float(first.retry_after), 10.0))
        return Outcome(first, post(port, questions, run, i))
    return Outcome(first)


def terminate_backends(admin_url: str) -> int:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        ).fetchall()
    return len(rows)


def load(args: argparse.Namespace, admin_url: str, port: int, questions: list[int], run: str):  # noqa: ANN201
    outcomes: list[Outcome] = []
    drops: list[tuple[float, int]] = []  # (time, backends terminated)
    answered = 0
    lock = threading.Lock()
    pending_drops = [int(f * args.count) for f in args.drops]
    started = time.perf_counter()

    def task(i: int) -> None:
        nonlocal answered
        if time.perf_counter() - started > args.timeout:
            return  # the bound: the submissions not sent are reported as not sent
        outcome = submit_with_one_retry(port, questions, run, i)
        with lock:
            outcomes.append(outcome)
            answered += 1
            due = bool(pending_drops) and answered >= pending_drops[0]
            if due:
                pending_drops.pop(0)
        if due:
            at = time.perf_counter()
            drops.append((at, terminate_backends(admin_url)))

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(task, range(args.count)))
    return outcomes, drops, time.perf_counter() - started


def verify(run: str, media: Path, outcomes: list[Outcome], drops: list[tuple[float, int]], wall: float) -> dict:
    from django.db import connections

    connections.close_all()  # this process's connection was terminated with the others
    from rfi.models import Attachment, Submission

    accepted = {o.final.tracking for o in outcomes if o.final.status == 201 and o.final.tracking}
    submissions = Submission.objects.filter(email__endswith=f"@{run}.bench.test")
    stored = dict(submissions.values_list("tracking_number", "pk"))
    rows = Attachment.objects.filter(submission__in=submissions).values_list("submission", "file")
    files = {name: sub for sub, name in rows}
    on_disk = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    complete = {pk for pk in stored.values() if sum(1 for s in files.values() if s == pk) == 2}
    complete_on_disk = {pk for pk in complete if all(name in on_disk for name, s in files.items() if s == pk)}
    emails = list(submissions.values_list("email", flat=True))
    receipts_wait_until = time.perf_counter() + 75  # a receipt retried after a drop waits up to 30 s (backoff)
    unsent = -1
    while time.perf_counter() < receipts_wait_until:
        unsent = submissions.filter(receipt_sent_at__isnull=True).count()
        if not unsent:
            break
        time.sleep(1)
    attempts = [o.first for o in outcomes] + [o.second for o in outcomes if o.second]
    recoveries = []
    for at, _count in drops:
        later = [a.ended for a in attempts if a.status == 201 and a.started >= at]
        recoveries.append(min(later) - at if later else None)
    return {
        "sent": len(outcomes),
        "accepted": len(accepted),
        "accepted_not_stored": len(accepted - set(stored)),
        "stored": len(stored),
        "stored_not_accepted": len(set(stored) - accepted),
        "stored_twice": len(emails) - len(set(emails)),
        "without_files": len(set(stored.values()) - complete_on_disk),
        "orphan_files": len(on_disk - set(files)),
        "files_on_disk": len(on_disk),
        "first_statuses": _histogram(o.first.status for o in outcomes),
        "final_statuses": _histogram(o.final.status for o in outcomes),
        "retried": sum(1 for o in outcomes if o.second),
        "retried_ok": sum(1 for o in outcomes if o.second and o.second.status == 201),
        "http_500": sum(1 for a in attempts if a.status == 500),
        "503_without_retry_after": sum(1 for a in attempts if a.status == 503 and not a.retry_after),
        "503_body": next((a.body for a in attempts if a.status == 503), ""),
        "other_bodies": [a.body[:160] for a in attempts if a.status not in (201, 503)][:3],
        "receipts_unsent": unsent,
        "drops": [(round(at - attempts[0].started, 1) if attempts else 0, n) for at, n in drops],
        "recoveries": recoveries,
        "wall": wall,
        "p50": _quantile([a.ended - a.started for a in attempts if a.status == 201], 0.5),
        "p95": _quantile([a.ended - a.started for a in attempts if a.status == 201], 0.95),
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def _histogram(statuses) -> dict[int, int]:  # noqa: ANN001
    counts: dict[int, int] = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return dict(sorted(counts.items()))


def report(args: argparse.Namespace, command: str, m: dict) -> int:
    lost = m["accepted_not_stored"] + m["without_files"] + m["orphan_files"]
    ok = lost == 0 and m["http_500"] == 0 and m["receipts_unsent"] == 0 and m["sent"] == args.count

    def fmt(h: dict[int, int]) -> str:
        return ", ".join(f"{'conn. error' if k == 0 else k}: {v}" for k, v in h.items())

    recov = [("not reached" if r is None else f"{r:.2f} s") for r in m["recoveries"]]
    worst = max((r for r in m["recoveries"] if r is not None), default=None)
    table = [
        ("submissions sent", f"{m['sent']} of {args.count} (concurrency {args.concurrency}, {m['wall']:.1f} s)"),
        ("connection drops", "; ".join(f"at {t} s: {n} backends" for t, n in m["drops"]) or "none"),
        ("first answers", fmt(m["first_statuses"])),
        ("retried once after Retry-After", f"{m['retried']} ({m['retried_ok']} then accepted)"),
        ("final answers", fmt(m["final_statuses"])),
        ("accepted (201 + tracking number)", str(m["accepted"])),
        ("stored / with both files on disk", f"{m['stored']} / {m['stored'] - m['without_files']}"),
        ("accepted but not stored", str(m["accepted_not_stored"])),
        ("stored without its files / orphan files", f"{m['without_files']} / {m['orphan_files']}"),
        ("stored although the client was told to retry", str(m["stored_not_accepted"])),
        ("responses stored twice", str(m["stored_twice"])),
        ("HTTP 500 answers / 503 without Retry-After", f"{m['http_500']} / {m['503_without_retry_after']}"),
        ("receipts not sent (after up to 75 s)", str(m["receipts_unsent"])),
        ("drop → next successful submission", ", ".join(recov) or "—"),
        ("latency of a successful submission p50 / p95", f"{m['p50']:.2f} s / {m['p95']:.2f} s (for scale)"),
        ("**lost**", f"**{lost}**"),
    ]  # fmt: skip
    kit.print_table(f"PostgreSQL connections dropped during submissions: {'OK' if ok else 'FAILED'}", table)
    if m["503_body"]:
        print(f"  a 503 body: {m['503_body']}")
    for body in m["other_bodies"]:
        print(f"  another answer: {body}")
    params = {
        "count": args.count, "concurrency": args.concurrency, "gunicorn_workers": args.workers,
        "drops_at": ",".join(f"{d:g}" for d in args.drops), "timeout_s": args.timeout,
    }  # fmt: skip
    notes = [
        "Each drop runs `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'aix_bench_fault_pg' "
        "AND pid <> pg_backend_pid()` — every connection of the web workers and the Celery worker at once.",
        "A request whose connection dies gets 503 with `Retry-After` (JSON under /api/); its transaction was rolled "
        "back and its files deleted. The bench client waits for Retry-After and sends the same response once more.",
        "Django reconnects on the next request (`CONN_HEALTH_CHECKS`, `CONN_MAX_AGE`): the time from a drop to the "
        "next success is one submission's latency (a request started after the drop is counted).",
    ]
    headline = [
        f"PostgreSQL connections dropped {len(m['drops'])}× during {m['sent']} RFI submissions: **{lost} lost**, "
        f"{m['http_500']} HTTP 500, {m['retried']} answered 503 + Retry-After and retried; next successful "
        f"submission at most {'—' if worst is None else f'{worst:.2f} s'} after a drop."
    ]
    kit.write_report(
        STEM, "Fault: PostgreSQL connection dropped during submissions",
        "Concurrent RFI submissions with two attachments each, through gunicorn, while every PostgreSQL backend of "
        "the database is terminated a few times.",
        table, command, params, notes, headline,
    )  # fmt: skip
    if not ok:
        print("FAILED: something was lost, a 500 was answered, or a receipt was not sent", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    kit.run_main(main)
