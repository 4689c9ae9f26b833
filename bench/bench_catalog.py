#!/usr/bin/env python
"""Catalog benchmark: throughput and latency of the public catalog under concurrent load, next to a trivial view.

What it does, all on loopback and bounded in time:
1. creates a dedicated PostgreSQL database ``aix_bench`` if missing — on the server of DATABASE_URL (default
   127.0.0.1:5432, user postgres), never in the database DATABASE_URL names; ``AIX_BENCH_DATABASE_URL`` picks
   another one —, migrates it and generates N published packages with about 8 components each
   (``bench/gen_catalog.py``, default 10,000; kept between runs);
2. starts gunicorn (2 sync workers) on 127.0.0.1 with ``AIX_BENCH=1``, which adds a trivial JSON view at
   ``/bench/trivial``;
3. runs ``wrk`` (Debian package ``wrk``: ``apt-get install -y wrk``) against each scenario for ``--duration``
   seconds (default 10) and prints requests/s, p50 and p95 latency, and the ratio to the trivial view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_catalog.py [-n 10000]

Quote the figures as ratios to the trivial view of the same run: absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/aix_bench"

# wrk reports p50/p75/p90/p99 with --latency but not p95: a small Lua ``done`` hook prints what we need.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("AIX_RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status, errors))
end
"""


def bench_database_url() -> str:
    """``AIX_BENCH_DATABASE_URL``, else the ``aix_bench`` database on DATABASE_URL's server (so the benchmark
    never fills the database the portal or the tests use)."""
    if os.environ.get("AIX_BENCH_DATABASE_URL"):
        return os.environ["AIX_BENCH_DATABASE_URL"]
    server = os.environ.get("DATABASE_URL") or DEFAULT_DB
    return urlparse(server)._replace(path="/aix_bench").geturl()


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "aiexports.settings.base",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "AIX_BENCH": "1",
        # The public API's anonymous throttle would otherwise answer 429 to the load generator; a one-second
        # window keeps its per-client history (a list in the cache) short, so it does not distort the figures.
        "AIX_API_ANON_RATE": "1000000/s",
        "AIX_API_USER_RATE": "1000000/s",  # DRF's UserRateThrottle also counts anonymous clients, by address
        "AIX_RATELIMIT_ENABLE": "false",
    }


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "aiexports.wsgi:application", "--workers", "2", "--worker-class",
           "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    sys.exit("gunicorn did not answer /bench/trivial within 30 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run_wrk(url: str, *, duration: int, script: str) -> dict[str, float]:
    urllib.request.urlopen(url, timeout=30).read()  # warm up (and fail loudly on a non-2xx)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "10s", "-s", script, url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("AIX_RESULT"))
    requests, duration_us, p50, p95, status_errors, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "non2xx": status_errors,
        "socket_errors": socket_errors,
    }


def scenarios(base: str, detail_slug: str) -> list[tuple[str, str]]:
    return [
        ("trivial Django JSON view", f"{base}/bench/trivial"),
        ("API list /api/v1/packages/", f"{base}/api/v1/packages/"),
        ("HTML list /catalog/", f"{base}/catalog/"),
        ("HTML list, search + 2 facets", f"{base}/catalog/?q=sovereign+cloud&sector=health&layer=hardware"),
        ("API list, search + 2 facets", f"{base}/api/v1/packages/?q=sovereign+cloud&sector=health&layer=hardware"),
        ("HTML detail /catalog/<slug>/", f"{base}/catalog/{detail_slug}/"),
        ("API detail /api/v1/packages/<slug>/", f"{base}/api/v1/packages/{detail_slug}/"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the public catalog against a trivial view.")
    parser.add_argument("-n", "--packages", type=int, default=10_000)
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds of load per scenario")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print("wrk is not installed: this benchmark needs it (Debian: apt-get install -y wrk). Nothing was run.")
        return 2
    database_url = bench_database_url()
    if not database_url.startswith(("postgres://", "postgresql://")):
        print(f"bench_catalog.py needs PostgreSQL; DATABASE_URL is {database_url!r}. Nothing was run.")
        return 2
    ensure_database(database_url)
    env = server_env(database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "bench/gen_catalog.py", "-n", str(args.packages)], cwd=ROOT, env=env, check=True)
    detail_slug = f"bench-{args.packages // 2}"

    port = free_port()
    proc = start_gunicorn(env, port)
    results = []
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for label, url in scenarios(f"http://127.0.0.1:{port}", detail_slug):
            print(f"  {label} …", flush=True)
            results.append((label, run_wrk(url, duration=args.duration, script=script.name)))
    finally:
        stop(proc)
        Path(script.name).unlink(missing_ok=True)

    trivial = results[0][1]["rps"]
    print(
        f"\nCatalog of {args.packages:,} published packages; gunicorn 2 sync workers; wrk -t2 -c32 -d{args.duration}s"
    )
    print(f"{'scenario':<38} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs trivial':>11} {'errors':>7}")
    for label, r in results:
        errors = r["non2xx"] + r["socket_errors"]
        print(f"{label:<38} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['rps'] / trivial:>10.1%} {errors:>7}")
    return 1 if any(r["non2xx"] for _, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
