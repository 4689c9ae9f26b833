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

from catalog.countries import PSEUDO_DESTINATIONS

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
        # xgettext:no-python-format
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
            license_exception=r.get("license_exception", ""),
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

EAR: dict[str, Any] = {
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
EAR_LANE: dict[str, Any] = {
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

AID: dict[str, Any] = {
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


# --- ear-2026-12r2 and ai-diffusion-2025-01r2 (issue 16: export-control corrections) --------------------------
# New versions, never edits of the old ones: ear-2026-12r2 is seeded as a draft (results stay until staff
# activate it); ai-diffusion-2025-01r2 is archived history like its predecessor. Sources: data/README.md.

EAR_R2_VERSION = "ear-2026-12r2"
AID_R2_VERSION = "ai-diffusion-2025-01r2"

EXCEPTION_OK = "advanced_computing_exception"  # engine.LICENSE_EXCEPTION_ELIGIBLE
HBM = "high_bandwidth_memory"  # engine.HIGH_BANDWIDTH_MEMORY
EAR99_SOFTWARE = "ear99_software"  # engine.EAR99_SOFTWARE

CIT_ACA = (
    "15 CFR 740.8 (License Exception ACA); 88 FR 73458 (25 Oct 2023) as revised on 4 Apr 2024 (FR Doc. 2024-07004)"
)
CIT_NAC = "15 CFR 740.8(a)(2) (License Exception NAC, notification); 88 FR 73458 (25 Oct 2023)"
CIT_HBM = "15 CFR 742.6(a)(6); ECCN 3A090.c (December 2024 advanced-computing rule)"
CIT_RU = "15 CFR 746.8 (Russia and Belarus sanctions); 15 CFR 746 Supplements No. 2, 4, 6 and 7"
CIT_SY = "15 CFR 746.9 and 740.5 (License Exception SPP), 90 FR 42320 (2 Sep 2025, effective 2 Sep 2025)"
CIT_EMBARGO_R2 = (
    "15 CFR 746.2 (Cuba), 746.4 (North Korea), 746.6 (Crimea region and so-called DNR/LNR regions of Ukraine), "
    "746.7 (Iran)"
)
NAC_CONDITIONS = (
    gettext_noop(
        "License Exception NAC requires a prior notification to BIS (15 CFR 740.8(a)(2)); the export may proceed "
        "only when BIS does not object."
    ),
    gettext_noop(
        "Not for an item designed or marketed for data centers that meets 3A090.a, nor for a prohibited end use or "
        "end user (15 CFR 740.2 and part 744)."
    ),
)
ACA_CONDITIONS = (
    gettext_noop(
        "License Exception ACA needs no notification for D:1/D:4 destinations outside D:5 and Macau, unless the "
        "consignee or end user is headquartered in (or has an ultimate parent in) D:5 or Macau: then NAC applies."
    ),
    NAC_CONDITIONS[1],
)
SPP_CONDITIONS = (
    gettext_noop(
        "License Exception SPP does not authorize an export that needs a license under a part 744 end-use or "
        "end-user control (for example a listed person)."
    ),
)
RU_EAR99_CONDITIONS = (
    gettext_noop(
        "Some EAR99 items need a license to Russia and Belarus (industry-sector and luxury-goods lists, Supplements "
        "No. 2, 4, 6 and 7 to Part 746): check the item against them."
    ),
)


def _r2_common() -> list[RuleSpec]:
    """The D:1/D:4 and allied rules of ear-2026-12r2 (3A090.c, License Exception ACA)."""
    return [
        ALLIED_RULE,
        _not_advanced("allied"),
        _rule(
            "license_review",
            HBM,
            "eligible",
            gettext_noop(
                "Stand-alone high-bandwidth memory (3A090.c): a license is required only for D:5 destinations and "
                "Macau."
            ),
            CIT_HBM,
            5,
            code="ear.license_review.hbm",
        ),
        {
            **_rule(
                "license_review",
                EXCEPTION_OK,
                "eligible",
                gettext_noop(
                    "Advanced-computing item other than a data-center 3A090.a item to a D:1/D:4 destination outside "
                    "D:5 and Macau: eligible under License Exception ACA."
                ),
                CIT_ACA,
                8,
                code="ear.license_review.aca",
                conditions=ACA_CONDITIONS,
            ),
            "license_exception": "ACA",
        },
        LICENSE_REVIEW_RULE,
        _not_advanced("license_review"),
    ]


def _nac_rule(tier: str) -> RuleSpec:
    return {
        **_rule(
            tier,
            EXCEPTION_OK,
            "eligible",
            gettext_noop(
                "Advanced-computing item other than a data-center 3A090.a item to a D:5 destination or Macau: eligible "
                "under License Exception NAC after notifying BIS."
            ),
            CIT_NAC,
            5,
            code=f"ear.{tier}.nac",
            conditions=NAC_CONDITIONS,
        ),
        "license_exception": "NAC",
    }


def _r2_rules() -> list[RuleSpec]:
    lane = [r for r in EAR_LANE["rules"] if r["tier"] == "china_macau"]
    arms = [r for r in EAR_LANE["rules"] if r["tier"] == "arms_embargoed"]
    return [
        *_r2_common(),
        _nac_rule("china_macau"),
        *lane,
        _nac_rule("arms_embargoed"),
        *arms,
        _rule(
            "russia_belarus",
            EAR99_SOFTWARE,
            "prohibited",
            gettext_noop(
                "EAR99 software to Russia or Belarus: certain EAR99 software (for example enterprise-management and "
                "design software) needs a license under 15 CFR 746.8, reviewed with a policy of denial; the portal "
                "cannot rule that out."
            ),
            CIT_RU,
            5,
            code="ear.russia_belarus.ear99_software",
            policy="denial",
        ),
        _rule(
            "russia_belarus",
            "EAR99",
            "eligible",
            gettext_noop("EAR99 item (not software) to Russia or Belarus: no license under the CCL-based requirement."),
            CIT_RU,
            10,
            code="ear.russia_belarus.ear99",
            conditions=RU_EAR99_CONDITIONS,
        ),
        _rule(
            "russia_belarus",
            "*",
            "prohibited",
            gettext_noop(
                "Russia or Belarus: every item on the Commerce Control List (and any item not classified) needs a "
                "license under 15 CFR 746.8, reviewed with a policy of denial."
            ),
            CIT_RU,
            20,
            code="ear.russia_belarus.ccl",
            policy="denial",
        ),
        _rule(
            "syria",
            ADV,
            "prohibited",
            gettext_noop(
                "Advanced-computing item to Syria (Country Group D:5): license required with a presumption of denial."
            ),
            CIT_D5,
            5,
            code="ear.syria.advanced_computing",
            policy="denial",
        ),
        {
            **_rule(
                "syria",
                "EAR99",
                "eligible",
                gettext_noop("EAR99 item to Syria: eligible under License Exception SPP (since 2 September 2025)."),
                CIT_SY,
                10,
                code="ear.syria.spp",
                conditions=SPP_CONDITIONS,
            ),
            "license_exception": "SPP",
        },
        _rule(
            "syria",
            "*",
            "license_required",
            gettext_noop(
                "Item on the Commerce Control List (or not classified) to Syria: license required, reviewed case by "
                "case (15 CFR 746.9 as revised in September 2025)."
            ),
            CIT_SY,
            20,
            code="ear.syria.ccl",
            policy="case_by_case",
        ),
        _rule(
            "embargoed",
            "*",
            "prohibited",
            gettext_noop("Comprehensively embargoed destination: every item is prohibited."),
            CIT_EMBARGO_R2,
            1,
            code="embargoed",
            policy="denial",
        ),
    ]


EAR_R2: dict[str, Any] = {
    "name": "Current EAR controls",
    "effective_from": dt.date(2026, 7, 10),
    "status": "draft",
    "sources": (
        EAR_LANE["sources"] + "\n"
        "15 CFR 740.8 (License Exceptions NAC and ACA; 88 FR 73458, 25 Oct 2023; split into NAC and ACA by "
        "the rule of 4 Apr 2024, FR Doc. 2024-07004).\n"
        "15 CFR 740.5 (License Exception SPP) and 746.9, 90 FR 42320 (2 Sep 2025).\n"
        "15 CFR 746.6 (Crimea region; so-called DNR/LNR regions of Ukraine), 746.8 (Russia and Belarus).\n"
        "Export Administration Regulations: Conforming Change for Cambodia (effective 3 Feb 2026): Cambodia is no "
        "longer in Country Group D:5."
    ),
    "notes": (
        "Restates ear-2026-12 with the corrections of issue 16: classification to the stricter of the stated and "
        "the derived ECCN (.z entries for 4A/5A items); License Exception ACA for advanced-computing items other than "
        "data-center 3A090.a items to D:1/D:4 destinations outside D:5 and Macau, NAC (notification) to D:5 and Macau; "
        "3A090.c (stand-alone HBM) needs a license only for D:5 and Macau; D:5 countries also in A:5/A:6 are not "
        "arms-embargoed for these rules; sanctions regimes as their own tiers: Russia and Belarus (746.8: every CCL "
        "item, certain EAR99 software), Syria (746.9: CCL items case by case, EAR99 under License Exception SPP "
        "since 2 Sep 2025, advanced computing as D:5), and the comprehensive embargoes (Cuba, Iran, North Korea, "
        "Crimea and the so-called DNR/LNR regions). Seeded as a draft: staff activate it."
    ),
    "tiers": [
        ("allied", "Allied", "A:5/A:6 countries and every country not named in another tier."),
        ("license_review", "License review", "D:1 or D:4, not also A:5/A:6 and not D:5 (nor a sanctions tier)."),
        ("china_macau", "China and Macau", "China, Macau, and Hong Kong (treated as China)."),
        ("arms_embargoed", "Arms-embargoed", "D:5 countries not also in A:5/A:6, other than those below."),
        ("russia_belarus", "Russia and Belarus", "Sanctions of 15 CFR 746.8."),
        ("syria", "Syria", "15 CFR 746.9 as revised on 2 Sep 2025 (License Exception SPP)."),
        ("embargoed", "Embargoed", "Cuba, Iran, North Korea; Crimea and the so-called DNR/LNR regions of Ukraine."),
    ],
    "rules": _r2_rules(),
}

# Pseudo-destinations for the comprehensively embargoed regions of Ukraine (15 CFR 746.6): user-assigned
# ISO 3166-1 codes (XA–XZ are reserved for such use), so that a buyer can choose them and they have a result.
EMBARGOED_REGIONS = PSEUDO_DESTINATIONS
RUSSIA_BELARUS = frozenset({"RU", "BY"})
SYRIA = frozenset({"SY"})
CHINA_MACAU = frozenset({"CN", "HK", "MO"})


def ear_r2_tiers(all_codes: set[str], groups: dict[str, set[str]]) -> dict[str, str]:
    """Country → tier code of ear-2026-12r2.

    The allies are subtracted where the EAR subtracts them: the advanced-computing license requirement of
    15 CFR 742.6(a)(6) reaches D:1, D:4 and D:5 destinations *excluding any also in A:5 or A:6*, so a D:5 country
    in A:5/A:6 is not arms-embargoed here (nor under license review).
    """
    allies = groups["A:5"] | groups["A:6"]
    embargoed = ((groups["E:1"] | groups["E:2"]) - SYRIA) | set(EMBARGOED_REGIONS)
    special = embargoed | RUSSIA_BELARUS | SYRIA | CHINA_MACAU
    arms = groups["D:5"] - allies - special
    review = (groups["D:1"] | groups["D:4"]) - allies - arms - special
    tiers = {}
    for code in all_codes:
        if code in embargoed:
            tiers[code] = "embargoed"
        elif code in RUSSIA_BELARUS:
            tiers[code] = "russia_belarus"
        elif code in SYRIA:
            tiers[code] = "syria"
        elif code in CHINA_MACAU:
            tiers[code] = "china_macau"
        elif code in arms:
            tiers[code] = "arms_embargoed"
        elif code in review:
            tiers[code] = "license_review"
        else:
            tiers[code] = "allied"
    return tiers


AID_R2: dict[str, Any] = {
    **AID,
    "sources": (
        "Framework for Artificial Intelligence Diffusion, interim final rule, 90 FR 4544 (published 15 Jan 2025; "
        "compliance date 15 May 2025).\n"
        "Rescinded by announced non-enforcement: on 13 May 2025 BIS announced that it would not enforce the rule "
        "and would replace it; no Federal Register rescission notice had been published as of the law-firm "
        "summaries read (historical rule set).\n"
        "15 CFR Part 746 (embargoes) for E:1/E:2."
    ),
    "notes": (
        "Corrects ai-diffusion-2025-01: only .a-class items (3A090.a, 4A090.a and .z items at that level) count "
        "toward the 26,900,000 TPP low-processing-performance allowance; 3A090.b-class items do not. Historical: "
        "the rule was never enforced (BIS announcement of 13 May 2025, two days before its compliance date of "
        "15 May 2025). " + AID["notes"]
    ),
}


def seed_corrections(apps: Any) -> tuple[Any, Any]:
    """Create ``ear-2026-12r2`` (draft) and ``ai-diffusion-2025-01r2`` (archived) when missing, and the
    pseudo-destinations of the embargoed regions of Ukraine."""
    Country = apps.get_model("catalog", "Country")
    Tier = apps.get_model("eligibility", "Tier")
    CountryTier = apps.get_model("eligibility", "CountryTier")
    if not Country.objects.exists():
        return None, None
    for code, name in EMBARGOED_REGIONS.items():
        Country.objects.get_or_create(code=code, defaults={"name": name})
    # Existing rule sets: the new destinations go to their embargoed tier (every item prohibited, which is what
    # 746.6 says); no existing destination or result changes.
    for tier in Tier.objects.filter(code="embargoed"):
        have = set(CountryTier.objects.filter(ruleset_id=tier.ruleset_id).values_list("country_id", flat=True))
        CountryTier.objects.bulk_create(
            CountryTier(ruleset_id=tier.ruleset_id, country_id=code, tier=tier)
            for code in sorted(set(EMBARGOED_REGIONS) - have)
        )
    codes = set(Country.objects.values_list("code", flat=True))
    groups = read_groups()
    aid_tiers = diffusion_tiers(codes, groups)
    aid_tiers.update(dict.fromkeys(EMBARGOED_REGIONS, "embargoed"))
    return (
        _seed_ruleset(apps, EAR_R2_VERSION, EAR_R2, ear_r2_tiers(codes, groups)),
        _seed_ruleset(apps, AID_R2_VERSION, AID_R2, aid_tiers),
    )
