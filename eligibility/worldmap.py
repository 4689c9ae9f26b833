"""The world map drawn beside eligibility results, from the npm package ``@svg-maps/world`` (CC BY 4.0).

The package's ``world.svg`` is 1.2 MB of relative coordinates with three decimals: far more detail than a
small map needs. It is read once per process, its paths converted to absolute points, thinned to a
tolerance and rounded, so the inline SVG of a package page stays small. The SVG is rendered with CSS
classes only (the CSP forbids inline styles). Without ``node_modules`` the map is simply left out: the
table of countries carries the same information.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SVG_PATH = Path(settings.BASE_DIR) / "node_modules" / "@svg-maps" / "world" / "world.svg"
ATTRIBUTION = "Map: @svg-maps/world by VictorCazanave, CC BY 4.0"  # the English credit (docs, exports)


def map_attribution() -> str:
    """The map's credit in the active language (the work's name, author and licence stay as they are)."""
    from django.utils.translation import gettext

    return gettext("Map: %(work)s by %(author)s, %(licence)s") % {
        "work": "@svg-maps/world", "author": "VictorCazanave", "licence": "CC BY 4.0",
    }  # fmt: skip


_PATH_RE = re.compile(r"<path\s+([^>]*?)/?>", re.S)
_ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
_TOKEN_RE = re.compile(r"[mMzZlL]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class MapShape:
    code: str  # ISO alpha-2, upper case
    name: str
    d: str


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    shapes: tuple[MapShape, ...]


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Absolute points of each subpath of a path made of relative ``m``/``l`` moves and ``z``."""
    tokens = _TOKEN_RE.findall(d)
    paths: list[list[tuple[float, float]]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "l"
    numbers: list[float] = []
    current: list[tuple[float, float]] = []
    for token in tokens:
        if token in "mMlLzZ":
            command = token
            if token in "zZ":
                if current:
                    paths.append(current)
                current = []
                x, y = start
            continue
        numbers.append(float(token))
        if len(numbers) < 2:
            continue
        dx, dy = numbers
        numbers = []
        relative = command.islower()
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "mM":
            if current:
                paths.append(current)
            current = [(x, y)]
            start = (x, y)
            command = "l" if relative else "L"
        else:
            current.append((x, y))
    if current:
        paths.append(current)
    return paths


def _thin(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    kept = [points[0]]
    for px, py in points[1:]:
        lx, ly = kept[-1]
        if abs(px - lx) + abs(py - ly) >= tolerance:
            kept.append((px, py))
    return kept


def _simplify(d: str, tolerance: float) -> str:
    parts = []
    subpaths = _subpaths(d)
    largest = max(subpaths, key=len, default=[])
    for points in subpaths:
        thinned = _thin(points, tolerance)
        if len(thinned) < 3 and points is not largest:
            continue  # a speck of an island: invisible at this scale
        if len(thinned) < 3:
            thinned = points[:: max(1, len(points) // 4)] or points
        coords = " ".join(f"{px:.0f},{py:.0f}" for px, py in thinned)
        parts.append(f"M{coords}Z")
    return "".join(parts)


@lru_cache(maxsize=2)
def world_map(tolerance: float = 2.0) -> WorldMap | None:
    """The simplified map, or ``None`` when the npm package is not installed."""
    try:
        text = SVG_PATH.read_text(encoding="utf-8")
    except OSError:
        return None
    view_box = re.search(r'viewBox="([^"]+)"', text)
    shapes = []
    for match in _PATH_RE.finditer(text):
        attrs = dict(_ATTR_RE.findall(match.group(1)))
        code = attrs.get("id", "")
        if len(code) != 2:
            continue  # U.S. minor outlying islands (um-*) have no ISO alpha-2 code of their own
        shapes.append(
            MapShape(code=code.upper(), name=attrs.get("aria-label") or code, d=_simplify(attrs["d"], tolerance))
        )
    return WorldMap(view_box=view_box.group(1) if view_box else "0 0 1010 666", shapes=tuple(shapes))
