"""Signed links of the alert e-mails: confirm an alert, unsubscribe (one alert or all), manage one's alerts.

Each is ``django.core.signing`` data with a salt of its own and the time it was made. Forged or edited → invalid;
older than its maximum age → expired; a confirmation link of a confirmed alert, an unsubscribe link of an ended
alert, or any link made before "unsubscribe from everything" (which bumps the subscriber's ``token_version``)
→ used. Checking never changes anything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .models import Alert, Subscriber

SALT_CONFIRM = "aiexports.alerts.confirm"
SALT_UNSUBSCRIBE = "aiexports.alerts.unsubscribe"
SALT_MANAGE = "aiexports.alerts.manage"


class LinkState(enum.Enum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    subscriber: Subscriber | None = None
    alert: Alert | None = None


def confirm_token(alert: Alert) -> str:
    return signing.dumps({"a": alert.pk, "s": alert.subscriber_id}, salt=SALT_CONFIRM, compress=True)


def unsubscribe_token(subscriber: Subscriber, alert: Alert | None = None) -> str:
    data = {"s": subscriber.pk, "v": subscriber.token_version, "a": alert.pk if alert else None}
    return signing.dumps(data, salt=SALT_UNSUBSCRIBE, compress=True)


def manage_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "v": subscriber.token_version}, salt=SALT_MANAGE, compress=True)


def _load(token: str, salt: str, max_age: int) -> dict | LinkState:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        return LinkState.EXPIRED
    except signing.BadSignature:
        return LinkState.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return LinkState.INVALID
    return data


def check_confirm(token: str) -> LinkCheck:
    data = _load(token, SALT_CONFIRM, settings.AIX_ALERTS_CONFIRM_MAX_AGE)
    if isinstance(data, LinkState):
        return LinkCheck(data)
    alert_id = data.get("a")
    alert = (
        Alert.objects.select_related("subscriber", "country").filter(pk=alert_id, subscriber_id=data["s"]).first()
        if isinstance(alert_id, int)
        else None
    )
    if alert is None:
        return LinkCheck(LinkState.INVALID)
    if alert.confirmed_at or alert.ended_at:
        return LinkCheck(LinkState.USED, alert.subscriber, alert)
    return LinkCheck(LinkState.VALID, alert.subscriber, alert)


def _subscriber(data: dict) -> Subscriber | LinkState:
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None or not isinstance(data.get("v"), int):
        return LinkState.INVALID
    if data["v"] != subscriber.token_version:
        return LinkState.USED
    return subscriber


def check_unsubscribe(token: str) -> LinkCheck:
    data = _load(token, SALT_UNSUBSCRIBE, settings.AIX_ALERTS_LINK_MAX_AGE)
    if isinstance(data, LinkState):
        return LinkCheck(data)
    subscriber = _subscriber(data)
    if isinstance(subscriber, LinkState):
        return LinkCheck(subscriber)
    if data.get("a") is None:  # every alert of the subscriber
        live = subscriber.alerts.filter(ended_at__isnull=True).exists()
        return LinkCheck(LinkState.VALID if live else LinkState.USED, subscriber)
    alert = (
        subscriber.alerts.select_related("country").filter(pk=data["a"]).first() if isinstance(data["a"], int) else None
    )
    if alert is None:
        return LinkCheck(LinkState.INVALID)
    return LinkCheck(LinkState.USED if alert.ended_at else LinkState.VALID, subscriber, alert)


def check_manage(token: str) -> LinkCheck:
    data = _load(token, SALT_MANAGE, settings.AIX_ALERTS_LINK_MAX_AGE)
    if isinstance(data, LinkState):
        return LinkCheck(data)
    subscriber = _subscriber(data)
    if isinstance(subscriber, LinkState):
        return LinkCheck(subscriber)
    return LinkCheck(LinkState.VALID, subscriber)
