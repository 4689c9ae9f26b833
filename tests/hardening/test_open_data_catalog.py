"""Open data: the published catalog as one streamed CSV or JSON download."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import opendata
from catalog.choices import PackageStatus
from eligibility.models import EligibilityResult, RuleSet
from tests.catalog.factories import add_member
from tests.catalog.factories_public import published_package
from tests.factories import ComponentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CSV_URL = "/catalog/download.csv"
JSON_URL = "/catalog/download.json"


def _body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def _results(package, ruleset, outcomes: dict[str, list[str]]) -> None:
    for outcome, codes in outcomes.items():
        for code in codes:
            EligibilityResult.objects.create(
                package=package,
                country_id=code,
                ruleset=ruleset,
                ruleset_version=ruleset.version,
                outcome=outcome,
                computed_at=timezone.now(),
            )


@pytest.fixture
def catalog_rows():
    active = RuleSet.objects.get(status="active")
    old = RuleSet.objects.exclude(pk=active.pk).first()
    shown = published_package(title="Sovereign cloud", countries=["FR", "DE"], categories=[])
    chips = add_member(shown.consortium, organization=OrganizationFactory(name="Chips Inc.")).organization
    ComponentFactory(package=shown, category="accelerator", name="=HYPERLINK(\"http://evil\")", eccn="3A090.a",
                     supplier=chips, tpp=4800.0)  # fmt: skip
    ComponentFactory(package=shown, category="foundation_model", name="Model A", position=1)
    _results(shown, active, {"eligible": ["FR", "DE", "JP"], "prohibited": ["CN"]})
    if old is not None:  # results under another rule set are not counted
        _results(published_package(title="Other", categories=[]), old, {"eligible": ["IT"]})
    draft = published_package(title="Secret draft", status=PackageStatus.DRAFT)
    review = published_package(title="Under review", status=PackageStatus.SUBMITTED)
    return {"shown": shown, "draft": draft, "review": review, "active": active}


def test_the_catalog_json_download_is_a_streamed_array_of_published_packages_only(client, catalog_rows):
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    records = json.loads(_body(response))
    titles = {r["title"] for r in records}
    assert "Sovereign cloud" in titles
    assert "Secret draft" not in titles and "Under review" not in titles
    shown = next(r for r in records if r["title"] == "Sovereign cloud")
    assert shown["target_countries"] == ["DE", "FR"]
    assert [c["name"] for c in shown["components"]] == ['=HYPERLINK("http://evil")', "Model A"]
    assert shown["components"][0]["supplier"] == "Chips Inc." and shown["components"][0]["eccn"] == "3A090.a"
    assert shown["eligibility"]["ruleset_version"] == catalog_rows["active"].version
    assert shown["eligibility"]["countries"] == {"eligible": 3, "license_required": 0, "prohibited": 1}


def test_the_catalog_csv_download_has_one_row_per_component_and_guards_formulas(client, catalog_rows):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    mine = [r for r in rows if r["title"] == "Sovereign cloud"]
    assert [r["component_name"] for r in mine] == ['\'=HYPERLINK("http://evil")', "Model A"]
    assert mine[0]["countries_eligible"] == "3" and mine[0]["countries_prohibited"] == "1"
    assert mine[0]["target_countries"] == "DE FR"
    assert not any(r["title"] in {"Secret draft", "Under review"} for r in rows)


def test_a_package_without_components_still_has_one_csv_row(client, db):
    published_package(title="Empty", categories=[])
    rows = list(csv.DictReader(io.StringIO(_body(client.get(CSV_URL)))))
    assert [r["title"] for r in rows] == ["Empty"] and rows[0]["component_name"] == ""


def test_an_empty_catalog_is_a_valid_empty_json_array(client, db):
    assert json.loads(_body(client.get(JSON_URL))) == []


def test_without_an_active_rule_set_the_summary_is_null(client, catalog_rows):
    RuleSet.objects.filter(status="active").update(status="archived")
    records = json.loads(_body(client.get(JSON_URL)))
    assert {r["eligibility"] is None for r in records} == {True}


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_the_download_costs_the_same_queries_for_3_and_30_packages(client, db, url):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            _body(client.get(url))
        return len(ctx.captured_queries)

    for _ in range(3):
        published_package(countries=["FR"], sectors=[])
    small = count()
    for _ in range(27):
        published_package(countries=["FR"], sectors=[])
    assert count() == small
    assert small <= 8


def test_the_download_reads_in_chunks_so_queries_grow_with_chunks_not_rows(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(6):
        published_package(countries=["FR"])
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(opendata.package_records(chunk_size=3))) == 6
    # the active rule set, then per chunk: packages + components + sectors + countries + regions
    assert len(ctx.captured_queries) <= 1 + 2 * 5 + 1


def test_the_catalog_page_links_to_both_downloads(client, db):
    html = client.get(reverse("catalog:package_list")).content.decode()
    assert f'href="{CSV_URL}"' in html and f'href="{JSON_URL}"' in html


def test_the_downloads_are_described_in_the_api_schema_with_their_media_types(db):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path, media in [
        ("/catalog/download.csv", "text/csv"),
        ("/catalog/download.json", "application/json"),
        ("/rfi/{docket}/submissions/download.csv", "text/csv"),
        ("/rfi/{docket}/submissions/download.json", "application/json"),
    ]:
        assert media in paths[path]["get"]["responses"]["200"]["content"]


def test_the_url_not_the_accept_header_decides_the_format(client, db):
    response = client.get(CSV_URL, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_every_cell_that_could_start_a_formula_is_quoted(cell):
    from aiexports.streaming import csv_safe

    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "", "a=b", -3, 4.5, None, True])
def test_other_cells_are_left_alone(cell):
    from aiexports.streaming import csv_safe

    assert csv_safe(cell) == ("" if cell is None else cell)
