"""RFI reads used elsewhere (the home page). (Stub until the RFI issue lands.)"""

from __future__ import annotations


def open_notice_count() -> int:
    """How many RFI notices are open for responses right now."""
    return 0
