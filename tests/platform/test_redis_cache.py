"""The Redis cache backend keeps one client per process, and the API throttle costs one Redis round trip."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_cache(throttle_rates):
    location = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    backend = {"BACKEND": "aiexports.redis_cache.PooledRedisCache", "LOCATION": location,
               "KEY_PREFIX": f"aix-test-{os.getpid()}"}  # fmt: skip
    with override_settings(CACHES={"default": backend}):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_the_backend_hands_out_the_same_client_every_time(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client("some-key") is client
    redis_cache.set("k", {"a": 1}, 30)
    assert redis_cache.get("k") == {"a": 1}
    assert redis_cache.get_many(["k", "missing"]) == {"k": {"a": 1}}


def counting(monkeypatch, redis_cache) -> list[str]:
    client = redis_cache._cache.get_client(write=True)
    sent: list[str] = []
    real = client.execute_command

    def execute_command(*args, **kwargs):
        sent.append(str(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", execute_command)
    return sent


def test_the_throttle_checks_every_window_of_a_request_in_one_round_trip(redis_cache, throttle_rates, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.test import APIRequestFactory

    from aiexports.throttling import AnonAndUserRateThrottle

    throttle_rates(anon="3/min", user="100/min")
    request = APIRequestFactory().get("/api/v1/consortia/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    AnonAndUserRateThrottle().allow_request(request, None)  # loads the script once
    sent = counting(monkeypatch, redis_cache)
    allowed = []
    for _ in range(3):
        throttle = AnonAndUserRateThrottle()
        allowed.append(throttle.allow_request(request, None))
    assert allowed == [True, True, False], "the anon window (3/min) is full after 3 requests"
    assert [c.upper() for c in sent] == ["EVALSHA"] * 3, "one command per request, for both windows"
    assert 0 < throttle.wait() <= 60


def test_an_anonymous_api_client_gets_429_with_retry_after_on_redis(client, redis_cache, throttle_rates):
    throttle_rates(anon="3/min", user="100/min")
    assert [client.get("/api/v1/consortia/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(client.get("/api/v1/consortia/")["Retry-After"]) > 0


def test_a_signed_in_client_is_held_to_the_user_rate_on_redis(client, redis_cache, throttle_rates):
    throttle_rates(anon="1/min", user="3/min")
    client.force_login(UserFactory())
    assert [client.get("/api/v1/consortia/").status_code for _ in range(4)] == [200, 200, 200, 429]
