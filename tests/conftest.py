"""Shared fixtures: service requirements, a real Celery worker, a Playwright browser and axe-core.

Tests that need a real service carry a marker (``postgres``, ``redis``, ``worker``, ``browser``). Without
the service they are skipped and the skip reason names it; with ``AIX_REQUIRE_SERVICES=1`` (CI) they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Hypothesis fails an example that takes longer than 200 ms by default: a wall-clock check that a loaded CI
# machine trips at random. Properties are checked without a deadline (examples and their number unchanged).
hypothesis_settings.register_profile("aix", deadline=None)
hypothesis_settings.load_profile("aix")

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would then
# refuse ORM calls made by the test itself. The ORM calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("AIX_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REQUIRE_SERVICES = os.environ.get("AIX_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _redis_ok() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001
        return False
    return True


def _postgres_ok() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _browser_ok() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() and AXE_JS.exists()


_REQUIREMENTS: dict[str, tuple[Callable[[], bool], str]] = {
    "postgres": (_postgres_ok, "needs PostgreSQL: set DATABASE_URL=postgres://..."),
    "redis": (_redis_ok, "needs Redis: set REDIS_URL=redis://... (and start redis-server)"),
    # Browser tests run against a live server in transactional tests; on SQLite the reference data (seeded rule
    # sets, countries) is restored by serialized_rollback, which loses rows other tests changed, so they need
    # PostgreSQL, whose snapshot restore is exact (README: `make test` on SQLite skips them by name).
    "browser": (
        lambda: _browser_ok() and _postgres_ok(),
        f"needs PostgreSQL (DATABASE_URL=postgres://...) and Chromium at {CHROMIUM} (apt-get install chromium) "
        "with npm's axe-core",
    ),
}
_REQUIREMENTS["worker"] = (
    lambda: _postgres_ok() and _redis_ok(),
    "needs PostgreSQL and Redis for a real Celery worker: set DATABASE_URL and REDIS_URL",
)
_service_cache: dict[str, bool] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, (probe, reason) in _REQUIREMENTS.items():
        if item.get_closest_marker(name) is None:
            continue
        if name not in _service_cache:
            _service_cache[name] = probe()
        if not _service_cache[name]:
            if REQUIRE_SERVICES:
                pytest.fail(f"AIX_REQUIRE_SERVICES is set but this test {reason}", pytrace=False)
            pytest.skip(reason)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    return marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every transactional test (browser, worker) the reference data that migrations load.

    A transactional test empties every table when it ends, which would also remove the countries,
    country groups and seeded rule sets that data migrations created. On PostgreSQL the fixture
    ``_reference_data_restored`` copies them back from a snapshot taken right after migrating (a few
    ``COPY`` statements); elsewhere Django's ``serialized_rollback`` restores them, object by object.
    """
    for item in items:
        if not _transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        kwargs["transaction"] = True
        if not _postgres_ok():
            kwargs["serialized_rollback"] = True
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@dataclass
class ReferenceSnapshot:
    """The rows of every non-empty table right after migrating, in PostgreSQL's COPY format."""

    tables: dict[str, bytes]

    @classmethod
    def take(cls, connection) -> ReferenceSnapshot:
        tables: dict[str, bytes] = {}
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.django_table_names(only_existing=True, include_views=False)):
                name = connection.ops.quote_name(table)
                with cursor.copy(f"COPY {name} TO STDOUT") as copy:
                    data = b"".join(bytes(chunk) for chunk in copy)
                if data:
                    tables[table] = data
        return cls(tables)

    def restore(self, connection) -> None:
        """Put the snapshot's rows back (replacing what those tables hold) and reset their sequences."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import transaction

        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in self.tables]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table, data in self.tables.items():
                name = connection.ops.quote_name(table)
                cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - a table name from the introspection
                with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                    copy.write(data)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


_reference_snapshot: list[ReferenceSnapshot] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's database set-up, then (PostgreSQL) a snapshot of the reference data it migrated in."""
    if _postgres_ok():
        from django.db import connection

        with django_db_blocker.unblock():
            _reference_snapshot.append(ReferenceSnapshot.take(connection))
    yield
    _reference_snapshot.clear()


@pytest.fixture(autouse=True)
def _reference_data_restored(request) -> None:
    """Transactional tests on PostgreSQL start with the reference data of a freshly migrated database."""
    if not (_reference_snapshot and _transactional(request.node)):
        return
    from django.db import connection

    request.getfixturevalue("transactional_db")
    _reference_snapshot[0].restore(connection)


# --- Celery worker ------------------------------------------------------------------------------


@dataclass
class WorkerProcess:
    """A real ``celery worker`` subprocess bound to the test database and a private queue."""

    queue: str
    mail_dir: Path
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None
    extra_args: list[str] = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        cmd = [
            sys.executable, "-m", "celery", "-A", "aiexports", "worker", "--loglevel=INFO",
            "-Q", self.queue, "-n", f"{self.queue}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle",
            "--without-gossip", *self.extra_args,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        from aiexports.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log()}")
            replies = app.control.ping(timeout=0.5) or []
            if any(self.queue in name for reply in replies for name in reply):
                return
            time.sleep(0.3)
        raise RuntimeError(f"celery worker did not answer ping within {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def sent_mail(self) -> list[str]:
        return [p.read_text(errors="replace") for p in sorted(self.mail_dir.glob("*"))]


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.2) -> object:
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


@pytest.fixture
def celery_worker_factory(transactional_db, settings, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery workers against the test database and REDIS_URL, on a queue private to this test.

    The test database must be committed to (``transactional_db``) so the worker sees the rows.
    """
    from django.db import connection

    from aiexports.celery import app

    queue = f"aix-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aiexports.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AIX_CELERY_QUEUE": queue,
        "AIX_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "AIX_TEST_EMAIL_DIR": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    workers: list[WorkerProcess] = []

    def start(*extra_args: str) -> WorkerProcess:
        worker = WorkerProcess(
            queue=queue, mail_dir=mail_dir, env=env, log_path=tmp_path / f"worker{len(workers)}.log",
            extra_args=list(extra_args) or ["--pool=solo"],
        )  # fmt: skip
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager, app.conf.task_default_queue = old
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.fixture
def celery_worker(celery_worker_factory) -> WorkerProcess:
    """One running worker (solo pool)."""
    return celery_worker_factory()


# --- Browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="session")
def _playwright_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(request, _playwright_browser, live_server):
    """A fresh browser context and page; ``page.goto('/path')`` resolves against the live server."""
    context = _playwright_browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, impacts: set[str] | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; return its violations, optionally by impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text())
    # resultTypes: axe still runs every rule, but details only the violations (much faster on long pages).
    script = (
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
    )
    result = page.evaluate(script, AXE_TAGS)
    violations = result["violations"]
    if impacts is not None:
        violations = [v for v in violations if v.get("impact") in impacts]
    return violations


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} -> {targets}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)`` fails the test with the rule ids and targets of any axe violation."""

    def check(page, *, impacts: set[str] | None = None) -> None:
        violations = axe_violations(page, impacts=impacts)
        assert not violations, f"axe-core violations on {page.url}:\n{format_violations(violations)}"

    return check


@pytest.fixture
def throttle_rates(monkeypatch) -> Callable[..., None]:
    """``throttle_rates(submissions="2/hour")`` sets DRF throttle rates for this test only.

    DRF copies ``DEFAULT_THROTTLE_RATES`` into ``SimpleRateThrottle.THROTTLE_RATES`` once, at import, so the
    ``settings`` fixture cannot change them. The rates are patched on the base class and undone after the
    test; a copy left on a subclass (which would hide the patch and leak between tests) is removed too.
    """
    from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

    def set_rates(**rates: str) -> None:
        for throttle in (AnonRateThrottle, UserRateThrottle, ScopedRateThrottle):
            if "THROTTLE_RATES" in vars(throttle):
                monkeypatch.delattr(throttle, "THROTTLE_RATES")
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **rates})

    return set_rates


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploaded files of each test go to a temporary private folder."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    yield
    shutil.rmtree(tmp_path / "private-media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and lockouts live in the cache: start every test with an empty one.

    The content-type cache is cleared too: a transactional test empties the table and ids may change; and so
    are the catalog's in-process copies (its version and hot fragments, ``catalog.cache``).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from catalog.cache import clear_local

    cache.clear()
    clear_local()
    ContentType.objects.clear_cache()
    yield


def send_queued_mail() -> int:
    """Deliver every e-mail waiting in the outbox now, as the worker would after commit (tests run in a
    transaction that never commits). Returns how many were sent."""
    from aiexports.outbox.models import OutboxMail
    from aiexports.outbox.services import outbox_mail_deliver

    ids = OutboxMail.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
    return sum(outbox_mail_deliver(mail_id=pk) == "sent" for pk in list(ids))


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request in another one leaves it active in the thread
    (LocaleMiddleware activates, nothing deactivates), and a later test would read its messages translated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
