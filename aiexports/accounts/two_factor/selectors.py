"""Reads of a user's second-factor devices (django-otp's TOTP and static devices)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiexports.accounts.models import User

RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_required() -> bool:
    return bool(getattr(settings, "AIX_ADMIN_REQUIRE_OTP", True))


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed a second factor? (django-otp's middleware sets ``user.is_verified``.)"""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def needs_second_factor(request: HttpRequest) -> bool:
    """A signed-in, active staff member whose session has not passed a second factor (while one is required)."""
    user = request.user
    return bool(
        second_factor_required() and user.is_authenticated and user.is_active and user.is_staff
    ) and not is_verified(request)


def totp_devices(user: User) -> list[TOTPDevice]:
    """The user's confirmed authenticator apps (usually one)."""
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"))


def has_totp_device(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice | None:
    """The authenticator app being enrolled (not yet confirmed with a code), if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).filter(name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def locked_until(user: User) -> datetime | None:
    """When codes are accepted again after ``AIX_OTP_FAILURE_LIMIT`` consecutive wrong ones on any device."""
    window = timedelta(minutes=settings.AIX_OTP_LOCKOUT_MINUTES)
    latest = None
    for model in (TOTPDevice, StaticDevice):
        for failed_at in model.objects.filter(
            user=user,
            throttling_failure_count__gte=settings.AIX_OTP_FAILURE_LIMIT,
            throttling_failure_timestamp__gt=timezone.now() - window,
        ).values_list("throttling_failure_timestamp", flat=True):
            latest = max(latest or failed_at, failed_at)
    return latest + window if latest else None
