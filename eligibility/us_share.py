"""The one U.S.-origin share rule of the hardware layer, shared by the submitter's review step
(``catalog.readiness``), the reviewer's decision panel and the program check of the engine.

The call for proposals (April 2026) presumes the U.S.-content test met when the hardware layer is at least
51 % U.S.-origin by value. Pure Python (the engine imports it), in ``Decimal`` throughout.

The rule:

1. **The share** is value-weighted: Σ(value per unit × quantity × U.S.-origin share) / Σ(value per unit ×
   quantity) over the hardware components that state both a value per unit and a share; ``None`` when none
   does (or their total value is 0). It is computed exactly (``Decimal``, 60 significant digits; floats are
   read through their shortest ``repr``, so 50.95 stays 50.95) and never rounded before it is compared.
2. **The comparison** is on that exact figure: below the presumption means ``share < 51`` — 50.95 and 50.995
   are below, 51.00 and 51.005 meet it. A rounded figure is never compared.
3. **The figure shown** has one decimal (half up: 40 → 40.0, 51.005 → 51.0), except when rounding to one
   decimal would reach the threshold although the exact share is below it (50.95 would read "51.0"): then it
   has two decimals, rounded *down* (50.95 → 50.95, 50.995 → 50.99), so a share below 51 % never reads as
   51 %. A share that meets the presumption always reads 51.0 or more.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

US_ORIGIN_PRESUMPTION = Decimal("51")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")

Number = Decimal | float | int


def as_decimal(value: Number) -> Decimal:
    """``value`` as a Decimal; a float through its shortest repr (``50.95`` → ``Decimal("50.95")``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def weighted_share(items: Iterable[tuple[Number | None, Number | None, Number | None]]) -> Decimal | None:
    """The exact value-weighted U.S.-origin share (%) of ``(value per unit, quantity, share %)`` triples.

    Items without a value or a share are left out; ``None`` when nothing is left to weigh.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        total = Decimal("0")
        us = Decimal("0")
        for unit_value, quantity, share in items:
            if unit_value is None or share is None:
                continue
            value = as_decimal(unit_value) * as_decimal(quantity or 0)
            total += value
            us += value * as_decimal(share)
        if total <= 0:
            return None
        return us / total


def below_presumption(share: Decimal | None, threshold: Decimal = US_ORIGIN_PRESUMPTION) -> bool:
    """Whether the exact ``share`` is below the presumption (``None``, nothing to weigh, is not below)."""
    return share is not None and share < threshold


def share_display(share: Decimal | None, threshold: Decimal = US_ORIGIN_PRESUMPTION) -> Decimal | None:
    """The figure to show for ``share``: one decimal, or two (rounded down) when one would reach the threshold
    although the share is below it. A ``Decimal`` so that templates localize it (51,0 in French)."""
    if share is None:
        return None
    shown = share.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if share < threshold <= shown:
        shown = share.quantize(TWO_DECIMALS, rounding=ROUND_DOWN)
    return shown
