#!/usr/bin/env python
"""Catalog benchmark: throughput and latency of the public catalog under load, next to a trivial view, at
10,000 and 100,000 published packages; the search plan; the queries each page makes.

What it does, all on loopback and bounded in time, for each catalog size N:
1. creates a dedicated PostgreSQL database ``<prefix>_catalog_<N>`` (prefix ``AIX_BENCH_DB_PREFIX``, default
   ``aix_bench``) on the server of DATABASE_URL — never the database DATABASE_URL names; with one size,
   ``AIX_BENCH_DATABASE_URL`` picks another —, migrates it and generates N published packages with about 9
   components each (``bench/gen_catalog.py``, COPY in chunks). The database is kept: a rerun with the same N
   skips the generation;
2. in-process, with Django's test client and ``CaptureQueriesContext``: the queries of the HTML list, HTML
   detail, API list, API detail and the signed-in dashboard (cold cache, then warm), the search's
   ``EXPLAIN (ANALYZE, BUFFERS)`` plan and its median latency;
3. starts gunicorn (2 sync workers) on 127.0.0.1 with ``AIX_BENCH=1``, which adds a trivial JSON view at
   ``/bench/trivial``, and runs ``wrk -t2 -c32`` (Debian package ``wrk``) for ``--duration`` seconds (default 10)
   per scenario: requests/s, p50, p95, and the ratio to the trivial view measured before and after on the same
   server in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_catalog.py -n 10000 -n 100000

Sizes also from ``AIX_BENCH_CATALOG_SIZES`` (comma-separated), the duration from ``AIX_BENCH_DURATION``.
Quote the figures as ratios to the trivial view of the same run: absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _report  # noqa: E402

# wrk reports p50/p75/p90/p99 with --latency but not p95: a small Lua ``done`` hook prints what we need.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("AIX_RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status, errors))
end
"""
# The "uncached, varied queries" scenario: every request a random search of two words and two random facets, so
# that (almost) no total, facet count or page of ids is ever asked for twice.
VARIED_SCRIPT = """
local words = {"sovereign", "cloud", "model", "language", "arabic", "secure", "data", "accelerator", "server",
  "pipeline", "privacy", "training", "inference", "edge", "health", "energy", "finance", "vision", "speech",
  "storage", "network", "cluster", "open", "safety", "label", "dataset", "compute", "national", "regional",
  "platform", "managed", "hybrid", "private", "public", "agent", "search", "analytics", "fraud", "grid", "climate"}
local sectors = {"health", "energy", "finance", "agriculture", "education", "manufacturing"}
local layers = {"hardware", "software", "data", "security"}
math.randomseed(os.time())
request = function()
  local path = PREFIX .. "?q=" .. words[math.random(#words)] .. "+" .. words[math.random(#words)]
    .. "&sector=" .. sectors[math.random(#sectors)] .. "&layer=" .. layers[math.random(#layers)]
  return wrk.format("GET", path)
end
"""
SEARCH = "sovereign cloud"
DASHBOARD_USER = "bench-dashboard@bench.test"
ENV_NAMES = ("AIX_BENCH_CATALOG_SIZES", "AIX_BENCH_DURATION", "AIX_BENCH_DB_PREFIX", "AIX_BENCH_DATABASE_URL")


def database_url_for(n: int, sizes: list[int]) -> str:
    if os.environ.get("AIX_BENCH_DATABASE_URL") and len(sizes) == 1:
        return os.environ["AIX_BENCH_DATABASE_URL"]
    return _report.bench_database_url(f"catalog_{n}")


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


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:  # a 304 is an HTTPError to urllib
        if exc.code != 304:
            raise
        return exc.code, exc.read(), dict(exc.headers)


def run_wrk(url: str, *, duration: int, script: str, headers: dict[str, str] | None = None) -> dict[str, float]:
    status, body, _headers = fetch(url, headers)  # warm up (and fail loudly on an error)
    cmd = ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "10s", "-s", script]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("AIX_RESULT"))
    requests, duration_us, p50, p95, status_errors, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "requests": requests,
        "non2xx": status_errors,
        "socket_errors": socket_errors,
        "bytes": len(body),
        "status": status,
    }


def scenarios(base: str, detail_slug: str) -> list[tuple[str, str]]:
    """(label, URL); a label with "304" is sent with the ETag of its URL, "varied" ones with random queries."""
    q = SEARCH.replace(" ", "+")
    return [
        ("trivial Django JSON view (before)", f"{base}/bench/trivial"),
        ("HTML list /catalog/", f"{base}/catalog/"),
        ("HTML detail /catalog/<slug>/", f"{base}/catalog/{detail_slug}/"),
        ("API list /api/v1/packages/", f"{base}/api/v1/packages/"),
        ("API detail /api/v1/packages/<slug>/", f"{base}/api/v1/packages/{detail_slug}/"),
        (f"HTML list, search “{SEARCH}”", f"{base}/catalog/?q={q}"),
        ("HTML list, search + 2 facets", f"{base}/catalog/?q={q}&sector=health&layer=hardware"),
        ("API list, search + 2 facets", f"{base}/api/v1/packages/?q={q}&sector=health&layer=hardware"),
        ("HTML detail, conditional GET answered 304", f"{base}/catalog/{detail_slug}/"),
        ("API detail, conditional GET answered 304", f"{base}/api/v1/packages/{detail_slug}/"),
        # Its URL is only a sample (for the bytes column): wrk's Lua ``request`` draws every request's query.
        (
            "HTML list, search + 2 facets, uncached varied queries",
            f"{base}/catalog/?q=secure+data&sector=energy&layer=data",
        ),
        ("trivial Django JSON view (after)", f"{base}/bench/trivial"),
    ]


# --- in-process inspection (a subprocess per database: ``--inspect``) --------------------------------------


def inspect(n: int) -> dict:
    """Query counts per page, the search plan and its latency, in this process against DATABASE_URL."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.cache import bump as catalog_version_bump
    from catalog.filtersets import PackageFilterSet
    from catalog.models import Organization, OrganizationMembership, Package
    from catalog.selectors import published_packages

    detail_slug = f"bench-{n // 2}"
    # The detail scenarios show a package with its eligibility results (the map and the table are on the page).
    from eligibility.services import eligibility_compute_now

    eligibility_compute_now(package_id=Package.objects.get(slug=detail_slug).pk)
    catalog_version_bump()  # a fresh cache generation: nothing cached by another catalog size is served
    user_model = django.contrib.auth.get_user_model()
    user = user_model.objects.filter(email=DASHBOARD_USER).first()
    if user is None:
        user = user_model.objects.create_user(email=DASHBOARD_USER, password=None, full_name="Bench Dashboard")
    org = Organization.objects.get(slug="bench-org-0")
    OrganizationMembership.objects.get_or_create(organization=org, user=user, defaults={"role": "admin"})
    dashboard_packages = Package.objects.filter(consortium__anchor=org).count()

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(user)
    pages = [
        ("HTML list /catalog/", anonymous, "/catalog/"),
        ("HTML detail /catalog/<slug>/", anonymous, f"/catalog/{detail_slug}/"),
        ("API list /api/v1/packages/", anonymous, "/api/v1/packages/"),
        ("API detail /api/v1/packages/<slug>/", anonymous, f"/api/v1/packages/{detail_slug}/"),
        (f"dashboard /dashboard/ ({dashboard_packages:,} packages)", signed_in, "/dashboard/"),
    ]
    counts = []
    for label, client, url in pages:
        measured = []
        for _ in range(2):  # cold cache, then warm
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            measured.append(len(ctx.captured_queries))
        counts.append({"page": label, "cold": measured[0], "warm": measured[1]})

    filterset = PackageFilterSet({"q": SEARCH}, queryset=published_packages())
    page_query = filterset.qs[:20]
    plan = page_query.explain(analyze=True, buffers=True)
    matches = filterset.qs.count()
    timings = []
    for _ in range(21):
        started = time.perf_counter()
        list(filterset.qs[:20])  # the page's rows, ranked (prefetches included)
        timings.append(time.perf_counter() - started)
    count_timings = []
    for _ in range(11):
        started = time.perf_counter()
        filterset.qs.count()
        count_timings.append(time.perf_counter() - started)
    return {
        "counts": counts,
        "plan": plan,
        "gin": "catalog_package_search_gin" in plan,
        "matches": matches,
        "search_p50_ms": statistics.median(timings) * 1000,
        "search_max_ms": max(timings) * 1000,
        "count_p50_ms": statistics.median(count_timings) * 1000,
        "sql": str(page_query.query),
    }


# --- one catalog size ---------------------------------------------------------------------------------------


def measure(n: int, sizes: list[int], duration: int, script: str) -> dict:
    database_url = database_url_for(n, sizes)
    _report.ensure_database(database_url)
    env = server_env(database_url)
    print(f"[{n:,} packages] database {database_url.rsplit('/', 1)[1]}", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    gen = subprocess.run(
        [sys.executable, "bench/gen_catalog.py", "-n", str(n)], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    print(gen.stdout.strip(), flush=True)
    generation = None if "nothing to do" in gen.stdout else time.monotonic() - started
    out = subprocess.run(
        [sys.executable, __file__, "--inspect", str(n)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    inspected = json.loads(out.strip().splitlines()[-1])
    print(f"  search plan uses the GIN index: {inspected['gin']}; median page {inspected['search_p50_ms']:.1f} ms")

    port = free_port()
    proc = start_gunicorn(env, port)
    results = []
    try:
        for label, url in scenarios(f"http://127.0.0.1:{port}", f"bench-{n // 2}"):
            print(f"  {label} …", flush=True)
            headers, lua = None, script
            if "304" in label:
                etag = fetch(url)[2].get("ETag")
                headers = {"If-None-Match": etag} if etag else None
            if "varied" in label:
                prefix = url.split("127.0.0.1:", 1)[1].split("/", 1)[1].split("?", 1)[0]
                with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as varied:
                    varied.write(f'PREFIX = "/{prefix}"\n' + VARIED_SCRIPT + Path(script).read_text())
                lua = varied.name
            try:
                results.append((label, run_wrk(url, duration=duration, script=lua, headers=headers)))
            finally:
                if lua != script:
                    Path(lua).unlink(missing_ok=True)
    finally:
        stop(proc)
    return {"n": n, "generation_s": generation, "wrk": results, **inspected}


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the public catalog against a trivial view.")
    parser.add_argument("-n", "--packages", type=int, action="append", help="catalog size; repeat for several")
    parser.add_argument("-d", "--duration", type=int, default=int(os.environ.get("AIX_BENCH_DURATION", 10)),
                        help="seconds of load per scenario (default 10)")  # fmt: skip
    parser.add_argument("--inspect", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect is not None:
        print(json.dumps(inspect(args.inspect)))
        return 0
    sizes = args.packages or [int(s) for s in os.environ.get("AIX_BENCH_CATALOG_SIZES", "10000,100000").split(",")]
    duration = max(1, min(args.duration, 120))

    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (Debian: apt-get install -y wrk; `make bench` installs it)")
        return _report.EXIT_SKIPPED
    if not (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://")):
        print("skipped: bench_catalog.py needs DATABASE_URL=postgres://... (a server where it may create databases)")
        return _report.EXIT_SKIPPED

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    measured, errors = [], []
    try:
        for n in sizes:
            try:
                measured.append(measure(n, sizes, duration, script.name))
            except (subprocess.SubprocessError, OSError, ValueError, StopIteration, SystemExit) as exc:
                detail = getattr(exc, "stderr", "") or ""
                errors.append(f"{n:,} packages: {type(exc).__name__}: {exc} {detail[-2000:]}".strip())
                print(f"FAILED at {n:,} packages: {errors[-1]}", flush=True)
    finally:
        Path(script.name).unlink(missing_ok=True)

    failed = bool(errors)
    body, headline = [], []
    for m in measured:
        trivial = (m["wrk"][0][1]["rps"] + m["wrk"][-1][1]["rps"]) / 2
        print(f"\nCatalog of {m['n']:,} published packages; gunicorn 2 sync workers; wrk -t2 -c32 -d{duration}s")
        head = f"{'scenario':<52} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs trivial':>11} {'errors':>7}"
        print(f"{head} {'bytes':>8}")
        rows = []
        for label, r in m["wrk"]:
            errors = r["non2xx"] + r["socket_errors"]
            failed |= bool(r["non2xx"])
            ratio = r["rps"] / trivial
            print(f"{label:<52} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {ratio:>10.1%} {errors:>7} "
                  f"{r['bytes']:>8,}")  # fmt: skip
            rows.append([label, f"{r['rps']:,.1f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{ratio:.1%}", errors,
                         f"{r['bytes']:,} ({r['status']})"])  # fmt: skip
        print("queries per page (cold cache / warm):", ", ".join(f"{c['page']}: {c['cold']}/{c['warm']}"
                                                               for c in m["counts"]))  # fmt: skip
        wrk = dict(m["wrk"])

        def share(label: str, wrk=wrk, trivial=trivial) -> str:
            return f"{wrk[label]['rps'] / trivial:.1%}"

        headline.append(
            f"Catalog at {m['n']:,} packages, as a share of a trivial Django view on the same server in the same "
            f"run ({trivial:,.0f} req/s): HTML list **{share('HTML list /catalog/')}**, HTML detail "
            f"**{share('HTML detail /catalog/<slug>/')}**, API list **{share('API list /api/v1/packages/')}**, "
            f"API detail **{share('API detail /api/v1/packages/<slug>/')}**; search page "
            f"{m['search_p50_ms']:.0f} ms median in-process (GIN index {'used' if m['gin'] else 'NOT used'})."
        )
        body += [
            f"### {m['n']:,} published packages",
            (
                f"Catalog generated in {m['generation_s']:.0f} s (`bench/gen_catalog.py`). "
                if m["generation_s"]
                else "Catalog database kept from an earlier run (generation skipped). "
            )  # fmt: skip
            + f"Throughput: gunicorn, 2 sync workers, `wrk -t2 -c32 -d{duration}s` per row, loopback; ratio to the "
            f"mean of the trivial view before and after ({trivial:,.0f} req/s). Facet counts and totals are cached "
            "in Redis under the catalog version, so these are warm-cache figures, except the “uncached varied "
            "queries” row (a random two-word search and two random facets per request). The detail rows show a "
            "package with its eligibility results (map and table on the page); the 304 rows send the ETag of the "
            "page (`If-None-Match`). Bytes: the body of one answer (its HTTP status).",
            _report.table(["scenario", "req/s", "p50 ms", "p95 ms", "vs trivial", "errors", "bytes (status)"], rows),
            "Queries per page (Django test client, `CaptureQueriesContext`; the first request with an empty cache, "
            "then the same request again):",
            _report.table(
                ["page", "queries, cold cache", "queries, warm cache"],
                [[c["page"], c["cold"], c["warm"]] for c in m["counts"]],
            ),  # fmt: skip
            f"Search “{SEARCH}” (websearch syntax, ranked): {m['matches']:,} matches; first page of 20 with its "
            f"prefetches {m['search_p50_ms']:.1f} ms median of 21 (max {m['search_max_ms']:.1f} ms), count "
            f"{m['count_p50_ms']:.1f} ms median. GIN index `catalog_package_search_gin` in the plan: "
            f"**{'yes' if m['gin'] else 'NO'}**. `EXPLAIN (ANALYZE, BUFFERS)` of the page query:",
            "```\n" + m["plan"] + "\n```",
        ]
    if errors:
        body += ["### Failures", "```\n" + "\n".join(errors) + "\n```"]
    _report.write(
        "Catalog throughput, latency, search plan and queries per page",
        body,
        params={"sizes": ", ".join(f"{n:,}" for n in sizes), "seconds per scenario": duration,
                "server": "gunicorn 2 sync workers", "load": "wrk -t2 -c32", "search": f"“{SEARCH}”"},
        env_names=ENV_NAMES,
        headline=headline[-2:],
    )  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
