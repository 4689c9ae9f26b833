"""Buyer-facing pages: /catalog/ (search, facets, sorting, pagination), a package page, a consortium page."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from catalog.choices import Category, ConsortiumRole, PackageStatus
from catalog.filtersets import PackageFilterSet
from catalog.models import ConsortiumMember
from catalog.selectors import package_facets, published_packages
from tests.catalog.factories_public import published_package
from tests.factories import ConsortiumFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NOT_PUBLIC = [s for s in PackageStatus.values if s != PackageStatus.PUBLISHED]


def facets_for(query: str = ""):
    filterset = PackageFilterSet(QueryDict(query), queryset=published_packages())
    filterset.is_valid()
    return package_facets(filterset)


def counts(options) -> dict[str, int]:
    return {o.value: o.count for o in options}


# --- only published packages are public -------------------------------------------------------------


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_a_package_that_is_not_published_is_404_and_never_listed(client, status):
    hidden = published_package(title="Hidden package", status=status)
    published_package(title="Visible package", consortium=hidden.consortium)
    listing = client.get("/catalog/").content.decode()
    assert "Visible package" in listing
    assert "Hidden package" not in listing
    assert client.get(f"/catalog/{hidden.slug}/").status_code == 404
    consortium_page = client.get(f"/catalog/consortia/{hidden.consortium.slug}/").content.decode()
    assert "Hidden package" not in consortium_page


def test_a_consortium_without_a_published_package_is_404(client):
    draft = published_package(status=PackageStatus.DRAFT)
    assert client.get(f"/catalog/consortia/{draft.consortium.slug}/").status_code == 404
    assert client.get("/catalog/consortia/no-such-consortium/").status_code == 404


# --- facets ----------------------------------------------------------------------------------------


def test_facet_counts_count_packages_not_components():
    published_package(categories=[Category.SERVER, Category.STORAGE], sectors=["health", "energy"])
    published_package(categories=[Category.SERVER, Category.DATASET], sectors=["health"])
    published_package(categories=[Category.PRIVACY], sectors=[])
    facets = facets_for()
    assert counts(facets.layer) == {"hardware": 2, "software": 0, "data": 1, "security": 1}
    assert counts(facets.category) == {"server": 2, "storage": 1, "dataset": 1, "privacy": 1}
    assert counts(facets.sector) == {"energy": 1, "health": 2}


def test_country_counts_include_regional_blocs_without_counting_a_package_twice():
    published_package(countries=["AE", "KE"], regions=["gcc"])
    published_package(regions=["gcc"])
    published_package(countries=["KE"])
    facets = facets_for()
    country = counts(facets.target_country)
    assert country["AE"] == 2, "targeted directly and through the GCC: still one package"
    assert country["SA"] == 2
    assert country["KE"] == 2
    assert "FR" not in country
    assert counts(facets.target_region) == {"gcc": 2}


def test_consortium_counts_name_each_consortium():
    first = ConsortiumFactory(name="Atlas Alliance")
    published_package(consortium=first)
    published_package(consortium=first)
    published_package(consortium=ConsortiumFactory(name="Borealis Group"))
    options = facets_for().consortium
    assert [(o.label, o.count) for o in options] == [("Atlas Alliance", 2), ("Borealis Group", 1)]


def test_a_facet_counts_the_results_of_the_other_filters_so_alternatives_stay_visible():
    published_package(categories=[Category.SERVER], sectors=["health"])
    published_package(categories=[Category.DATASET], sectors=["health"])
    published_package(categories=[Category.DATASET], sectors=["energy"])
    facets = facets_for("layer=hardware&sector=health")
    # The layer facet ignores the layer filter (data is an alternative) but applies the sector filter.
    assert counts(facets.layer)["data"] == 1
    assert counts(facets.layer)["hardware"] == 1
    # The sector facet applies the layer filter: only the hardware package remains, in health.
    assert counts(facets.sector) == {"health": 1}
    assert [o.value for o in facets.layer if o.selected] == ["hardware"]


def test_the_list_page_shows_facet_counts_and_checks_the_chosen_values(client):
    published_package(categories=[Category.SERVER], sectors=["health"])
    published_package(categories=[Category.DATASET], sectors=["health"])
    html = client.get("/catalog/?sector=health&layer=data").content.decode()
    assert re.search(r'id="id_sector_health"[^>]*checked', html)
    assert re.search(r'id="id_layer_data"[^>]*checked', html)
    assert not re.search(r'id="id_layer_hardware"[^>]*checked', html)
    assert re.search(r"Health care <span class=\"aix-facet-count\">\(1", html)
    assert "1 package</h2>" in html


# --- list page: search, state in the URL, empty result, errors, pagination ----------------------------


def test_the_search_term_and_sort_are_kept_in_the_form(client):
    published_package(title="Sovereign cloud")
    html = client.get("/catalog/?q=sovereign&ordering=title").content.decode()
    assert 'value="sovereign"' in html
    assert '<option value="title" selected>' in html
    assert "Sovereign cloud" in html


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client):
    published_package(sectors=["health"])
    html = client.get("/catalog/?sector=energy").content.decode()
    assert "No packages match" in html
    assert '<a class="usa-link" href="/catalog/">Clear all filters</a>' in html


def test_an_empty_catalog_says_nothing_is_published_yet(client):
    html = client.get("/catalog/").content.decode()
    assert "No packages have been published yet." in html


def test_each_active_filter_has_a_link_that_removes_only_it(client):
    published_package(sectors=["health"], categories=[Category.SERVER])
    html = client.get("/catalog/?sector=health&layer=hardware&page=1").content.decode()
    assert 'href="?layer=hardware"' in html, "removing the sector keeps the layer and drops the page"
    assert 'href="?sector=health"' in html


def test_a_bad_filter_value_shows_an_error_linked_to_its_field_and_still_lists(client):
    published_package(title="Still listed")
    response = client.get("/catalog/?eccn=not-an-eccn")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_eccn"' in html
    assert "Enter an ECCN or the beginning of one" in html
    assert "Still listed" in html


def test_pagination_keeps_the_filters_and_marks_the_current_page(client):
    for n in range(12):
        published_package(title=f"Health package {n:02}", sectors=["health"])
    html = client.get("/catalog/?sector=health&ordering=title&page_size=10&page=2").content.decode()
    assert 'aria-current="page">2</a>' in html
    assert 'href="?sector=health&amp;ordering=title&amp;page_size=10&amp;page=1"' in html
    assert "Health package 10" in html
    assert "Health package 00" not in html
    assert 'class="usa-pagination"' in html


def test_an_out_of_range_page_shows_the_last_page(client):
    published_package(title="Only one")
    response = client.get("/catalog/?page=99")
    assert response.status_code == 200
    assert "Only one" in response.content.decode()


# --- the package page ------------------------------------------------------------------------------


def test_the_package_page_groups_components_by_layer_in_captioned_tables(client):
    package = published_package(
        categories=[Category.DATASET, Category.ACCELERATOR, Category.SERVER],
        sectors=["health"],
        countries=["KE"],
        regions=["gcc"],
        builder="Builder Co",
        operator="Local Telecom",
        business_model="Build, operate, transfer.",
        federal_support=["loans", "feasibility"],
    )
    html = client.get(f"/catalog/{package.slug}/").content.decode()
    captions = re.findall(r"<caption[^>]*>([^<]+)</caption>", html)
    assert captions == ["Hardware: 2 components", "Data: 1 component"]
    assert html.count('<th scope="col">Component</th>') == 2
    expected = [
        "Health care", "Kenya", "Gulf Cooperation Council", "Builder Co", "Local Telecom",
        "Build, operate, transfer.", "Loans and loan guarantees (EXIM)", "Feasibility studies (USTDA)",
    ]  # fmt: skip
    for text in expected:
        assert text in html, text


def test_the_package_page_lists_the_consortium_members_with_their_countries(client):
    package = published_package()
    partner = OrganizationFactory(name="Nairobi Data Works", country_id="KE")
    ConsortiumMember.objects.create(
        consortium=package.consortium,
        organization=partner,
        role=ConsortiumRole.OPERATOR,
        layers=["data"],
        status="accepted",
    )
    html = client.get(f"/catalog/{package.slug}/").content.decode()
    assert "Nairobi Data Works</strong> — Kenya" in html
    assert "Operator · Data" in html
    assert f'href="/catalog/consortia/{package.consortium.slug}/"' in html


def test_the_consortium_page_lists_members_and_published_packages(client):
    package = published_package(title="Public one")
    published_package(title="Draft one", consortium=package.consortium, status=PackageStatus.DRAFT)
    partner = OrganizationFactory(name="Lagos Compute", country_id="NG")
    ConsortiumMember.objects.create(
        status="accepted", consortium=package.consortium, organization=partner, layers=["hardware"]
    )
    html = client.get(f"/catalog/consortia/{package.consortium.slug}/").content.decode()
    assert "Public one" in html
    assert "Draft one" not in html
    assert "Lagos Compute" in html and "Nigeria" in html
    assert "<caption>2 member organizations</caption>" in html
