"""The export-control rules engine: plain data in, an outcome per country with reasons out.

Pure Python on purpose (no Django, no I/O) so that it can be tested exhaustively and run in bulk.
The thresholds below restate the published control parameters of ECCN 3A090 and 4E091 (15 CFR 774,
Supplement No. 1; 90 FR 4544 for 4E091); the rules that turn a classification into an outcome for a
country are data (``RuleData``), maintained by staff as versioned rule sets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from . import reasons as rtext
from . import us_share

ELIGIBLE = "eligible"
LICENSE_REQUIRED = "license_required"
PROHIBITED = "prohibited"
SEVERITY = {ELIGIBLE: 0, LICENSE_REQUIRED: 1, PROHIBITED: 2}

ADVANCED_COMPUTING = "advanced_computing"
CLOSED_WEIGHT_FRONTIER_MODEL = "closed_weight_frontier_model"
# Advanced-computing items License Exceptions NAC/ACA (15 CFR 740.8) can authorize: every 3A090/4A090/.z item
# except one designed or marketed for data centers that meets 3A090.a (an unknown data-center use counts as one).
LICENSE_EXCEPTION_ELIGIBLE = "advanced_computing_exception"
HIGH_BANDWIDTH_MEMORY = "high_bandwidth_memory"  # 3A090.c: stand-alone HBM
EAR99_SOFTWARE = "ear99_software"  # EAR99 software (some of it needs a license to Russia/Belarus, 746.8)
DERIVED_CLASSES = frozenset(
    {
        ADVANCED_COMPUTING,
        CLOSED_WEIGHT_FRONTIER_MODEL,
        LICENSE_EXCEPTION_ELIGIBLE,
        HIGH_BANDWIDTH_MEMORY,
        EAR99_SOFTWARE,
    }
)

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
# The ".z" entries: items classified there that meet the 3A090/4A090 parameters (88 FR 73458).
Z_ENTRIES = frozenset(
    {"3A001", "4A003", "4A004", "4A005", "5A002", "5A004", "5A992", "5D002", "5D992"}
)  # fmt: skip
ECCN_BASE_RE = re.compile(r"^([0-9][A-E][0-9]{3})")
LEVEL_ORDER = {"": 0, "c": 1, "b": 2, "a": 3}  # how strict a 3A090-class level is (c is its own rule)


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
    designed_for_data_centers: bool | None = None  # None: not stated (treated as designed for data centers)


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
    license_exception: str = ""  # e.g. "ACA", "NAC", "SPP": the outcome holds under that license exception


@dataclass(frozen=True)
class Classification:
    """A component's effective ECCN (stated or derived), its classes and the words that explain them."""

    eccn: str
    derived: bool
    classes: frozenset[str]
    note: str = ""
    note_code: str = ""
    note_params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    level: str = ""  # the 3A090-class level: "a", "b", "c" (HBM) or "" (not a 3A090-class item)
    stated_eccn: str = ""  # the ECCN the submitter stated ("" for none)
    derived_eccn: str = ""  # the ECCN derived from the figures ("" when none is derived)


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
    license_exception: str = ""

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
            **({"license_exception": self.license_exception} if self.license_exception else {}),
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
    license_exceptions: tuple[str, ...] = ()  # the license exceptions an eligible outcome holds under


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


def classify_chip_code(tpp: float, pd: float | None, data_center: bool | None = None) -> tuple[str, str]:
    """The 3A090 sub-item (``"a"``, ``"b"`` or ``""`` for not controlled) and the note code that says why.

    Fails closed: without a performance density, a TPP of 1,600 or more cannot be ruled out of 3A090.a (the PD
    could be 5.92 or more), so it is classified 3A090.a. A chip stated *not* to be designed or marketed for data
    centers is outside 3A090 below TPP 4,800; not stating it counts as designed for data centers.
    """
    if tpp >= TPP_A:
        return "a", "3a090_a_tpp"
    if data_center is False and tpp >= TPP_FLOOR:
        return "", "not_data_center"
    if pd is not None and tpp >= TPP_FLOOR and pd >= PD_A:
        return "a", "3a090_a_pd"
    if pd is not None and tpp >= TPP_B_LOW and PD_B_LOW <= pd < PD_A:
        return "b", "3a090_b_range"
    if pd is not None and tpp >= TPP_FLOOR and PD_B_ALT <= pd < PD_A:
        return "b", "3a090_b_pd"
    if pd is None and tpp >= TPP_FLOOR:
        return "a", "no_pd_worst_case"
    return "", "below" if pd is None else "below_pd"


def classify_chip(tpp: float, pd: float | None, data_center: bool | None = None) -> tuple[str, str]:
    """The 3A090 sub-item and the reason in (English) words."""
    item, code = classify_chip_code(tpp, pd, data_center)
    params = {"eccn": f"3A090.{item}" if item else "", "base": "3A090", "tpp": tpp, "pd": pd}
    return item, rtext.render_note({"code": code, "params": params}, rtext.gettext_noop)


def is_advanced_computing(eccn: str) -> bool:
    return bool(eccn) and any(fnmatchcase(eccn, p) for p in ADVANCED_COMPUTING_PATTERNS)


def stated_level(eccn: str) -> str:
    """The 3A090-class level a stated ECCN implies; a stated 3A090/4A090/.z item without its sub-item is
    taken at the strictest level it could be (``a``)."""
    if not is_advanced_computing(eccn):
        return ""
    for base in ("3A090.", "4A090."):
        if eccn.startswith(base) and eccn[6:7] in ("a", "b", "c"):
            return eccn[6:7]
    return "a"


def combine_eccn(stated: str, derived: str, derived_level: str) -> tuple[str, str]:
    """The stricter of the stated and the derived classification: (effective ECCN, its 3A090-class level).

    An item derived to meet 3A090/4A090 but stated under an ECCN that has a ``.z`` entry (for example 5A002.a,
    5A992.c, 4A003) is classified in that ``.z`` entry; one stated EAR99, under another ECCN or under nothing takes
    the derived 3A090/4A090 entry; a stated 3A090/4A090 item keeps its entry unless the figures say a stricter
    sub-item.
    """
    level = stated_level(stated)
    if not derived or LEVEL_ORDER[derived_level] <= LEVEL_ORDER[level]:
        return stated, level
    base = ECCN_BASE_RE.match(stated)
    if base and base.group(1) in Z_ENTRIES:
        return f"{base.group(1)}.z", derived_level
    if stated.endswith(".z") or ".z." in stated:
        return stated, derived_level
    return derived, derived_level


def classify(component: ComponentData) -> Classification:
    """Derive 3A090/4A090 from TPP and PD (and 4E091 from training compute) whatever the stated ECCN says, and
    classify to the stricter of stated and derived (``combine_eccn``); both are kept for the reasons."""
    c = component
    figures = (
        (c.tpp, "TPP"), (c.pd, "performance density"), (c.training_operations, "training compute"),
        (c.dram_bandwidth, "DRAM bandwidth"),
    )  # fmt: skip
    for value, label in figures:
        _finite(value, label, c.name)
    stated = (c.eccn or "").strip()
    eccn, level = stated, stated_level(stated)
    note_code = ""
    params: dict[str, Any] = {}
    derived_eccn = ""
    if c.tpp is not None and c.category in CHIP_CATEGORIES | COMPUTER_CATEGORIES:
        item, note_code = classify_chip_code(c.tpp, c.pd, c.designed_for_data_centers)
        base = "3A090" if c.category in CHIP_CATEGORIES else "4A090"
        params = {"base": base, "tpp": c.tpp, "pd": c.pd, "eccn": f"{base}.{item}" if item else ""}
        if item:
            derived_eccn = f"{base}.{item}"
            eccn, level = combine_eccn(stated, derived_eccn, item)
            params["eccn"] = derived_eccn
    frontier = False
    if eccn == "4E091":
        frontier = True
    elif (
        eccn in ("", "EAR99")
        and c.training_operations is not None
        and (c.category in MODEL_CATEGORIES or c.layer == "software")
    ):
        params = {"ops": c.training_operations}
        # Fails closed: weights not stated to be published count as closed.
        if c.training_operations > FRONTIER_TRAINING_OPERATIONS and c.weights_published is not True:
            derived_eccn = "4E091"
            eccn, frontier = "4E091", True
            note_code = "4e091_derived" if c.weights_published is False else "4e091_unknown_weights"
        elif c.training_operations > FRONTIER_TRAINING_OPERATIONS:
            note_code = "4e091_published"
        else:
            note_code = "4e091_below"
    classes = set()
    if is_advanced_computing(eccn):
        # 3A090.c stays an advanced-computing item (older rule sets match it so) and is also HBM, which rule
        # sets from ear-2026-12r2 match first with its own rule (a license only for D:5 and Macau).
        classes.add(ADVANCED_COMPUTING)
        if level == "c":
            classes.add(HIGH_BANDWIDTH_MEMORY)
        if level == "b" or (level == "a" and c.designed_for_data_centers is False):
            classes.add(LICENSE_EXCEPTION_ELIGIBLE)
    if frontier:
        classes.add(CLOSED_WEIGHT_FRONTIER_MODEL)
    if eccn == "EAR99" and c.layer == "software":
        classes.add(EAR99_SOFTWARE)
    note = rtext.render_note({"code": note_code, "params": params}, rtext.gettext_noop) if note_code else ""
    return Classification(
        eccn=eccn, derived=eccn != stated, classes=frozenset(classes), note=note, note_code=note_code,
        note_params=params, level=level, stated_eccn=stated, derived_eccn=derived_eccn,
    )  # fmt: skip


def aggregate_tpp(components: Sequence[ComponentData], classifications: dict[int, Classification]) -> float:
    """Sum of TPP × quantity over the package's ``.a``-class advanced-computing items (3A090.a, 4A090.a and .z
    items at that level): only those count toward an aggregate limit such as the January 2025 framework's
    26,900,000 TPP allowance; 3A090.b-class items do not."""
    return sum(
        (c.tpp or 0.0) * c.quantity
        for i, c in enumerate(components)
        if ADVANCED_COMPUTING in classifications[i].classes and classifications[i].level == "a"
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
    if cls.stated_eccn and cls.derived_eccn and cls.stated_eccn != cls.derived_eccn:
        params["stated_eccn"] = cls.stated_eccn
        params["derived_eccn"] = cls.derived_eccn
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
    for ordered in _order(rules):
        rules_by_tier.setdefault(ordered.tier, []).append(ordered)
    # Outcomes depend only on the tier, so compute each tier once and share it between its countries.
    per_tier: dict[str, tuple[str, tuple[Reason, ...], tuple[Reason, ...]]] = {}
    for tier in set(country_tiers.values()):
        reasons: list[Reason] = []
        notable: list[bool] = []
        for i, component in enumerate(components):
            cls = classifications[i]
            rule, compared, not_applied = _decide(component, cls, rules_by_tier.get(tier, []), total)
            outcome = rule.outcome if rule else ELIGIBLE
            notable.append(bool(cls.classes - {EAR99_SOFTWARE} or cls.note or (rule is not None and rule.match != "*")))
            code = (rule.code or rtext.RULE) if rule else rtext.NOT_CONTROLLED
            params = _reason_params(component, cls, rule, total, compared, not_applied)
            reason = {"code": code, "params": params, "component": component.name}
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
                    params=params,
                    review_policy=rule.review_policy if rule else "",
                    conditions=tuple(rule.conditions) if rule else (),
                    ruleset=ruleset,
                    effective_from=effective_from,
                    license_exception=rule.license_exception if rule else "",
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
            license_exceptions=tuple(rtext.summary_exceptions(per_tier[tier][1])),
        )  # fmt: skip
        for code, tier in country_tiers.items()
    }
    return PackageEvaluation(aggregate_tpp=total, classifications=classifications, outcomes=outcomes)


# --- Program eligibility (the call for proposals' own rules) -----------------------------------------

COUNTRIES_OF_CONCERN = frozenset({"CN", "HK", "MO"})
US_CONTENT_MIN_SHARE = us_share.US_ORIGIN_PRESUMPTION


@dataclass(frozen=True)
class MemberData:
    name: str
    country: str
    foreign_controlled: bool = False
    controlling_country: str | None = None


@dataclass(frozen=True)
class HardwareValue:
    name: str
    unit_value_usd: Decimal | float | None
    quantity: int
    us_origin_share: Decimal | float | None


@dataclass(frozen=True)
class ProgramIssue:
    """One finding of the program check: ``code`` + ``params`` (rendered by ``reasons.render_program_issue``).

    ``severity`` "error" makes the package ineligible; "warning" does not. ``text`` is the English rendering.
    """

    severity: str
    code: str
    text: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    citation: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity, "code": self.code, "params": self.params, "citation": self.citation,
            "text": self.text,
        }  # fmt: skip


@dataclass(frozen=True)
class ProgramResult:
    eligible: bool
    us_origin_share: float | None
    issues: tuple[ProgramIssue, ...] = field(default_factory=tuple)


def _program_issue(severity: str, code: str, citation: str = "", **params: Any) -> ProgramIssue:
    text = rtext.render_program_issue({"code": code, "params": params})
    return ProgramIssue(severity, code, text, params=params, citation=citation)


def _member_issues(m: MemberData, countries_of_concern: frozenset[str]) -> list[ProgramIssue]:
    if m.country in countries_of_concern:
        return [_program_issue("error", rtext.MEMBER_LOCATION, member=m.name, country=m.country)]
    if m.foreign_controlled and not m.controlling_country:
        # Not knowing from where a member is controlled, the country-of-concern test cannot pass: refuse.
        return [_program_issue("error", rtext.MEMBER_CONTROL_UNSTATED, member=m.name)]
    if m.controlling_country in countries_of_concern:
        return [_program_issue("error", rtext.MEMBER_CONTROL, member=m.name, country=m.controlling_country)]
    return []


def _headquarters_issue(m: MemberData, license_headquarters: frozenset[str]) -> ProgramIssue | None:
    """15 CFR 742.6(a)(6)(iii)(A): advanced-computing items for an entity headquartered in, or whose ultimate
    parent is headquartered in, Country Group D:5 or Macau need a license to every destination outside the
    United States. A member's country is its headquarters; its controlling country stands for the parent's."""
    cite = rtext.HEADQUARTERS_CITATION
    if m.country in license_headquarters:
        return _program_issue("warning", rtext.MEMBER_HEADQUARTERS, cite, member=m.name, country=m.country,
                              basis="headquarters")  # fmt: skip
    if m.foreign_controlled and m.controlling_country in license_headquarters:
        return _program_issue("warning", rtext.MEMBER_HEADQUARTERS, cite, member=m.name,
                              country=m.controlling_country, basis="parent")  # fmt: skip
    return None


def evaluate_program(
    members: Sequence[MemberData],
    hardware: Sequence[HardwareValue],
    *,
    countries_of_concern: frozenset[str] = COUNTRIES_OF_CONCERN,
    min_us_share: Decimal = US_CONTENT_MIN_SHARE,
    license_headquarters: frozenset[str] = frozenset(),
    advanced_computing: bool | None = None,
) -> ProgramResult:
    """The program check of a package's consortium members and hardware.

    - A member located in, or owned or controlled from, a country of concern, or flagged foreign-controlled
      without the controlling country → error (ineligible).
    - A member headquartered in ``license_headquarters`` (Country Group D:5 and Macau, from the reference data),
      or controlled from there → warning: the package's advanced-computing items need a license for it
      wherever it is. Skipped only when ``advanced_computing`` is ``False`` (the package has none); ``None``
      (not known) flags it.
    - U.S.-origin hardware below 51 % by value → warning (the rule of ``us_share``: exact comparison, a figure
      that never reads 51 % when below).
    """
    issues: list[ProgramIssue] = []
    for m in members:
        issues += _member_issues(m, countries_of_concern)
        hq = _headquarters_issue(m, license_headquarters) if advanced_computing is not False else None
        if hq is not None:
            issues.append(hq)
    share = us_share.weighted_share((h.unit_value_usd, h.quantity, h.us_origin_share) for h in hardware)
    if share is not None:
        if us_share.below_presumption(share, min_us_share):
            shown = us_share.share_display(share, min_us_share)
            issues.append(_program_issue("warning", rtext.US_CONTENT, share=str(shown), min=f"{min_us_share:f}"))
    elif hardware:
        issues.append(_program_issue("warning", rtext.US_CONTENT_UNKNOWN))
    eligible = not any(i.severity == "error" for i in issues)
    return ProgramResult(eligible=eligible, us_origin_share=float(share) if share is not None else None,
                         issues=tuple(issues))  # fmt: skip
