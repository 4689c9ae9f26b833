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
from typing import Any

from . import reasons as rtext

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
    dram_bandwidth: float | None = None  # GB/s, total of the device's memory, per unit


FIGURES = ("tpp", "pd", "dram_bandwidth")
FIGURE_OPS = ("lt", "le", "gt", "ge")


@dataclass(frozen=True)
class FigureCondition:
    """A rule matches only when the component's ``figure`` compares with ``value`` by ``op``.

    ``op`` states the edge: ``lt`` (strictly below), ``le`` (at or below), ``gt`` (strictly above), ``ge`` (at or
    above). A component that does not state the figure never satisfies the condition, so a favourable rule
    cannot be assumed without the figure.
    """

    figure: str
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.figure not in FIGURES or self.op not in FIGURE_OPS:
            raise EngineInputError(f"unknown figure condition {self.figure!r} {self.op!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FigureCondition:
        return cls(figure=str(data["figure"]), op=str(data["op"]), value=float(data["value"]))


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
    code: str = ""  # a stable code of the rule (reasons carry it), e.g. "ear.china_macau.case_by_case"
    review_policy: str = ""  # "", "approval", "case_by_case" or "denial"
    conditions: tuple[str, ...] = ()  # what the exporter must meet or certify under this rule
    figures: tuple[FigureCondition, ...] = ()  # all must hold (AND)


@dataclass(frozen=True)
class Classification:
    """A component's effective ECCN (stated or derived), its classes and the words that explain them."""

    eccn: str
    derived: bool
    classes: frozenset[str]
    note: str = ""
    note_code: str = ""
    note_params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Reason:
    """One component's outcome as data: ``code`` + ``params`` (rendered into words by ``reasons.py``).

    ``text`` is the English rendering, kept for readers of the older prose format.
    """

    component_id: int | None
    component: str
    eccn: str
    outcome: str
    rule_id: int | None
    text: str
    citation: str = ""
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    review_policy: str = ""
    conditions: tuple[str, ...] = ()
    ruleset: str = ""
    effective_from: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "params": self.params,
            "component_id": self.component_id,
            "component": self.component,
            "eccn": self.eccn,
            "outcome": self.outcome,
            "rule_id": self.rule_id,
            "review_policy": self.review_policy,
            "conditions": list(self.conditions),
            "citation": self.citation,
            "ruleset": self.ruleset,
            "effective_from": self.effective_from,
            "text": self.text,
        }


@dataclass(frozen=True)
class CountryOutcome:
    """``reasons`` are the decisive ones (what a buyer needs); ``components`` has every component's outcome."""

    country: str
    tier: str
    outcome: str
    reasons: tuple[Reason, ...]
    components: tuple[Reason, ...] = ()
    review_policy: str = ""  # the most restrictive policy of the decisive reasons
    conditions: tuple[str, ...] = ()  # the conditions of the decisive reasons


@dataclass(frozen=True)
class PackageEvaluation:
    aggregate_tpp: float
    classifications: dict[int, Classification]
    outcomes: dict[str, CountryOutcome]


def most_restrictive(outcomes: Iterable[str]) -> str:
    return max(outcomes, key=SEVERITY.__getitem__, default=ELIGIBLE)


def _finite(value: float | None, label: str, name: str) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise EngineInputError(f"{name}: {label} must be a finite, non-negative number (got {value!r}).")


def classify_chip_code(tpp: float, pd: float | None) -> tuple[str, str]:
    """The 3A090 sub-item (``"a"``, ``"b"`` or ``""`` for not controlled) and the note code that says why."""
    if tpp >= TPP_A:
        return "a", "3a090_a_tpp"
    if pd is not None and tpp >= TPP_FLOOR and pd >= PD_A:
        return "a", "3a090_a_pd"
    if pd is not None and tpp >= TPP_B_LOW and PD_B_LOW <= pd < PD_A:
        return "b", "3a090_b_range"
    if pd is not None and tpp >= TPP_FLOOR and PD_B_ALT <= pd < PD_A:
        return "b", "3a090_b_pd"
    if pd is None and tpp >= TPP_FLOOR:
        return "", "no_pd"
    return "", "below" if pd is None else "below_pd"


def classify_chip(tpp: float, pd: float | None) -> tuple[str, str]:
    """The 3A090 sub-item and the reason in (English) words."""
    item, code = classify_chip_code(tpp, pd)
    params = {"eccn": f"3A090.{item}" if item else "", "base": "3A090", "tpp": tpp, "pd": pd}
    return item, rtext.render_note({"code": code, "params": params}, rtext.gettext_noop)


def is_advanced_computing(eccn: str) -> bool:
    return bool(eccn) and any(fnmatchcase(eccn, p) for p in ADVANCED_COMPUTING_PATTERNS)


def classify(component: ComponentData) -> Classification:
    """Stated ECCN first; otherwise derive 3A090/4A090 from TPP and PD, or 4E091 from training compute."""
    c = component
    figures = (
        (c.tpp, "TPP"), (c.pd, "performance density"), (c.training_operations, "training compute"),
        (c.dram_bandwidth, "DRAM bandwidth"),
    )  # fmt: skip
    for value, label in figures:
        _finite(value, label, c.name)
    eccn = (c.eccn or "").strip()
    note_code = ""
    params: dict[str, Any] = {}
    derived = False
    if not eccn and c.tpp is not None and c.category in CHIP_CATEGORIES | COMPUTER_CATEGORIES:
        item, note_code = classify_chip_code(c.tpp, c.pd)
        base = "3A090" if c.category in CHIP_CATEGORIES else "4A090"
        params = {"base": base, "tpp": c.tpp, "pd": c.pd, "eccn": f"{base}.{item}" if item else ""}
        if item:
            eccn, derived = f"{base}.{item}", True
    frontier = False
    if eccn == "4E091":
        frontier = True
    elif not eccn and c.training_operations is not None and (c.category in MODEL_CATEGORIES or c.layer == "software"):
        params = {"ops": c.training_operations}
        if c.training_operations > FRONTIER_TRAINING_OPERATIONS and c.weights_published is not True:
            eccn, derived, frontier = "4E091", True, True
            note_code = "4e091_derived"
        elif c.training_operations > FRONTIER_TRAINING_OPERATIONS:
            note_code = "4e091_published"
        else:
            note_code = "4e091_below"
    classes = set()
    if is_advanced_computing(eccn):
        classes.add(ADVANCED_COMPUTING)
    if frontier:
        classes.add(CLOSED_WEIGHT_FRONTIER_MODEL)
    note = rtext.render_note({"code": note_code, "params": params}, rtext.gettext_noop) if note_code else ""
    return Classification(
        eccn=eccn, derived=derived, classes=frozenset(classes), note=note, note_code=note_code, note_params=params
    )


def aggregate_tpp(components: Sequence[ComponentData], classifications: dict[int, Classification]) -> float:
    """Sum of TPP × quantity over the package's advanced-computing items."""
    return sum(
        (c.tpp or 0.0) * c.quantity
        for i, c in enumerate(components)
        if ADVANCED_COMPUTING in classifications[i].classes
    )


def figure_comparisons(rule: RuleData, component: ComponentData) -> list[dict[str, Any]]:
    """Each figure condition of the rule compared with the component's figure (per unit)."""
    return [rtext.comparison(f.figure, f.op, f.value, getattr(component, f.figure)) for f in rule.figures]


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


def _reason_params(
    component: ComponentData,
    cls: Classification,
    rule: RuleData | None,
    aggregate: float,
    compared: list[dict[str, Any]],
    not_applied: list[dict[str, Any]],
) -> dict[str, Any]:
    """The parameters a reason is rendered from (and a compliance officer can check)."""
    params: dict[str, Any] = {"component": component.name, "eccn": cls.eccn}
    if cls.note_code:
        params["classification"] = {"code": cls.note_code, "params": cls.note_params}
    if rule is None:
        return params
    params["rule"] = rule.code or (str(rule.id) if rule.id is not None else "")
    params["explanation"] = rule.explanation
    if rule.threshold_mode:
        params["threshold"] = {"mode": rule.threshold_mode, "value": rule.threshold_tpp or 0.0}
        params["aggregate_tpp"] = aggregate
    if compared:
        params["comparisons"] = compared
    if not_applied:
        params["not_applied"] = not_applied
    # The figures compared, flat: {"tpp": 15832, "tpp_cap": 21000, "dram_bandwidth": 4800, "dram_cap": 6500}.
    for c in [*compared, *(c for skipped in not_applied for c in skipped["comparisons"])]:
        params.setdefault(c["figure"], c["value"])
        params.setdefault(rtext.CAP_PARAM[c["figure"]], c["limit"])
    return params


def _decide(
    component: ComponentData, cls: Classification, rules: Sequence[RuleData], aggregate: float
) -> tuple[RuleData | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """The first rule that matches (item, threshold, figures), its comparisons, and the rules skipped by figures."""
    not_applied: list[dict[str, Any]] = []
    for rule in rules:
        if not rule_matches(rule, cls, aggregate):
            continue
        compared = figure_comparisons(rule, component)
        if all(c["holds"] for c in compared):
            return rule, compared, not_applied
        not_applied.append(
            {
                "rule": rule.code or (str(rule.id) if rule.id is not None else ""),
                "review_policy": rule.review_policy,
                "outcome": rule.outcome,
                "comparisons": compared,
            }  # fmt: skip
        )
    return None, [], not_applied


def _order(rules: Iterable[RuleData]) -> list[RuleData]:
    return sorted(rules, key=lambda r: (r.priority, r.id if r.id is not None else 0))


NOT_CONTROLLED = rtext.MESSAGES[rtext.PACKAGE_NOT_CONTROLLED]


def _summarize(
    reasons: list[Reason], notable: list[bool], ruleset: str = "", effective_from: str = ""
) -> tuple[str, tuple[Reason, ...], tuple[Reason, ...]]:
    """The package outcome, its decisive reasons, and every component's reason (most restrictive first)."""
    outcome = most_restrictive(r.outcome for r in reasons)
    if outcome != ELIGIBLE:
        decisive = [r for r in reasons if r.outcome == outcome]
    else:
        decisive = [r for r, keep in zip(reasons, notable, strict=True) if keep]
        if not decisive:
            decisive = [
                Reason(
                    None,
                    "",
                    "",
                    ELIGIBLE,
                    None,
                    NOT_CONTROLLED,
                    code=rtext.PACKAGE_NOT_CONTROLLED,
                    ruleset=ruleset,
                    effective_from=effective_from,
                )  # fmt: skip
            ]
    ordered = sorted(reasons, key=lambda r: -SEVERITY[r.outcome])
    return outcome, tuple(decisive), tuple(ordered)


def evaluate(
    components: Sequence[ComponentData],
    country_tiers: dict[str, str],
    rules: Sequence[RuleData],
    *,
    ruleset: str = "",
    effective_from: str = "",
) -> PackageEvaluation:
    """Evaluate a package for every country in ``country_tiers`` (country code → tier code).

    For each component the first matching rule of the country's tier (by priority) decides; a rule matches
    when its item pattern, its aggregate-TPP threshold and all its figure conditions hold. No matching rule
    means eligible. The package outcome for a country is the most restrictive component outcome; its review
    policy the most restrictive policy of the decisive reasons. ``ruleset`` and ``effective_from`` (ISO date)
    are copied into every reason so that a stored reason says which rule-set version it comes from.
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
            rule, compared, not_applied = _decide(component, cls, rules_by_tier.get(tier, []), total)
            outcome = rule.outcome if rule else ELIGIBLE
            notable.append(bool(cls.classes or cls.note or (rule is not None and rule.match != "*")))
            code = (rule.code or rtext.RULE) if rule else rtext.NOT_CONTROLLED
            reason = {
                "code": code,
                "params": _reason_params(component, cls, rule, total, compared, not_applied),
                "component": component.name,
            }
            reasons.append(
                Reason(
                    component_id=component.id,
                    component=component.name,
                    eccn=cls.eccn,
                    outcome=outcome,
                    rule_id=rule.id if rule else None,
                    text=rtext.render_text(reason),
                    citation=rule.citation if rule else "",
                    code=code,
                    params=reason["params"],
                    review_policy=rule.review_policy if rule else "",
                    conditions=tuple(rule.conditions) if rule else (),
                    ruleset=ruleset,
                    effective_from=effective_from,
                )  # fmt: skip
            )
        per_tier[tier] = _summarize(reasons, notable, ruleset, effective_from)
    summaries = {tier: rtext.summary_policy(decisive) for tier, (_, decisive, _) in per_tier.items()}
    outcomes = {
        code: CountryOutcome(
            country=code,
            tier=tier,
            outcome=per_tier[tier][0],
            reasons=per_tier[tier][1],
            components=per_tier[tier][2],
            review_policy=summaries[tier][0],
            conditions=tuple(summaries[tier][1]),
        )  # fmt: skip
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
