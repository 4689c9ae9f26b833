"""What a package still lacks before it can be submitted, and its hardware U.S.-origin value share.

Pure reads shared by the submit service, the wizard's review step, the API and the admin. The rules come
from the program's call for proposals (April 2026): a full stack covers all four layers, names at least
one target country or regional bloc, and the hardware layer should be at least 51 % U.S.-origin by value
(a presumption the reviewer weighs, so a lower share is a warning, not a block; the exact comparison and
how the figure is shown are ``eligibility.us_share``'s). A component's supplier
must be an accepted member of the consortium: one that was only invited, or has left, must be replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from aiexports.typed import StrOrPromise
from catalog.choices import Layer
from catalog.models import Component, ConsortiumMember, Package
from eligibility.us_share import below_presumption, share_display, weighted_share

# Wizard steps: (slug, label). A layer step's slug is the layer's value.
STEPS: list[tuple[str, StrOrPromise]] = [
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
    """One thing a package lacks: a stable code for the API, a sentence, the wizard step that fixes it, and the
    component it is about (if any)."""

    code: str
    message: StrOrPromise
    step: str
    component: int | None = None

    def as_dict(self) -> dict[str, str | int]:
        data: dict[str, str | int] = {"code": self.code, "message": str(self.message), "step": self.step}
        if self.component is not None:
            data["component"] = self.component
        return data


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
    missing += _suppliers_not_members(package, items)
    return missing


def _suppliers_not_members(package: Package, components: list[Component]) -> list[Missing]:
    """Components whose supplier is not (or no longer) an accepted member of the consortium, in layer order."""
    named = [c for c in components if c.supplier_id]
    if not named or package.pk is None:
        return []
    members = set(
        ConsortiumMember.objects.accepted()
        .filter(consortium_id=package.consortium_id)
        .values_list("organization_id", flat=True)
    )
    order = list(Layer.values)
    strays = sorted((c for c in named if c.supplier_id not in members), key=lambda c: (order.index(c.layer), c.pk))
    return [
        Missing(
            "supplier_not_member",
            _("“%(component)s”: %(supplier)s is not a member of the consortium; choose another supplier.")
            % {"component": c.name, "supplier": c.supplier},
            c.layer,
            component=c.pk,
        )
        for c in strays
    ]


def hardware_us_origin_share(components: Iterable[Component]) -> Decimal | None:
    """The exact value-weighted U.S.-origin share (%) of the hardware components that state a value and a share.

    ``None`` when no hardware component states both (nothing to weigh). The rule (exact comparison, how the
    figure is shown) is ``eligibility.us_share``'s, the same the program check of the engine uses.
    """
    return weighted_share(
        (c.unit_value_usd, c.quantity, c.us_origin_share) for c in components if c.layer == Layer.HARDWARE
    )


def us_origin_below_presumption(share: Decimal | None) -> bool:
    return below_presumption(share)


def us_share_context(components: Iterable[Component]) -> dict[str, Decimal | bool | None]:
    """What ``catalog/manage/_us_share.html`` shows: the figure (``share_display``) and whether it is below."""
    share = hardware_us_origin_share(components)
    return {"us_share": share_display(share), "us_share_low": below_presumption(share)}
