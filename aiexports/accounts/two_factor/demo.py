"""DEMO ONLY: a fixed authenticator-app key and fixed recovery codes for the demo staff account.

Called by the demo loader (``manage.py load_demo_data``, ``make demo``) and nowhere else: a real account
enrols its own random key on its first admin sign-in. Idempotent: each run puts the same key and the same
ten recovery codes back (used ones included) and clears any throttling.
"""

from __future__ import annotations

from base64 import b32encode
from typing import IO

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record

from . import selectors

DEMO_DEVICE_NAME = "Demo authenticator (demo only)"
# 20 bytes spelling "aiexports-demo-only!": base32 MFUWK6DQN5ZHI4ZNMRSW23ZNN5XGY6JB, the key shown in README.md.
DEMO_TOTP_KEY_HEX = b"aiexports-demo-only!".hex()
DEMO_RECOVERY_CODES = [f"demo-{n:04d}" for n in range(1, 11)]


def demo_totp_secret() -> str:
    return b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")


def load(staff: User, stdout: IO[str]) -> None:
    with transaction.atomic():
        device, created = TOTPDevice.objects.update_or_create(
            user=staff,
            name=DEMO_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True, "throttling_failure_count": 0,
                      "throttling_failure_timestamp": None},
        )  # fmt: skip
        codes, _ = StaticDevice.objects.update_or_create(
            user=staff,
            name=selectors.RECOVERY_DEVICE_NAME,
            defaults={"confirmed": True, "throttling_failure_count": 0, "throttling_failure_timestamp": None},
        )
        wanted = {code.replace("-", "") for code in DEMO_RECOVERY_CODES}
        have = set(codes.token_set.values_list("token", flat=True))
        codes.token_set.exclude(token__in=wanted).delete()
        StaticToken.objects.bulk_create([StaticToken(device=codes, token=t) for t in sorted(wanted - have)])
        if created or wanted != have:
            audit_record(
                actor=None,
                action="mfa.demo_devices_loaded",
                target=staff,
                message="Demo loader: the demo-only authenticator key and recovery codes were (re)set.",
            )
    stdout.write(f"Staff second factor (DEMO ONLY): authenticator key {demo_totp_secret()}")
    stdout.write(f"  recovery codes (each once; make demo restores them): {', '.join(DEMO_RECOVERY_CODES)}")
