"""Audit rows for sign-in events (Django auth signals and django-axes lockouts); no business flow here."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from aiexports.audit.services import audit_record
from aiexports.http import client_ip


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.sign_in", target=user, ip_address=client_ip(request) if request else None)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=user, action="auth.sign_out", target=user, ip_address=client_ip(request) if request else None
        )


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:200]
    audit_record(
        actor=None,
        actor_repr=attempted or "unknown",
        action="auth.sign_in_failed",
        message=f"Failed sign-in for {attempted!r}",
        ip_address=client_ip(request) if request else None,
    )


@receiver(user_locked_out, dispatch_uid="audit_user_locked_out")
def _locked_out(sender: Any, request: Any = None, username: Any = None, ip_address: Any = None, **kwargs: Any) -> None:
    attempted = str(username or "")[:200]
    audit_record(
        actor=None,
        actor_repr=attempted or "unknown",
        action="auth.locked_out",
        message=f"Sign-in locked after repeated failures for {attempted!r}",
        ip_address=ip_address or (client_ip(request) if request else None),
    )
