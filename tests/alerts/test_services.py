"""Alerts: matching is the catalog's own filtering, a package is announced once, one digest a day, links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.http import QueryDict
from django.utils import timezone

from alerts import selectors, services, tokens
from alerts.models import Alert, Announcement, Subscriber
from alerts.tokens import LinkState
from catalog import selectors as catalog_selectors
from catalog.choices import Category, Layer, PackageStatus
from catalog.filtersets import PackageFilterSet
from eligibility.choices import Outcome
from tests.alerts.helpers import active_alert, available, package_in

pytestmark = pytest.mark.django_db


def catalog_ids(query: str) -> set[int]:
    filterset = PackageFilterSet(QueryDict(query), queryset=catalog_selectors.published_packages())
    assert filterset.is_valid()
    return set(filterset.qs.values_list("pk", flat=True))


def test_an_alert_matches_exactly_what_the_catalog_list_shows_for_its_filters_and_country():
    hardware_jp = package_in("JP", title="Kestrel compute", categories=[Category.ACCELERATOR])
    data_jp = package_in("JP", title="Osprey data", categories=[Category.PIPELINE])
    hardware_licensed = package_in(title="Heron compute", categories=[Category.ACCELERATOR])
    available(hardware_licensed, "JP", outcome=Outcome.LICENSE_REQUIRED)
    package_in("KE", title="Kite compute", categories=[Category.ACCELERATOR])  # not for Japan
    for query in ({"layer": [Layer.HARDWARE]}, {}, {"layer": [Layer.HARDWARE], "availability": ["eligible_or_license"]},
                  {"q": ["Osprey"]}):  # fmt: skip
        alert = active_alert(query=query)
        expected = catalog_ids(_qs(query, "JP"))
        assert selectors.alert_matching_ids(alert) == expected, query
    assert selectors.alert_matching_ids(active_alert(query={"layer": [Layer.HARDWARE]})) == {hardware_jp.pk}
    assert data_jp.pk in selectors.alert_matching_ids(active_alert(query={}))


def _qs(query: dict, country: str) -> str:
    return selectors.filter_data(query, country).urlencode()


def test_a_saved_search_that_no_longer_validates_matches_nothing():
    package_in("JP")
    assert selectors.alert_matching_ids(active_alert(query={"layer": ["not-a-layer"]})) == set()


def test_saving_keeps_only_the_catalog_filters_and_drops_blanks_and_paging():
    saved = selectors.saved_filters(QueryDict("q=vision&layer=hardware&layer=&page=3&ordering=title&available_in=JP"))
    assert saved == {"q": ["vision"], "layer": ["hardware"]}


def test_subscribing_saves_a_pending_alert_audited_and_mails_a_confirmation_with_one_click_unsubscribe(
    django_capture_on_commit_callbacks,
):
    package_in("JP")
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.alert_subscribe(email=" Buyer@Example.JP ", country_code="JP", query={"q": ["stack"]},
                                         language="ja")  # fmt: skip
    assert alert is not None and alert.confirmed_at is None and alert.subscriber.email == "buyer@example.jp"
    assert alert.subscriber.language == "ja"
    (message,) = mail.outbox
    assert message.to == ["buyer@example.jp"]
    assert "/alerts/confirm/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message.extra_headers["List-Unsubscribe"].startswith("<http")
        and "/alerts/unsubscribe/" in (message.extra_headers["List-Unsubscribe"])
    )
    from aiexports.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="alert.subscribe", target_id=str(alert.pk)).exists()


def test_an_address_cannot_be_flooded_with_confirmation_mails(django_capture_on_commit_callbacks, settings):
    settings.AIX_ALERTS_MAX_PENDING = 2
    package_in("JP")
    with django_capture_on_commit_callbacks(execute=True):
        made = [services.alert_subscribe(email="victim@example.com", country_code="JP", query={}) for _ in range(4)]
    assert [a is not None for a in made] == [True, True, False, False]
    assert len(mail.outbox) == 2 and Alert.objects.count() == 2


def test_confirming_records_the_current_matches_as_known_so_only_new_ones_are_announced():
    old = package_in("JP")
    alert = services.alert_subscribe(email="b@example.jp", country_code="JP", query={})
    check = services.alert_confirm(token=tokens.confirm_token(alert))
    assert check.state is LinkState.VALID
    assert Announcement.objects.get(package=old).baseline is True
    new = package_in("JP")
    assert services.alerts_match_package(package_id=new.pk) == 1
    assert services.alerts_match_package(package_id=old.pk) == 0  # known at sign-up


def test_a_confirmation_link_works_once_and_a_forged_or_expired_one_changes_nothing(settings):
    package_in("JP")
    alert = services.alert_subscribe(email="b@example.jp", country_code="JP", query={})
    token = tokens.confirm_token(alert)
    assert services.alert_confirm(token=token[:-2] + "xx").state is LinkState.INVALID
    settings.AIX_ALERTS_CONFIRM_MAX_AGE = -1
    assert services.alert_confirm(token=token).state is LinkState.EXPIRED
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    settings.AIX_ALERTS_CONFIRM_MAX_AGE = 3600
    assert services.alert_confirm(token=token).state is LinkState.VALID
    confirmed_at = Alert.objects.get().confirmed_at
    assert services.alert_confirm(token=token).state is LinkState.USED
    assert Alert.objects.get().confirmed_at == confirmed_at


def test_a_package_is_announced_to_a_subscriber_once_even_when_two_alerts_match_and_tasks_run_twice():
    first = active_alert(query={})
    active_alert(query={"layer": [Layer.HARDWARE]})
    package = package_in("JP")
    assert services.alerts_match_package(package_id=package.pk) == 1
    assert services.alerts_match_package(package_id=package.pk) == 0
    assert services.alerts_sweep()["found"] == 0
    assert Announcement.objects.get().subscriber == first.subscriber


def test_a_digest_lists_the_new_matches_once_and_at_most_one_digest_goes_out_per_day(
    django_capture_on_commit_callbacks,
):
    alert = active_alert(query={})
    first = package_in("JP", title="Kestrel national AI stack")
    with django_capture_on_commit_callbacks(execute=True):
        services.alerts_match_package(package_id=first.pk)
    (digest,) = mail.outbox
    assert "Kestrel national AI stack" in digest.body and f"/catalog/{first.slug}/" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alerts/manage/" in digest.body
    second = package_in("JP", title="Osprey sovereign cloud")
    with django_capture_on_commit_callbacks(execute=True):
        services.alerts_match_package(package_id=second.pk)
        services.alerts_sweep()
    assert len(mail.outbox) == 1  # the day's digest is spent: the second package waits
    Subscriber.objects.filter(pk=alert.subscriber_id).update(last_digest_on=timezone.now().date() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.alerts_sweep()  # the next day's sweep
    assert len(mail.outbox) == 2
    assert "Osprey sovereign cloud" in mail.outbox[1].body and "Kestrel" not in mail.outbox[1].body
    assert services.alerts_digest_send(subscriber_id=alert.subscriber_id) == 0


def test_the_sweep_finds_a_match_whose_trigger_was_lost_and_skips_ended_and_unconfirmed_alerts(
    django_capture_on_commit_callbacks,
):
    live = active_alert(email="live@example.jp")
    active_alert(email="ended@example.jp", ended_at=timezone.now())
    services.alert_subscribe(email="pending@example.jp", country_code="JP", query={})
    package_in("JP")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_sweep() == {"found": 1, "digests": 1}
    assert [m.to for m in mail.outbox if "/alerts/confirm/" not in m.body] == [[live.subscriber.email]]


def test_a_withdrawn_package_or_an_ended_alert_is_not_in_the_digest():
    alert = active_alert()
    package = package_in("JP")
    services.alerts_match_package(package_id=package.pk)
    package.status = PackageStatus.WITHDRAWN if hasattr(PackageStatus, "WITHDRAWN") else PackageStatus.DRAFT
    package.save(update_fields=["status"])
    assert services.alerts_digest_send(subscriber_id=alert.subscriber_id) == 0
    assert mail.outbox == []


def test_unsubscribe_links_end_one_alert_or_all_and_cannot_be_used_twice():
    one = active_alert(query={})
    two = active_alert(query={"layer": [Layer.DATA]})
    subscriber = one.subscriber
    assert services.alert_unsubscribe(token=tokens.unsubscribe_token(subscriber, one)).state is LinkState.VALID
    assert services.alert_unsubscribe(token=tokens.unsubscribe_token(subscriber, one)).state is LinkState.USED
    manage = tokens.manage_token(subscriber)
    everything = tokens.unsubscribe_token(subscriber)
    assert services.alert_unsubscribe(token=everything).state is LinkState.VALID
    two.refresh_from_db()
    assert two.ended_at is not None
    # Every link sent before "unsubscribe from everything" is void.
    assert services.alert_unsubscribe(token=everything).state is LinkState.USED
    assert tokens.check_manage(manage).state is LinkState.USED
    assert services.alert_unsubscribe(token="forged:token").state is LinkState.INVALID


def test_publishing_and_new_eligibility_results_enqueue_the_alert_match_on_commit(django_capture_on_commit_callbacks):
    from unittest import mock

    from eligibility.services import eligibility_compute_now

    package = package_in("JP")
    with (
        mock.patch("alerts.services.alerts_match_package") as match,
        django_capture_on_commit_callbacks(execute=True),
    ):
        eligibility_compute_now(package_id=package.pk)
    match.assert_called_with(package_id=package.pk)


def test_manage_link_request_mails_only_addresses_with_alerts(django_capture_on_commit_callbacks):
    alert = active_alert()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.manage_link_request(email="BUYER@example.jp") is True
        assert services.manage_link_request(email="nobody@example.jp") is False
    (message,) = mail.outbox
    assert message.to == [alert.subscriber.email] and "/alerts/manage/" in message.body
