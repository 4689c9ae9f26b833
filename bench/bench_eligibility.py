#!/usr/bin/env python
"""Benchmark: a full eligibility re-check of N packages × every country by Celery workers, against the COPY floor.

What it does (bounded, loopback only):

1. (Re)creates a dedicated PostgreSQL database ``<prefix>_elig`` (``AIX_BENCH_DB_PREFIX``, default ``aix_bench``)
   on the server of ``DATABASE_URL`` and migrates it; generates ``BENCH_ELIG_PACKAGES`` packages (default 1,000)
   with four components each, in bulk.
2. The floor: the time PostgreSQL takes to bulk-insert the same number of result rows (N × countries, with
   realistic reasons) with ``COPY`` into a copy of the results table with the same indexes and foreign keys.
3. For each worker count in ``BENCH_ELIG_WORKERS`` (default ``2``; ``1,2`` compares; prefork ``--concurrency``):
   empties the results and checks, activates a fresh clone of the rule set (which fans out one check per
   package after commit, in chunks) and waits until every check is
   done. Reports wall time, results per second, and the ratio to the floor.

Needs ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``; uses a private queue on that Redis. Each run stops after
``BENCH_ELIG_TIMEOUT`` seconds (default 900) and reports what it finished. The database is dropped at the end
unless ``BENCH_ELIG_KEEP=1``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _datasets  # noqa: E402
import _report  # noqa: E402

DB_NAME = f"{_report.db_prefix()}_elig"
N = int(os.environ.get("BENCH_ELIG_PACKAGES", "1000"))
TIMEOUT = float(os.environ.get("BENCH_ELIG_TIMEOUT", "900"))
WORKERS = [int(w) for w in os.environ.get("BENCH_ELIG_WORKERS", "2").split(",")]
ENV_NAMES = ("BENCH_ELIG_PACKAGES", "BENCH_ELIG_WORKERS", "BENCH_ELIG_TIMEOUT", "AIX_BENCH_DB_PREFIX")
QUEUE = f"aix-bench-elig-{uuid.uuid4().hex[:6]}"


def _urls() -> tuple[str, str, str]:
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("skipped: bench_eligibility needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        sys.exit(_report.EXIT_SKIPPED)
    parsed = urlparse(database_url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    return admin, urlunparse(parsed._replace(path=f"/{DB_NAME}")), redis_url


def _recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _setup_django(bench_url: str, redis_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": bench_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "aiexports.settings.base",
            "AIX_EMBEDDED": "1",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "AIX_CELERY_QUEUE": QUEUE,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate(n: int) -> None:
    _datasets.eligibility_packages("Bench", "bench", n)


def _floor(rows: int) -> float:
    """Seconds PostgreSQL takes to COPY ``rows`` result rows into a same-shaped table with the same indexes and
    foreign keys."""
    from django.db import connection

    reasons = json.dumps(
        [{"component_id": 1, "component": "GPU", "eccn": "3A090.a", "outcome": "license_required", "rule_id": 3,
          "text": "GPU (3A090.a) [3A090.a derived from TPP 15,832 ≥ 4,800] — Advanced-computing item to a D:1/D:4 "
                  "destination: license required (presumption of approval).", "citation": "15 CFR 744.23"}]
    )  # fmt: skip
    from catalog.models import Country, Package
    from eligibility.models import RuleSet

    countries = list(Country.objects.values_list("pk", flat=True))
    package_ids = list(Package.objects.values_list("pk", flat=True))
    ruleset = RuleSet.objects.get(status="active")
    buffer = io.StringIO()
    count = 0
    for pid in package_ids:
        for code in countries:
            buffer.write(f"{pid}\t{code}\t{ruleset.pk}\t{ruleset.version}\tallied\teligible\t{reasons}\t2026-01-01\n")
            count += 1
            if count >= rows:
                break
        if count >= rows:
            break
    data = buffer.getvalue().replace("\\", "\\\\")
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_floor")
        cur.execute("CREATE TABLE bench_floor (LIKE eligibility_eligibilityresult INCLUDING ALL)")
        # The same foreign keys as the results table (deferred, as Django creates them): checked in the timing.
        from eligibility.models import EligibilityResult

        for field in ("package", "country", "ruleset"):
            f = EligibilityResult._meta.get_field(field)
            target = f.related_model._meta
            cur.execute(
                f"ALTER TABLE bench_floor ADD FOREIGN KEY ({f.column}) REFERENCES {target.db_table} "
                f"({target.get_field(f.target_field.name).column}) DEFERRABLE INITIALLY DEFERRED"
            )
        columns = "package_id, country_id, ruleset_id, ruleset_version, tier_code, outcome, reasons, computed_at"
        started = time.perf_counter()
        with cur.connection.cursor().copy(f"COPY bench_floor ({columns}) FROM STDIN") as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_floor")
    return elapsed


def _start_worker(concurrency: int) -> subprocess.Popen:
    from aiexports.celery import app

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = open(ROOT / "var" / f"bench-elig-worker-{concurrency}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aiexports", "worker", "--loglevel=WARNING", "-Q", QUEUE,
         "-n", f"{QUEUE}-{concurrency}@%h", "--without-mingle", "--without-gossip", "--pool=prefork",
         f"--concurrency={concurrency}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if any(QUEUE in name for reply in replies for name in reply):
            return proc
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("bench worker did not start")


def _stop(proc: subprocess.Popen) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _run(concurrency: int, run: int) -> tuple[float, int, int]:
    from django.db import connection

    from eligibility import services
    from eligibility.models import EligibilityCheck, EligibilityResult, RuleSet

    with connection.cursor() as cur:
        cur.execute("TRUNCATE eligibility_eligibilityresult, eligibility_eligibilitycheck")
    source = RuleSet.objects.get(status="active")
    clone = services.ruleset_clone(ruleset=source, new_version=f"bench-{run}-{concurrency}", actor=None)
    worker = _start_worker(concurrency)
    try:
        started = time.perf_counter()
        total = services.ruleset_activate(ruleset=clone, actor=None)  # fan-out after commit
        done = 0
        while time.perf_counter() - started < TIMEOUT:
            done = EligibilityCheck.objects.filter(ruleset=clone, status__in=["done", "failed"]).count()
            if done >= total:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        _stop(worker)
    return elapsed, done, EligibilityResult.objects.count()


def main() -> int:
    admin_url, bench_url, redis_url = _urls()
    (ROOT / "var").mkdir(exist_ok=True)
    _recreate_database(admin_url)
    try:
        _setup_django(bench_url, redis_url)
        from catalog.models import Country

        t0 = time.perf_counter()
        _generate(N)
        countries = Country.objects.count()
        rows = N * countries
        print(f"generated {N:,} packages in {time.perf_counter() - t0:.1f}s; {countries} countries → {rows:,} results")
        floor = _floor(rows)
        print(f"floor: COPY of {rows:,} result rows: {floor:.1f}s ({rows / floor:,.0f} rows/s)")
        table_rows, headline, complete = [], [], True
        for run, concurrency in enumerate(WORKERS, start=1):
            elapsed, done, results = _run(concurrency, run)
            complete &= done >= N
            status = "complete" if done >= N else f"STOPPED at the {TIMEOUT:.0f}s bound"
            print(
                f"{concurrency} worker(s): {done:,}/{N:,} checks, {results:,} results in {elapsed:.1f}s "
                f"({results / elapsed:,.0f} results/s, {done / elapsed:,.1f} checks/s) — "
                f"{elapsed / floor:.1f}× the floor [{status}]",
                flush=True,
            )
            table_rows.append([f"{concurrency} worker process(es)", f"{done:,}/{N:,}", f"{results:,}", f"{elapsed:.1f}",
                               f"{results / elapsed:,.0f}", f"{elapsed / floor:.1f}×", status])  # fmt: skip
            headline = [
                f"Eligibility full re-check of {N:,} packages × {countries} countries ({rows:,} results): "
                f"{elapsed:.1f} s with {concurrency} worker processes = **{elapsed / floor:.1f}× the COPY floor** "
                f"({floor:.1f} s)."
            ]
        floor_label = "floor: COPY of the same rows into a table with the same indexes and FKs"
        table_rows.insert(0, [floor_label, "—", f"{rows:,}", f"{floor:.1f}", f"{rows / floor:,.0f}", "1.0×", "—"])
        _report.write(
            "Eligibility: full re-check against the bulk-insert floor",
            [
                f"{N:,} published packages (4 components each: accelerator, server, foundation model, security) × "
                f"{countries} countries = {rows:,} results. A fresh clone of the active rule set is activated, "
                "which fans out one check per package (in chunks, after commit) to Celery workers (prefork) on a "
                "private Redis queue; the clock stops when every check is done or failed. The floor is PostgreSQL "
                "alone: `COPY` of the same number of result rows (realistic JSON reasons) into a copy of the "
                "results table with all its indexes and foreign keys.",
                _report.table(["run", "checks", "results", "seconds", "results/s", "vs floor", "status"], table_rows),
            ],
            params={
                "packages": f"{N:,}",
                "countries": countries,
                "bound per run": f"{TIMEOUT:.0f} s",
                "worker processes": ", then ".join(map(str, WORKERS)) + " (prefork --concurrency)",
            },  # fmt: skip
            env_names=ENV_NAMES,
            headline=headline,
        )
        if not complete:
            return 1
    finally:
        if os.environ.get("BENCH_ELIG_KEEP") != "1":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        from aiexports.celery import app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(QUEUE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
