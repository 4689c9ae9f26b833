"""Idempotent seeds: the EAR country groups and the default rule sets.

Called by data migrations (with the historical ``apps`` registry) and by ``demo.load`` (with the live one),
so it only uses ``apps.get_model`` and passes a model only the fields it has at that migration. Facts come
from ``data/country-groups.csv`` and the sources cited in ``data/README.md``.

Rule sets seeded:

- ``ear-2026-07`` "Current EAR controls" (active when first seeded; history once its successor is active);
- ``ai-diffusion-2025-01`` (archived, historical);
- ``ear-2026-12`` "Current EAR controls" with the January 2026 China/Macau lane, seeded as a **draft** by
  migration ``0101_seed_ear_2026_12_draft`` so that existing results stay as they are until staff activate it.

Explanations and conditions are English message ids (``gettext_noop``): reasons are rendered in the reader's
language at display time (``reasons.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from .reasons import gettext_noop

CSV_PATH = Path(__file__).resolve().parent / "data" / "country-groups.csv"

GROUPS: dict[str, tuple[str, str, bool]] = {
    "A:1": ("Wassenaar participating states", "EAR Country Group A:1 (15 CFR 740 Supp. 1).", True),
    "A:5": ("Closest allies", "Broadest license-exception eligibility; the UAE added 10 Jul 2026.", True),
    "A:6": ("Allies with more limited eligibility", "EAR Country Group A:6.", True),
    "D:1": ("National-security concerns", "EAR Country Group D:1.", True),
    "D:3": ("Chemical and biological weapons concerns", "EAR Country Group D:3.", True),
    "D:4": ("Missile technology concerns", "EAR Country Group D:4.", True),
    "D:5": ("U.S. arms-embargoed countries", "Follows ITAR §126.1; Cambodia left it in Feb 2026.", True),
    "E:1": ("Terrorist-supporting countries", "EAR Country Group E:1.", True),
    "E:2": ("Unilaterally embargoed countries", "EAR Country Group E:2.", True),
    "AI-DIFFUSION-2025-TIER1": (
        "AI Diffusion framework (Jan 2025) Tier 1",
        "The United States and 18 partners (90 FR 4544). Historical; not an EAR group.",
        False,
    ),
    "AI-DIFFUSION-2025-TIER3": (
        "AI Diffusion framework (Jan 2025) Tier 3",
        "D:5 countries and Macau at that date (90 FR 4544). Historical; not an EAR group.",
        False,
    ),
}

CSV_SOURCE = "15 CFR Part 740, Supplement No. 1 (eCFR, mid-2026); 90 FR 4544 (15 Jan 2025)"

EAR_VERSION = "ear-2026-07"
AID_VERSION = "ai-diffusion-2025-01"
EAR_LANE_VERSION = "ear-2026-12"  # EAR_VERSION plus the January 2026 China/Macau lane (seeded as a draft)

ADV = "advanced_computing"
FRONTIER = "closed_weight_frontier_model"
CIT_3A090 = "15 CFR 742.6(a)(6) and 744.23; ECCNs 3A090, 4A090 and .z items (88 FR 73458, Oct 2023)"
CIT_EMBARGO = "15 CFR 746 (embargoes); Country Groups E:1 and E:2"
CIT_AID = "Framework for AI Diffusion, 90 FR 4544 (15 Jan 2025), §740.27 and ECCN 4E091"
CIT_CN_LANE = (
    '15 CFR 742.6 license review policy as revised by "Revision to License Review Policy for Advanced Computing '
    'Commodities", 91 FR 1684 (15 Jan 2026, effective 15 Jan 2026); 15 CFR 744.23; ECCNs 3A090, 4A090, .z items'
)
CIT_D5 = "15 CFR 742.6(a)(6) and 744.23; Country Group D:5 (Supplement No. 1 to Part 740); 88 FR 73458 (Oct 2023)"

# The January 2026 lane (91 FR 1684): per-unit caps, both strict ("below").
CN_LANE_TPP_CAP = 21_000.0
CN_LANE_DRAM_CAP = 6_500.0  # GB/s, total DRAM bandwidth of the device
CN_LANE_CONDITIONS = (
    gettext_noop(
        "The exporter certifies that there is sufficient supply of the product in the United States: U.S. orders "
        "are not delayed and production capacity for U.S. end users is not diverted."
    ),
    gettext_noop(
        "The exporter certifies that aggregate shipments of the product to China and Macau are at most 50 % of "
        "its shipments to U.S. end users."
    ),
    gettext_noop("The exporter certifies that there is no prohibited end use or end user."),
    gettext_noop(
        "The consignee applies know-your-customer screening and safeguards against unauthorized remote access."
    ),
    gettext_noop(
        "Each shipment is reviewed by a qualified independent third-party testing laboratory in the United States "
        "before export."
    ),
    gettext_noop(
        "Applies to exports from the United States only (what this portal models): reexports, exports from abroad "
        "and in-country transfers keep the presumption of denial."
    ),
)


def read_groups(path: Path = CSV_PATH) -> dict[str, set[str]]:
    """Group code → set of ISO alpha-2 codes, from the project's copy of the CSV."""
    groups: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            groups.setdefault(row["group"].strip(), set()).add(row["iso_alpha2"].strip().upper())
    return groups


def seed_country_groups(apps: Any) -> None:
    Country = apps.get_model("catalog", "Country")
    CountryGroup = apps.get_model("eligibility", "CountryGroup")
    known = set(Country.objects.values_list("code", flat=True))
    for code, members in read_groups().items():
        name, description, is_ear = GROUPS.get(code, (code, "", True))
        group, _ = CountryGroup.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": f"{description} Source: {CSV_SOURCE}.", "is_ear_group": is_ear},
        )
        group.countries.set(sorted(members & known))


def _embargoed(groups: dict[str, set[str]]) -> set[str]:
    """E:1 and E:2: the comprehensively embargoed countries (a tier of its own in every rule set)."""
    return groups["E:1"] | groups["E:2"]


def ear_tiers(all_codes: set[str], groups: dict[str, set[str]]) -> dict[str, str]:
    """Country → tier code of the current EAR controls (Hong Kong follows China)."""
    embargoed = _embargoed(groups)
    arms = (groups["D:5"] | {"MO", "HK"}) - embargoed
    allies = groups["A:5"] | groups["A:6"]
    review = (groups["D:1"] | groups["D:4"]) - allies - arms - embargoed
    tiers = {}
    for code in all_codes:
        if code in embargoed:
            tiers[code] = "embargoed"
        elif code in arms:
            tiers[code] = "arms_embargoed"
        elif code in review:
            tiers[code] = "license_review"
        else:
            tiers[code] = "allied"
    return tiers


def diffusion_tiers(all_codes: set[str], groups: dict[str, set[str]]) -> dict[str, str]:
    """Country → tier code of the January 2025 AI Diffusion framework (Hong Kong follows China)."""
    embargoed = _embargoed(groups)
    tier1 = groups["AI-DIFFUSION-2025-TIER1"]
    tier3 = (groups["AI-DIFFUSION-2025-TIER3"] | {"HK"}) - embargoed
    return {
        code: "embargoed" if code in embargoed else "tier1" if code in tier1 else "tier3" if code in tier3 else "tier2"
        for code in all_codes
    }


RuleSpec = dict[str, Any]


def _rule(
    tier: str,
    match: str,
    outcome: str,
    explanation: str,
    citation: str,
    priority: int,
    *,
    above: float | None = None,
    up_to: float | None = None,
    code: str = "",
    policy: str = "",
    conditions: tuple[str, ...] = (),
    figures: tuple[tuple[str, str, float], ...] = (),
) -> RuleSpec:
    """A seeded rule as the keyword arguments of ``Rule`` (less ruleset and tier object)."""
    mode, threshold = ("above", above) if above is not None else ("up_to", up_to) if up_to is not None else ("", None)
    return {
        "tier": tier,
        "match": match,
        "outcome": outcome,
        "threshold_mode": mode,
        "threshold_tpp": threshold,
        "explanation": explanation,
        "citation": citation,
        "priority": priority,
        "code": code,
        "review_policy": policy,
        "conditions": list(conditions),
        "figure_conditions": [{"figure": f, "op": op, "value": v} for f, op, v in figures],
    }


def rule_data(spec: dict[str, Any]) -> list[Any]:
    """A seeded rule set's rules as engine data (ids by position), for tests and previews without a database."""
    from .engine import FigureCondition, RuleData

    return [
        RuleData(
            id=i,
            tier=r["tier"],
            match=r["match"],
            outcome=r["outcome"],
            explanation=r["explanation"],
            citation=r["citation"],
            priority=r["priority"],
            threshold_mode=r["threshold_mode"],
            threshold_tpp=r["threshold_tpp"],
            code=r["code"],
            review_policy=r["review_policy"],
            conditions=tuple(r["conditions"]),
            figures=tuple(FigureCondition.from_dict(f) for f in r["figure_conditions"]),
        )  # fmt: skip
        for i, r in enumerate(spec["rules"], start=1)
    ]


def _not_advanced(tier: str) -> RuleSpec:
    """The catch-all of an EAR tier: anything that is not an advanced-computing item needs no license."""
    return _rule(
        tier,
        "*",
        "eligible",
        gettext_noop("Not an advanced-computing item: no license under this rule set."),
        "",
        1000,
        code="ear.not_advanced_computing",
    )


EMBARGOED_RULE = _rule(
    "embargoed",
    "*",
    "prohibited",
    gettext_noop("Comprehensively embargoed destination: every item is prohibited."),
    CIT_EMBARGO,
    1,
    code="embargoed",
    policy="denial",
)

ALLIED_RULE = _rule(
    "allied",
    ADV,
    "eligible",
    gettext_noop("Advanced-computing item: no license needed for allied destinations."),
    CIT_3A090,
    10,
    code="ear.allied.no_license",
)
LICENSE_REVIEW_RULE = _rule(
    "license_review",
    ADV,
    "license_required",
    gettext_noop("Advanced-computing item to a D:1/D:4 destination: license required (presumption of approval)."),
    CIT_3A090,
    10,
    code="ear.license_review.approval",
    policy="approval",
)

EAR = {
    "name": "Current EAR controls",
    "effective_from": dt.date(2026, 7, 10),
    "status": "active",
    "sources": (
        "15 CFR Part 740, Supplement No. 1 (country groups, as of mid-2026).\n"
        "15 CFR 742.6(a)(6), 744.23; ECCNs 3A090, 4A090 and .z items (88 FR 73458, 25 Oct 2023, still in force).\n"
        "15 CFR Part 746 (embargoes)."
    ),
    "notes": (
        "License required for D:1/D:4 destinations not also in A:5/A:6 (presumption of approval), "
        "presumption of denial for D:5 and Macau; Hong Kong is treated as China. E:1/E:2: every item prohibited. "
        "The headquarters rule (entities headquartered in D:5 or Macau) is outside this destination-based rule set."
    ),
    "tiers": [
        ("allied", "Allied", "A:5/A:6 countries and every country not named in another tier."),
        ("license_review", "License review", "D:1 or D:4, not also A:5/A:6 and not D:5."),
        ("arms_embargoed", "Arms-embargoed", "D:5 countries, Macau, and Hong Kong (treated as China)."),
        ("embargoed", "Embargoed", "E:1 and E:2 countries."),
    ],
    "rules": [
        ALLIED_RULE,
        _not_advanced("allied"),
        LICENSE_REVIEW_RULE,
        _not_advanced("license_review"),
        _rule(
            "arms_embargoed",
            ADV,
            "prohibited",
            gettext_noop(
                "Advanced-computing item to a D:5 destination or Macau: license required with a presumption of denial."
            ),
            CIT_3A090,
            10,
            code="ear.d5_macau.denial",
            policy="denial",
        ),
        _not_advanced("arms_embargoed"),
        EMBARGOED_RULE,
    ],
}

# ear-2026-12: the same controls plus the January 2026 lane for exports from the United States to China and
# Macau (Hong Kong treated as China). China, Hong Kong and Macau get a tier of their own so that the lane does
# not reach the other D:5 countries.
EAR_LANE = {
    "name": "Current EAR controls",
    "effective_from": dt.date(2026, 7, 10),
    "status": "draft",
    "sources": (
        EAR["sources"] + "\n"
        "Revision to License Review Policy for Advanced Computing Commodities, final rule, 91 FR 1684 "
        "(FR Doc. 2026-00789, published and effective 15 Jan 2026; 15 CFR Parts 742, 744 and 748)."
    ),
    "notes": (
        "Restates ear-2026-07 (country groups as of 10 Jul 2026) and adds the China/Macau lane in force since "
        "15 Jan 2026: advanced-computing commodities with TPP < 21,000 and total DRAM bandwidth < 6,500 GB/s "
        "(per unit) exported from the United States to China or Macau get case-by-case review on the exporter's "
        "certifications (license still required: license_required); at or above either cap, or without a stated "
        "DRAM bandwidth, presumption of denial (prohibited). Reexports, exports from abroad and in-country transfers "
        "keep the presumption of denial; this portal models exports from the United States. Servers (4A090) are "
        "compared on their own per-unit figures. Hong Kong is treated as China; the other D:5 countries keep the "
        "presumption of denial. Seeded as a draft: staff activate it."
    ),
    "tiers": [
        ("allied", "Allied", "A:5/A:6 countries and every country not named in another tier."),
        ("license_review", "License review", "D:1 or D:4, not also A:5/A:6 and not D:5."),
        ("china_macau", "China and Macau", "China, Macau, and Hong Kong (treated as China)."),
        ("arms_embargoed", "Arms-embargoed", "D:5 countries other than China (and Hong Kong) and Macau."),
        ("embargoed", "Embargoed", "E:1 and E:2 countries."),
    ],
    "rules": [
        ALLIED_RULE,
        _not_advanced("allied"),
        LICENSE_REVIEW_RULE,
        _not_advanced("license_review"),
        _rule(
            "china_macau",
            ADV,
            "license_required",
            gettext_noop(
                "Advanced-computing item exported from the United States to China or Macau below both caps of the "
                "January 2026 rule: license required, reviewed case by case on the exporter's certifications."
            ),
            CIT_CN_LANE,
            10,
            code="ear.china_macau.case_by_case",
            policy="case_by_case",
            conditions=CN_LANE_CONDITIONS,
            figures=(("tpp", "lt", CN_LANE_TPP_CAP), ("dram_bandwidth", "lt", CN_LANE_DRAM_CAP)),
        ),
        _rule(
            "china_macau",
            ADV,
            "prohibited",
            gettext_noop(
                "Advanced-computing item to China or Macau at or above a cap of the January 2026 rule, or without a "
                "stated DRAM bandwidth: license required with a presumption of denial."
            ),
            CIT_CN_LANE,
            20,
            code="ear.china_macau.denial",
            policy="denial",
            conditions=(CN_LANE_CONDITIONS[-1],),
        ),
        _not_advanced("china_macau"),
        _rule(
            "arms_embargoed",
            ADV,
            "prohibited",
            gettext_noop(
                "Advanced-computing item to a D:5 destination: license required with a presumption of denial."
            ),
            CIT_D5,
            10,
            code="ear.d5.denial",
            policy="denial",
        ),
        _not_advanced("arms_embargoed"),
        EMBARGOED_RULE,
    ],
}

AID = {
    "name": "AI Diffusion framework, January 2025",
    "effective_from": dt.date(2025, 1, 15),
    "status": "archived",
    "sources": (
        "Framework for Artificial Intelligence Diffusion, interim final rule, 90 FR 4544 (15 Jan 2025).\n"
        "BIS announced on 13 May 2025 that it would not enforce the rule (historical rule set).\n"
        "15 CFR Part 746 (embargoes) for E:1/E:2."
    ),
    "notes": (
        "Tier 1: the United States and 18 partners. Tier 3: D:5 and Macau at that date (Hong Kong as China). "
        "Tier 2: every other country; up to 26,900,000 aggregate TPP (the low-processing-performance allowance, "
        "per customer per year, applied here per package) needs only a notification. E:1/E:2 countries, which sat "
        "in Tier 3, are kept in a separate embargoed tier because every item to them is prohibited."
    ),
    "tiers": [
        ("tier1", "Tier 1", "The United States and 18 partners."),
        ("tier2", "Tier 2", "Every country not in Tier 1 or Tier 3."),
        ("tier3", "Tier 3", "D:5 countries and Macau at that date (including Cambodia), Hong Kong as China."),
        ("embargoed", "Embargoed", "E:1 and E:2 countries (in Tier 3 under the framework, and embargoed)."),
    ],
    "rules": [
        _rule(
            "tier1", ADV, "eligible", gettext_noop("Tier 1 destination: no license for advanced-computing items."),
            CIT_AID, 10, code="aid.tier1.advanced_computing",
        ),
        _rule(
            "tier1", FRONTIER, "eligible", gettext_noop("Tier 1 destination: no license for 4E091 model weights."),
            CIT_AID, 20, code="aid.tier1.frontier_model",
        ),
        _rule(
            "tier2", ADV, "eligible",
            gettext_noop("Tier 2 destination within the low-processing-performance allowance: notification only."),
            CIT_AID, 10, up_to=26_900_000.0, code="aid.tier2.allowance",
        ),
        _rule(
            "tier2", ADV, "license_required",
            gettext_noop("Tier 2 destination above the 26,900,000 TPP allowance: license required."),
            CIT_AID, 11, above=26_900_000.0, code="aid.tier2.above_allowance",
        ),
        _rule(
            "tier2", FRONTIER, "license_required",
            gettext_noop(
                "Closed-weight model trained with over 10^26 operations (4E091), Tier 2 destination: license required."
            ),
            CIT_AID, 20, code="aid.tier2.frontier_model",
        ),
        _rule(
            "tier3", ADV, "prohibited",
            gettext_noop("Tier 3 destination: presumption of denial for advanced-computing items."),
            CIT_AID, 10, code="aid.tier3.advanced_computing", policy="denial",
        ),
        _rule(
            "tier3", FRONTIER, "prohibited", gettext_noop("Tier 3 destination: 4E091 model weights are not exported."),
            CIT_AID, 20, code="aid.tier3.frontier_model", policy="denial",
        ),
        EMBARGOED_RULE,
    ],
}  # fmt: skip


def _field_names(model: Any) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _seed_ruleset(apps: Any, version: str, spec: dict[str, Any], tiers_of: dict[str, str]) -> Any:
    RuleSet = apps.get_model("eligibility", "RuleSet")
    Tier = apps.get_model("eligibility", "Tier")
    CountryTier = apps.get_model("eligibility", "CountryTier")
    Rule = apps.get_model("eligibility", "Rule")
    if RuleSet.objects.filter(version=version).exists():
        return None  # staff own it from now on: never overwrite their edits
    status = spec["status"]
    if status == "active" and RuleSet.objects.filter(status="active").exists():
        status = "archived"
    ruleset = RuleSet.objects.create(
        version=version,
        name=spec["name"],
        effective_from=spec["effective_from"],
        status=status,
        sources=spec["sources"],
        notes=spec["notes"],
    )
    tiers = {
        code: Tier.objects.create(ruleset=ruleset, code=code, name=name, description=desc, position=i)
        for i, (code, name, desc) in enumerate(spec["tiers"])
    }
    CountryTier.objects.bulk_create(
        CountryTier(ruleset=ruleset, country_id=country, tier=tiers[tier]) for country, tier in sorted(tiers_of.items())
    )
    # A historical model (migration 0002) lacks the fields added later: give it only the fields it has.
    known = _field_names(Rule)
    Rule.objects.bulk_create(
        Rule(ruleset=ruleset, **{k: (tiers[v] if k == "tier" else v) for k, v in r.items() if k in known})
        for r in spec["rules"]
    )
    return ruleset


def ear_lane_tiers(all_codes: set[str], groups: dict[str, set[str]]) -> dict[str, str]:
    """Country → tier code of ear-2026-12: China, Hong Kong and Macau in a tier of their own."""
    tiers = ear_tiers(all_codes, groups)
    for code in ("CN", "HK", "MO"):
        if code in tiers and tiers[code] != "embargoed":
            tiers[code] = "china_macau"
    return tiers


def seed_rulesets(apps: Any) -> None:
    """Create the two original rule sets when missing (never touches existing ones)."""
    Country = apps.get_model("catalog", "Country")
    codes = set(Country.objects.values_list("code", flat=True))
    if not codes:
        return
    groups = read_groups()
    _seed_ruleset(apps, EAR_VERSION, EAR, ear_tiers(codes, groups))
    _seed_ruleset(apps, AID_VERSION, AID, diffusion_tiers(codes, groups))


def seed_ear_lane(apps: Any) -> Any:
    """Create ``ear-2026-12`` (with the January 2026 China/Macau lane) as a draft when missing."""
    Country = apps.get_model("catalog", "Country")
    codes = set(Country.objects.values_list("code", flat=True))
    if not codes:
        return None
    return _seed_ruleset(apps, EAR_LANE_VERSION, EAR_LANE, ear_lane_tiers(codes, read_groups()))


def backfill_rule_codes(apps: Any) -> int:
    """Give the seeded rules of the original rule sets their code and review policy, where staff left them as seeded.

    Outcomes do not change (only labels that reasons carry); returns the number of rules updated.
    """
    Rule = apps.get_model("eligibility", "Rule")
    updated = 0
    for version, spec in ((EAR_VERSION, EAR), (AID_VERSION, AID)):
        for r in spec["rules"]:
            updated += Rule.objects.filter(
                ruleset__version=version, tier__code=r["tier"], match=r["match"], outcome=r["outcome"],
                priority=r["priority"], explanation=r["explanation"], code="",
            ).update(code=r["code"], review_policy=r["review_policy"])  # fmt: skip
    return updated
