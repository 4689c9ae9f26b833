"""Demo data of this app (filled in by its issue)."""

from __future__ import annotations

from typing import IO


def load(stdout: IO[str]) -> None:
    """Create this app's demo rows idempotently."""
