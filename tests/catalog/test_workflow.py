"""The package transition table (``catalog.workflow``): exhaustive over every status × action, enforced by the
services with ``InvalidTransition``, and asked by the templates (buttons shown exactly when allowed)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from aiexports.errors import InvalidTransition, NotAllowed
from catalog import services, workflow
from catalog.choices import PackageStatus as S
from catalog.workflow import Action as A
from tests.catalog.factories import company, complete_package
from tests.factories import StaffFactory

# Written out independently of the module: who may do what from where, and where it leads ("=" unchanged).
EXPECTED = {
    A.EDIT: {S.DRAFT: "=", S.CHANGES_REQUESTED: "="},
    A.SUBMIT: {S.DRAFT: S.SUBMITTED, S.CHANGES_REQUESTED: S.SUBMITTED},
    A.WITHDRAW: {S.SUBMITTED: S.WITHDRAWN, S.IN_REVIEW: S.WITHDRAWN, S.CHANGES_REQUESTED: S.WITHDRAWN},
    A.REOPEN: {S.WITHDRAWN: S.DRAFT},
    A.REVISE: {S.PUBLISHED: "="},
    A.ASSIGN: {S.SUBMITTED: "=", S.IN_REVIEW: "="},
    A.START_REVIEW: {S.SUBMITTED: S.IN_REVIEW},
    A.PUBLISH: {S.IN_REVIEW: S.PUBLISHED},
    A.REQUEST_CHANGES: {S.IN_REVIEW: S.CHANGES_REQUESTED},
    A.REJECT: {S.IN_REVIEW: S.REJECTED},
    A.CONSULT: {S.IN_REVIEW: "="},
}
CELLS = [(action, status) for action in A for status in S.values]


def test_the_table_names_every_action_and_only_real_statuses():
    assert set(workflow.TRANSITIONS) == set(A) == set(EXPECTED)
    for moves in workflow.TRANSITIONS.values():
        assert set(moves) <= set(S.values)
        assert {to for to in moves.values() if to is not None} <= set(S.values)


@pytest.mark.parametrize(("action", "status"), CELLS)
def test_every_status_and_action_is_allowed_exactly_as_the_table_says(action, status):
    expected = EXPECTED[action].get(status)
    assert workflow.can(action, status) is (expected is not None)
    assert (action in workflow.allowed_actions(status)) is (expected is not None)
    assert (status in workflow.statuses_for(action)) is (expected is not None)
    if expected is not None:
        assert workflow.target(action, status) == (status if expected == "=" else expected)


def test_terminal_statuses_allow_nothing_and_an_unknown_action_is_never_allowed():
    assert workflow.allowed_actions(S.REJECTED) == frozenset()
    assert workflow.allowed_actions(S.MERGED) == frozenset()
    assert not any(workflow.can("delete", status) for status in S.values)


# --- the services enforce it ------------------------------------------------------------------------------

SUBMITTER = {
    A.SUBMIT: lambda user, p: services.package_submit(actor=user, package=p),
    A.WITHDRAW: lambda user, p: services.package_withdraw(actor=user, package=p),
    A.REOPEN: lambda user, p: services.package_reopen(actor=user, package=p),
    A.EDIT: lambda user, p: services.package_update(actor=user, package=p, summary="Changed."),
}
STAFF = {
    A.START_REVIEW: lambda staff, p: services.package_start_review(actor=staff, package=p),
    A.REQUEST_CHANGES: lambda staff, p: services.package_request_changes(actor=staff, package=p, message="Fix."),
    A.REJECT: lambda staff, p: services.package_reject(actor=staff, package=p, reason="out_of_scope"),
    A.ASSIGN: lambda staff, p: services.package_assign(actor=staff, package=p, reviewer=staff),
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", list(SUBMITTER) + list(STAFF))
def test_each_service_accepts_or_refuses_a_status_as_the_table_says(action, status):
    user, _org, consortium = company()
    staff = StaffFactory()
    package = complete_package(consortium, status=status, submitted_at=timezone.now())
    call, actor = (SUBMITTER[action], user) if action in SUBMITTER else (STAFF[action], staff)
    if workflow.can(action, status):
        result = call(actor, package)
        assert result.status == workflow.target(action, status)
    else:
        with pytest.raises((InvalidTransition, NotAllowed)):  # editing a published package is NotAllowed (403)
            call(actor, package)
        package.refresh_from_db()
        assert package.status == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in S.values if s != S.IN_REVIEW])
def test_publishing_is_refused_outside_review(status):
    _user, _org, consortium = company()
    package = complete_package(consortium, status=status)
    with pytest.raises(InvalidTransition):
        services.package_publish(actor=StaffFactory(), package=package)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in S.values if s != S.PUBLISHED])
def test_only_a_published_package_can_be_revised(status):
    user, _org, consortium = company()
    with pytest.raises(InvalidTransition):
        services.package_revise(actor=user, package=complete_package(consortium, status=status))


# --- the templates ask it -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_the_package_page_offers_exactly_the_allowed_submitter_actions(client, status):
    user, _org, consortium = company()
    client.force_login(user)
    package = complete_package(consortium, status=status)
    html = client.get(reverse("catalog:manage_package_detail", args=[package.slug])).content.decode()
    for action, url in [(A.WITHDRAW, "manage_package_withdraw"), (A.REOPEN, "manage_package_reopen"),
                        (A.REVISE, "manage_package_revise")]:  # fmt: skip
        assert (reverse(f"catalog:{url}", args=[package.slug]) in html) is workflow.can(action, status)


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_the_admin_change_page_offers_exactly_the_allowed_review_decisions(client, status):
    _user, _org, consortium = company()
    client.force_login(StaffFactory(is_superuser=True))
    package = complete_package(consortium, status=status)
    html = client.get(reverse("admin:catalog_package_change", args=[package.pk])).content.decode()
    buttons = {A.ASSIGN: 'value="assign_to_me"', A.START_REVIEW: 'value="start_review"',
               A.REQUEST_CHANGES: 'value="request_changes"', A.REJECT: 'value="reject"',
               A.PUBLISH: reverse("admin:catalog_package_publish", args=[package.pk])}  # fmt: skip
    for action, marker in buttons.items():
        assert (marker in html) is workflow.can(action, status), action
