"""Route discovery shared by the sweeps that must cover every page: the permission walk and the
accessibility sweep. Both walk Django's URL resolver (every include, the DRF router, the admin), so a new
route is covered — or reported by name — without anyone remembering to add it to a list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "" for unnamed admin routes
    pattern: str  # the full pattern, prefixes included
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _kwargs_of(pattern) -> tuple[str, ...]:  # noqa: ANN001
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.regex.groupindex)


def walk(patterns, prefix: str = "", namespace: str = "", kwargs: tuple[str, ...] = ()) -> Iterator[Route]:  # noqa: ANN001
    for entry in patterns:
        here = kwargs + _kwargs_of(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns, here)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(name=name, pattern=prefix + str(entry.pattern), kwargs=here)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("admin/")


def fill(pattern: str, values: dict[str, str]) -> str:
    """The URL of ``pattern`` with each keyword replaced (works for path() and router regex patterns)."""
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], pattern)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
    return "/" + url.replace("^", "").replace("$", "")
