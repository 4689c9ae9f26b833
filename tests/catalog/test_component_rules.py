"""Component rules live in the domain (``catalog.component_rules``, applied by the component services): the
wizard's form, the submitter API and the admin refuse the same invalid component, each on the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from catalog import services
from catalog.choices import Category, Layer
from catalog.component_rules import RULES, component_rule_errors, normalize_eccn
from catalog.models import Component
from tests.catalog.factories import company
from tests.factories import ComponentFactory, PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db

QUANTITY = "Enter a quantity of at least 1."
FIGURES = "Give TPP, performance density and DRAM bandwidth only for chips and servers."
TRAINING = "Give training compute only for foundation or fine-tuned models."
VALUES = "Give a value per unit and a U.S.-origin share only for hardware components."

# layer, category, the invalid field and value, the message: each one the wizard shows a field for.
INVALID = [
    (Layer.HARDWARE, Category.ACCELERATOR, "quantity", 0, QUANTITY),
    (Layer.DATA, Category.DATASET, "quantity", 0, QUANTITY),
    (Layer.HARDWARE, Category.NETWORKING, "tpp", 4800.0, FIGURES),
    (Layer.HARDWARE, Category.STORAGE, "dram_bandwidth", 3000.0, FIGURES),
    (Layer.SOFTWARE, Category.APPLICATION, "training_operations", 1e25, TRAINING),
]
# Fields the wizard does not show on that layer: only the API could send them, and it is refused there too.
API_ONLY = [
    (Layer.DATA, Category.DATASET, "tpp", 4800.0, FIGURES),
    (Layer.DATA, Category.DATASET, "unit_value_usd", "1000.00", VALUES),
    (Layer.SOFTWARE, Category.FRAMEWORK, "us_origin_share", "80.00", VALUES),
]


@pytest.fixture
def manager():
    return company()


def test_the_rules_read_the_fields_they_name():
    for rule in RULES:
        assert rule.field in rule.reads


@pytest.mark.parametrize(("layer", "category", "field", "value", "message"), INVALID + API_ONLY)
def test_the_domain_names_the_field_of_each_broken_rule(layer, category, field, value, message):
    component = Component(layer=layer, category=category, name="X", **{field: value})
    assert component_rule_errors(component) == {field: [message]}
    assert component_rule_errors(component, changed={"name"}) == {}  # an untouched older value does not block


@pytest.mark.parametrize(("layer", "category", "field", "value", "message"), INVALID)
def test_the_wizard_form_refuses_it_on_the_field_and_keeps_what_was_typed(client, manager, layer, category, field,
                                                                          value, message):  # fmt: skip
    user, _org, consortium = manager
    client.force_login(user)
    package = PackageFactory(consortium=consortium)
    data = {"nav": "add", "new-category": category, "new-name": "Typed name", "new-quantity": "1",
            f"new-{field}": str(value)}  # fmt: skip
    response = client.post(reverse("catalog:manage_package_step", args=[package.slug, layer]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert "Typed name" in response.content.decode()
    assert not package.components.exists()


@pytest.mark.parametrize(("layer", "category", "field", "value", "message"), INVALID + API_ONLY)
def test_the_api_refuses_it_with_400_naming_the_field_on_create_and_on_change(manager, layer, category, field,
                                                                              value, message):  # fmt: skip
    user, _org, consortium = manager
    api = APIClient()
    api.force_authenticate(user)
    package = PackageFactory(consortium=consortium)
    url = f"/api/v1/drafts/{package.slug}/components/"
    response = api.post(url, {"layer": layer, "category": category, "name": "X", field: value}, format="json")
    assert response.status_code == 400 and response.json() == {field: [message]}
    assert not package.components.exists()
    existing = ComponentFactory(package=package, layer=layer, category=category, tpp=None, unit_value_usd=None,
                                us_origin_share=None, training_operations=None)  # fmt: skip
    response = api.patch(f"{url}{existing.pk}/", {field: value}, format="json")
    assert response.status_code == 400 and response.json() == {field: [message]}


@pytest.mark.parametrize(("layer", "category", "field", "value", "message"), INVALID + API_ONLY)
def test_the_services_refuse_it_for_every_caller(manager, layer, category, field, value, message):
    user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    with pytest.raises(ValidationError) as exc:
        services.component_add(actor=user, package=package, layer=layer, category=category, name="X",
                               **{field: value})  # fmt: skip
    assert exc.value.message_dict == {field: [message]}


@pytest.mark.parametrize(("layer", "category", "field", "value", "message"), INVALID)
def test_the_admin_cannot_store_it_either(client, manager, layer, category, field, value, message):
    """Staff read components in the admin (a read-only inline); a posted component value is not stored."""
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    component = ComponentFactory(package=package, layer=layer, category=category, quantity=3, tpp=None,
                                 dram_bandwidth=None, training_operations=None)  # fmt: skip
    before = {f: getattr(component, f) for f in ("quantity", "tpp", "dram_bandwidth", "training_operations")}
    client.force_login(StaffFactory(is_superuser=True))
    data = {"components-TOTAL_FORMS": "1", "components-INITIAL_FORMS": "1", "components-0-id": component.pk,
            "components-0-package": package.pk, f"components-0-{field}": str(value)}  # fmt: skip
    response = client.post(reverse("admin:catalog_package_change", args=[package.pk]), data)
    assert response.status_code in (200, 302)
    component.refresh_from_db()
    assert {f: getattr(component, f) for f in before} == before


@pytest.mark.parametrize(("typed", "stored"), [("3a090.A", "3A090.a"), ("ear99", "EAR99"), (" 5a992.C ", "5A992.c")])
def test_the_api_stores_eccns_as_printed_like_the_wizard(manager, typed, stored):
    user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    component = services.component_add(actor=user, package=package, layer=Layer.HARDWARE,
                                       category=Category.ACCELERATOR, name="Chip", eccn=typed)  # fmt: skip
    assert component.eccn == stored == normalize_eccn(typed)
