"""Second-factor helpers for tests: a confirmed authenticator app, its current code, a verified session."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiexports.accounts.two_factor.selectors import RECOVERY_DEVICE_NAME


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def recovery_codes(user, tokens: list[str]) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    for token in tokens:
        StaticToken.objects.create(device=device, token=token)
    return device


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device`` now (or ``steps_ahead`` 30-second steps later),
    computed from the key stored in the database, as the app computes it from the QR code."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    good = {code_for(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in good)


def verified_client(user, device=None, client: Client | None = None) -> Client:  # noqa: ANN001
    """A client signed in as ``user`` whose session passed the second factor with ``device``."""
    client = client or Client()
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
