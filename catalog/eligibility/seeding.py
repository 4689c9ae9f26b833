"""Idempotent seeds: the EAR country groups and the two default rule sets.

Called by data migrations (with the historical ``apps`` registry) and by ``demo.load`` (with the live one),
so it only uses ``apps.get_model``. Facts come from ``data/country-groups.csv``; see ``data/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

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

ADV = "advanced_computing"
FRONTIER = "closed_weight_frontier_model"
CIT_3A090 = "15 CFR 742.6(a)(6) and 744.23; ECCNs 3A090, 4A090 and .z items (88 FR 73458, Oct 2023)"
CIT_EMBARGO = "15 CFR 746 (embargoes); Country Groups E:1 and E:2"
CIT_AID = "Framework for AI Diffusion, 90 FR 4544 (15 Jan 2025), §740.27 and ECCN 4E091"


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


RuleSpec = tuple[str, str, str, str, float | None, str, str, int]


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
) -> RuleSpec:
    """A seeded rule: (tier, match, outcome, threshold mode, threshold TPP, text, citation, priority)."""
    mode, threshold = ("above", above) if above is not None else ("up_to", up_to) if up_to is not None else ("", None)
    return (tier, match, outcome, mode, threshold, explanation, citation, priority)


def _not_advanced(tier: str) -> RuleSpec:
    """The catch-all of an EAR tier: anything that is not an advanced-computing item needs no license."""
    return _rule(tier, "*", "eligible", "Not an advanced-computing item: no license under this rule set.", "", 1000)


EMBARGOED_RULE = _rule(
    "embargoed", "*", "prohibited", "Comprehensively embargoed destination: every item is prohibited.", CIT_EMBARGO, 1
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
        _rule(
            "allied",
            ADV,
            "eligible",
            "Advanced-computing item: no license needed for allied destinations.",
            CIT_3A090,
            10,
        ),
        _not_advanced("allied"),
        _rule(
            "license_review",
            ADV,
            "license_required",
            "Advanced-computing item to a D:1/D:4 destination: license required (presumption of approval).",
            CIT_3A090,
            10,
        ),
        _not_advanced("license_review"),
        _rule(
            "arms_embargoed",
            ADV,
            "prohibited",
            "Advanced-computing item to a D:5 destination or Macau: license required with a presumption of denial.",
            CIT_3A090,
            10,
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
        _rule("tier1", ADV, "eligible", "Tier 1 destination: no license for advanced-computing items.", CIT_AID, 10),
        _rule("tier1", FRONTIER, "eligible", "Tier 1 destination: no license for 4E091 model weights.", CIT_AID, 20),
        _rule(
            "tier2",
            ADV,
            "eligible",
            "Tier 2 destination within the low-processing-performance allowance: notification only.",
            CIT_AID,
            10,
            up_to=26_900_000.0,
        ),
        _rule(
            "tier2",
            ADV,
            "license_required",
            "Tier 2 destination above the 26,900,000 TPP allowance: license required.",
            CIT_AID,
            11,
            above=26_900_000.0,
        ),
        _rule(
            "tier2",
            FRONTIER,
            "license_required",
            "Closed-weight model trained with over 10^26 operations (4E091), Tier 2 destination: license required.",
            CIT_AID,
            20,
        ),
        _rule(
            "tier3",
            ADV,
            "prohibited",
            "Tier 3 destination: presumption of denial for advanced-computing items.",
            CIT_AID,
            10,
        ),
        _rule(
            "tier3", FRONTIER, "prohibited", "Tier 3 destination: 4E091 model weights are not exported.", CIT_AID, 20
        ),
        EMBARGOED_RULE,
    ],
}


def _seed_ruleset(apps: Any, version: str, spec: dict[str, Any], tiers_of: dict[str, str]) -> None:
    RuleSet = apps.get_model("eligibility", "RuleSet")
    Tier = apps.get_model("eligibility", "Tier")
    CountryTier = apps.get_model("eligibility", "CountryTier")
    Rule = apps.get_model("eligibility", "Rule")
    if RuleSet.objects.filter(version=version).exists():
        return  # staff own it from now on: never overwrite their edits
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
    Rule.objects.bulk_create(
        Rule(
            ruleset=ruleset,
            tier=tiers[tier],
            match=match,
            outcome=outcome,
            threshold_mode=mode,
            threshold_tpp=threshold,
            explanation=text,
            citation=citation,
            priority=priority,
        )  # fmt: skip
        for tier, match, outcome, mode, threshold, text, citation, priority in spec["rules"]
    )


def seed_rulesets(apps: Any) -> None:
    """Create the two default rule sets when missing (never touches existing ones)."""
    Country = apps.get_model("catalog", "Country")
    codes = set(Country.objects.values_list("code", flat=True))
    if not codes:
        return
    groups = read_groups()
    _seed_ruleset(apps, EAR_VERSION, EAR, ear_tiers(codes, groups))
    _seed_ruleset(apps, AID_VERSION, AID, diffusion_tiers(codes, groups))
