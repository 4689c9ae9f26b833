"""What a package still lacks before it can be submitted, and its hardware U.S.-origin value share.

Pure reads shared by the submit service, the wizard's review step, the API and the admin. The rules come
from the program's call for proposals (April 2026): a full stack covers all four layers, names at least
one target country or regional bloc, and the hardware layer should be at least 51 % U.S.-origin by value
(a presumption the reviewer weighs, so a lower share is a warning, not a block).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from catalog.choices import Layer
from catalog.models import Component, Package

US_ORIGIN_PRESUMPTION = Decimal("51")

# Wizard steps: (slug, label). A layer step's slug is the layer's value.
STEPS: list[tuple[str, str]] = [
    ("overview", _("Overview")),
    (Layer.HARDWARE.value, _("Hardware")),
    (Layer.SOFTWARE.value, _("Software & models")),
    (Layer.DATA.value, _("Data")),
    (Layer.SECURITY.value, _("Security")),
    ("review", _("Review and submit")),
]
STEP_SLUGS = [slug for slug, _label in STEPS]
LAYER_STEPS = [layer.value for layer in Layer]


@dataclass(frozen=True)
class Missing:
    """One thing a package lacks: a stable code for the API, a sentence, and the wizard step that fixes it."""

    code: str
    message: str
    step: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": str(self.message), "step": self.step}


def package_missing(package: Package, components: Iterable[Component] | None = None) -> list[Missing]:
    """Everything that blocks submission, in wizard order. Pass ``components`` to avoid another query."""
    items = list(components) if components is not None else list(package.components.all())
    missing: list[Missing] = []
    if not package.title.strip():
        missing.append(Missing("title", _("Give the package a title."), "overview"))
    if not package.summary.strip():
        missing.append(Missing("summary", _("Write a short summary of the package."), "overview"))
    if package.pk is None or (not package.target_countries.exists() and not package.target_regions.exists()):
        missing.append(Missing("target_markets", _("Choose at least one target country or regional bloc."), "overview"))
    present = {c.layer for c in items}
    for layer in Layer:
        if layer.value not in present:
            missing.append(
                Missing(
                    f"layer_{layer.value}",
                    _("Add at least one %(layer)s component.") % {"layer": str(layer.label).lower()},
                    layer.value,
                )
            )
    return missing


def hardware_us_origin_share(components: Iterable[Component]) -> Decimal | None:
    """The value-weighted U.S.-origin share (%) of the hardware components that state a value and a share.

    ``None`` when no hardware component states both (nothing to weigh).
    """
    total = Decimal("0")
    us = Decimal("0")
    for c in components:
        if c.layer != Layer.HARDWARE or c.unit_value_usd is None or c.us_origin_share is None:
            continue
        value = c.unit_value_usd * (c.quantity or 0)
        total += value
        us += value * c.us_origin_share / Decimal("100")
    if total <= 0:
        return None
    return (us * Decimal("100") / total).quantize(Decimal("0.1"))


def us_origin_below_presumption(share: Decimal | None) -> bool:
    return share is not None and share < US_ORIGIN_PRESUMPTION
