from __future__ import annotations

import pytest

from catalog.choices import Layer
from catalog.forms.packages import ComponentForm, OverviewForm
from tests.catalog.factories import add_member, company
from tests.factories import OrganizationFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def package():
    _user, _org, consortium = company()
    return PackageFactory(consortium=consortium)


def form(package, layer=Layer.HARDWARE, **data):
    values = {"category": "accelerator", "name": "Chip", "quantity": "1", **data}
    return ComponentForm(values, layer=layer, package=package)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"eccn": "3A09"}, "eccn"),
        ({"eccn": "XA090"}, "eccn"),
        ({"tpp": "-1"}, "tpp"),
        ({"performance_density": "-0.5"}, "performance_density"),
        ({"us_origin_share": "100.5"}, "us_origin_share"),
        ({"us_origin_share": "-1"}, "us_origin_share"),
        ({"unit_value_usd": "-10"}, "unit_value_usd"),
        ({"category": "pipeline"}, "category"),
        ({"quantity": "0"}, "quantity"),
        ({"name": ""}, "name"),
    ],
)
def test_a_hardware_component_with_bad_input_is_invalid_on_the_right_field(package, data, field):
    f = form(package, **data)
    assert not f.is_valid()
    assert field in f.errors


def test_a_supplier_that_is_not_a_member_is_refused_and_a_member_is_accepted(package):
    assert "supplier" in form(package, supplier=OrganizationFactory().pk).errors
    member = add_member(package.consortium)
    assert form(package, supplier=member.organization.pk).is_valid()


@pytest.mark.parametrize(("typed", "stored"), [("3a090.A", "3A090.a"), ("ear99", "EAR99"), (" 5A992.c ", "5A992.c")])
def test_eccns_are_normalised_to_the_printed_form(package, typed, stored):
    f = form(package, eccn=typed)
    assert f.is_valid(), f.errors
    assert f.cleaned_data["eccn"] == stored


def test_each_layer_shows_only_its_categories_and_fields(package):
    software = ComponentForm(layer=Layer.SOFTWARE, package=package)
    values = [value for value, _label in software.fields["category"].choices if value]
    assert values == ["foundation_model", "finetuned_model", "framework", "application", "cloud_service"]
    assert "training_operations" in software.fields and "tpp" not in software.fields
    data = ComponentForm(layer=Layer.DATA, package=package)
    assert "training_operations" not in data.fields and "us_origin_share" not in data.fields


def test_training_compute_is_only_for_models(package):
    bad = form(package, layer=Layer.SOFTWARE, category="application", training_operations="1e24")
    assert "training_operations" in bad.errors
    good = form(package, layer=Layer.SOFTWARE, category="foundation_model", training_operations="1e24",
                weights_published="false")  # fmt: skip
    assert good.is_valid(), good.errors
    assert good.cleaned_data["weights_published"] is False


def test_an_error_is_tied_to_its_field_for_screen_readers(package):
    f = form(package, eccn="bad")
    f.is_valid()
    assert 'aria-describedby="id_eccn_helptext id_eccn_error_1"' in str(f["eccn"])


def test_the_overview_form_refuses_unknown_countries_and_support(package):
    f = OverviewForm({"title": "T", "target_countries": ["XX"], "federal_support": ["cash"]}, instance=package)
    assert not f.is_valid()
    assert {"target_countries", "federal_support"} <= set(f.errors)
