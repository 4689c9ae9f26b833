from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from catalog import services
from catalog.choices import Category, PackageStatus
from tests.catalog.factories import company, complete_package
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/package/"


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def act(client, action, packages, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in packages], **extra})


def publish_url(package):
    return reverse("admin:catalog_package_publish", args=[package.pk])


def confirm(client, package, **extra):
    """Post the publish confirmation overriding every warning at once, with a reason."""
    data = {"override_all": "on", "override_reason": "Weighed by the board.", "message": "", **extra}
    return client.post(publish_url(package), data)


def test_assign_to_me_and_start_review_go_through_the_services(client, staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    act(client, "assign_to_me", [package])
    package.refresh_from_db()
    assert package.reviewer == staff
    act(client, "start_review", [package])
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW
    assert {"package.assign", "package.start_review"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_an_action_refused_by_the_service_reports_the_reason_and_changes_nothing(client, staff):
    _u, _o, consortium = company()
    draft = complete_package(consortium)
    response = act(client, "start_review", [draft])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Cannot start reviewing a package that is “Draft”" in m for m in messages)
    draft.refresh_from_db()
    assert draft.status == PackageStatus.DRAFT


def test_assign_to_a_reviewer_uses_an_intermediate_form(client, staff):
    other = StaffFactory(email="second.reviewer@example.com")
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    page = act(client, "assign_to", [package])
    assert "second.reviewer@example.com" in page.content.decode()
    act(client, "assign_to", [package], apply="1", reviewer=other.pk)
    package.refresh_from_db()
    assert package.reviewer == other


def test_the_publish_action_leads_to_the_confirmation_page_which_publishes_over_overridden_warnings(client, staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    response = act(client, "publish", [package])
    assert response.status_code == 302 and response["Location"] == publish_url(package)
    confirm(client, package)
    package.refresh_from_db()
    assert package.status == PackageStatus.PUBLISHED


def test_request_changes_shows_an_intermediate_form_then_applies_the_message(client, staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    page = act(client, "request_changes", [package])
    assert page.status_code == 200 and "Message to the submitter" in page.content.decode()
    empty = act(client, "request_changes", [package], apply="1", message="")
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    act(client, "request_changes", [package], apply="1", message="Add the model card.")
    package.refresh_from_db()
    assert (package.status, package.reviewer_feedback) == (PackageStatus.CHANGES_REQUESTED, "Add the model card.")


def test_reject_needs_a_coded_reason(client, staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW)
    page = act(client, "reject", [package])
    assert "U.S. content below" in page.content.decode()
    act(client, "reject", [package], apply="1", reason="made-up", message="")
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW
    act(client, "reject", [package], apply="1", reason="export_controls", message="End use unclear.")
    package.refresh_from_db()
    assert (package.status, package.rejection_reason) == (PackageStatus.REJECTED, "export_controls")


def test_the_queue_filters_by_layer_reviewer_and_status(client, staff):
    _u, _o, consortium = company()
    mine = complete_package(consortium, status=PackageStatus.IN_REVIEW, title="Mine", reviewer=staff)
    nobody = complete_package(consortium, status=PackageStatus.SUBMITTED, title="Nobody")
    nobody.components.filter(layer="data").delete()

    def titles(query):
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200
        return {p.title for p in response.context["cl"].result_list}

    assert titles("?reviewer=me") == {"Mine"}
    assert titles("?reviewer=none") == {"Nobody"}
    assert titles("?layer=data") == {"Mine"}
    assert titles("?status__exact=submitted") == {"Nobody"}
    assert titles(f"?target_countries__code__exact=KE&consortium__id__exact={consortium.pk}") == {"Mine", "Nobody"}
    assert titles("?q=Mine") == {"Mine"}
    assert mine.pk


def test_the_change_page_shows_components_and_the_diff_of_a_revision(client, staff):
    user, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, summary="Old summary")
    revision = services.package_revise(actor=user, package=package)
    services.package_update(actor=user, package=revision, summary="New summary")
    services.component_add(actor=user, package=revision, layer="security", category=Category.PRIVACY, name="Vault")
    services.component_remove(actor=user, component=revision.components.get(layer="data"))
    html = client.get(reverse("admin:catalog_package_change", args=[revision.pk])).content.decode()
    assert "Old summary" in html and "New summary" in html
    assert "Added components" in html and "Vault" in html and "Removed components" in html
    assert "package.revise" not in html  # the audit trail is the revision's own


def test_the_changelist_query_count_does_not_grow_with_packages(client, staff, django_assert_max_num_queries):
    _u, _o, consortium = company()
    complete_package(consortium, status=PackageStatus.SUBMITTED)
    with django_assert_max_num_queries(25):
        client.get(CHANGELIST)
    for _ in range(15):
        complete_package(consortium, status=PackageStatus.SUBMITTED)
    with django_assert_max_num_queries(25):
        client.get(CHANGELIST)


def test_the_consortium_admin_is_searchable_and_shows_members_inline(client, staff):
    _u, org, consortium = company("Searchable Org")
    response = client.get("/admin/catalog/consortium/?q=Searchable")
    assert consortium.name in response.content.decode()
    change = client.get(reverse("admin:catalog_consortium_change", args=[consortium.pk])).content.decode()
    assert "Searchable Org" in change


def test_publishing_a_revision_from_the_queue_updates_the_published_package_under_the_same_slug(client, staff):
    user, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, title="Stable Slug Stack")
    revision = services.package_revise(actor=user, package=package)
    services.package_update(actor=user, package=revision, title="Stable Slug Stack, second edition")
    services.package_submit(actor=user, package=revision)
    act(client, "start_review", [revision])
    confirm(client, revision)
    package.refresh_from_db()
    revision.refresh_from_db()
    assert (package.slug, package.title) == ("stable-slug-stack", "Stable Slug Stack, second edition")
    assert package.status == PackageStatus.PUBLISHED and revision.status == PackageStatus.MERGED
    html = client.get(reverse("admin:catalog_package_changelist") + "?kind=revision").content.decode()
    assert "Stable Slug Stack" in html


def test_the_change_page_offers_the_decisions_of_the_current_status_and_runs_them(client, staff):
    _u, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    html = client.get(reverse("admin:catalog_package_change", args=[package.pk])).content.decode()
    assert 'value="start_review"' in html and publish_url(package) not in html
    response = client.post(CHANGELIST, {"action": "start_review", "_selected_action": package.pk, "_changeform": "1"})
    assert response["Location"] == reverse("admin:catalog_package_change", args=[package.pk])
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_REVIEW
    html = client.get(reverse("admin:catalog_package_change", args=[package.pk])).content.decode()
    assert publish_url(package) in html and 'value="reject"' in html
