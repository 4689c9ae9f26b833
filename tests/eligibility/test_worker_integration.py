"""Eligibility checks with REAL Celery workers against PostgreSQL and Redis, including crashes.

Leases, retry delays and attempts are shortened through the environment (the worker reads them at start),
and the sweeper is run from the test process, as Celery beat would run it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.db.models import Count

from catalog.choices import Category, PackageStatus
from catalog.models import Component, Country, Package
from eligibility import services
from eligibility.choices import CheckStatus
from eligibility.models import EligibilityCheck, EligibilityResult
from tests.conftest import wait_until
from tests.factories import ConsortiumFactory

pytestmark = pytest.mark.worker

LEASE = 4
MAX_ATTEMPTS = 3


@pytest.fixture
def elig_env(monkeypatch, settings):
    """Short leases for the worker (environment) and for the in-process sweeper (settings)."""
    for name, value in {
        "AIX_ELIGIBILITY_LEASE_SECONDS": LEASE,
        "AIX_ELIGIBILITY_MAX_ATTEMPTS": MAX_ATTEMPTS,
        "AIX_ELIGIBILITY_RETRY_SECONDS": 1,
    }.items():
        monkeypatch.setenv(name, str(value))
        setattr(settings, name, value)


@pytest.fixture
def workers(elig_env, reference_data, celery_worker_factory):
    return celery_worker_factory


def make_packages(n: int, *, nan_tpp: int = 0) -> list[int]:
    consortium = ConsortiumFactory()
    packages = Package.objects.bulk_create(
        Package(consortium=consortium, title=f"P{i}", slug=f"p-{i}", status=PackageStatus.SUBMITTED) for i in range(n)
    )
    Component.objects.bulk_create(
        Component(package=p, layer="hardware", category=Category.ACCELERATOR, name="GPU", tpp=15832, quantity=8)
        for p in packages
    )
    if nan_tpp:
        Component.objects.filter(package__in=packages[:nan_tpp]).update(tpp=float("nan"))
    return [p.pk for p in packages]


def statuses() -> dict[str, int]:
    return dict(EligibilityCheck.objects.values_list("status").annotate(n=Count("pk")))


def sweep_until_settled(timeout: float) -> dict[str, int]:
    """Run the sweeper every second (as beat would) until no check is pending or running."""

    def settled():
        services.eligibility_sweep()
        counts = statuses()
        return counts if not counts.get("pending") and not counts.get("running") else None

    return wait_until(settled, timeout=timeout, interval=1.0)


def assert_one_result_per_package_and_country(package_ids: list[int]) -> None:
    countries = Country.objects.count()
    assert EligibilityResult.objects.filter(package_id__in=package_ids).count() == len(package_ids) * countries
    per_pair = EligibilityResult.objects.values("package_id", "country_id").annotate(n=Count("pk"))
    assert not per_pair.filter(n__gt=1).exists()


def test_a_submitted_packages_check_yields_a_result_for_every_country(workers):
    workers()
    [package_id] = make_packages(1)
    check = services.eligibility_check_request(package_id=package_id)
    wait_until(lambda: EligibilityCheck.objects.filter(pk=check.pk, status=CheckStatus.DONE).exists(), timeout=60)
    assert_one_result_per_package_and_country([package_id])
    assert EligibilityResult.objects.get(package_id=package_id, country_id="CN").outcome == "prohibited"


def test_killing_the_worker_mid_fan_out_loses_no_check(workers, reference_data):
    package_ids = make_packages(300)
    first = workers()
    draft = services.ruleset_clone(ruleset=reference_data, new_version="ear-kill-test", actor=None)
    assert services.ruleset_activate(ruleset=draft, actor=None) == 300
    wait_until(lambda: statuses().get("done", 0) >= 20, timeout=120)
    first.kill()
    assert statuses().get("done", 0) < 300, "the fan-out finished before the crash: nothing was tested"
    workers()
    counts = sweep_until_settled(timeout=300)
    assert counts == {"done": 300}
    assert_one_result_per_package_and_country(package_ids)
    assert set(EligibilityResult.objects.values_list("ruleset_version", flat=True)) == {"ear-kill-test"}


def test_a_check_that_always_fails_stops_after_max_attempts_and_the_queue_keeps_draining(workers, reference_data):
    package_ids = make_packages(20, nan_tpp=1)
    workers()
    with_nan = package_ids[0]
    ids = services.eligibility_checks_create(ruleset=reference_data, package_ids=package_ids, trigger="staff")
    assert len(ids) == 20
    counts = sweep_until_settled(timeout=120)
    assert counts == {"done": 19, "failed": 1}
    failed = EligibilityCheck.objects.get(status=CheckStatus.FAILED)
    assert failed.package_id == with_nan and failed.attempts == MAX_ATTEMPTS
    assert "finite" in failed.last_error
    assert_one_result_per_package_and_country(package_ids[1:])


def _free_port(start: int = 6390) -> int:
    for port in range(start, start + 100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a private redis-server")


class PrivateRedis:
    """A throw-away redis-server (no persistence): restarting it loses every queued message."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _ping(client), timeout=10, interval=0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _ping(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def private_redis(monkeypatch):
    """Point the workers and this process's Celery app at a private redis-server (never the shared one)."""
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server binary")
    from aiexports.celery import app

    server = PrivateRedis(_free_port())
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it from the environment first

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    yield server
    server.stop()
    monkeypatch.undo()
    reset_pools()


def test_restarting_redis_mid_run_loses_no_check(private_redis, elig_env, reference_data, celery_worker_factory):
    package_ids = make_packages(150)
    celery_worker_factory()
    ids = services.eligibility_checks_create(ruleset=reference_data, package_ids=package_ids, trigger="staff")
    assert len(ids) == 150
    wait_until(lambda: statuses().get("done", 0) >= 10, timeout=120)
    private_redis.stop()  # every queued message is gone with it
    time.sleep(1)
    private_redis.start()
    assert statuses().get("done", 0) < 150, "the run finished before the restart: nothing was tested"
    counts = sweep_until_settled(timeout=300)
    assert counts == {"done": 150}
    assert_one_result_per_package_and_country(package_ids)
