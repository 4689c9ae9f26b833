"""The January 2026 China/Macau lane (91 FR 1684) in the pure engine, exhaustively at its edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility import engine, reasons
from eligibility.engine import ComponentData, FigureCondition, RuleData
from eligibility.seeding import (
    CN_LANE_CONDITIONS,
    EAR_LANE,
    EAR_LANE_VERSION,
    ear_lane_tiers,
    ear_tiers,
    read_groups,
    rule_data,
)

E, L, P = engine.ELIGIBLE, engine.LICENSE_REQUIRED, engine.PROHIBITED
RULES = rule_data(EAR_LANE)
# China, Macau, Hong Kong (treated as China), an allied destination, another D:5 country, an embargoed one.
TIERS = {"CN": "china_macau", "MO": "china_macau", "HK": "china_macau", "JP": "allied", "VN": "license_review",
         "RU": "arms_embargoed", "IR": "embargoed"}  # fmt: skip
REF = {"ruleset": EAR_LANE_VERSION, "effective_from": "2026-07-10"}


def chip(tpp: float | None, dram: float | None, name: str = "H200", eccn: str = "", category: str = "accelerator"):
    return ComponentData(id=1, name=name, layer="hardware", category=category, eccn=eccn, tpp=tpp, dram_bandwidth=dram)


SOFTWARE = ComponentData(id=3, name="MLOps platform", layer="software", category="framework", eccn="EAR99")


def evaluate(*components: ComponentData) -> engine.PackageEvaluation:
    return engine.evaluate(list(components), TIERS, RULES, **REF)


@pytest.mark.parametrize("country", ["CN", "MO", "HK"])
@pytest.mark.parametrize(
    ("tpp", "dram", "outcome", "policy"),
    [
        (20_999, 6_499, L, "case_by_case"),
        (20_999.99, 6_499.99, L, "case_by_case"),
        (15_832, 4_800, L, "case_by_case"),  # an H200-class chip
        (20_915, 6_000, L, "case_by_case"),  # an MI325X-class chip
        (21_000, 6_499, P, "denial"),  # at the TPP cap
        (21_001, 6_499, P, "denial"),
        (20_999, 6_500, P, "denial"),  # at the bandwidth cap
        (20_999, 6_501, P, "denial"),
        (21_000, 6_500, P, "denial"),
        (36_000, 8_000, P, "denial"),  # a B200-class chip
        (15_832, None, P, "denial"),  # bandwidth not stated: never the favourable lane
        (4_800, None, P, "denial"),
    ],
)
def test_the_china_macau_lane_is_case_by_case_strictly_below_both_caps_and_denial_otherwise(
    country, tpp, dram, outcome, policy
):
    result = evaluate(chip(tpp, dram)).outcomes[country]
    assert (result.outcome, result.review_policy) == (outcome, policy)
    reason = result.reasons[0]
    assert reason.code == f"ear.china_macau.{policy}"
    assert reason.ruleset == EAR_LANE_VERSION and reason.effective_from == "2026-07-10"
    assert "91 FR 1684" in reason.citation
    if outcome == L:
        assert list(result.conditions) == list(CN_LANE_CONDITIONS)
    else:
        # The reason says which figure kept the chip out of the lane.
        skipped = reason.params["not_applied"][0]
        assert skipped["rule"] == "ear.china_macau.case_by_case"
        assert not all(c["holds"] for c in skipped["comparisons"])
        assert "Case-by-case review does not apply" in reason.text


@pytest.mark.parametrize(
    ("tpp", "dram"), [(15_832, 4_800), (21_000, 6_500), (15_832, None), (36_000, 8_000), (100, 100)]
)
def test_the_lane_changes_nothing_outside_china_and_macau(tpp, dram):
    outcomes = evaluate(chip(tpp, dram)).outcomes
    advanced = tpp >= 4_800
    assert outcomes["JP"].outcome == E
    assert outcomes["VN"].outcome == (L if advanced else E)
    assert outcomes["VN"].review_policy == ("approval" if advanced else "")
    assert (outcomes["RU"].outcome, outcomes["RU"].review_policy) == ((P, "denial") if advanced else (E, ""))
    assert (outcomes["IR"].outcome, outcomes["IR"].review_policy) == (P, "denial")
    assert outcomes["IR"].reasons[0].citation.startswith("15 CFR 746")


def test_a_chip_below_3a090_is_not_caught_by_the_lane_and_is_eligible_for_china():
    result = evaluate(chip(1_000, None)).outcomes["CN"]
    assert result.outcome == E and result.review_policy == ""


def test_a_package_is_as_restrictive_as_its_worst_component_for_china():
    lane, above = chip(15_832, 4_800, name="H200 cluster"), chip(36_000, 8_000, name="B200 cluster")
    cn = evaluate(lane, above, SOFTWARE).outcomes["CN"]
    assert (cn.outcome, cn.review_policy) == (P, "denial")
    assert [r.component for r in cn.reasons] == ["B200 cluster"]
    assert [r.outcome for r in cn.components] == [P, L, E]
    lane_only = evaluate(lane, SOFTWARE).outcomes["CN"]
    assert (lane_only.outcome, lane_only.review_policy) == (L, "case_by_case")
    assert [r.component for r in lane_only.reasons] == ["H200 cluster"]


def test_a_server_is_compared_on_its_own_per_unit_figures():
    server = chip(8 * 15_832, 8 * 4_800, name="8-GPU server", category="server")
    cn = evaluate(server).outcomes["CN"]
    assert cn.reasons[0].eccn == "4A090.a" and cn.outcome == P


def test_a_case_by_case_reason_carries_the_figures_compared_with_their_caps():
    reason = evaluate(chip(15_832, 4_800)).outcomes["CN"].reasons[0]
    params = reason.params
    assert {k: params[k] for k in ("tpp", "tpp_cap", "dram_bandwidth", "dram_cap")} == {
        "tpp": 15_832, "tpp_cap": 21_000, "dram_bandwidth": 4_800, "dram_cap": 6_500,
    }  # fmt: skip
    assert [(c["figure"], c["op"], c["holds"]) for c in params["comparisons"]] == [
        ("tpp", "lt", True), ("dram_bandwidth", "lt", True),
    ]  # fmt: skip
    assert "TPP 15,832 < 21,000; DRAM bandwidth 4,800 GB/s < 6,500 GB/s" in reason.text
    stored = json.loads(json.dumps(reason.as_dict()))  # what the JSONField keeps
    assert stored["code"] == "ear.china_macau.case_by_case" and stored["review_policy"] == "case_by_case"
    assert reasons.render_text(stored) == reason.text


@pytest.mark.parametrize(("op", "at_cap"), [("lt", False), ("le", True), ("gt", False), ("ge", True)])
def test_a_rule_states_whether_its_edge_is_strict_or_inclusive(op, at_cap):
    rule = RuleData(1, "t", "*", L, "x", figures=(FigureCondition("dram_bandwidth", op, 6_500),))
    result = engine.evaluate([chip(100, 6_500)], {"XX": "t"}, [rule])
    assert (result.outcomes["XX"].outcome == L) is at_cap


def test_an_unknown_figure_or_edge_is_refused():
    with pytest.raises(engine.EngineInputError):
        FigureCondition("clock_speed", "lt", 1)
    with pytest.raises(engine.EngineInputError):
        FigureCondition("tpp", "below", 1)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_a_non_finite_or_negative_dram_bandwidth_is_refused(bad):
    with pytest.raises(engine.EngineInputError):
        evaluate(chip(15_832, bad))


def test_china_hong_kong_and_macau_get_their_own_tier_and_the_other_d5_countries_keep_theirs():
    groups = read_groups()
    codes = groups["D:5"] | groups["A:5"] | groups["E:1"] | {"HK", "MO", "JP"}
    lane, old = ear_lane_tiers(codes, groups), ear_tiers(codes, groups)
    assert {c for c, t in lane.items() if t == "china_macau"} == {"CN", "HK", "MO"}
    assert lane["RU"] == old["RU"] == "arms_embargoed" and lane["IR"] == "embargoed" and lane["JP"] == "allied"
    assert {c: t for c, t in lane.items() if c not in {"CN", "HK", "MO"}} == {
        c: t for c, t in old.items() if c not in {"CN", "HK", "MO"}
    }


# --- rendering -------------------------------------------------------------------------------------

PENDING = json.loads((Path(__file__).resolve().parents[2] / "locale-pending" / "rules.json").read_text("utf-8"))
PENDING |= json.loads((Path(__file__).resolve().parents[2] / "locale-pending" / "eng16.json").read_text("utf-8"))


def ja(message: str) -> str:
    """Translate with the Japanese strings this branch hands to the integrator (locale-pending/rules.json)."""
    return PENDING[message]["ja"]


@pytest.mark.parametrize(
    "component",
    [chip(15_832, 4_800), chip(21_000, 4_800), chip(15_832, None), chip(1_000, None), chip(3_000, None), SOFTWARE],
)
def test_every_reason_renders_in_japanese_from_the_stored_data_without_a_recheck(component):
    for outcome in evaluate(component).outcomes.values():
        for reason in outcome.reasons:
            stored = json.loads(json.dumps(reason.as_dict()))
            english, japanese = reasons.render_text(stored), reasons.render_text(stored, ja)
            assert english == reason.text
            assert japanese != english
            for condition in stored["conditions"]:
                assert ja(condition)


def test_the_japanese_rendering_keeps_the_figures_and_caps():
    stored = evaluate(chip(15_832, 4_800)).outcomes["CN"].reasons[0].as_dict()
    text = reasons.render_text(stored, ja)
    assert "15,832 < 21,000" in text and "4,800 GB/s < 6,500 GB/s" in text
    assert ja(stored["params"]["explanation"]) in text


def test_a_reason_in_the_old_prose_format_is_shown_as_it_was_stored():
    old = {"component_id": 1, "component": "H100", "eccn": "3A090.a", "outcome": P, "rule_id": 4,
           "text": "H100 (3A090.a) — presumption of denial.", "citation": "15 CFR 744.23"}  # fmt: skip
    assert reasons.render_text(old) == old["text"]
    assert reasons.render_text(old, ja) == old["text"]
    assert reasons.summary_policy([old]) == ("", [])
