"""Second-factor writes: enrolment, verification (with lockout), recovery codes, reset. Each is audited.

Devices are django-otp's: a ``TOTPDevice`` per authenticator app (``confirmed=False`` while being enrolled)
and one ``StaticDevice`` named "Recovery codes" holding single-use tokens. django-otp throttles each device
(exponential back-off, ``OTP_*_THROTTLE_FACTOR``); on top of that, ``AIX_OTP_FAILURE_LIMIT`` consecutive wrong
codes lock verification for ``AIX_OTP_LOCKOUT_MINUTES`` (``selectors.locked_until``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes

from . import selectors

TOTP_DEVICE_NAME = "Authenticator app"


class Outcome(enum.Enum):
    VERIFIED = "verified"  # an authenticator-app code
    RECOVERY_CODE_USED = "recovery_code_used"
    WRONG = "wrong"
    THROTTLED = "throttled"  # django-otp's back-off: wait a few seconds
    LOCKED = "locked"  # AIX_OTP_FAILURE_LIMIT consecutive failures: wait AIX_OTP_LOCKOUT_MINUTES
    NO_DEVICE = "no_device"


@dataclass
class Verification:
    outcome: Outcome
    device: Device | None = None
    retry_at: datetime | None = None
    recovery_codes_left: int | None = None
    new_recovery_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.VERIFIED, Outcome.RECOVERY_CODE_USED)


def normalize_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, recovery codes in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


def _is_totp_code(code: str) -> bool:
    return code.isdigit() and len(code) == 6


def _summary(user: User) -> dict[str, int]:
    return {
        "authenticator_apps": len(selectors.totp_devices(user)),
        "recovery_codes_left": selectors.recovery_codes_left(user),
    }


def mfa_enrolment_begin(*, user: User, ip_address: str | None = None) -> TOTPDevice:
    """The authenticator app being enrolled: the pending one, or a new one with a fresh random key."""
    with transaction.atomic():
        device = selectors.pending_totp_device(user)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            audit_record(
                actor=user,
                action="mfa.enrolment_started",
                target=user,
                message="A new authenticator-app key was shown for enrolment.",
                ip_address=ip_address,
            )
    return device


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ``AIX_OTP_RECOVERY_CODES`` new random ones (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=selectors.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    tokens = [StaticToken.random_token() for _ in range(settings.AIX_OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [format_recovery_code(t) for t in tokens]


def _failed(user: User, devices: list[Device], ip_address: str | None, during: str) -> Verification:
    """Audit a wrong code; the failure that reaches the limit is also audited as a lockout."""
    counts = [getattr(d, "throttling_failure_count", 0) for d in devices]
    audit_record(
        actor=user,
        action="mfa.verification_failed",
        target=user,
        message=f"A wrong code during {during} ({max(counts, default=0)} in a row).",
        ip_address=ip_address,
    )
    if settings.AIX_OTP_FAILURE_LIMIT in counts:
        audit_record(
            actor=user,
            action="mfa.locked_out",
            target=user,
            message=(
                f"Second-factor codes refused for {settings.AIX_OTP_LOCKOUT_MINUTES} minutes after "
                f"{settings.AIX_OTP_FAILURE_LIMIT} wrong codes in a row."
            ),
            ip_address=ip_address,
        )
    until = selectors.locked_until(user)
    return Verification(Outcome.LOCKED, retry_at=until) if until else Verification(Outcome.WRONG)


def _try(devices: list[Device], code: str) -> tuple[Device | None, list[Device], datetime | None]:
    """(the device that accepted the code, the devices that tried it, when a throttled device allows again)."""
    tried: list[Device] = []
    retry_at = None
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            retry_at = (info or {}).get("locked_until")
            continue
        tried.append(device)
        if device.verify_token(code):
            return device, tried, None
    return None, tried, retry_at


def mfa_enrolment_confirm(*, user: User, code: str, ip_address: str | None = None) -> Verification:
    """Confirm the pending authenticator app with a code from it; on success, create the recovery codes."""
    code = normalize_code(code)
    with transaction.atomic():
        pending = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if pending is None:
            return Verification(Outcome.NO_DEVICE)
        until = selectors.locked_until(user)
        if until:
            return Verification(Outcome.LOCKED, retry_at=until)
        before = _summary(user)
        device, tried, retry_at = _try([pending], code)
        if device is None:
            if not tried:
                return Verification(Outcome.THROTTLED, retry_at=retry_at)
            return _failed(user, tried, ip_address, "enrolment")
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action="mfa.enrolled",
            target=user,
            changes=field_changes(before, _summary(user)),
            message="Enrolled an authenticator app; new recovery codes were shown once.",
            ip_address=ip_address,
        )
    return Verification(Outcome.VERIFIED, device=pending, new_recovery_codes=codes)


def mfa_verify(*, user: User, code: str, ip_address: str | None = None) -> Verification:
    """Check a code: six digits against the authenticator app(s), anything else against the recovery codes
    (each single use). Wrong codes are throttled by django-otp and locked out after the limit."""
    code = normalize_code(code)
    with transaction.atomic():
        if not selectors.has_totp_device(user):
            return Verification(Outcome.NO_DEVICE)
        until = selectors.locked_until(user)
        if until:
            return Verification(Outcome.LOCKED, retry_at=until)
        if _is_totp_code(code):
            devices: list[Device] = list(
                TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
            )
        else:
            devices = list(
                StaticDevice.objects.devices_for_user(user, confirmed=True)
                .filter(name=selectors.RECOVERY_DEVICE_NAME)
                .select_for_update()
            )
        before = _summary(user)
        device, tried, retry_at = _try(devices, code) if code else (None, devices, None)
        if device is None:
            if devices and not tried:
                return Verification(Outcome.THROTTLED, retry_at=retry_at)
            return _failed(user, tried or devices, ip_address, "sign-in")
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            audit_record(
                actor=user,
                action="mfa.recovery_code_used",
                target=user,
                changes=field_changes(before, _summary(user)),
                message=f"Signed in to the admin with a recovery code ({left} left).",
                ip_address=ip_address,
            )
            return Verification(Outcome.RECOVERY_CODE_USED, device=device, recovery_codes_left=left)
        audit_record(
            actor=user, action="mfa.verified", target=user, message="Passed the second factor.", ip_address=ip_address
        )
    return Verification(Outcome.VERIFIED, device=device)


def mfa_recovery_codes_regenerate(*, user: User, ip_address: str | None = None) -> list[str]:
    """New recovery codes for a user who has an authenticator app; the old ones stop working."""
    with transaction.atomic():
        before = _summary(user)
        codes = _new_recovery_codes(user)
        after = _summary(user)
        changes = field_changes(before, after) or {
            "recovery_codes_left": {"before": before["recovery_codes_left"], "after": after["recovery_codes_left"]}
        }
        audit_record(
            actor=user,
            action="mfa.recovery_codes_regenerated",
            target=user,
            changes=changes,
            message="New recovery codes were generated; the previous ones no longer work.",
            ip_address=ip_address,
        )
    return codes


def mfa_reset(*, user: User, actor: User | None = None, reason: str = "") -> dict[str, int]:
    """Remove every second-factor device of ``user`` (a lost phone): the next admin sign-in enrols anew.

    Returns what was there before. Sessions verified with a removed device are no longer verified.
    """
    with transaction.atomic():
        before = _summary(user)
        removed = 0
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
        before["devices"] = removed
        audit_record(
            actor=actor,
            actor_repr="" if actor else "operator (manage.py reset_staff_otp)",
            action="mfa.reset",
            target=user,
            changes=field_changes(before, {"authenticator_apps": 0, "recovery_codes_left": 0, "devices": 0}),
            message=reason or "Second factor reset: every device removed; the next admin sign-in enrols again.",
        )
    return before
