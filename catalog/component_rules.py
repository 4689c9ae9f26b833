"""The rules on a package component's fields, in one place for every way in.

The component services (``component_add``/``component_update``) apply them, so the wizard's form, the submitter
API and anything staff do in the admin share them; adapters only map the resulting ``ValidationError`` (keyed
by field) onto their own field errors (the form keeps what was typed; the API answers 400 naming the field).

- The quantity is at least 1.
- TPP, performance density and DRAM bandwidth are figures of chips and servers only.
- Training compute is a figure of foundation and fine-tuned models only.
- The value per unit and the U.S.-origin share weigh the hardware layer only; whether weights are published
  is asked of the software layer only.
- The category belongs to the component's layer (also ``Component.clean``).
- An ECCN is stored as the regulations print it (``3a090.A`` → ``3A090.a``): ``normalize_eccn``.

On a change, a rule is applied when one of the fields it reads is changed, so a value entered before a rule
existed (and that the wizard no longer shows) does not block editing the component's other fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog.choices import CATEGORY_LAYER, MODEL_CATEGORIES, Category, Layer

CHIP_CATEGORIES = frozenset({Category.ACCELERATOR, Category.SERVER})
CHIP_FIGURES = ("tpp", "performance_density", "dram_bandwidth")
HARDWARE_VALUES = ("unit_value_usd", "us_origin_share")
ECCN_PREFIX = re.compile(r"^(ear99|[0-9][a-e][0-9]{3})", re.IGNORECASE)


def normalize_eccn(value: str | None) -> str:
    """The case people type (``3a090.A``) turned into the form the regulations print (``3A090.a``)."""
    value = (value or "").strip()
    match = ECCN_PREFIX.match(value)
    if match:
        value = match.group(1).upper() + value[match.end() :].lower()
    return value


@dataclass(frozen=True)
class Rule:
    """One rule: the field its error is shown on, the fields it reads, and the test (True when broken)."""

    field: str
    reads: tuple[str, ...]
    broken: Callable[[Any], bool]
    message: Any  # a lazy translation, or a callable of the component giving one


def _is_set(component: Any, name: str) -> bool:
    return getattr(component, name, None) is not None


def _chip_figure_misplaced(name: str) -> Callable[[Any], bool]:
    return lambda c: _is_set(c, name) and bool(c.category) and c.category not in CHIP_CATEGORIES


def _hardware_value_misplaced(name: str) -> Callable[[Any], bool]:
    return lambda c: _is_set(c, name) and c.layer != Layer.HARDWARE


RULES: tuple[Rule, ...] = (
    Rule(
        "category",
        ("category", "layer"),
        lambda c: bool(c.category) and CATEGORY_LAYER.get(c.category) != c.layer,
        lambda c: _("This category does not belong to the %(layer)s layer.") % {"layer": c.layer},
    ),
    Rule(
        "quantity",
        ("quantity",),
        lambda c: c.quantity is not None and c.quantity < 1,
        _("Enter a quantity of at least 1."),
    ),
    *(
        Rule(
            name,
            (name, "category"),
            _chip_figure_misplaced(name),
            _("Give TPP, performance density and DRAM bandwidth only for chips and servers."),
        )
        for name in CHIP_FIGURES
    ),
    Rule(
        "training_operations",
        ("training_operations", "category"),
        lambda c: _is_set(c, "training_operations") and bool(c.category) and c.category not in MODEL_CATEGORIES,
        _("Give training compute only for foundation or fine-tuned models."),
    ),
    *(
        Rule(
            name,
            (name, "layer"),
            _hardware_value_misplaced(name),
            _("Give a value per unit and a U.S.-origin share only for hardware components."),
        )
        for name in HARDWARE_VALUES
    ),
    Rule(
        "weights_published",
        ("weights_published", "layer"),
        lambda c: _is_set(c, "weights_published") and c.layer != Layer.SOFTWARE,
        _("Say whether the weights are published only for software components (models)."),
    ),
)


def component_rule_errors(component: Any, *, changed: Collection[str] | None = None) -> dict[str, list[str]]:
    """The broken rules of ``component`` (a ``Component``, saved or not) as ``{field: [message]}``.

    ``changed`` (the fields a change sets) limits the check to the rules that read one of them; ``None``
    (a new component) checks every rule.
    """
    errors: dict[str, list[str]] = {}
    for rule in RULES:
        if changed is not None and not set(rule.reads) & set(changed):
            continue
        if rule.broken(component):
            message = rule.message(component) if callable(rule.message) else rule.message
            errors.setdefault(rule.field, []).append(str(message))
    return errors
