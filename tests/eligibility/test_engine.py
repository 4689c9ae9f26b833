"""The pure rules engine, exhaustively with plain data (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility import engine
from eligibility.engine import ComponentData, RuleData
from eligibility.seeding import AID, EAR, rule_data

E, L, P = engine.ELIGIBLE, engine.LICENSE_REQUIRED, engine.PROHIBITED


def rules_of(spec: dict) -> list[RuleData]:
    return rule_data(spec)


EAR_RULES = rules_of(EAR)
AID_RULES = rules_of(AID)
EAR_TIERS = {"JP": "allied", "AE": "allied", "VN": "license_review", "CN": "arms_embargoed", "MO": "arms_embargoed",
             "IR": "embargoed", "CU": "embargoed"}  # fmt: skip
AID_TIERS = {"JP": "tier1", "US": "tier1", "IN": "tier2", "BR": "tier2", "CN": "tier3", "KP": "embargoed"}


def chip(tpp=None, pd=None, eccn="", qty=1, name="GPU", category="accelerator") -> ComponentData:
    return ComponentData(id=1, name=name, layer="hardware", category=category, eccn=eccn, tpp=tpp, pd=pd, quantity=qty)


def model(ops=None, published=None, eccn="") -> ComponentData:
    return ComponentData(
        id=2, name="Frontier LLM", layer="software", category="foundation_model", eccn=eccn,
        training_operations=ops, weights_published=published,
    )  # fmt: skip


SOFTWARE = ComponentData(id=3, name="MLOps platform", layer="software", category="framework", eccn="EAR99")


@pytest.mark.parametrize(
    ("tpp", "pd", "expected"),
    [
        (4799, None, "a"),  # no PD: 3A090.a cannot be ruled out (fails closed)
        (1600, None, "a"),
        (1599, None, ""),
        (4800, None, "a"),
        (15832, None, "a"),
        (4799, 5.91, "b"),
        (4799, 5.92, "a"),
        (1600, 5.92, "a"),
        (1599, 5.92, ""),
        (1600, 5.91, "b"),
        (1600, 3.2, "b"),
        (1600, 3.19, ""),
        (2400, 1.6, "b"),
        (2399, 1.6, ""),
        (2400, 1.59, ""),
        (4799, 1.6, "b"),
        (100, 10.0, ""),
        (0, 0, ""),
    ],
)
def test_chips_are_classified_at_the_edges_of_the_3a090_thresholds(tpp, pd, expected):
    item, _why = engine.classify_chip(tpp, pd)
    assert item == expected


def test_a_derived_classification_says_where_it_comes_from():
    cls = engine.classify(chip(tpp=15832))
    assert cls.eccn == "3A090.a" and cls.derived
    assert "derived from TPP 15,832" in cls.note


def test_a_server_without_an_eccn_is_derived_as_4a090():
    cls = engine.classify(chip(tpp=8 * 15832, category="server"))
    assert cls.eccn == "4A090.a" and engine.ADVANCED_COMPUTING in cls.classes


def test_the_stricter_of_the_stated_and_the_derived_eccn_wins():
    cls = engine.classify(chip(tpp=15832, eccn="EAR99"))
    assert cls.eccn == "3A090.a" and cls.derived and engine.ADVANCED_COMPUTING in cls.classes
    assert (cls.stated_eccn, cls.derived_eccn) == ("EAR99", "3A090.a")


def test_a_chip_below_the_thresholds_is_not_controlled_and_says_why():
    cls = engine.classify(chip(tpp=1000, pd=1.0))
    assert cls.eccn == "" and not cls.classes and "below the 3A090 parameters" in cls.note


@pytest.mark.parametrize(
    ("eccn", "advanced"),
    [("3A090.a", True), ("3A090.b", True), ("3A090", True), ("4A090.a", True), ("5A992.z", True), ("4A003.z", True),
     ("5A002.z.1", True), ("5A992.c", False), ("EAR99", False), ("4E091", False), ("3A001.b.4.a", False), ("", False)],
)  # fmt: skip
def test_advanced_computing_items_are_3a090_4a090_and_z_items(eccn, advanced):
    assert engine.is_advanced_computing(eccn) is advanced


@pytest.mark.parametrize(
    ("ops", "published", "frontier"),
    [(1e26, None, False), (1.0000001e26, None, True), (1.0000001e26, False, True), (1.0000001e26, True, False),
     (5e25, False, False), (None, False, False)],
)  # fmt: skip
def test_closed_weight_models_above_1e26_operations_are_4e091(ops, published, frontier):
    cls = engine.classify(model(ops=ops, published=published))
    assert (engine.CLOSED_WEIGHT_FRONTIER_MODEL in cls.classes) is frontier
    assert (cls.eccn == "4E091") is frontier


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        ([chip(tpp=15832)], {"JP": E, "AE": E, "VN": L, "CN": P, "MO": P, "IR": P, "CU": P}),
        ([chip(eccn="4A090.a")], {"JP": E, "VN": L, "CN": P, "IR": P}),
        ([chip(eccn="5A992.z")], {"JP": E, "VN": L, "CN": P}),
        ([chip(tpp=4799)], {"JP": E, "VN": L, "CN": P, "IR": P}),  # no PD: 3A090.a cannot be ruled out
        ([chip(tpp=4799, pd=1.59)], {"JP": E, "VN": E, "CN": E, "IR": P}),
        ([chip(tpp=4800)], {"JP": E, "VN": L, "CN": P, "IR": P}),
        ([SOFTWARE], {"JP": E, "VN": E, "CN": E, "MO": E, "IR": P, "CU": P}),
        ([model(ops=1e27)], {"JP": E, "VN": E, "CN": E, "IR": P}),
        ([SOFTWARE, chip(tpp=2400, pd=1.6)], {"JP": E, "VN": L, "CN": P}),
    ],
)
def test_current_ear_controls_give_each_destination_its_outcome(components, expected):
    result = engine.evaluate(components, EAR_TIERS, EAR_RULES)
    assert {c: result.outcomes[c].outcome for c in expected} == expected


@pytest.mark.parametrize(
    ("quantity", "tier2"),
    [(1, E), (26_900_000 // 15_832, E), (26_900_000 // 15_832 + 1, L)],
)
def test_tier_2_is_eligible_up_to_the_aggregate_tpp_allowance(quantity, tier2):
    result = engine.evaluate([chip(tpp=15832, qty=quantity)], AID_TIERS, AID_RULES)
    assert result.outcomes["IN"].outcome == tier2
    assert result.outcomes["JP"].outcome == E
    assert result.outcomes["CN"].outcome == P


@pytest.mark.parametrize(("tpp", "expected"), [(26_900_000, E), (26_900_001, L), (26_899_999, E)])
def test_aggregate_tpp_at_and_above_26_900_000(tpp, expected):
    result = engine.evaluate([chip(tpp=tpp / 2, qty=2)], AID_TIERS, AID_RULES)
    assert result.aggregate_tpp == pytest.approx(tpp)
    assert result.outcomes["BR"].outcome == expected


def test_aggregate_tpp_counts_only_advanced_computing_items_times_quantity():
    components = [chip(tpp=15832, qty=10), chip(tpp=1000, pd=1.0, qty=1000, name="Edge chip"), SOFTWARE]
    result = engine.evaluate(components, AID_TIERS, AID_RULES)
    assert result.aggregate_tpp == 158_320


@pytest.mark.parametrize(
    ("ops", "published", "expected"),
    [
        (2e26, False, {"JP": E, "IN": L, "CN": P, "KP": P}),
        (2e26, True, {"JP": E, "IN": E, "CN": E, "KP": P}),
        (1e26, False, {"JP": E, "IN": E, "CN": E, "KP": P}),
    ],
)
def test_ai_diffusion_controls_closed_weight_frontier_models(ops, published, expected):
    result = engine.evaluate([model(ops=ops, published=published)], AID_TIERS, AID_RULES)
    assert {c: result.outcomes[c].outcome for c in expected} == expected


def test_the_package_outcome_is_the_most_restrictive_and_its_reasons_name_the_component_rule_and_citation():
    result = engine.evaluate([SOFTWARE, chip(tpp=15832, name="H100 cluster")], EAR_TIERS, EAR_RULES)
    vn = result.outcomes["VN"]
    assert vn.outcome == L
    assert len(vn.reasons) == 1
    reason = vn.reasons[0]
    assert reason.component == "H100 cluster" and reason.eccn == "3A090.a"
    assert "derived from TPP 15,832" in reason.text and "license required" in reason.text
    assert "744.23" in reason.citation
    assert [r.outcome for r in vn.components] == [L, E]


def test_an_uncontrolled_package_says_so_in_one_reason():
    result = engine.evaluate([SOFTWARE], EAR_TIERS, EAR_RULES)
    assert [r.text for r in result.outcomes["JP"].reasons] == [engine.NOT_CONTROLLED]


def test_embargoed_destinations_prohibit_every_item_with_the_embargo_citation():
    result = engine.evaluate([SOFTWARE], EAR_TIERS, EAR_RULES)
    assert result.outcomes["IR"].outcome == P
    assert "746" in result.outcomes["IR"].reasons[0].citation


def test_rules_are_tried_by_priority_and_the_first_match_decides():
    rules = [
        RuleData(id=1, tier="t", match="*", outcome=P, explanation="catch-all", priority=100),
        RuleData(id=2, tier="t", match="3A090.*", outcome=E, explanation="exception", priority=10),
    ]
    result = engine.evaluate([chip(eccn="3A090.a")], {"XX": "t"}, rules)
    assert result.outcomes["XX"].outcome == E


def test_a_component_with_no_matching_rule_is_eligible():
    result = engine.evaluate([chip(eccn="3A090.a")], {"XX": "t"}, [])
    assert result.outcomes["XX"].outcome == E


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_a_non_finite_or_negative_tpp_is_refused(bad):
    with pytest.raises(engine.EngineInputError):
        engine.evaluate([chip(tpp=bad)], EAR_TIERS, EAR_RULES)


outcomes = st.sampled_from([E, L, P])


@given(st.lists(st.tuples(st.sampled_from(["3A090.a", "EAR99", "5A992.z", "4E091", ""]), outcomes), max_size=6))
def test_the_package_outcome_is_never_less_restrictive_than_any_component(items):
    components = [
        ComponentData(id=i, name=f"c{i}", layer="hardware", category="server", eccn=eccn)
        for i, (eccn, _) in enumerate(items)
    ]
    rules = [
        RuleData(id=i, tier="t", match=eccn or "*", outcome=o, explanation="x", priority=i)
        for i, (eccn, o) in enumerate(items)
    ]
    result = engine.evaluate(components, {"XX": "t"}, rules).outcomes["XX"]
    assert all(engine.SEVERITY[result.outcome] >= engine.SEVERITY[r.outcome] for r in result.components)
    assert result.outcome == engine.most_restrictive(r.outcome for r in result.components)


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False), st.one_of(st.none(), st.floats(min_value=0, max_value=50))
)
def test_more_tpp_never_lowers_the_3a090_classification(tpp, pd):
    rank = {"": 0, "b": 1, "a": 2}
    low, _ = engine.classify_chip(tpp, pd)
    high, _ = engine.classify_chip(tpp * 2 + 1, pd)
    assert rank[high] >= rank[low]


# --- program eligibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "eligible"),
    [
        ([engine.MemberData("A", "US")], True),
        ([engine.MemberData("A", "US"), engine.MemberData("B", "CN")], False),
        ([engine.MemberData("B", "HK")], False),
        ([engine.MemberData("B", "MO")], False),
        ([engine.MemberData("B", "SG", True, "CN")], False),
        ([engine.MemberData("B", "SG", True, "JP")], True),
        # Flagged foreign-controlled without the controlling country: the test cannot pass, so it is refused.
        ([engine.MemberData("B", "SG", True, None)], False),
        ([engine.MemberData("B", "SG", True, "")], False),
    ],
)
def test_members_in_or_controlled_from_a_country_of_concern_make_the_package_ineligible(members, eligible):
    assert engine.evaluate_program(members, []).eligible is eligible


@pytest.mark.parametrize(("share", "warned"), [(51.0, False), (50.99, True), (100.0, False), (0.0, True)])
def test_hardware_below_51_percent_us_origin_value_is_a_warning(share, warned):
    hardware = [engine.HardwareValue("GPU", 1000.0, 10, share), engine.HardwareValue("Rack", 1000.0, 10, share)]
    result = engine.evaluate_program([engine.MemberData("A", "US")], hardware)
    assert result.eligible
    assert any(i.code == "us_content" for i in result.issues) is warned


def test_the_us_origin_share_is_weighted_by_value():
    hardware = [engine.HardwareValue("GPU", 9000.0, 1, 100.0), engine.HardwareValue("Rack", 1000.0, 1, 0.0)]
    assert engine.evaluate_program([], hardware).us_origin_share == pytest.approx(90.0)


def test_a_member_flagged_foreign_controlled_without_a_country_is_a_structured_error():
    result = engine.evaluate_program([engine.MemberData("Acme", "SG", True, None)], [])
    (issue,) = result.issues
    assert (issue.severity, issue.code, issue.params) == ("error", "member_control_unstated", {"member": "Acme"})
    assert issue.as_dict()["code"] == "member_control_unstated" and "not stated" in issue.text


D5_AND_MACAU = frozenset({"CN", "RU", "IR", "MO"})


@pytest.mark.parametrize(
    ("member", "advanced", "expected"),
    [
        (engine.MemberData("A", "RU"), True, ("RU", "headquarters")),
        (engine.MemberData("A", "MO"), None, ("MO", "headquarters")),
        (engine.MemberData("A", "SG", True, "IR"), True, ("IR", "parent")),
        (engine.MemberData("A", "SG", True, "JP"), True, None),
        (engine.MemberData("A", "US"), True, None),
        (engine.MemberData("A", "RU"), False, None),  # no advanced-computing item: the rule has nothing to cover
    ],
)
def test_a_member_headquartered_in_d5_or_macau_needs_a_license_wherever_it_is(member, advanced, expected):
    result = engine.evaluate_program([member], [], license_headquarters=D5_AND_MACAU, advanced_computing=advanced)
    flagged = [i for i in result.issues if i.code == "member_headquarters_license"]
    if expected is None:
        assert flagged == []
        return
    (issue,) = flagged
    assert (issue.params["country"], issue.params["basis"]) == expected
    assert issue.severity == "warning" and issue.citation == "15 CFR 742.6(a)(6)(iii)(A)"
    assert result.eligible is (member.country != "MO")  # Macau is also a country of concern: that one is an error
