"""The invitation pages: the manager invites and withdraws; the invited admin accepts, declines or leaves."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from catalog.choices import MemberStatus, OrganizationRole
from catalog.models import ConsortiumMember
from tests.catalog.factories import add_member, company
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invited_org():  # noqa: ANN201
    org = OrganizationFactory(name="Kestrel Networks")
    admin = UserFactory(email="boss@kestrel.example")
    MembershipFactory(user=admin, organization=org, role=OrganizationRole.ADMIN)
    return org, admin


def test_the_manager_invites_from_the_members_page_and_sees_the_pending_invitation(
    client, django_capture_on_commit_callbacks
):
    manager, _anchor, consortium = company()
    org, _admin = invited_org()
    client.force_login(manager)
    url = reverse("catalog:manage_consortium_members", args=[consortium.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"organization": org.slug, "role": "operator", "layers": ["data"]})
    assert response.status_code == 302
    assert ConsortiumMember.objects.get(organization=org).status == MemberStatus.PENDING
    assert mail.outbox[0].to == ["boss@kestrel.example"]
    page = client.get(url).content.decode()
    assert "was invited" in page and "Invited, awaiting an answer" in page
    assert (
        reverse(
            "catalog:manage_consortium_member_withdraw", args=[consortium.slug, org.consortium_memberships.get().pk]
        )
        in page
    )
    # A pending invitation is not offered again by the search.
    assert f'value="{org.slug}"' not in client.get(url, {"q": "kestrel"}).content.decode()


def test_the_invited_admin_sees_the_invitation_on_the_dashboard_and_accepts_it(client):
    _manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    client.force_login(admin)
    dashboard = client.get(reverse("catalog:dashboard")).content.decode()
    assert "1 consortium invitation is waiting for your answer" in dashboard
    page = client.get(reverse("catalog:manage_invitations")).content.decode()
    assert f"{consortium.name} invites Kestrel Networks" in page
    response = client.post(reverse("catalog:manage_invitation_accept", args=[member.pk]))
    assert response.status_code == 302
    assert response.url == reverse("catalog:manage_consortium_detail", args=[consortium.slug])
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.ACCEPTED
    assert "Kestrel Networks" in client.get(response.url).content.decode()


def test_the_invited_admin_declines(client):
    _manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    client.force_login(admin)
    response = client.post(reverse("catalog:manage_invitation_decline", args=[member.pk]))
    assert response.status_code == 302 and response.url == reverse("catalog:manage_invitations")
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.DECLINED
    assert "No invitation is waiting for an answer" in client.get(response.url).content.decode()


def test_accept_and_decline_are_post_only():
    _manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    from django.test import Client

    client = Client()
    client.force_login(admin)
    assert client.get(reverse("catalog:manage_invitation_accept", args=[member.pk])).status_code == 405
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING


@pytest.mark.parametrize("action", ["manage_invitation_accept", "manage_invitation_decline"])
def test_answering_for_an_organization_you_are_not_an_admin_of_is_a_404_and_changes_nothing(client, action):
    manager, _anchor, consortium = company()
    org, _admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    editor = MembershipFactory(organization=org, role=OrganizationRole.EDITOR).user
    for user in (editor, manager, UserFactory()):
        client.force_login(user)
        assert client.post(reverse(f"catalog:{action}", args=[member.pk])).status_code == 404
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING
    assert not AuditEvent.objects.filter(action__startswith="consortium.member_").exists()


def test_a_second_accept_and_accepting_a_withdrawn_invitation_are_refused_with_a_message(client):
    manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    client.force_login(admin)
    client.post(reverse("catalog:manage_invitation_accept", args=[member.pk]))
    again = client.post(reverse("catalog:manage_invitation_accept", args=[member.pk]))
    assert again.status_code == 409 and "cannot be accepted: it is member" in again.content.decode().lower()
    withdrawn = add_member(consortium, organization=OrganizationFactory(), status="withdrawn")
    MembershipFactory(organization=withdrawn.organization, user=admin, role=OrganizationRole.ADMIN)
    refused = client.post(reverse("catalog:manage_invitation_accept", args=[withdrawn.pk]))
    assert refused.status_code == 409 and "Nothing was changed" in refused.content.decode()
    assert ConsortiumMember.objects.get(pk=withdrawn.pk).status == MemberStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="consortium.member_accept").count() == 1


def test_the_manager_withdraws_a_pending_invitation_after_confirming(client):
    manager, _anchor, consortium = company()
    member = add_member(consortium, status="pending")
    client.force_login(manager)
    url = reverse("catalog:manage_consortium_member_withdraw", args=[consortium.slug, member.pk])
    assert "Withdraw the invitation" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.WITHDRAWN
    # Withdrawing again (or an accepted membership) is refused and changes nothing.
    assert client.post(url).status_code == 409
    accepted = add_member(consortium)
    url = reverse("catalog:manage_consortium_member_withdraw", args=[consortium.slug, accepted.pk])
    assert client.post(url).status_code == 409
    assert ConsortiumMember.objects.get(pk=accepted.pk).status == MemberStatus.ACCEPTED


def test_withdrawing_someone_elses_consortiums_invitation_is_refused(client):
    _manager, _anchor, consortium = company()
    other_manager, _o, other = company()
    member = add_member(consortium, status="pending")
    client.force_login(other_manager)
    assert (
        client.post(reverse("catalog:manage_consortium_member_withdraw", args=[consortium.slug, member.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("catalog:manage_consortium_member_withdraw", args=[other.slug, member.pk])).status_code
        == 404
    )
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING


def test_an_org_admin_makes_the_organization_leave_and_the_anchor_cannot(client):
    manager, anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org)
    client.force_login(admin)
    page = client.get(reverse("catalog:manage_invitations")).content.decode()
    url = reverse("catalog:manage_membership_leave", args=[member.pk])
    assert url in page
    assert client.post(url).status_code == 302
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.LEFT
    assert client.post(url).status_code == 409  # leaving twice
    client.force_login(manager)
    anchor_row = consortium.members.get(organization=anchor)
    refused = client.post(reverse("catalog:manage_membership_leave", args=[anchor_row.pk]))
    assert refused.status_code == 409 and "anchor organization cannot leave" in refused.content.decode()
    assert ConsortiumMember.objects.get(pk=anchor_row.pk).status == MemberStatus.ACCEPTED


def test_the_consortium_page_and_dashboard_count_accepted_members_only(client):
    manager, _anchor, consortium = company()
    add_member(consortium, organization=OrganizationFactory(name="Invited Only Co"), status="pending")
    client.force_login(manager)
    detail = client.get(reverse("catalog:manage_consortium_detail", args=[consortium.slug])).content.decode()
    assert "Invited Only Co" not in detail
    dashboard = client.get(reverse("catalog:dashboard"))
    assert [c.member_count for c in dashboard.context["consortia"]] == [1]
