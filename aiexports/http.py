"""Small helpers for adapters (views, admin, API) that deal with HTTP requests."""

from __future__ import annotations

from aiexports.clientip import client_ip

__all__ = ["client_ip"]  # the client's address, derived from AIX_TRUSTED_PROXY_COUNT (see aiexports/clientip.py)
