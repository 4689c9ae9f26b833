"""The CI gate of API fuzzing: schemathesis over every operation of the project's own OpenAPI schema.

In-process (the WSGI app, no server), against the demo data, authenticated with the API token of the demo
company user (who owns drafts), with every check schemathesis has: no server error, responses and status
codes and content types as the schema says, schema-valid input accepted, schema-violating input refused,
authentication not ignored, and the rest. Bounded and reproducible: the schema's own examples plus ``EXAMPLES``
generated cases per operation, a fixed ``SEED``, derandomized. A failure prints the request to replay it.

``make fuzz`` is the long run of the same tool (more examples, the slow coverage and stateful phases).
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests

from aiexports.portal import demo as portal_demo
from aiexports.portal.demo import DEMO_COMPANY
from catalog import demo as catalog_demo
from catalog.choices import PackageStatus
from catalog.models import Package
from eligibility.selectors import ruleset_active
from eligibility.services import eligibility_compute_now
from rfi import demo as rfi_demo
from tests.hardening.fuzzconfig import fuzz_objects, operations

EXAMPLES = 8  # generated cases per operation in the fuzzing phase (on top of the schema's own examples)
SEED = 20251128


def fuzz_config(*, token: str, objects: dict[str, str | int]) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
            "checks": {"enabled": True},
            # The coverage phase alone takes minutes (it enumerates every boundary of every parameter):
            # ``make fuzz`` runs it, with the stateful phase.
            "phases": {"examples": {"enabled": True}, "fuzzing": {"enabled": True}, "coverage": {"enabled": False}},
            "auth": {"openapi": {"tokenAuth": {"api_key": f"Token {token}"}}},
            # Real objects, so that those operations reach more than a 404 (the same as ``make fuzz``).
            "operations": operations(objects),
        }
    )


@pytest.fixture
def api_schema(request, db, settings, monkeypatch):
    """The schema of the running app, with demo data and a token of a user that owns drafts; no rate limits."""
    settings.RATELIMIT_ENABLE = False
    # As Django's test client does: the WSGI handler must not close the connection holding the test transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request.addfinalizer(lambda: signals.request_started.connect(close_old_connections))
    request.addfinalizer(lambda: signals.request_finished.connect(close_old_connections))
    lifted = dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "100000/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", lifted)
    _load_demo_data()
    token = Token.objects.create(user_id=_company_user_id())
    objects = fuzz_objects(token.user)
    config = fuzz_config(token=token.key, objects=objects)
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=config)


def _load_demo_data() -> None:
    """The demo data (users, catalog, RFI notices) with eligibility results for one published package only:
    computing them for every package, as ``load_demo_data`` does, would take half of the gate's time."""
    out = io.StringIO()
    for loader in (portal_demo, catalog_demo, rfi_demo):
        loader.load(out)
    published = Package.objects.filter(status=PackageStatus.PUBLISHED).order_by("pk").first()
    eligibility_compute_now(package_id=published.pk, ruleset=ruleset_active())


def _company_user_id() -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=DEMO_COMPANY[0]).pk


def _call_and_validate(case) -> None:
    case.call_and_validate()


def test_every_api_operation_keeps_the_promises_of_its_schema(api_schema):
    # One Hypothesis test per operation (what ``schema.parametrize()`` builds; its pytest wrapper does not run
    # under pytest 9), all run in this test's database transaction; every operation's failures are reported.
    failures, operations = [], 0
    for result in get_all_tests(schema=api_schema, test_func=_call_and_validate, settings=None, given_kwargs=None):
        if not isinstance(result, Ok):
            failures.append(f"{result.err().label}: invalid schema: {result.err()}")
            continue
        operation, run = result.ok()
        operations += 1
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # each operation's failures are collected, then all reported
            failures.append(f"{operation.label}\n{exc}")
    assert operations >= 27, "every operation of the schema is exercised"
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)
