"""The permission matrix of the submitter pages and API: company B gets 404 for company A's private objects,
and lists never include them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.choices import OrganizationRole, PackageStatus
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Company A with a consortium, a member organization, a draft and a published package; company B apart."""
    user_a, org_a, consortium_a = company("Alpha Compute")
    member = add_member(consortium_a)
    draft = complete_package(consortium_a, title="Alpha private draft")
    published = complete_package(consortium_a, status=PackageStatus.PUBLISHED, title="Alpha published")
    submitted = complete_package(consortium_a, status=PackageStatus.SUBMITTED, title="Alpha submitted")
    user_b, _org_b, consortium_b = company("Beta Systems")
    return {
        "a": user_a, "b": user_b, "consortium": consortium_a, "member": member, "draft": draft,
        "published": published, "submitted": submitted, "consortium_b": consortium_b,
    }  # fmt: skip


def page_urls(w):
    c, d, p, s = w["consortium"], w["draft"], w["published"], w["submitted"]
    comp = d.components.first()
    urls = [
        ("get", reverse("catalog:manage_consortium_detail", args=[c.slug])),
        ("get", reverse("catalog:manage_consortium_edit", args=[c.slug])),
        ("post", reverse("catalog:manage_consortium_edit", args=[c.slug])),
        ("get", reverse("catalog:manage_consortium_members", args=[c.slug])),
        ("post", reverse("catalog:manage_consortium_members", args=[c.slug])),
        ("get", reverse("catalog:manage_consortium_member_remove", args=[c.slug, w["member"].pk])),
        ("post", reverse("catalog:manage_consortium_member_remove", args=[c.slug, w["member"].pk])),
        ("get", reverse("catalog:manage_package_new", args=[c.slug])),
        ("post", reverse("catalog:manage_package_new", args=[c.slug])),
        ("get", reverse("catalog:manage_component_edit", args=[d.slug, comp.pk])),
        ("post", reverse("catalog:manage_component_edit", args=[d.slug, comp.pk])),
        ("get", reverse("catalog:manage_component_remove", args=[d.slug, comp.pk])),
        ("post", reverse("catalog:manage_component_remove", args=[d.slug, comp.pk])),
        ("post", reverse("catalog:manage_package_submit", args=[d.slug])),
        ("post", reverse("catalog:manage_package_withdraw", args=[s.slug])),
        ("post", reverse("catalog:manage_package_reopen", args=[d.slug])),
        ("post", reverse("catalog:manage_package_revise", args=[p.slug])),
    ]
    for package in (d, p, s):
        urls.append(("get", reverse("catalog:manage_package_detail", args=[package.slug])))
    for step in ("overview", "hardware", "software", "data", "security", "review"):
        urls.append(("get", reverse("catalog:manage_package_step", args=[d.slug, step])))
        urls.append(("post", reverse("catalog:manage_package_step", args=[d.slug, step])))
    return urls


def api_urls(w):
    d, s = w["draft"], w["submitted"]
    comp = d.components.first()
    return [
        ("get", f"/api/v1/drafts/{d.slug}/"),
        ("get", f"/api/v1/drafts/{w['published'].slug}/"),
        ("patch", f"/api/v1/drafts/{d.slug}/"),
        ("get", f"/api/v1/drafts/{d.slug}/components/"),
        ("post", f"/api/v1/drafts/{d.slug}/components/"),
        ("get", f"/api/v1/drafts/{d.slug}/components/{comp.pk}/"),
        ("patch", f"/api/v1/drafts/{d.slug}/components/{comp.pk}/"),
        ("delete", f"/api/v1/drafts/{d.slug}/components/{comp.pk}/"),
        ("post", f"/api/v1/packages/{d.slug}/submit/"),
        ("post", f"/api/v1/packages/{s.slug}/submit/"),
    ]


def test_every_submitter_page_of_company_a_is_404_for_company_b(client, world):
    client.force_login(world["b"])
    failures = []
    for method, url in page_urls(world):
        response = getattr(client, method)(url, {"title": "x", "name": "x", "nav": "next"})
        if response.status_code != 404:
            failures.append((method, url, response.status_code))
    assert failures == []
    world["draft"].refresh_from_db()
    assert world["draft"].status == PackageStatus.DRAFT and world["draft"].components.count() == 4


def test_every_submitter_api_route_of_company_a_is_404_for_company_b(world):
    api = APIClient()
    api.force_authenticate(world["b"])
    failures = []
    for method, url in api_urls(world):
        response = getattr(api, method)(url, {"name": "x"}, format="json")
        if response.status_code != 404 or "detail" not in response.json():
            failures.append((method, url, response.status_code))
    assert failures == []


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for method, url in page_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response.url, url


def test_lists_of_company_b_never_include_company_a_objects(client, world):
    client.force_login(world["b"])
    html = client.get(reverse("catalog:dashboard")).content.decode()
    assert "Alpha" not in html
    assert world["consortium_b"].name in html
    api = APIClient()
    api.force_authenticate(world["b"])
    assert api.get("/api/v1/drafts/").json()["results"] == []


def test_company_a_sees_its_own_objects_everywhere(client, world):
    client.force_login(world["a"])
    for method, url in page_urls(world):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url
    html = client.get(reverse("catalog:dashboard")).content.decode()
    assert "Alpha private draft" in html and "Alpha submitted" in html


def test_a_user_of_a_member_organization_sees_drafts_but_cannot_edit(client, world):
    viewer = UserFactory()
    MembershipFactory(user=viewer, organization=world["member"].organization, role=OrganizationRole.ADMIN)
    client.force_login(viewer)
    draft = world["draft"]
    assert client.get(reverse("catalog:manage_package_detail", args=[draft.slug])).status_code == 200
    assert client.get(reverse("catalog:manage_consortium_detail", args=[world["consortium"].slug])).status_code == 200
    assert client.get(reverse("catalog:manage_package_step", args=[draft.slug, "overview"])).status_code == 403
    assert client.get(reverse("catalog:manage_consortium_members", args=[world["consortium"].slug])).status_code == 403
    assert client.post(reverse("catalog:manage_package_submit", args=[draft.slug])).status_code == 403
    api = APIClient()
    api.force_authenticate(viewer)
    assert api.get(f"/api/v1/drafts/{draft.slug}/").status_code == 200
    assert api.patch(f"/api/v1/drafts/{draft.slug}/", {"title": "x"}, format="json").status_code == 403
