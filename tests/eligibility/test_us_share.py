"""The one U.S.-origin share rule: exact comparison with 51 %, a figure that never reads 51 % when below, the
same answer from the review step (``catalog.readiness``) and the program check of the engine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from catalog.choices import Category, Layer
from catalog.models import Component
from catalog.readiness import hardware_us_origin_share, us_origin_below_presumption, us_share_context
from eligibility import engine, us_share

EDGES = [
    # exact share, below 51 %, figure shown
    (Decimal("50.95"), True, Decimal("50.95")),
    (Decimal("51.00"), False, Decimal("51.0")),
    (Decimal("51.005"), False, Decimal("51.0")),
    (Decimal("50.995"), True, Decimal("50.99")),
    (Decimal("50.99"), True, Decimal("50.99")),
    (Decimal("50.94"), True, Decimal("50.9")),
    (Decimal("40"), True, Decimal("40.0")),
    (Decimal("100"), False, Decimal("100.0")),
]


@pytest.mark.parametrize(("share", "below", "shown"), EDGES)
def test_the_share_is_compared_exactly_and_shown_without_crossing_the_threshold(share, below, shown):
    assert us_share.below_presumption(share) is below
    assert str(us_share.share_display(share)) == str(shown)


@pytest.mark.parametrize(("share", "below", "shown"), EDGES)
def test_the_review_step_and_the_program_check_give_the_same_answer_and_figure(share, below, shown):
    chip = Component(layer=Layer.HARDWARE, category=Category.ACCELERATOR, name="GPU", quantity=4,
                     unit_value_usd=Decimal("25000"), us_origin_share=share)  # fmt: skip
    context = us_share_context([chip])
    assert context == {"us_share": shown, "us_share_low": below}
    assert us_origin_below_presumption(hardware_us_origin_share([chip])) is below
    result = engine.evaluate_program([], [engine.HardwareValue("GPU", Decimal("25000"), 4, share)])
    warnings = [i for i in result.issues if i.code == "us_content"]
    assert bool(warnings) is below
    if below:
        assert warnings[0].params == {"share": str(shown), "min": "51"}
        assert warnings[0].text == f"The hardware layer is {shown} % U.S.-origin by value, below 51 %."


def test_a_below_threshold_share_never_reads_as_51_percent():
    for hundredths in range(5000, 5100):
        share = Decimal(hundredths) / 100 + Decimal("0.005")  # every x.xx5 just below 51
        if share < 51:
            assert us_share.share_display(share) < 51


def test_floats_are_read_as_written_so_50_95_stays_below():
    result = engine.evaluate_program([], [engine.HardwareValue("GPU", 1000.0, 3, 50.95)])
    assert [i.params["share"] for i in result.issues if i.code == "us_content"] == ["50.95"]


def test_a_weighted_share_that_lands_on_51_exactly_meets_the_presumption():
    # 3 × 1,000 at 68 % and 1 × 1,000 at 0 % → exactly 51 %.
    hardware = [engine.HardwareValue("GPU", Decimal("1000"), 3, Decimal("68")),
                engine.HardwareValue("Rack", Decimal("1000"), 1, Decimal("0"))]  # fmt: skip
    result = engine.evaluate_program([], hardware)
    assert result.us_origin_share == 51.0 and not result.issues


def test_hardware_without_values_cannot_be_weighed():
    assert us_share.weighted_share([(None, 2, Decimal("80")), (Decimal("10"), 1, None)]) is None
    assert us_share.share_display(None) is None and not us_share.below_presumption(None)


def test_the_panel_renders_a_program_issue_from_its_code_and_an_old_row_as_stored():
    from eligibility.templatetags.eligibility import program_issue_text

    issue = engine.evaluate_program([engine.MemberData("Acme", "CN")], []).issues[0]
    with translation.override("en"):
        assert program_issue_text(issue) == "Acme is located in China."
        assert program_issue_text(issue.as_dict()) == "Acme is located in China."
        assert program_issue_text({"severity": "error", "code": "retired", "text": "Old words."}) == "Old words."
    with translation.override("ja"):
        assert program_issue_text(issue) == "Acme は 中国 に所在しています。"
