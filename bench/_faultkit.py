"""Shared plumbing of the fault-injection scenarios (``bench/bench_fault_*.py``).

Everything here runs on loopback only: a dedicated PostgreSQL database ``aix_bench_fault_*`` on the server of
``DATABASE_URL`` (dropped at the end), Celery workers and gunicorn as child processes in their own process
groups (killed in ``finally``), and, when a scenario needs to restart Redis, a private ``redis-server`` on a free
port with its own ``--dir`` (the shared Redis is never restarted).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-fault"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


#: Exit statuses of bench/run.py's report contract: 3 = skipped (could not run here), 1 = failed.
EXIT_SKIPPED = 3
EXIT_FAILED = 1


class CannotRun(SystemExit):
    """The scenario could not run here (a service unreachable, a binary missing, a machine too slow): "skipped".

    Exit status 3 (``bench/run.py``'s contract); ``run_main`` prints the reason as the script's last line, after
    the cleanup in ``finally`` blocks has printed whatever it prints.
    """

    def __init__(self, message: str) -> None:
        self.reason = message
        super().__init__(EXIT_SKIPPED)


class ScenarioBroken(SystemExit):
    """A process the scenario starts itself (the app in gunicorn, a Celery worker) did not come up: a failure, exit 1.

    Not a skip: the services were there, so this is the project's code (or its configuration) failing.
    """

    def __init__(self, message: str) -> None:
        self.reason = message
        super().__init__(EXIT_FAILED)


def run_main(main: Callable[[], int]) -> None:
    """Run a scenario's ``main`` and exit with the contract's status: 0 done, 1 something lost or broken, 3 skipped."""
    try:
        status = main()
    except CannotRun as exc:
        status = exc.code
        sys.stderr.flush()
        print(f"skipped: {exc.reason}", flush=True)
    except ScenarioBroken as exc:
        status = exc.code
        sys.stderr.flush()
        print(f"FAILED: {exc.reason}", flush=True)
    sys.exit(status)


# --- services and the dedicated database ---------------------------------------------------------


def service_urls(db_name: str) -> tuple[str, str, str]:
    """(admin URL, URL of the dedicated bench database, REDIS_URL) from the environment."""
    assert db_name.startswith("aix_bench_fault"), db_name
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres"):
        raise CannotRun("set DATABASE_URL=postgres://USER@127.0.0.1:5432/ANY (a bench database is created beside it)")
    if not redis_url:
        raise CannotRun("set REDIS_URL=redis://127.0.0.1:6379/N (a private queue is used on it)")
    for url in (database_url, redis_url):
        host = urlparse(url).hostname or ""
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise CannotRun(f"the fault scenarios run against loopback only, not {host!r}")
    parsed = urlparse(database_url)
    return urlunparse(parsed._replace(path="/postgres")), urlunparse(parsed._replace(path=f"/{db_name}")), redis_url


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise CannotRun(f"PostgreSQL is not reachable ({exc})") from exc


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
        pass
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        raise CannotRun(f"Redis at {url} does not answer ({exc})") from exc


def django_setup(env: dict[str, str]) -> None:
    """Configure this process like the workers (same database, broker and queue) and migrate."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def base_env(bench_url: str, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "aiexports.settings.base",
        "AIX_EMBEDDED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AIX_CELERY_QUEUE": queue,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_queue(prefix: str) -> str:
    return f"aix-bench-fault-{prefix}-{uuid.uuid4().hex[:6]}"


def log_path(name: str) -> Path:
    VAR.mkdir(parents=True, exist_ok=True)
    return VAR / name


# --- child processes -------------------------------------------------------------------------------


@dataclass
class Children:
    """Every child process of a scenario, each in its own process group; ``kill_all`` in ``finally``."""

    procs: list[subprocess.Popen] = field(default_factory=list)

    def spawn(self, cmd: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        out = open(log, "ab")  # noqa: SIM115 - owned by the child
        proc = subprocess.Popen(
            list(cmd), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.procs.append(proc)
        return proc

    def kill_all(self) -> None:
        """A warm shutdown of each main process (it stops its own children), then SIGKILL whatever is left."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # pool children of a main process that did not stop
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)


def kill_group(proc: subprocess.Popen, sig: int, wait: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(wait)


def start_worker(
    children: Children, env: dict[str, str], queue: str, name: str, *, concurrency: int = 2, timeout: float = 60
) -> subprocess.Popen:
    """A real ``celery worker`` (prefork) on the private queue; returns once it answers ``ping``."""
    from aiexports.celery import app

    cmd = [
        sys.executable, "-m", "celery", "-A", "aiexports", "worker", "--loglevel=WARNING", "-Q", queue,
        "-n", f"{queue}-{name}@%h", "--without-mingle", "--without-gossip", "--pool=prefork",
        f"--concurrency={concurrency}",
    ]  # fmt: skip
    log = log_path(f"{queue}-{name}.log")
    proc = children.spawn(cmd, env, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ScenarioBroken(f"celery worker exited early; see {log}")
        try:
            replies = app.control.ping(timeout=0.5) or []
        except Exception:  # noqa: BLE001 - the broker may be coming back
            replies = []
        if any(f"{queue}-{name}" in key for reply in replies for key in reply):
            return proc
        time.sleep(0.3)
    raise ScenarioBroken(f"celery worker did not answer ping within {timeout:.0f}s; see {log}")


def start_gunicorn(children: Children, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    import urllib.request

    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise CannotRun(f"gunicorn not found at {gunicorn} (make install)")
    cmd = [
        str(gunicorn), "aiexports.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
        "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    log = log_path(f"gunicorn-{port}.log")
    proc = children.spawn(cmd, env, log)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ScenarioBroken(f"gunicorn exited early; see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.3)
    raise ScenarioBroken(f"gunicorn did not answer /healthz within 40s; see {log}")


class PrivateRedis:
    """A private ``redis-server`` on a free loopback port, persisting to its own directory.

    ``--appendonly yes`` as in docker-compose.yml, so queued messages survive a restart. ``stop(signal.SIGTERM)``
    is a clean restart (Redis writes its append-only file before exiting, like ``docker compose restart``);
    ``SIGKILL`` is a crash (with the default ``appendfsync everysec`` up to one second of writes may be lost).
    With ``persistent=False`` nothing is written to disk: a restart loses every queued message.
    """

    def __init__(self, children: Children, *, persistent: bool = True) -> None:
        if not shutil.which("redis-server"):
            raise CannotRun("needs the redis-server binary on PATH (apt-get install redis-server)")
        self.children = children
        self.persistent = persistent
        self.port = free_port()
        self.dir = Path(VAR / f"redis-{self.port}")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> float:
        """Start and wait until it answers PING; returns the seconds that took."""
        started = time.perf_counter()
        cmd = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.dir),
            "--appendonly", "yes" if self.persistent else "no", "--save", "", "--maxmemory-policy", "noeviction",
            "--protected-mode", "yes",
        ]  # fmt: skip
        self.proc = self.children.spawn(cmd, dict(os.environ), log_path(f"redis-{self.port}.log"))
        if not wait_for(self.ping, timeout, 0.05):
            raise CannotRun(f"private redis-server on port {self.port} did not start")
        return time.perf_counter() - started

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None:
            kill_group(self.proc, sig, wait=15)

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.3, socket_timeout=0.5).ping())
        except Exception:  # noqa: BLE001
            return False

    def queue_length(self, queue: str) -> int:
        import redis

        try:
            return int(redis.Redis(port=self.port, socket_timeout=1).llen(queue))
        except Exception:  # noqa: BLE001
            return -1

    def cleanup(self) -> None:
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_for(predicate: Callable[[], object], timeout: float, interval: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def delete_queue(queue: str, broker_url: str) -> None:
    """Remove every trace of the private queue from the broker: its lists, its bindings, and the messages a
    killed worker left unacknowledged (kombu would otherwise restore them into the queue after the visibility
    timeout). Best effort: the broker may be a private one that is already stopped."""
    import json

    import redis

    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=2, socket_timeout=5)
        client.delete(queue, *(f"{queue}\x06\x16{p}" for p in range(10)))
        client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, raw in client.hgetall("unacked").items():
            with contextlib.suppress(ValueError, TypeError, IndexError, AttributeError):
                if json.loads(raw)[2] == queue:  # kombu stores [message, exchange, routing key]
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
    except redis.RedisError:
        pass


# --- the eligibility data set ------------------------------------------------------------------------


def generate_packages(n: int) -> list[int]:
    """N published packages with four components each (bulk): bench_eligibility's data set."""
    from _datasets import eligibility_packages

    return eligibility_packages("Fault", "fault", n)


def check_counts(ruleset_id: int) -> dict[str, int]:
    from django.db.models import Count

    from eligibility.models import EligibilityCheck

    rows = EligibilityCheck.objects.filter(ruleset_id=ruleset_id).values_list("status").annotate(n=Count("pk"))
    return dict(rows)


def verify_results(ruleset_id: int, package_ids: list[int]) -> dict[str, int]:
    """Results of the fan-out: expected, present, missing pairs, duplicated pairs, rows of another version."""
    from django.db import connection

    from catalog.models import Country
    from eligibility.models import EligibilityCheck, RuleSet

    countries = Country.objects.count()
    version = RuleSet.objects.get(pk=ruleset_id).version
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(DISTINCT (package_id, country_id)), "
            "count(*) FILTER (WHERE ruleset_version <> %s) FROM eligibility_eligibilityresult",
            [version],
        )
        rows, distinct, other = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM (SELECT p.id, c.code FROM catalog_package p CROSS JOIN catalog_country c "
            "WHERE p.id = ANY(%s) EXCEPT SELECT package_id, country_id FROM eligibility_eligibilityresult) AS m",
            [package_ids],
        )
        missing = cur.fetchone()[0]
    checks = EligibilityCheck.objects.filter(ruleset_id=ruleset_id)
    return {
        "expected": len(package_ids) * countries,
        "rows": rows,
        "missing": missing,
        "duplicated": rows - distinct,
        "other_version": other,
        "checks_retried": checks.filter(attempts__gt=1).count(),
    }


# --- the report fragment (bench/run.py gathers them into docs/benchmarks.md) -------------------------


def command_line() -> str:
    env = " ".join(
        f"{k}={shlex.quote(os.environ[k])}" for k in ("DATABASE_URL", "REDIS_URL") if os.environ.get(k)
    )  # the values the person gave, before the scenario pointed them at its own database
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    return f"{env} .venv/bin/python bench/{Path(sys.argv[0]).name} {argv}".strip()


def write_report(
    stem: str,
    title: str,
    intro: str,
    table: list[tuple[str, str]],
    command: str,
    params: dict[str, object],
    notes: list[str],
    headline: list[str],
) -> None:
    """Print nothing; write ``<stem>.md`` (and ``<stem>.headline.md``) into ``AIX_BENCH_REPORT_DIR`` if set."""
    folder = os.environ.get("AIX_BENCH_REPORT_DIR")
    if not folder:
        return
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"## {title}", "", intro, "", "| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in table]
    lines += ["", "Command:", "", "```", command, "```", "", "Parameters: " + ", ".join(
        f"`{k}={v}`" for k, v in params.items()
    )]  # fmt: skip
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    if headline:
        (out / f"{stem}.headline.md").write_text("\n".join(f"- {h}" for h in headline[:3]) + "\n")


def print_table(title: str, table: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(k) for k, _ in table)
    for key, value in table:
        print(f"  {key:<{width}}  {value}")


# --- waiting on a fan-out, with Celery beat emulated ------------------------------------------------


@dataclass
class Sweeper:
    """Emulates Celery beat: calls the eligibility sweeper's service every ``interval`` seconds."""

    interval: float
    last: float = 0.0
    sweeps: int = 0
    requeued: int = 0

    def tick(self) -> None:
        if time.perf_counter() - self.last < self.interval:
            return
        from eligibility import services

        self.requeued += services.eligibility_sweep()["requeued"]
        self.sweeps += 1
        self.last = time.perf_counter()


def wait_done_at_least(ruleset_id: int, threshold: int, deadline: float, sweeper: Sweeper) -> dict[str, int]:
    while (counts := check_counts(ruleset_id)).get("done", 0) < threshold:
        if time.perf_counter() > deadline:
            raise CannotRun(f"only {counts} at the time bound: the worker is too slow to test a fault mid-run")
        sweeper.tick()
        time.sleep(0.05)
    return counts


def wait_settled(
    ruleset_id: int, since: float, baseline_done: int, deadline: float, sweeper: Sweeper
) -> tuple[float | None, float | None, dict[str, int]]:
    """Until no check is pending or running: (seconds from ``since`` until a check completes again, until all
    are done, the final counts); ``None`` for a point not reached before the deadline."""
    resumed = finished = None
    counts: dict[str, int] = {}
    while time.perf_counter() < deadline:
        sweeper.tick()
        counts = check_counts(ruleset_id)
        now = time.perf_counter()
        if resumed is None and counts.get("done", 0) > baseline_done:
            resumed = now - since
        if not counts.get("pending") and not counts.get("running"):
            finished = now - since
            break
        time.sleep(0.1)
    return resumed, finished, counts
