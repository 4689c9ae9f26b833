"""The one home of the public catalog's caches: keys, the catalog version, its bumps and every cached read.

Everything a public catalog page or API response caches (totals, facet counts, rendered list cards, API list
items, package pages, eligibility panels, API details, whole responses) is stored under a key built by ``key()``,
which starts with the current **catalog version**. Invariants (tested in ``tests/catalog/test_cache.py``):

1. **A bump hides every older entry.** Keys contain the version; ``bump()`` moves it to a new number that no
   earlier key used (an increment, or — when the version was lost from Redis — the current time in
   microseconds, larger than any earlier version unless more than a million bumps a second were made). Old
   entries are never read again and expire after
   ``AIX_CATALOG_FACETS_CACHE_SECONDS``.
2. **Bumps happen on commit.** ``bump()`` registers one ``transaction.on_commit`` callback per transaction (at
   once outside a transaction): a rolled-back change never invalidates anything, a committed one always does.
   Every write of something a public page shows — a package, its components, targets and sectors, its
   consortium and members, an organization, a country, a region, a sector, a rule set (its name is shown), an
   eligibility result — ends in ``bump()`` (the signal handlers in ``catalog.models.search`` and
   ``eligibility.services.eligibility_results_write``).
3. **No stale value under a new version.** A request reads the version *before* it reads the data it caches,
   and the version only moves after the data is committed; so a value built from old data is stored under an
   old version, never under the new one.
4. **Bounded staleness.** A process reads the version from Redis at most once per
   ``AIX_CATALOG_VERSION_LOCAL_SECONDS`` (default 1 s, at most 1 s) and once per request; the process that
   bumps sees its own bump at once. So a committed change is visible on every worker within that bound.
   Hot entries are also kept in a small in-process LRU (``AIX_CATALOG_LOCAL_CACHE_ENTRIES``): they are keyed by
   the version too, so they are exactly as fresh as the version.

The Redis client is the project's pooled cache backend (``aiexports.redis_cache``): one client per process,
and ``get_many`` for the several keys of one request.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import get_language

T = TypeVar("T")

VERSION_KEY = "catalog:version"
_MISSING = object()


def cache_seconds() -> int:
    """How long derived catalog data is cached (``AIX_CATALOG_FACETS_CACHE_SECONDS``); 0 disables it."""
    return getattr(settings, "AIX_CATALOG_FACETS_CACHE_SECONDS", 300)


def _local_seconds() -> float:
    return min(1.0, max(0.0, float(getattr(settings, "AIX_CATALOG_VERSION_LOCAL_SECONDS", 1.0))))


def _local_entries() -> int:
    return max(0, int(getattr(settings, "AIX_CATALOG_LOCAL_CACHE_ENTRIES", 128)))


# --- the version ---------------------------------------------------------------------------------------

_lock = threading.Lock()
_local_version: list[Any] = [None, 0.0]  # [version, monotonic time it was read]
_request_version: contextvars.ContextVar[int | None] = contextvars.ContextVar("catalog_version", default=None)


def _fresh_version() -> int:
    # Microseconds, not milliseconds: a version set from the clock and bumped once (+1) within the same millisecond
    # would otherwise be above the clock when it is lost and read again at once.
    return int(time.time() * 1_000_000)


def _read_version() -> int:
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, _fresh_version(), None)
        value = cache.get(VERSION_KEY)
    return int(value)


def version() -> int:
    """The current catalog version: read once per request, and from Redis at most once per local bound."""
    current = _request_version.get()
    if current is not None:
        return current
    bound = _local_seconds()
    now = time.monotonic()
    with _lock:
        value, read_at = _local_version
    if value is None or now - read_at >= bound:
        value = _read_version()
        with _lock:
            _local_version[:] = [value, now]
    _request_version.set(value)
    return value


def forget_request_version(**kwargs: Any) -> None:
    """Start of a request: the next ``version()`` reads the (locally cached) version again."""
    _request_version.set(None)


request_started.connect(forget_request_version, dispatch_uid="catalog.cache.request_started")


def _bump_now() -> None:
    try:
        value = cache.incr(VERSION_KEY)
    except ValueError:  # not set, or lost: a time-based value is above every version used before
        value = max(_fresh_version(), int(_local_version[0] or 0) + 1)
        cache.set(VERSION_KEY, value, None)
    with _lock:
        _local_version[:] = [value, time.monotonic()]
    _request_version.set(None)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Invalidate everything cached under the current version once the current transaction commits (at once
    outside a transaction). Called many times in one transaction, it bumps once."""
    connection = connections[using]
    pending = connection.run_on_commit  # (savepoint ids, callback, robust) triples in Django 5.2
    if connection.in_atomic_block and any(item[1] is _bump_now for item in pending):
        return
    transaction.on_commit(_bump_now, using=using, robust=True)


# --- the small in-process cache in front of Redis --------------------------------------------------------

_lru: OrderedDict[str, Any] = OrderedDict()


def _lru_get(full_key: str) -> Any:
    if not _local_entries():
        return _MISSING
    with _lock:
        value = _lru.get(full_key, _MISSING)
        if value is not _MISSING:
            _lru.move_to_end(full_key)
    return value


def _lru_set(full_key: str, value: Any) -> None:
    limit = _local_entries()
    if not limit:
        return
    with _lock:
        _lru[full_key] = value
        _lru.move_to_end(full_key)
        while len(_lru) > limit:
            _lru.popitem(last=False)


def local_get(full_key: str, default: Any = None) -> Any:
    """The in-process copy of ``full_key`` (a ``key()``), or ``default``."""
    value = _lru_get(full_key)
    return default if value is _MISSING else value


def local_set(full_key: str, value: Any) -> None:
    """Keep ``value`` in the in-process LRU under ``full_key`` (a ``key()``, so as fresh as the version)."""
    _lru_set(full_key, value)


def clear_local() -> None:
    """Forget the in-process copies (the version and the LRU); tests call it to simulate another worker."""
    with _lock:
        _lru.clear()
        _local_version[:] = [None, 0.0]
    _request_version.set(None)


# --- keys and cached reads ---------------------------------------------------------------------------------


def key(kind: str, *parts: Hashable, language: bool = True) -> str:
    """``catalog:<kind>:<version>[:<language>]:<parts>``: every cached catalog value's key."""
    head = f"catalog:{kind}:{version()}"
    if language:
        head += f":{get_language() or ''}"
    return ":".join([head, *(str(p) for p in parts)])


def get_or_build(kind: str, parts: tuple[Hashable, ...], build: Callable[[], T], *, language: bool = True,
                 local: bool = False) -> T:  # fmt: skip
    """``build()``, cached under ``key(kind, *parts)`` (and in the in-process LRU when ``local``). A ``build()``
    that raises (a 404) caches nothing. Disabled by ``AIX_CATALOG_FACETS_CACHE_SECONDS=0``."""
    seconds = cache_seconds()
    if not seconds:
        return build()
    full_key = key(kind, *parts, language=language)
    if local:
        value = _lru_get(full_key)
        if value is not _MISSING:
            return value
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, seconds)
    if local:
        _lru_set(full_key, value)
    return value


def get_many_or_build(kind: str, ids: list[int], build: Callable[[list[int]], list[T]], *, vary: str = "",
                      local: bool = False) -> list[T]:  # fmt: skip
    """One cached value per id (a rendered card, an API list item) under ``key(kind, vary, id)``: one
    ``get_many`` for the page, and ``build(missing ids)`` (values in the same order) for what is missing."""
    seconds = cache_seconds()
    if not seconds:
        return build(ids)
    keys = {pk: key(kind, vary, pk) for pk in ids}
    found: dict[str, Any] = {}
    if local:
        for full_key in keys.values():
            value = _lru_get(full_key)
            if value is not _MISSING:
                found[full_key] = value
    wanted = [k for k in keys.values() if k not in found]
    if wanted:
        found.update(cache.get_many(wanted))
    missing = [pk for pk in ids if keys[pk] not in found]
    fresh = dict(zip(missing, build(missing) if missing else [], strict=True))
    if fresh:
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, seconds)
        found.update({keys[pk]: value for pk, value in fresh.items()})
    if local:
        for full_key in keys.values():
            _lru_set(full_key, found[full_key])
    return [found[keys[pk]] for pk in ids]


# --- HTTP validators: ETag, Cache-Control, Vary and 304 on the public catalog's GET responses ----------------


def response_etag(request: Any, *, per_visitor: bool) -> str | None:
    """A weak ETag for a public catalog GET response, or None when the response must not be validated (caching
    disabled, messages waiting to be shown). It changes whenever what the response shows can change: the catalog
    version, the language, the address (scheme, host, path, query), the ``Accept`` header, the buyer's country
    (eligibility panels) and, for HTML (``per_visitor``), the signed-in user and the CSRF cookie the page's
    forms carry a token for. Costs no query for an anonymous visitor without a session."""
    if not cache_seconds():
        return None
    from django.contrib.messages import get_messages

    from eligibility.buyer import buyer_country

    storage = get_messages(request)
    if getattr(storage, "_queued_messages", None) or getattr(storage, "_loaded_messages", None):
        return None
    parts = [version(), get_language() or "", request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", ""),
             buyer_country(request) or ""]  # fmt: skip
    if per_visitor:
        user = getattr(request, "user", None)
        parts += [getattr(user, "pk", None) or "", request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")]
    return 'W/"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def etag_matches(request: Any, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks for GET)."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def add_validators(response: Any, etag: str | None, *, per_visitor: bool) -> Any:
    """ETag, ``Cache-Control`` (revalidate every time: ``private`` for per-visitor HTML, else ``public``) and
    ``Vary`` on a 200 or 304 response."""
    from django.utils.cache import patch_cache_control, patch_vary_headers

    if etag is None or response.status_code not in (200, 304):
        return response
    response["ETag"] = etag
    if per_visitor:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Accept", "Accept-Language", "Cookie"))
    return response


def conditional_page(view: Callable) -> Callable:
    """Decorate a public catalog HTML view: answer ``304 Not Modified`` without running it when the visitor's
    copy is current, and send the validators with every 200 (see ``response_etag``)."""
    from functools import wraps

    from django.http import HttpResponseNotModified

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        etag = response_etag(request, per_visitor=True)
        if etag is not None and etag_matches(request, etag):
            return add_validators(HttpResponseNotModified(), etag, per_visitor=True)
        return add_validators(view(request, *args, **kwargs), etag, per_visitor=True)

    return wrapped
