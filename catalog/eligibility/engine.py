"""The export-control rules engine: plain data in, an outcome per country with reasons out.

Pure Python on purpose (no Django, no I/O) so that it can be tested exhaustively and run in bulk.
The thresholds below restate the published control parameters of ECCN 3A090 and 4E091 (15 CFR 774,
Supplement No. 1; 90 FR 4544 for 4E091); the rules that turn a classification into an outcome for a
country are data (``RuleData``), maintained by staff as versioned rule sets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

ELIGIBLE = "eligible"
LICENSE_REQUIRED = "license_required"
PROHIBITED = "prohibited"
SEVERITY = {ELIGIBLE: 0, LICENSE_REQUIRED: 1, PROHIBITED: 2}

ADVANCED_COMPUTING = "advanced_computing"
CLOSED_WEIGHT_FRONTIER_MODEL = "closed_weight_frontier_model"
DERIVED_CLASSES = frozenset({ADVANCED_COMPUTING, CLOSED_WEIGHT_FRONTIER_MODEL})

# 3A090.a / .b parameters (TPP = total processing performance, PD = performance density).
TPP_A = 4800.0
TPP_B_LOW = 2400.0
TPP_FLOOR = 1600.0
PD_A = 5.92
PD_B_LOW = 1.6
PD_B_ALT = 3.2
# 4E091: weights of models trained with more than 10^26 operations.
FRONTIER_TRAINING_OPERATIONS = 1e26

CHIP_CATEGORIES = frozenset({"accelerator"})
COMPUTER_CATEGORIES = frozenset({"server"})
MODEL_CATEGORIES = frozenset({"foundation_model", "finetuned_model"})

ADVANCED_COMPUTING_PATTERNS = ("3A090*", "4A090*", "*.z", "*.z.*")


class EngineInputError(ValueError):
    """The input data cannot be evaluated (for example a TPP that is not a finite number)."""


@dataclass(frozen=True)
class ComponentData:
    id: int | None
    name: str
    layer: str
    category: str
    eccn: str = ""
    tpp: float | None = None
    pd: float | None = None
    quantity: int = 1
    training_operations: float | None = None
    weights_published: bool | None = None


@dataclass(frozen=True)
class RuleData:
    id: int | None
    tier: str
    match: str
    outcome: str
    explanation: str
    citation: str = ""
    priority: int = 100
    threshold_mode: str = ""  # "", "above" or "up_to"
    threshold_tpp: float | None = None


@dataclass(frozen=True)
class Classification:
    """A component's effective ECCN (stated or derived), its classes and the words that explain them."""

    eccn: str
    derived: bool
    classes: frozenset[str]
    note: str = ""


@dataclass(frozen=True)
class Reason:
    component_id: int | None
    component: str
    eccn: str
    outcome: str
    rule_id: int | None
    text: str
    citation: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "component_id": self.component_id,
            "component": self.component,
            "eccn": self.eccn,
            "outcome": self.outcome,
            "rule_id": self.rule_id,
            "text": self.text,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class CountryOutcome:
    """``reasons`` are the decisive ones (what a buyer needs); ``components`` has every component's outcome."""

    country: str
    tier: str
    outcome: str
    reasons: tuple[Reason, ...]
    components: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class PackageEvaluation:
    aggregate_tpp: float
    classifications: dict[int, Classification]
    outcomes: dict[str, CountryOutcome]


def most_restrictive(outcomes: Iterable[str]) -> str:
    return max(outcomes, key=SEVERITY.__getitem__, default=ELIGIBLE)


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.2f}"


def _finite(value: float | None, label: str, name: str) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise EngineInputError(f"{name}: {label} must be a finite, non-negative number (got {value!r}).")


def classify_chip(tpp: float, pd: float | None) -> tuple[str, str]:
    """The 3A090 sub-item (``"a"``, ``"b"`` or ``""`` for not controlled) and the reason in words."""
    basis = f"TPP {_fmt(tpp)}" + (f", PD {pd:g}" if pd is not None else "")
    if tpp >= TPP_A:
        return "a", f"TPP {_fmt(tpp)} ≥ 4,800"
    if pd is not None and tpp >= TPP_FLOOR and pd >= PD_A:
        return "a", f"{basis}: TPP ≥ 1,600 and PD ≥ 5.92"
    if pd is not None and tpp >= TPP_B_LOW and PD_B_LOW <= pd < PD_A:
        return "b", f"{basis}: 2,400 ≤ TPP < 4,800 and 1.6 ≤ PD < 5.92"
    if pd is not None and tpp >= TPP_FLOOR and PD_B_ALT <= pd < PD_A:
        return "b", f"{basis}: TPP ≥ 1,600 and 3.2 ≤ PD < 5.92"
    if pd is None and tpp >= TPP_FLOOR:
        return "", f"TPP {_fmt(tpp)} < 4,800 and no performance density given, so 3A090.b cannot be derived"
    return "", f"{basis}: below the 3A090 parameters"


def is_advanced_computing(eccn: str) -> bool:
    return bool(eccn) and any(fnmatchcase(eccn, p) for p in ADVANCED_COMPUTING_PATTERNS)


def classify(component: ComponentData) -> Classification:
    """Stated ECCN first; otherwise derive 3A090/4A090 from TPP and PD, or 4E091 from training compute."""
    c = component
    for value, label in ((c.tpp, "TPP"), (c.pd, "performance density"), (c.training_operations, "training compute")):
        _finite(value, label, c.name)
    eccn = (c.eccn or "").strip()
    note = ""
    derived = False
    if not eccn and c.tpp is not None and c.category in CHIP_CATEGORIES | COMPUTER_CATEGORIES:
        item, why = classify_chip(c.tpp, c.pd)
        base = "3A090" if c.category in CHIP_CATEGORIES else "4A090"
        if item:
            eccn, derived, note = f"{base}.{item}", True, f"{base}.{item} derived from {why}"
        else:
            note = f"not controlled under {base} ({why})"
    frontier = False
    if eccn == "4E091":
        frontier = True
    elif not eccn and c.training_operations is not None and (c.category in MODEL_CATEGORIES or c.layer == "software"):
        ops = f"{c.training_operations:.3g}"
        if c.training_operations > FRONTIER_TRAINING_OPERATIONS and c.weights_published is not True:
            eccn, derived, frontier = "4E091", True, True
            note = f"4E091 derived from training compute {ops} operations > 10^26 and closed weights"
        elif c.training_operations > FRONTIER_TRAINING_OPERATIONS:
            note = f"published weights are not controlled under 4E091 (training compute {ops} operations)"
        else:
            note = f"not 4E091: training compute {ops} operations ≤ 10^26"
    classes = set()
    if is_advanced_computing(eccn):
        classes.add(ADVANCED_COMPUTING)
    if frontier:
        classes.add(CLOSED_WEIGHT_FRONTIER_MODEL)
    return Classification(eccn=eccn, derived=derived, classes=frozenset(classes), note=note)


def aggregate_tpp(components: Sequence[ComponentData], classifications: dict[int, Classification]) -> float:
    """Sum of TPP × quantity over the package's advanced-computing items."""
    return sum(
        (c.tpp or 0.0) * c.quantity
        for i, c in enumerate(components)
        if ADVANCED_COMPUTING in classifications[i].classes
    )


def rule_matches(rule: RuleData, classification: Classification, aggregate: float) -> bool:
    if rule.match in DERIVED_CLASSES:
        hit = rule.match in classification.classes
    elif rule.match == "*":
        hit = True
    else:
        hit = bool(classification.eccn) and fnmatchcase(classification.eccn, rule.match)
    if not hit or not rule.threshold_mode:
        return hit
    limit = rule.threshold_tpp if rule.threshold_tpp is not None else 0.0
    return aggregate > limit if rule.threshold_mode == "above" else aggregate <= limit


def _reason_text(component: ComponentData, cls: Classification, rule: RuleData | None, aggregate: float) -> str:
    label = f"{component.name} ({cls.eccn})" if cls.eccn else component.name
    parts = [label]
    if cls.note:
        parts.append(f"[{cls.note}]")
    if rule is None:
        parts.append("is not controlled for this destination under this rule set.")
    else:
        if rule.threshold_mode:
            relation = ">" if rule.threshold_mode == "above" else "≤"
            threshold = _fmt(rule.threshold_tpp or 0.0)
            parts.append(f"(package aggregate TPP {_fmt(aggregate)} {relation} {threshold})")
        parts.append(f"— {rule.explanation}")
    return " ".join(parts)


def _order(rules: Iterable[RuleData]) -> list[RuleData]:
    return sorted(rules, key=lambda r: (r.priority, r.id if r.id is not None else 0))


NOT_CONTROLLED = "No component of this package is controlled for this destination under this rule set."


def _summarize(reasons: list[Reason], notable: list[bool]) -> tuple[str, tuple[Reason, ...], tuple[Reason, ...]]:
    """The package outcome, its decisive reasons, and every component's reason (most restrictive first)."""
    outcome = most_restrictive(r.outcome for r in reasons)
    if outcome != ELIGIBLE:
        decisive = [r for r in reasons if r.outcome == outcome]
    else:
        decisive = [r for r, keep in zip(reasons, notable, strict=True) if keep]
        if not decisive:
            decisive = [Reason(None, "", "", ELIGIBLE, None, NOT_CONTROLLED)]
    ordered = sorted(reasons, key=lambda r: -SEVERITY[r.outcome])
    return outcome, tuple(decisive), tuple(ordered)


def evaluate(
    components: Sequence[ComponentData],
    country_tiers: dict[str, str],
    rules: Sequence[RuleData],
) -> PackageEvaluation:
    """Evaluate a package for every country in ``country_tiers`` (country code → tier code).

    For each component the first matching rule of the country's tier (by priority) decides; no matching
    rule means eligible. The package outcome for a country is the most restrictive component outcome.
    """
    classifications = {i: classify(c) for i, c in enumerate(components)}
    total = aggregate_tpp(components, classifications)
    rules_by_tier: dict[str, list[RuleData]] = {}
    for rule in _order(rules):
        rules_by_tier.setdefault(rule.tier, []).append(rule)
    # Outcomes depend only on the tier, so compute each tier once and share it between its countries.
    per_tier: dict[str, tuple[str, tuple[Reason, ...]]] = {}
    for tier in set(country_tiers.values()):
        reasons: list[Reason] = []
        notable: list[bool] = []
        for i, component in enumerate(components):
            cls = classifications[i]
            rule = next((r for r in rules_by_tier.get(tier, []) if rule_matches(r, cls, total)), None)
            outcome = rule.outcome if rule else ELIGIBLE
            notable.append(bool(cls.classes or cls.note or (rule is not None and rule.match != "*")))
            reasons.append(
                Reason(
                    component_id=component.id,
                    component=component.name,
                    eccn=cls.eccn,
                    outcome=outcome,
                    rule_id=rule.id if rule else None,
                    text=_reason_text(component, cls, rule, total),
                    citation=rule.citation if rule else "",
                )
            )
        per_tier[tier] = _summarize(reasons, notable)
    outcomes = {
        code: CountryOutcome(
            country=code, tier=tier, outcome=per_tier[tier][0], reasons=per_tier[tier][1], components=per_tier[tier][2]
        )
        for code, tier in country_tiers.items()
    }
    return PackageEvaluation(aggregate_tpp=total, classifications=classifications, outcomes=outcomes)


# --- Program eligibility (the call for proposals' own rules) -----------------------------------------

COUNTRIES_OF_CONCERN = frozenset({"CN", "HK", "MO"})
US_CONTENT_MIN_SHARE = 51.0


@dataclass(frozen=True)
class MemberData:
    name: str
    country: str
    foreign_controlled: bool = False
    controlling_country: str | None = None


@dataclass(frozen=True)
class HardwareValue:
    name: str
    unit_value_usd: float | None
    quantity: int
    us_origin_share: float | None


@dataclass(frozen=True)
class ProgramIssue:
    severity: str  # "error" makes the package ineligible; "warning" does not
    code: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "text": self.text}


@dataclass(frozen=True)
class ProgramResult:
    eligible: bool
    us_origin_share: float | None
    issues: tuple[ProgramIssue, ...] = field(default_factory=tuple)


def evaluate_program(
    members: Sequence[MemberData],
    hardware: Sequence[HardwareValue],
    *,
    countries_of_concern: frozenset[str] = COUNTRIES_OF_CONCERN,
    min_us_share: float = US_CONTENT_MIN_SHARE,
) -> ProgramResult:
    """Members in or controlled from a country of concern → ineligible; U.S.-origin hardware < 51 % → warning."""
    issues: list[ProgramIssue] = []
    for m in members:
        if m.country in countries_of_concern:
            issues.append(ProgramIssue("error", "member_location", f"{m.name} is located in {m.country}."))
        elif m.controlling_country in countries_of_concern:
            text = f"{m.name} is owned or controlled from {m.controlling_country}."
            issues.append(ProgramIssue("error", "member_control", text))
    valued = [h for h in hardware if h.unit_value_usd is not None and h.us_origin_share is not None]
    total = sum(h.unit_value_usd * h.quantity for h in valued)  # type: ignore[operator]
    share: float | None = None
    if total > 0:
        share = sum(h.unit_value_usd * h.quantity * h.us_origin_share for h in valued) / total  # type: ignore[operator]
        if share < min_us_share:
            text = f"The hardware layer is {share:.1f} % U.S.-origin by value, below {min_us_share:g} %."
            issues.append(ProgramIssue("warning", "us_content", text))
    elif hardware:
        text = "The hardware layer's U.S.-origin share cannot be computed: give unit values and U.S.-origin shares."
        issues.append(ProgramIssue("warning", "us_content_unknown", text))
    eligible = not any(i.severity == "error" for i in issues)
    return ProgramResult(eligible=eligible, us_origin_share=share, issues=tuple(issues))
