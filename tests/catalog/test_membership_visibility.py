"""Only accepted members are members: what the public, the supplier choices and completeness see."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from catalog.choices import Category, Layer, MemberStatus
from catalog.forms.packages import ComponentForm
from catalog.readiness import package_missing
from tests.catalog.factories import add_member, company, complete_package
from tests.catalog.factories_public import published_package
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NOT_MEMBERS = [MemberStatus.PENDING, MemberStatus.DECLINED, MemberStatus.WITHDRAWN, MemberStatus.LEFT]


def with_members(package):  # noqa: ANN001, ANN201
    """An accepted member and one organization in each other status, each with a recognisable name."""
    add_member(package.consortium, organization=OrganizationFactory(name="Accepted Partner Ltd"))
    for status in NOT_MEMBERS:
        add_member(package.consortium, organization=OrganizationFactory(name=f"Hidden {status} Org"), status=status)
    return package


@pytest.mark.parametrize("page", ["package", "consortium", "api_consortium", "api_consortia", "open_data"])
def test_public_pages_api_and_open_data_show_accepted_members_only(client, page):
    package = with_members(published_package())
    url = {
        "package": f"/catalog/{package.slug}/",
        "consortium": f"/catalog/consortia/{package.consortium.slug}/",
        "api_consortium": f"/api/v1/consortia/{package.consortium.slug}/",
        "api_consortia": "/api/v1/consortia/",
        "open_data": reverse("catalog:open_data_json"),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    if page != "open_data":  # open data lists suppliers, not members
        assert "Accepted Partner Ltd" in body
    for status in NOT_MEMBERS:
        assert f"Hidden {status} Org" not in body, (page, status)


@pytest.mark.django_db(transaction=True)  # the catalog version is bumped on commit (catalog/cache.py)
def test_a_supplier_that_left_after_publication_is_not_shown_publicly(client):
    package = published_package()
    departed = add_member(package.consortium, organization=OrganizationFactory(name="Departed Chips Inc"))
    stays = add_member(package.consortium, organization=OrganizationFactory(name="Staying Data Co"))
    hardware = package.components.get(layer=Layer.HARDWARE)
    hardware.supplier = departed.organization
    hardware.save()
    package.components.filter(layer=Layer.DATA).update(supplier=stays.organization)
    # The control: while it is a member it is shown everywhere.
    assert "Departed Chips Inc" in client.get(f"/catalog/{package.slug}/").content.decode()
    departed.status = MemberStatus.LEFT
    departed.save()  # a membership change bumps the catalog version once committed: cached pages are rebuilt
    page = client.get(f"/catalog/{package.slug}/").content.decode()
    api = client.get(f"/api/v1/packages/{package.slug}/").json()
    data = b"".join(client.get(reverse("catalog:open_data_json")).streaming_content).decode()
    for body in (page, json.dumps(api), data):
        assert "Departed Chips Inc" not in body
        assert "Staying Data Co" in body
    assert {c["name"]: c["supplier"] for c in api["components"]}[hardware.name] is None


@pytest.mark.parametrize("status", NOT_MEMBERS)
def test_the_supplier_choices_offer_accepted_members_only(status):
    _user, _org, consortium = company()
    accepted = add_member(consortium)
    other = add_member(consortium, status=status)
    package = complete_package(consortium)
    form = ComponentForm(layer=Layer.DATA, package=package, prefix="new")
    offered = set(form.fields["supplier"].queryset)
    assert accepted.organization in offered and consortium.anchor in offered
    assert other.organization not in offered
    posted = ComponentForm(
        {"new-category": Category.DATASET, "new-name": "D", "new-quantity": 1, "new-supplier": other.organization.pk},
        layer=Layer.DATA,
        package=package,
        prefix="new",
    )
    assert not posted.is_valid() and "supplier" in posted.errors


def test_the_component_form_says_when_its_supplier_is_no_longer_a_member():
    _user, _org, consortium = company()
    departed = add_member(consortium, organization=OrganizationFactory(name="Gone Away Ltd"), status="left")
    package = complete_package(consortium)
    component = package.components.get(layer=Layer.HARDWARE)
    component.supplier = departed.organization
    component.save()
    form = ComponentForm(instance=component, layer=Layer.HARDWARE, package=package)
    assert "Gone Away Ltd is no longer a member" in str(form.fields["supplier"].help_text)


@pytest.mark.parametrize("status", NOT_MEMBERS)
def test_a_component_supplied_by_a_non_member_blocks_completeness(status):
    _user, _org, consortium = company()
    other = add_member(consortium, status=status)
    package = complete_package(consortium)
    package.components.filter(layer=Layer.SECURITY).update(supplier=other.organization)
    codes = [m.code for m in package_missing(package)]
    assert codes == ["supplier_not_member"]
    other.status = MemberStatus.ACCEPTED
    other.save()
    assert package_missing(package) == []


def test_the_review_step_links_the_problem_to_the_components_supplier_field(client):
    user, _org, consortium = company()
    departed = add_member(consortium, organization=OrganizationFactory(name="Gone Away Ltd"), status="left")
    package = complete_package(consortium)
    component = package.components.get(layer=Layer.HARDWARE)
    component.supplier = departed.organization
    component.save()
    client.force_login(user)
    html = client.get(reverse("catalog:manage_package_step", args=[package.slug, "review"])).content.decode()
    link = reverse("catalog:manage_component_edit", args=[package.slug, component.pk]) + "#id_supplier"
    assert f'href="{link}"' in html
    assert "Gone Away Ltd is not a member of the consortium; choose another supplier" in html
    response = client.post(reverse("catalog:manage_package_submit", args=[package.slug]))
    assert response.status_code == 400
    package.refresh_from_db()
    assert package.status == "draft"


def test_a_pending_invitation_gives_no_view_of_the_consortiums_drafts(client):
    _user, _org, consortium = company()
    draft = complete_package(consortium, title="Secret Draft")
    invited = add_member(consortium, status="pending")
    from tests.factories import MembershipFactory

    person = MembershipFactory(organization=invited.organization).user
    client.force_login(person)
    assert client.get(reverse("catalog:manage_package_detail", args=[draft.slug])).status_code == 404
    assert "Secret Draft" not in client.get(reverse("catalog:dashboard")).content.decode()
    invited.status = MemberStatus.ACCEPTED  # the control: once accepted, the member sees it
    invited.save()
    assert client.get(reverse("catalog:manage_package_detail", args=[draft.slug])).status_code == 200
