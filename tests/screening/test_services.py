"""Screening organizations, staff decisions, and what blocks publication."""

from __future__ import annotations

from unittest import mock

import pytest

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition
from catalog.models import ConsortiumMember
from eligibility.selectors import publication_blockers
from screening.choices import HitStatus
from screening.models import OrganizationScreening, ScreeningHit
from screening.services import (
    organization_screen,
    screening_hit_clear,
    screening_hit_confirm,
    screening_rescreen_all,
    screening_sweep,
)
from tests.factories import ConsortiumFactory, OrganizationFactory, StaffFactory

from .conftest import EL, csl_row

pytestmark = pytest.mark.django_db

NORTHWIND = csl_row("nw", "NORTHWIND TRADING CO., LTD.", alt_names=["Northwind Traders"], addresses=["Kowloon, HK"])


def test_an_organization_matching_an_alias_gets_an_open_hit_showing_the_list_alias_and_score(import_rows, member):
    import_rows([NORTHWIND, csl_row("other", "Unrelated Example Works")])
    organization, _consortium = member("Northwind Traders, Inc.")
    blocking = organization_screen(organization_id=organization.pk)
    hit = ScreeningHit.objects.get()
    assert blocking == [hit]
    assert (hit.status, hit.source_list, hit.matched_name, hit.matched_alias, hit.score) == (
        HitStatus.OPEN,
        EL,
        "Northwind Traders",
        True,
        1.0,
    )
    assert hit.entry_name == "NORTHWIND TRADING CO., LTD." and hit.screened_name == "Northwind Traders, Inc."
    event = AuditEvent.objects.get(action="screening.hit_opened")
    assert event.target_id == str(hit.pk) and event.changes["status"] == {"before": None, "after": "open"}
    assert OrganizationScreening.objects.get(organization=organization).hit_count == 1


def test_an_organization_below_the_threshold_gets_no_hit(import_rows, member):
    import_rows([NORTHWIND])
    organization, _ = member("Northwind Health")
    assert organization_screen(organization_id=organization.pk) == []
    assert not ScreeningHit.objects.exists()


def test_the_threshold_is_a_setting(import_rows, member, settings):
    import_rows([csl_row("k", "Kontoso Ltd")])
    organization, _ = member("Contoso")
    settings.AIX_SCREENING_THRESHOLD = 0.4
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.get().score == pytest.approx(5 / 11, abs=1e-4)


def test_country_narrowing_skips_entries_of_other_countries_when_enabled(import_rows, member, settings):
    import_rows([NORTHWIND])
    organization, _ = member("Northwind Traders", country="US")
    settings.AIX_SCREENING_NARROW_BY_COUNTRY = True
    organization_screen(organization_id=organization.pk)
    assert not ScreeningHit.objects.exists()
    settings.AIX_SCREENING_NARROW_BY_COUNTRY = False
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.count() == 1


def test_an_open_hit_blocks_publication_of_every_consortium_of_the_organization(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    other = ConsortiumFactory()
    ConsortiumMember.objects.create(status="accepted", consortium=other, organization=organization)
    unrelated = ConsortiumFactory()
    organization_screen(organization_id=organization.pk)
    for screened in (other, unrelated):
        organization_screen(organization_id=screened.anchor_id)
    [reason] = publication_blockers(consortium_id=consortium.pk)
    assert "Northwind Traders may be a restricted party" in reason and "score 1.00" in reason
    assert publication_blockers(consortium_id=other.pk) == [reason]
    assert publication_blockers(consortium_id=unrelated.pk) == []


def test_a_cleared_hit_does_not_block_and_a_confirmed_hit_does(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    hit = ScreeningHit.objects.get()
    staff = StaffFactory()
    screening_hit_clear(hit_id=hit.pk, actor=staff, reason="Different company: US-incorporated, checked registry.")
    assert publication_blockers(consortium_id=consortium.pk) == []
    hit.refresh_from_db()
    assert (hit.status, hit.decided_by, hit.reason) == (
        HitStatus.CLEARED,
        staff,
        "Different company: US-incorporated, checked registry.",
    )
    screening_hit_confirm(hit_id=hit.pk, actor=staff, reason="New evidence of common ownership.")
    assert "confirmed by staff" in publication_blockers(consortium_id=consortium.pk)[0]
    actions = list(
        AuditEvent.objects.filter(target_id=str(hit.pk), action__startswith="screening.hit_").values_list(
            "action", flat=True
        )
    )
    assert actions == ["screening.hit_confirmed", "screening.hit_cleared", "screening.hit_opened"]


def test_a_decision_needs_a_reason_and_a_change_of_status(import_rows, member):
    import_rows([NORTHWIND])
    organization, _ = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    hit = ScreeningHit.objects.get()
    with pytest.raises(DomainError, match="Give a reason"):
        screening_hit_clear(hit_id=hit.pk, actor=StaffFactory(), reason="  ")
    screening_hit_clear(hit_id=hit.pk, actor=StaffFactory(), reason="Not them.")
    with pytest.raises(InvalidTransition):
        screening_hit_clear(hit_id=hit.pk, actor=StaffFactory(), reason="Again.")


def test_a_clearance_persists_across_a_re_import_of_the_same_entry(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    screening_hit_clear(hit_id=ScreeningHit.objects.get().pk, actor=StaffFactory(), reason="Not them.")
    import_rows([NORTHWIND, csl_row("new", "Some New Example Entity")])
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.get().status == HitStatus.CLEARED
    assert publication_blockers(consortium_id=consortium.pk) == []


def test_a_clearance_is_reopened_when_the_list_entry_changes(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    screening_hit_clear(hit_id=ScreeningHit.objects.get().pk, actor=StaffFactory(), reason="Not them.")
    changed = {**NORTHWIND, "addresses": ["Kowloon, HK", "1 New Road, Dubai, AE"]}
    import_rows([changed])
    hit = ScreeningHit.objects.get()
    assert hit.status == HitStatus.OPEN
    assert "The list entry changed" in hit.reason
    assert AuditEvent.objects.filter(action="screening.hit_reopened", target_id=str(hit.pk)).exists()
    organization_screen(organization_id=organization.pk)
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN and hit.entry.fingerprint == hit.entry_fingerprint
    assert len(publication_blockers(consortium_id=consortium.pk)) == 1


def test_an_open_hit_is_withdrawn_when_its_entry_leaves_the_list(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    import_rows([csl_row("other", "Unrelated Example Works")])
    hit = ScreeningHit.objects.get()
    assert (hit.status, hit.entry, hit.entry_name) == (HitStatus.WITHDRAWN, None, "NORTHWIND TRADING CO., LTD.")
    organization_screen(organization_id=organization.pk)
    assert publication_blockers(consortium_id=consortium.pk) == []


def test_an_open_hit_is_withdrawn_when_the_organization_no_longer_matches_and_reopened_if_it_matches_again(
    import_rows, member
):
    import_rows([NORTHWIND])
    organization, _ = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    organization.name = "Completely Different Name"
    organization.save()
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.get().status == HitStatus.WITHDRAWN
    organization.name = "Northwind Traders"
    organization.save()
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.get().status == HitStatus.OPEN


def test_a_member_not_screened_against_the_current_list_blocks_publication(import_rows, member):
    import_rows([csl_row("other", "Unrelated Example Works")])
    organization, consortium = member("Clean Example Company")
    assert publication_blockers(consortium_id=consortium.pk) == [
        "Clean Example Company has not yet been screened against the current restricted-party list."
    ]
    organization_screen(organization_id=organization.pk)
    assert publication_blockers(consortium_id=consortium.pk) == []
    organization.name = "Renamed Example Company"
    organization.save()
    assert len(publication_blockers(consortium_id=consortium.pk)) == 1


def test_without_any_imported_list_nothing_blocks_publication(member):
    _organization, consortium = member("Anything Example")
    assert publication_blockers(consortium_id=consortium.pk) == []


def test_the_sweep_screens_members_that_are_stale(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    OrganizationFactory(name="Northwind Traders Ltd")  # not a consortium member: not screened
    assert screening_sweep() == 1
    assert list(ScreeningHit.objects.values_list("organization", flat=True)) == [organization.pk]
    assert screening_sweep() == 0


def test_an_import_enqueues_re_screening_only_after_commit(import_rows, member, django_capture_on_commit_callbacks):
    organization, consortium = member("Northwind Traders")
    with mock.patch("screening.tasks.screening_rescreen_all_task.apply_async") as publish:
        with django_capture_on_commit_callbacks() as callbacks:
            record = import_rows([NORTHWIND])
            publish.assert_not_called()
        assert len(callbacks) == 1
        for callback in callbacks:
            callback()
    publish.assert_called_once()
    assert publish.call_args.args[:2] == ((), {"import_id": record.pk})


def test_re_screening_all_runs_every_member_through_the_tasks_after_commit(
    import_rows, member, django_capture_on_commit_callbacks
):
    first, _ = member("Northwind Traders")
    second, _ = member("Northwind Trading Company")
    member("Clean Example Company")
    with django_capture_on_commit_callbacks(execute=True):
        import_rows([NORTHWIND])
    assert set(ScreeningHit.objects.values_list("organization", flat=True)) == {first.pk, second.pk}
    assert OrganizationScreening.objects.count() == 3
    assert AuditEvent.objects.get(action="screening.rescreen_requested").changes == {"organizations": 3}
    assert screening_rescreen_all() == 3


def test_a_superseded_import_does_not_re_screen_again(import_rows, member):
    from screening.tasks import screening_rescreen_all_task

    member("Northwind Traders")
    old = import_rows([NORTHWIND])
    new = import_rows([NORTHWIND])
    assert screening_rescreen_all_task(import_id=old.pk) == 0
    assert screening_rescreen_all_task(import_id=new.pk) == 1


def test_a_screening_can_be_requested_for_one_organization_after_commit(
    import_rows, member, django_capture_on_commit_callbacks
):
    from screening.services import organization_screen_request

    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    with django_capture_on_commit_callbacks(execute=True):
        organization_screen_request(organization_id=organization.pk)
        assert not ScreeningHit.objects.exists()
    assert ScreeningHit.objects.get().organization == organization


def test_a_hit_cleared_again_after_its_entry_changed_stays_cleared_at_the_next_screening(import_rows, member):
    import_rows([NORTHWIND])
    organization, consortium = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    screening_hit_clear(hit_id=ScreeningHit.objects.get().pk, actor=StaffFactory(), reason="Not them.")
    import_rows([{**NORTHWIND, "remarks": "Address updated."}])
    hit = ScreeningHit.objects.get()
    assert (hit.status, hit.decided_by) == (HitStatus.OPEN, None)
    screening_hit_clear(hit_id=hit.pk, actor=StaffFactory(), reason="Checked again: still not them.")
    organization_screen(organization_id=organization.pk)
    assert ScreeningHit.objects.get().status == HitStatus.CLEARED
    assert publication_blockers(consortium_id=consortium.pk) == []


def test_the_sweep_is_a_registered_periodic_task(settings, import_rows, member):
    from aiexports.celery import app
    from screening.tasks import screening_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["screening-sweep"]
    assert entry["task"] == "screening.sweep" and entry["task"] in app.tasks
    assert "screening.tasks" not in getattr(settings, "CELERY_IMPORTS", [])  # found by autodiscovery, as an app
    import_rows([NORTHWIND])
    member("Northwind Traders")
    assert screening_sweep_task() == 1
