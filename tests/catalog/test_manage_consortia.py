from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from aiexports.audit.models import AuditEvent
from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import Consortium, ConsortiumMember
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_org_admin_creates_a_consortium_from_the_form(client):
    user = UserFactory()
    org = OrganizationFactory(name="Lumen Data")
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)
    client.force_login(user)
    url = reverse("catalog:manage_consortium_create")
    assert "Lumen Data" in client.get(url).content.decode()
    response = client.post(url, {"name": "Lumen Alliance", "anchor": org.pk, "anchor_layers": ["data"],
                                 "description": "", "website": ""})  # fmt: skip
    consortium = Consortium.objects.get()
    assert response.url == reverse("catalog:manage_consortium_members", args=[consortium.slug])
    assert consortium.members.get().layers == ["data"]


def test_the_consortium_form_refuses_an_organization_where_the_user_is_not_admin(client):
    user = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.EDITOR)
    client.force_login(user)
    url = reverse("catalog:manage_consortium_create")
    assert "must be an admin" in client.get(url).content.decode()
    MembershipFactory(user=user, role=OrganizationRole.ADMIN)  # admin elsewhere: the form shows
    response = client.post(url, {"name": "X", "anchor": org.pk, "website": "not a url"})
    assert response.status_code == 200 and "id_anchor_error_1" in response.content.decode()
    assert "id_website_error_1" in response.content.decode()
    assert not Consortium.objects.exists()


def test_a_manager_searches_organizations_by_name_and_adds_one(client):
    user, _org, consortium = company()
    target = OrganizationFactory(name="Kestrel Networks")
    OrganizationFactory(name="Unrelated Co")
    client.force_login(user)
    url = reverse("catalog:manage_consortium_members", args=[consortium.slug])
    html = client.get(url, {"q": "kestrel"}).content.decode()
    assert "Kestrel Networks" in html and "Unrelated Co" not in html
    response = client.post(url, {"organization": target.slug, "role": "operator", "layers": ["hardware", "data"]})
    assert response.status_code == 302
    member = ConsortiumMember.objects.get(organization=target)
    assert (member.role, member.layers) == ("operator", ["hardware", "data"])


def test_adding_without_choosing_an_organization_re_renders_with_errors(client):
    user, _org, consortium = company()
    client.force_login(user)
    url = reverse("catalog:manage_consortium_members", args=[consortium.slug])
    response = client.post(url, {"role": "operator"})
    assert response.status_code == 200 and "id_organization_error_1" in response.content.decode()


def test_the_error_summary_links_a_missing_choice_to_the_first_radio_of_the_search_results(client):
    user, _org, consortium = company()
    OrganizationFactory(name="Kestrel Networks")
    client.force_login(user)
    url = reverse("catalog:manage_consortium_members", args=[consortium.slug]) + "?q=kestrel"
    html = client.post(url, {"role": "operator"}).content.decode()
    assert '<a href="#id_organization_0">' in html
    assert 'id="id_organization_0"' in html and "Kestrel Networks" in html


def test_an_existing_member_is_not_offered_again(client):
    user, _org, consortium = company()
    member = add_member(consortium)
    client.force_login(user)
    url = reverse("catalog:manage_consortium_members", args=[consortium.slug])
    html = client.get(url, {"q": member.organization.name}).content.decode()
    assert f'value="{member.organization.slug}"' not in html


def test_removing_a_member_and_refusing_to_remove_the_anchor(client):
    user, org, consortium = company()
    member = add_member(consortium)
    client.force_login(user)
    url = reverse("catalog:manage_consortium_member_remove", args=[consortium.slug, member.pk])
    assert client.post(url).status_code == 302
    anchor = consortium.members.get(organization=org)
    refused = client.post(reverse("catalog:manage_consortium_member_remove", args=[consortium.slug, anchor.pk]))
    assert refused.status_code == 400 and "anchor member cannot be removed" in refused.content.decode()


def test_editing_the_consortium_details(client):
    user, _org, consortium = company()
    client.force_login(user)
    url = reverse("catalog:manage_consortium_edit", args=[consortium.slug])
    response = client.post(url, {"name": "Renamed", "description": "D", "website": "https://r.example"})
    assert response.status_code == 302
    consortium.refresh_from_db()
    assert consortium.name == "Renamed"


def test_the_dashboard_lists_consortia_and_packages_with_status_and_feedback(client):
    user, _org, consortium = company()
    complete_package(consortium, title="Draft One")
    complete_package(consortium, status=PackageStatus.CHANGES_REQUESTED, title="Needs Work",
                     reviewer_feedback="Add a security audit.")  # fmt: skip
    client.force_login(user)
    html = client.get(reverse("catalog:dashboard")).content.decode()
    assert consortium.name in html and "Draft One" in html and "Needs Work" in html
    assert "Add a security audit." in html and "Changes requested" in html
    assert "Continue editing" in html


def test_the_dashboard_query_count_does_not_grow_with_packages_or_consortia(client, django_assert_max_num_queries):
    user, org, consortium = company()
    client.force_login(user)
    complete_package(consortium)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("catalog:dashboard")).status_code == 200
    for _ in range(10):
        complete_package(consortium)
    for _ in range(5):
        other_user, _o, other = company()
        ConsortiumMember.objects.create(status="accepted", consortium=other, organization=org)
        complete_package(other)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:dashboard"))
    assert response.content.decode().count("aix-status-tag") == 16


def test_the_api_token_is_shown_once_and_can_be_regenerated_and_revoked(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("catalog:manage_api_token")
    assert "You have no API token." in client.get(url).content.decode()
    first = client.post(url, {"action": "create"})
    key = Token.objects.get(user=user).key
    assert key in first.content.decode()
    assert key not in client.get(url).content.decode()
    client.post(url, {"action": "create"})
    assert Token.objects.get(user=user).key != key
    client.post(url, {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="api_token").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.regenerate", "api_token.revoke"]
