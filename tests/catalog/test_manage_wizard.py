from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.choices import Layer, PackageStatus
from catalog.models import Component, Package
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db


def step(package, name):
    return reverse("catalog:manage_package_step", args=[package.slug, name])


@pytest.fixture
def manager(client):
    user, org, consortium = company()
    client.force_login(user)
    return user, org, consortium


def overview_data(**extra):
    return {
        "title": "Nairobi Sovereign Cloud",
        "summary": "A GPU cloud for East Africa.",
        "description": "",
        "sectors": ["health", "education"],
        "target_countries": ["KE", "TZ"],
        "builder": "Acme",
        "owner": "",
        "operator": "",
        "business_model": "",
        "federal_support": ["loans"],
        "federal_support_details": "",
        "us_content_statement": "",
        "nav": "next",
        **extra,
    }


def test_saving_the_overview_of_a_new_package_creates_a_draft_and_moves_to_hardware(client, manager):
    _user, _org, consortium = manager
    response = client.post(reverse("catalog:manage_package_new", args=[consortium.slug]), overview_data())
    package = Package.objects.get()
    assert response.status_code == 302 and response.url == step(package, "hardware")
    assert package.status == PackageStatus.DRAFT
    assert sorted(package.target_countries.values_list("code", flat=True)) == ["KE", "TZ"]
    assert package.federal_support == ["loans"]


def test_an_overview_with_errors_re_renders_with_the_typed_values_and_linked_errors(client, manager):
    _user, _org, consortium = manager
    data = overview_data(title="", summary="Kept summary", target_countries=["XX"])
    response = client.post(reverse("catalog:manage_package_new", args=[consortium.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept summary" in html
    assert 'href="#id_title"' in html and 'aria-describedby="id_title_error_1"' in html
    assert "id_target_countries_error_1" in html
    assert not Package.objects.exists()


def test_the_save_draft_button_stays_on_the_step_and_back_goes_to_the_previous_one(client, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    response = client.post(step(package, "overview"), overview_data(nav="stay"))
    assert response.url == step(package, "overview")
    response = client.post(step(package, "data"), {"nav": "back", "new-quantity": "1"})
    assert response.url == step(package, "software")


def test_a_component_is_added_on_its_layer_step(client, manager):
    _user, org, consortium = manager
    package = PackageFactory(consortium=consortium)
    data = {
        "nav": "add", "new-category": "accelerator", "new-name": "H100 SXM", "new-supplier": org.pk,
        "new-quantity": "512", "new-eccn": "3a090.A", "new-tpp": "15832", "new-performance_density": "19.4",
        "new-unit_value_usd": "30000", "new-us_origin_share": "85",
    }  # fmt: skip
    response = client.post(step(package, "hardware"), data)
    assert response.status_code == 302 and response.url == step(package, "hardware")
    comp = Component.objects.get()
    assert (comp.layer, comp.eccn, comp.quantity, comp.supplier) == ("hardware", "3A090.a", 512, org)
    page = client.get(step(package, "hardware")).content.decode()
    assert "H100 SXM" in page and "usa-step-indicator" in page


def test_continuing_with_typed_component_fields_adds_the_component_before_leaving(client, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    data = {"nav": "next", "new-category": "pipeline", "new-name": "Ingest", "new-quantity": "1"}
    response = client.post(step(package, "data"), data)
    assert response.url == step(package, "security")
    assert package.components.get().name == "Ingest"


def test_continuing_with_an_empty_component_form_just_moves_on(client, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    response = client.post(step(package, "data"), {"nav": "next", "new-quantity": "1", "new-weights_published": ""})
    assert response.url == step(package, "security")
    assert not package.components.exists()


@pytest.mark.parametrize(
    ("layer", "fields", "error_field"),
    [
        ("hardware", {"new-eccn": "3A09"}, "eccn"),
        ("hardware", {"new-eccn": "EAR-99"}, "eccn"),
        ("hardware", {"new-tpp": "-5"}, "tpp"),
        ("hardware", {"new-us_origin_share": "120"}, "us_origin_share"),
        ("hardware", {"new-category": "foundation_model"}, "category"),
        ("hardware", {"new-category": "networking", "new-tpp": "100"}, "tpp"),
        ("software", {"new-category": "application", "new-training_operations": "1e25"}, "training_operations"),
        ("data", {"new-quantity": "0"}, "quantity"),
    ],
)
def test_a_bad_component_re_renders_the_step_with_the_error_and_the_typed_values(
    client, manager, layer, fields, error_field
):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    default_category = {"hardware": "accelerator", "software": "foundation_model", "data": "pipeline"}[layer]
    data = {"nav": "next", "new-category": default_category, "new-name": "Typed name", "new-quantity": "1", **fields}
    response = client.post(step(package, layer), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"id_new-{error_field}_error_1" in html
    assert 'value="Typed name"' in html
    assert not Component.objects.exists()


def test_a_supplier_outside_the_consortium_is_not_offered_and_is_refused(client, manager):
    _user, _org, consortium = manager
    outsider_consortium = company()[2]
    package = PackageFactory(consortium=consortium)
    data = {"nav": "add", "new-category": "pipeline", "new-name": "P", "new-quantity": "1",
            "new-supplier": outsider_consortium.anchor.pk}  # fmt: skip
    response = client.post(step(package, "data"), data)
    assert response.status_code == 400 and "id_new-supplier_error_1" in response.content.decode()


def test_a_member_organization_is_offered_as_supplier(client, manager):
    _user, _org, consortium = manager
    member = add_member(consortium)
    package = PackageFactory(consortium=consortium)
    assert member.organization.name in client.get(step(package, "security")).content.decode()


def test_editing_and_removing_a_component(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    comp = package.components.get(layer=Layer.DATA)
    url = reverse("catalog:manage_component_edit", args=[package.slug, comp.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"category": "labeling", "name": "Labels", "quantity": "3", "eccn": "EAR99"})
    assert response.url == step(package, "data")
    comp.refresh_from_db()
    assert (comp.category, comp.name, comp.eccn) == ("labeling", "Labels", "EAR99")
    bad = client.post(url, {"category": "labeling", "name": "", "quantity": "3"})
    assert bad.status_code == 400
    remove = reverse("catalog:manage_component_remove", args=[package.slug, comp.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not Component.objects.filter(pk=comp.pk).exists()


def test_the_review_step_lists_exactly_what_is_missing_with_links_to_the_fields_that_fix_it(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    package.components.filter(layer__in=[Layer.DATA, Layer.SECURITY]).delete()
    package.target_countries.clear()
    html = client.get(step(package, "review")).content.decode()
    assert "Choose at least one target country or regional bloc." in html
    assert "Add at least one data component." in html and "Add at least one security component." in html
    assert "Add at least one hardware component." not in html
    assert f'href="{step(package, "data")}#id_new-category"' in html
    assert f'href="{step(package, "overview")}#id_target_countries"' in html


def test_the_review_step_shows_the_hardware_us_origin_share_and_warns_below_51_percent(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    chip = package.components.get(layer=Layer.HARDWARE)
    chip.us_origin_share = 40
    chip.save()
    html = client.get(step(package, "review")).content.decode()
    assert "40.0 %" in html and "Warning: below the 51 %" in html


def test_submitting_an_incomplete_package_shows_the_error_state_and_keeps_the_draft(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    package.components.filter(layer=Layer.SECURITY).delete()
    response = client.post(reverse("catalog:manage_package_submit", args=[package.slug]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The package could not be submitted" in html and "Add at least one security component." in html
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT


def test_submitting_a_complete_package_redirects_to_its_page_with_the_new_status(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    response = client.post(reverse("catalog:manage_package_submit", args=[package.slug]), follow=True)
    assert response.status_code == 200
    package.refresh_from_db()
    assert package.status == PackageStatus.SUBMITTED
    assert "Package submitted for review" in response.content.decode()


def test_wizard_steps_of_a_submitted_package_redirect_to_its_page(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    response = client.get(step(package, "hardware"))
    assert response.url == reverse("catalog:manage_package_detail", args=[package.slug])


def test_withdraw_reopen_and_revise_buttons_run_the_services(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium, status=PackageStatus.SUBMITTED)
    client.post(reverse("catalog:manage_package_withdraw", args=[package.slug]))
    package.refresh_from_db()
    assert package.status == PackageStatus.WITHDRAWN
    client.post(reverse("catalog:manage_package_reopen", args=[package.slug]))
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT
    published = complete_package(consortium, status=PackageStatus.PUBLISHED)
    response = client.post(reverse("catalog:manage_package_revise", args=[published.slug]))
    revision = Package.objects.get(revision_of=published)
    assert response.url == reverse("catalog:manage_package_detail", args=[revision.slug])
    refused = client.post(reverse("catalog:manage_package_withdraw", args=[published.slug]), follow=True)
    assert "cannot be withdrawn" in refused.content.decode()


def test_an_unknown_step_is_404(client, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    assert client.get(step(package, "nope")).status_code == 404


def test_the_package_page_shows_reviewer_feedback_and_the_eligibility_panel(client, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium, status=PackageStatus.CHANGES_REQUESTED, reviewer_feedback="Add pricing.")
    html = client.get(reverse("catalog:manage_package_detail", args=[package.slug])).content.decode()
    assert "Add pricing." in html and "Reviewer feedback" in html


@pytest.mark.parametrize(("share", "shown", "warned"), [("50.95", "50.95 %", True), ("51.00", "51.0 %", False)])
def test_the_review_step_warns_at_50_95_percent_and_never_shows_51_below(client, manager, share, shown, warned):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    package.components.filter(layer=Layer.HARDWARE).update(us_origin_share=share)
    html = client.get(step(package, "review")).content.decode()
    assert shown in html
    assert ("Warning: below the 51 %" in html) is warned
    assert ("Meets the program" in html) is not warned
