"""Writes of the alerts app: subscribe (double opt-in), confirm, end alerts, find new matches, send digests.

Every change a person makes (subscribe, confirm, unsubscribe) writes its audit row in the same transaction.
Finding matches and sending digests are worker bookkeeping on derived rows (announcements), idempotent: an
announcement is unique per subscriber × package, so a package is announced to a subscriber once, whatever runs
twice. E-mail is queued in the outbox (``aiexports.outbox``) in the same transaction as the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aiexports.audit.services import audit_record
from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail
from aiexports.tasks_enqueue import enqueue_on_commit
from catalog.choices import PackageStatus
from catalog.models import Package

from . import selectors, tokens
from .models import Alert, Announcement, Subscriber
from .tokens import LinkCheck, LinkState


def _on_commit(task_name: str, *args: int) -> None:
    enqueue_on_commit(f"alerts.tasks.{task_name}", *args)


def _email_key(email: str) -> str:
    return email.strip().lower()


def alert_subscribe(
    *,
    email: str,
    country_code: str,
    query: Mapping[str, Iterable[str]],
    label: str = "",
    language: str = "en",
    ip_address: str | None = None,
) -> Alert | None:
    """Save a pending alert (the catalog filters ``query`` for ``country_code``) and e-mail its confirmation link.

    Returns None, writing and sending nothing, when the address already has ``AIX_ALERTS_MAX_PENDING`` alerts
    waiting for confirmation from the last day (so the form cannot be used to flood someone's inbox).
    """
    saved = selectors.saved_filters(query)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=_email_key(email), defaults={"language": language}
        )
        since = timezone.now() - timedelta(days=1)
        waiting = subscriber.alerts.filter(confirmed_at__isnull=True, ended_at__isnull=True, created_at__gte=since)
        if waiting.count() >= settings.AIX_ALERTS_MAX_PENDING:
            return None
        if subscriber.language != language:
            Subscriber.objects.filter(pk=subscriber.pk).update(language=language)
        alert = Alert.objects.create(subscriber=subscriber, label=label.strip(), query=saved, country_id=country_code)
        audit_record(
            action="alert.subscribe",
            target=alert,
            actor_repr=subscriber.email,
            changes={"status": {"before": None, "after": "pending"}, "query": saved, "country": alert.country_id,
                     "new_subscriber": created},
            ip_address=ip_address,
        )  # fmt: skip
        alert_confirmation_send(alert_id=alert.pk)  # queued in the outbox with the alert
    return alert


def alert_confirm(*, token: str, ip_address: str | None = None) -> LinkCheck:
    """Confirm the alert of a confirmation link (once). The packages that match at this moment are recorded as
    known, so the digests list only packages that become available afterwards."""
    with transaction.atomic():
        check = tokens.check_confirm(token)
        if check.state is not LinkState.VALID or check.alert is None:
            return check
        alert = Alert.objects.select_for_update().get(pk=check.alert.pk)
        if alert.confirmed_at or alert.ended_at:
            return LinkCheck(LinkState.USED, check.subscriber, alert)
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
        known = selectors.alert_matching_ids(alert)
        Announcement.objects.bulk_create(
            [
                Announcement(subscriber_id=alert.subscriber_id, package_id=pk, alert=alert, baseline=True)
                for pk in known
            ],
            ignore_conflicts=True,
        )
        audit_record(
            action="alert.confirm",
            target=alert,
            actor_repr=alert.subscriber.email,
            changes={"confirmed_at": {"before": None, "after": alert.confirmed_at}, "matching_now": len(known)},
            ip_address=ip_address,
        )
    return LinkCheck(LinkState.VALID, alert.subscriber, alert)


def alert_end(*, subscriber: Subscriber, alert_id: int, ip_address: str | None = None) -> bool:
    """End one of ``subscriber``'s alerts (no more digests for it). False when it is not theirs or already ended."""
    with transaction.atomic():
        alert = subscriber.alerts.select_for_update().filter(pk=alert_id, ended_at__isnull=True).first()
        if alert is None:
            return False
        alert.ended_at = timezone.now()
        alert.save(update_fields=["ended_at"])
        audit_record(
            action="alert.end",
            target=alert,
            actor_repr=subscriber.email,
            changes={"ended_at": {"before": None, "after": alert.ended_at}},
            ip_address=ip_address,
        )
    return True


def subscriber_unsubscribe_all(*, subscriber: Subscriber, ip_address: str | None = None) -> int:
    """End every alert of ``subscriber`` and void every link sent so far. Returns how many alerts ended."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        live = list(subscriber.alerts.filter(ended_at__isnull=True).values_list("pk", flat=True))
        Alert.objects.filter(pk__in=live).update(ended_at=timezone.now())
        before = subscriber.token_version
        subscriber.token_version = before + 1
        subscriber.save(update_fields=["token_version"])
        audit_record(
            action="alert.unsubscribe_all",
            target=subscriber,
            actor_repr=subscriber.email,
            changes={"open_alerts": {"before": len(live), "after": 0},
                     "token_version": {"before": before, "after": subscriber.token_version}, "ended": live},
            ip_address=ip_address,
        )  # fmt: skip
    return len(live)


def alert_unsubscribe(*, token: str, ip_address: str | None = None) -> LinkCheck:
    """Follow an unsubscribe link: end its alert, or every alert of its subscriber. A forged, expired or used
    link changes nothing (its state says why)."""
    check = tokens.check_unsubscribe(token)
    if check.state is not LinkState.VALID or check.subscriber is None:
        return check
    if check.alert is not None:
        alert_end(subscriber=check.subscriber, alert_id=check.alert.pk, ip_address=ip_address)
    else:
        subscriber_unsubscribe_all(subscriber=check.subscriber, ip_address=ip_address)
    return check


def manage_link_request(*, email: str) -> bool:
    """E-mail the manage link to ``email`` if it has alerts (the page answers the same either way)."""
    subscriber = Subscriber.objects.filter(email=_email_key(email)).first()
    if subscriber is None or not subscriber.alerts.filter(ended_at__isnull=True).exists():
        return False
    manage_link_send(subscriber_id=subscriber.pk)  # queued in the outbox
    return True


# --- E-mail ------------------------------------------------------------------------------------------------------


def _links(subscriber: Subscriber, alert: Alert | None = None) -> dict[str, object]:
    unsubscribe = absolute_url(reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(subscriber, alert)]))
    return {
        "manage_url": absolute_url(reverse("alerts:manage", args=[tokens.manage_token(subscriber)])),
        "unsubscribe_url": unsubscribe,
        # RFC 8058: a mail client may unsubscribe with one POST of "List-Unsubscribe=One-Click" to this address.
        "headers": {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }


def _send(
    prefix: str, subscriber: Subscriber, context: dict[str, object], alert: Alert | None = None, *, key: str = ""
) -> int:
    """Queue one alert e-mail in the outbox (in the caller's transaction), with the RFC 8058 headers."""
    links = _links(subscriber, alert)
    headers = links.pop("headers")
    queued = queue_mail(
        prefix,
        {**context, **links},
        [subscriber.email],
        language=subscriber.language,
        headers=headers,  # type: ignore[arg-type]
        dedupe_key=key or None,
    )
    return 1 if queued else 0


def alert_confirmation_send(*, alert_id: int) -> int:
    """E-mail the confirmation link of a pending alert (nothing when it is gone, confirmed or ended)."""
    alert = Alert.objects.select_related("subscriber", "country").filter(pk=alert_id).first()
    if alert is None or alert.confirmed_at or alert.ended_at:
        return 0
    context = {
        "alert": alert,
        "filters": selectors.describe_filters(alert.query),
        "confirm_url": absolute_url(reverse("alerts:confirm", args=[tokens.confirm_token(alert)])),
    }
    return _send("alerts/email/confirm", alert.subscriber, context, alert, key=f"alert-confirm:{alert.pk}")


def manage_link_send(*, subscriber_id: int) -> int:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return _send("alerts/email/manage", subscriber, {"subscriber": subscriber}) if subscriber else 0


def _group_key(alert: Alert) -> tuple[str, str]:
    return json.dumps(alert.query, sort_keys=True), alert.country_id


def alerts_match_package(*, package_id: int) -> int:
    """Record ``package`` for every subscriber with an active alert it now matches (a publication or new
    eligibility results changed what matches) and enqueue their digests. Returns the rows created."""
    alerts = list(selectors.active_alerts().order_by("pk"))
    if not alerts or not Package.objects.filter(pk=package_id, status=PackageStatus.PUBLISHED).exists():
        return 0
    known = set(Announcement.objects.filter(package_id=package_id).values_list("subscriber_id", flat=True))
    verdicts: dict[tuple[str, str], bool] = {}  # alerts with the same search and country share one query
    rows: dict[int, Announcement] = {}
    for alert in alerts:
        if alert.subscriber_id in known or alert.subscriber_id in rows:
            continue
        key = _group_key(alert)
        if key not in verdicts:
            verdicts[key] = package_id in selectors.alert_matching_ids(alert, among=[package_id])
        if verdicts[key]:
            rows[alert.subscriber_id] = Announcement(
                subscriber_id=alert.subscriber_id, package_id=package_id, alert=alert
            )
    with transaction.atomic():
        Announcement.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
        for subscriber_id in sorted(rows):
            _on_commit("alerts_digest_send", subscriber_id)
    return len(rows)


def alerts_digest_send(*, subscriber_id: int) -> int:
    """Send ``subscriber`` one digest of their new matches, at most one per UTC day. Returns the packages listed.

    The day is claimed, the announcements stamped and the message sent in one transaction: a failed send rolls
    the claim back, so a retry (or the daily sweep) sends it; matches found after today's digest wait for the
    next day's sweep.
    """
    today = timezone.now().date()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or (subscriber.last_digest_on and subscriber.last_digest_on >= today):
            return 0
        items = [
            a for a in selectors.pending_announcements(subscriber_id)
            if a.alert is not None and a.alert.is_active
        ]  # fmt: skip
        if not items:
            return 0
        now = timezone.now()
        Subscriber.objects.filter(pk=subscriber.pk).update(last_digest_on=today)
        Announcement.objects.filter(pk__in=[a.pk for a in items]).update(sent_at=now)
        context = {
            "subscriber": subscriber,
            "items": [
                {"package": a.package, "alert": a.alert,
                 "url": absolute_url(reverse("catalog:package_detail", args=[a.package.slug]))}
                for a in items
            ],
        }  # fmt: skip
        _send("alerts/email/digest", subscriber, context)  # the day's claim above makes it once a day
    return len(items)


def alerts_sweep() -> dict[str, int]:
    """Daily: record every active alert's matches not yet known (a lost trigger is never a lost match), then
    enqueue a digest for every subscriber with something new."""
    found = 0
    for alert in selectors.active_alerts().order_by("pk"):
        ids = selectors.alert_matching_ids(alert)
        known = set(
            Announcement.objects.filter(subscriber_id=alert.subscriber_id, package_id__in=ids).values_list(
                "package_id", flat=True
            )
        )
        new = [
            Announcement(subscriber_id=alert.subscriber_id, package_id=pk, alert=alert) for pk in sorted(ids - known)
        ]
        Announcement.objects.bulk_create(new, ignore_conflicts=True)
        found += len(new)
    subscribers = selectors.subscribers_with_pending()
    with transaction.atomic():
        for subscriber_id in subscribers:
            _on_commit("alerts_digest_send", subscriber_id)
    return {"found": found, "digests": len(subscribers)}
