"""Eligibility services. The catalog calls ``eligibility_check_request`` when a package is submitted.

(Stub until the eligibility issue lands: it will create a pending check row under the active rule set
and enqueue it with ``transaction.on_commit``.)
"""

from __future__ import annotations


def eligibility_check_request(*, package_id: int, actor: object = None) -> None:
    """Ask for an eligibility check of one package under the active rule set (after commit)."""
    return None
