#!/usr/bin/env python
"""RFI benchmark: N concurrent submissions with attachments against gunicorn on loopback.

Needs ``DATABASE_URL`` (PostgreSQL): the script works in its own database ``<prefix>_rfi`` on that server
(``AIX_BENCH_DB_PREFIX``, default ``aix_bench``; created if missing, migrated, and given a bench notice;
earlier bench rows stay, each run tags its own). Traffic goes to 127.0.0.1 only.

What it does: starts gunicorn (sync workers) on a free loopback port with rate limits lifted, sends
``--count`` (default 200) multipart POSTs to ``/api/v1/rfi/notices/{docket}/submissions/`` from
``--concurrency`` threads (default: all at once, at most 256), each with three answers and two attachments (a PDF
and a PNG), then checks the database and the private media folder: every 201 must be a stored
submission with both files on disk. It prints stored / lost / 5xx, throughput and p50/p95 latency, and
the same figures for the trivial ``/healthz`` view as a reference for this machine.

Celery runs in-process (eager) and mail goes to memory, so a submission's full path — validation,
magic-byte checks, file writes, audit row, receipt — is inside the measured request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_rfi.py --count 200
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import _report  # noqa: E402

ENV_NAMES = ("BENCH_RFI_COUNT", "BENCH_RFI_CONCURRENCY", "BENCH_RFI_WORKERS", "AIX_BENCH_DB_PREFIX")
DOCKET = "BENCH-RFI-0001"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_RFI_COUNT", 200)))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_RFI_CONCURRENCY", 0)),
                        help="submissions in flight at once (default: all of them)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_RFI_WORKERS", 3)))
    args = parser.parse_args()
    args.count = max(1, min(args.count, 5000))
    args.concurrency = max(1, min(args.concurrency or args.count, 256))
    return args


def server_env(media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _report.bench_database_url("rfi"),
        "DJANGO_SETTINGS_MODULE": "aiexports.settings.base",
        "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "AIX_PRIVATE_MEDIA_ROOT": str(media),
        "AIX_RATELIMIT_ENABLE": "false",
        "AIX_API_SUBMISSION_RATE": "1000000/hour",
        "AIX_API_ANON_RATE": "1000000/hour",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> list[int]:
    """Create the database if needed, migrate, and make the bench notice; return its question ids."""
    import psycopg

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from rfi.models import Notice, Question, TopicArea

    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    notice, _ = Notice.objects.update_or_create(
        docket_id=DOCKET,
        defaults={
            "title": "Bench notice",
            "summary": "bench",
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=30),
        },
    )
    area, _ = TopicArea.objects.get_or_create(notice=notice, position=0, defaults={"title": "Bench"})
    for i in range(3):
        Question.objects.get_or_create(notice=notice, topic_area=area, position=i, defaults={"text": f"Q{i}"})
    return list(notice.questions.order_by("position").values_list("id", flat=True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"), "aiexports.wsgi:application", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start:\n" + (proc.stderr.read().decode() if proc.stderr else ""))


PDF = b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 3000 + b"trailer<<>>\n%%EOF\n"  # ~54 kB


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
    + _chunk(b"IEND", b"")
)


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for key, filename, data, ctype in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
        parts.append(head.encode() + f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_one(port: int, questions: list[int], run: str, i: int) -> tuple[int, float, str]:
    fields = {
        "respondent_type": "organization",
        "name": f"Bench {i}",
        "email": f"bench{i}@{run}.bench.test",
        "organization_name": f"Bench Org {i}",
        "organization_type": "company",
        "country": "US",
        "answers": json.dumps({str(q): f"Answer {i} to question {q}. " * 20 for q in questions}),
        "certified": "true",
    }
    body, ctype = multipart(
        fields,
        [("attachments", f"views-{i}.pdf", PDF, "application/pdf"), ("attachments", "chart.png", PNG, "image/png")],
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/rfi/notices/{DOCKET}/submissions/",
        data=body,
        headers={"Content-Type": ctype},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:  # queued behind the others, not lost
            payload = json.loads(response.read())
            return response.status, time.perf_counter() - started, payload.get("tracking_number", "")
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, ""
    except OSError:
        return 0, time.perf_counter() - started, ""


def get_health(port: int) -> tuple[int, float, str]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            response.read()
            return response.status, time.perf_counter() - started, ""
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, ""
    except OSError:
        return 0, time.perf_counter() - started, ""


def run_load(fn, count: int, concurrency: int) -> tuple[list[tuple[int, float, str]], float]:  # noqa: ANN001
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()

    def task(i: int) -> None:
        result = fn(i)
        with lock:
            results.append(result)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(task, range(count)))
    return results, time.perf_counter() - started


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def verify(run: str, media: Path) -> dict:
    from rfi.models import Attachment, Submission

    submissions = Submission.objects.filter(email__endswith=f"@{run}.bench.test")
    names = list(Attachment.objects.filter(submission__in=submissions).values_list("file", flat=True))
    return {
        "numbers": set(submissions.values_list("tracking_number", flat=True)),
        "attachments": len(names),
        "on_disk": sum(1 for name in names if (media / name).is_file()),
    }


def main() -> int:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: bench_rfi needs DATABASE_URL=postgres://... (it creates its own database on that server)")
        return _report.EXIT_SKIPPED
    media = Path(tempfile.mkdtemp(prefix="aix-bench-rfi-"))
    env = server_env(media)
    questions = prepare(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    run = "r" + uuid.uuid4().hex[:8]
    try:
        run_load(lambda i: get_health(port), 50, args.concurrency)  # warm up
        health, health_wall = run_load(lambda i: get_health(port), args.count * 5, args.concurrency)
        results, wall = run_load(lambda i: post_one(port, questions, run, i), args.count, args.concurrency)
    finally:
        server.terminate()
        server.wait(20)
    created = [r for r in results if r[0] == 201]
    errors_5xx = [r for r in results if r[0] >= 500 or r[0] == 0]
    stored = verify(run, media)
    shutil.rmtree(media, ignore_errors=True)  # the bench database keeps its rows; the files are not needed
    numbers = stored["numbers"]
    lost = sum(1 for r in created if r[2] not in numbers)
    latencies = [r[1] for r in results]
    print(f"rfi submissions: {args.count} POSTs, concurrency {args.concurrency}, gunicorn {args.workers} sync workers")
    print(f"  201: {len(created)}   stored: {len(numbers)}   lost: {lost}   5xx/conn errors: {len(errors_5xx)}"
          f"   other: {len(results) - len(created) - len(errors_5xx)}")  # fmt: skip
    print(
        f"  attachments stored: {stored['attachments']} (files on disk: {stored['on_disk']}, "
        f"expected {2 * len(created)})"
    )
    print(f"  throughput: {len(results) / wall:.1f} submissions/s   p50 {p(latencies, 0.5) * 1000:.0f} ms"
          f"   p95 {p(latencies, 0.95) * 1000:.0f} ms   max {max(latencies) * 1000:.0f} ms")  # fmt: skip
    health_rate = len(health) / health_wall
    print(f"  reference /healthz: {health_rate:.0f} requests/s, p95 {p([r[1] for r in health], 0.95) * 1000:.0f} ms "
          f"(a submission costs ~{health_rate / (len(results) / wall):.0f}x a trivial request)")  # fmt: skip
    ok = lost == 0 and not errors_5xx and len(created) == args.count and stored["on_disk"] == 2 * len(created)
    print("  result:", "OK — all stored, none lost, no 5xx" if ok else "FAILED")
    rate = len(results) / wall
    p50, p95 = p(latencies, 0.5) * 1000, p(latencies, 0.95) * 1000
    _report.write(
        "RFI: concurrent submissions with attachments",
        [
            f"{args.count} multipart POSTs to `/api/v1/rfi/notices/{DOCKET}/submissions/` from {args.concurrency} "
            f"client threads against gunicorn ({args.workers} sync workers) on loopback; each carries three answers "
            "and two attachments (a 54 kB PDF and a PNG). Celery runs eagerly and mail goes to memory, so "
            "validation, magic-byte checks, file writes, the audit row and the receipt are inside each request. "
            "Afterwards the database and the private media folder are checked: every 201 must be a stored "
            "submission with both files on disk.",
            _report.table(
                ["sent", "201", "stored", "lost", "5xx / connection errors", "other", "attachments on disk"],
                [[args.count, len(created), len(numbers), lost, len(errors_5xx),
                  len(results) - len(created) - len(errors_5xx), f"{stored['on_disk']} of {2 * len(created)}"]],
                align="rrrrrrr",
            ),
            _report.table(
                ["requests", "per second", "p50 ms", "p95 ms", "max ms"],
                [["RFI submission", f"{rate:.1f}", f"{p50:.0f}", f"{p95:.0f}", f"{max(latencies) * 1000:.0f}"],
                 ["reference: `/healthz` (same server, same run)", f"{health_rate:.0f}",
                  f"{p([r[1] for r in health], 0.5) * 1000:.0f}", f"{p([r[1] for r in health], 0.95) * 1000:.0f}",
                  f"{max(r[1] for r in health) * 1000:.0f}"]],
            ),
            "With every submission in flight at once, a request's latency is mostly its wait in gunicorn's "
            f"queue behind the others ({args.concurrency} requests for {args.workers} workers): p50 is about half "
            "of the batch's duration. The client waits up to 300 s, so a slow answer is not miscounted as lost.",
            f"Result: **{'OK — all stored, none lost, no 5xx' if ok else 'FAILED'}**.",
        ],
        params={"submissions": args.count, "client concurrency": args.concurrency,
                "gunicorn sync workers": args.workers, "attachments each": 2},
        env_names=ENV_NAMES,
        headline=[f"{args.count} RFI submissions with 2 attachments each, {args.concurrency} in flight at once: "
                  f"**{len(numbers)} stored, "
                  f"{lost} lost, {len(errors_5xx)} 5xx**; p50 {p50:.0f} ms, p95 {p95:.0f} ms ({rate:.1f}/s)."],
    )  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
