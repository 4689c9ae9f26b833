"""Reasons as structured data, and the one renderer that turns them into words.

The engine stores each reason as a dict with a stable ``code``, its ``params`` (component, ECCN, the figures
compared with their limits), the ``citation``, the rule set's version and effective date, and the review
policy and conditions of the rule that decided. Words are produced from that data at display time, in the
reader's language (``render_reason``), so adding a language needs no re-check. The engine also keeps an
English ``text`` beside the data for readers that predate the structured format.

Pure Python at import time (the engine imports it): message ids are marked with a local ``gettext_noop``
(``makemessages`` extracts it by name) and translated with Django's ``gettext`` only when rendering.

Rows written before the structured format (``{"text": …, "citation": …}`` without ``code``) are shown as
they are until they are re-checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for translation (extracted by ``makemessages``); translated at display time."""
    return message


Translate = Callable[[str], str]
Number = Callable[[float], str]

# --- stable reason codes ---------------------------------------------------------------------------
RULE = "rule"  # a rule without its own code decided (rendered from its explanation)
NOT_CONTROLLED = "not_controlled"  # no rule of the destination's tier matched the component
PACKAGE_NOT_CONTROLLED = "package_not_controlled"  # nothing in the package is controlled for the destination

# --- review policies (rule data; see choices.ReviewPolicy) ------------------------------------------
APPROVAL, CASE_BY_CASE, DENIAL = "approval", "case_by_case", "denial"
POLICY_SEVERITY = {"": 0, APPROVAL: 1, CASE_BY_CASE: 2, DENIAL: 3}
POLICY_LABELS = {
    APPROVAL: gettext_noop("presumption of approval"),
    CASE_BY_CASE: gettext_noop("case-by-case review"),
    DENIAL: gettext_noop("presumption of denial"),
}

# --- figures a rule may compare (component figures, per unit) ---------------------------------------
FIGURE_LABELS = {
    "tpp": gettext_noop("TPP"),
    "pd": gettext_noop("performance density"),
    "dram_bandwidth": gettext_noop("DRAM bandwidth"),
}
FIGURE_UNITS = {"dram_bandwidth": " GB/s"}
# The short parameter name of a figure's limit: {"tpp": 15832, "tpp_cap": 21000, "dram_bandwidth": …, "dram_cap": …}
CAP_PARAM = {"tpp": "tpp_cap", "pd": "pd_cap", "dram_bandwidth": "dram_cap"}
OP_SYMBOLS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
NEGATED = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}

# --- classification notes (how a component's ECCN was found) -----------------------------------------
NOTES = {
    "3a090_a_tpp": gettext_noop("%(eccn)s derived from TPP %(tpp)s ≥ 4,800"),
    "3a090_a_pd": gettext_noop("%(eccn)s derived from TPP %(tpp)s, PD %(pd)s: TPP ≥ 1,600 and PD ≥ 5.92"),
    "3a090_b_range": gettext_noop(
        "%(eccn)s derived from TPP %(tpp)s, PD %(pd)s: 2,400 ≤ TPP < 4,800 and 1.6 ≤ PD < 5.92"
    ),
    "3a090_b_pd": gettext_noop("%(eccn)s derived from TPP %(tpp)s, PD %(pd)s: TPP ≥ 1,600 and 3.2 ≤ PD < 5.92"),
    "no_pd": gettext_noop(
        "not controlled under %(base)s (TPP %(tpp)s < 4,800 and no performance density given, "
        "so 3A090.b cannot be derived)"
    ),
    "no_pd_worst_case": gettext_noop(
        "%(eccn)s assumed: TPP %(tpp)s ≥ 1,600 and no performance density given, so 3A090.a (PD ≥ 5.92) cannot be "
        "ruled out"
    ),
    "not_data_center": gettext_noop(
        "not controlled under %(base)s (TPP %(tpp)s < 4,800 and not designed or marketed for data centers)"
    ),
    "below": gettext_noop("not controlled under %(base)s (TPP %(tpp)s: below the 3A090 parameters)"),
    "below_pd": gettext_noop("not controlled under %(base)s (TPP %(tpp)s, PD %(pd)s: below the 3A090 parameters)"),
    "4e091_derived": gettext_noop("4E091 derived from training compute %(ops)s operations > 10^26 and closed weights"),
    "4e091_unknown_weights": gettext_noop(
        "4E091 assumed from training compute %(ops)s operations > 10^26: publication of the weights not stated"
    ),
    "4e091_published": gettext_noop(
        "published weights are not controlled under 4E091 (training compute %(ops)s operations)"
    ),
    "4e091_below": gettext_noop("not 4E091: training compute %(ops)s operations ≤ 10^26"),
}

MESSAGES = {
    NOT_CONTROLLED: gettext_noop("is not controlled for this destination under this rule set."),
    PACKAGE_NOT_CONTROLLED: gettext_noop(
        "No component of this package is controlled for this destination under this rule set."
    ),
    "aggregate_above": gettext_noop("(package aggregate TPP %(aggregate)s > %(threshold)s)"),
    "aggregate_up_to": gettext_noop("(package aggregate TPP %(aggregate)s ≤ %(threshold)s)"),
    "not_stated": gettext_noop("%(figure)s not stated"),
    "not_applied": gettext_noop("%(policy)s does not apply: %(comparisons)s."),
    "ruleset": gettext_noop("rule set %(version)s, effective %(date)s"),
    "stated_derived": gettext_noop(
        "[stated %(stated)s, derived %(derived)s from the figures: classified as the stricter, %(eccn)s]"
    ),
    "license_exception": gettext_noop("Eligible under License Exception %(exception)s."),
}

# --- license exceptions a rule may name (15 CFR Part 740) ---------------------------------------------
LICENSE_EXCEPTIONS = {
    "ACA": gettext_noop("ACA (Advanced Computing Authorized, 15 CFR 740.8)"),
    "NAC": gettext_noop("NAC (Notified Advanced Computing, 15 CFR 740.8; prior notification to BIS)"),
    "SPP": gettext_noop("SPP (Syria Peace and Prosperity, 15 CFR 740.5)"),
}


# --- the program check (the call for proposals' own rules; ``engine.evaluate_program``) ---------------
MEMBER_LOCATION = "member_location"  # a member is located in a country of concern
MEMBER_CONTROL = "member_control"  # a member is owned or controlled from a country of concern
MEMBER_CONTROL_UNSTATED = "member_control_unstated"  # flagged foreign-controlled, controlling country missing
US_CONTENT = "us_content"  # the hardware layer is below the 51 % U.S.-origin presumption
US_CONTENT_UNKNOWN = "us_content_unknown"  # hardware without the values and shares to weigh it
# A member headquartered in (params basis "headquarters"), or whose ultimate parent is headquartered in (basis
# "parent"), Country Group D:5 or Macau: advanced-computing items for it need a license wherever it is.
MEMBER_HEADQUARTERS = "member_headquarters_license"
HEADQUARTERS_CITATION = "15 CFR 742.6(a)(6)(iii)(A)"

PROGRAM_MESSAGES = {
    MEMBER_LOCATION: gettext_noop("%(member)s is located in %(country)s."),
    MEMBER_CONTROL: gettext_noop("%(member)s is owned or controlled from %(country)s."),
    MEMBER_CONTROL_UNSTATED: gettext_noop(
        "%(member)s is flagged as owned or controlled from another country, but that country is not stated: "
        "the program cannot be checked until it is."
    ),
    MEMBER_HEADQUARTERS: gettext_noop(
        "%(member)s is headquartered in %(country)s (Country Group D:5 or Macau): supplying it with "
        "advanced-computing items needs a license wherever it is located."
    ),
    f"{MEMBER_HEADQUARTERS}.parent": gettext_noop(
        "%(member)s has its ultimate parent in %(country)s (Country Group D:5 or Macau): supplying it with "
        "advanced-computing items needs a license wherever it is located."
    ),
    US_CONTENT: gettext_noop("The hardware layer is %(share)s %% U.S.-origin by value, below %(min)s %%."),
    US_CONTENT_UNKNOWN: gettext_noop(
        "The hardware layer's U.S.-origin share cannot be computed: give unit values and U.S.-origin shares."
    ),
}


def render_program_issue(issue: Mapping[str, Any], translate: Translate = gettext_noop) -> str:
    """The words of one program issue (``{"code", "params", "text"}``) in the language of ``translate``.

    ``params`` hold strings (member names, country codes, the share already formatted by the U.S.-share rule),
    so the figure reads the same as on the review step. A country code is shown as the country's name in the
    active language ("China", "中国"). An unknown code shows its stored ``text``.
    """
    from catalog.countries import country_name

    code = str(issue.get("code") or "")
    params = dict(issue.get("params") or {})
    if isinstance(params.get("country"), str):
        params["country"] = country_name(params["country"]) or params["country"]
    template = PROGRAM_MESSAGES.get(f"{code}.{params.get('basis', '')}") or PROGRAM_MESSAGES.get(code)
    if template is None:
        return str(issue.get("text", ""))
    return translate(template) % params


def default_number(value: float) -> str:
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def comparison(figure: str, op: str, limit: float, value: float | None) -> dict[str, Any]:
    """One figure compared with a rule's limit; ``holds`` is False when the figure is not stated."""
    ops = {"lt": value is not None and value < limit, "le": value is not None and value <= limit,
           "gt": value is not None and value > limit, "ge": value is not None and value >= limit}  # fmt: skip
    return {"figure": figure, "value": value, "op": op, "limit": limit, "holds": bool(ops[op])}


def render_comparison(c: Mapping[str, Any], translate: Translate, number: Number) -> str:
    figure = translate(FIGURE_LABELS.get(c["figure"], c["figure"]))
    if c.get("value") is None:
        return translate(MESSAGES["not_stated"]) % {"figure": figure}
    op = c["op"] if c.get("holds", True) else NEGATED[c["op"]]
    unit = FIGURE_UNITS.get(c["figure"], "")
    return f"{figure} {number(c['value'])}{unit} {OP_SYMBOLS[op]} {number(c['limit'])}{unit}"


def _numbers(params: Mapping[str, Any], number: Number) -> dict[str, Any]:
    out = {}
    for key, value in params.items():
        if key == "ops" and isinstance(value, int | float):
            out[key] = f"{value:.3g}"
        elif key == "pd" and isinstance(value, int | float):
            out[key] = f"{value:g}"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = number(value)
        else:
            out[key] = value
    return out


def render_note(note: Mapping[str, Any] | None, translate: Translate, number: Number = default_number) -> str:
    if not note or note.get("code") not in NOTES:
        return ""
    return translate(NOTES[note["code"]]) % _numbers(note.get("params") or {}, number)


def render_text(reason: Mapping[str, Any], translate: Translate = gettext_noop, number: Number = default_number) -> str:
    """The words of one reason (without its citation), in the language of ``translate``."""
    code = reason.get("code")
    if not code:  # the prose format of rows written before reasons were structured
        return str(reason.get("text", ""))
    params: Mapping[str, Any] = reason.get("params") or {}
    if code == PACKAGE_NOT_CONTROLLED:
        return translate(MESSAGES[PACKAGE_NOT_CONTROLLED])
    component, eccn = params.get("component") or reason.get("component", ""), params.get("eccn", "")
    parts = [f"{component} ({eccn})" if eccn else str(component)]
    note = render_note(params.get("classification"), translate, number)
    if note:
        parts.append(f"[{note}]")
    if params.get("stated_eccn") and params.get("derived_eccn"):
        values = {"stated": params["stated_eccn"], "derived": params["derived_eccn"], "eccn": eccn}
        parts.append(translate(MESSAGES["stated_derived"]) % values)
    if code == NOT_CONTROLLED:
        parts.append(translate(MESSAGES[NOT_CONTROLLED]))
        return " ".join(parts)
    threshold = params.get("threshold")
    if threshold:
        key = "aggregate_above" if threshold.get("mode") == "above" else "aggregate_up_to"
        values = {"aggregate": number(params.get("aggregate_tpp") or 0), "threshold": number(threshold["value"])}
        parts.append(translate(MESSAGES[key]) % values)
    compared = [render_comparison(c, translate, number) for c in params.get("comparisons") or []]
    if compared:
        parts.append("(" + "; ".join(compared) + ")")
    explanation = params.get("explanation") or ""
    parts.append("— " + (translate(explanation) if explanation else ""))
    for skipped in params.get("not_applied") or []:
        policy = skipped.get("review_policy") or ""
        label = translate(POLICY_LABELS[policy]) if policy in POLICY_LABELS else str(skipped.get("rule", ""))
        failed = [render_comparison(c, translate, number) for c in skipped.get("comparisons") or [] if not c["holds"]]
        text = translate(MESSAGES["not_applied"]) % {"policy": label, "comparisons": "; ".join(failed)}
        parts.append(text[:1].upper() + text[1:])
    exception = reason.get("license_exception") or ""
    if exception:
        parts.append(license_exception_label(exception, translate))
    return " ".join(p for p in parts if p).strip()


def license_exception_label(exception: str, translate: Translate = gettext_noop) -> str:
    """ "Eligible under License Exception ACA (Advanced Computing Authorized, 15 CFR 740.8)." in words."""
    name = translate(LICENSE_EXCEPTIONS[exception]) if exception in LICENSE_EXCEPTIONS else exception
    return translate(MESSAGES["license_exception"]) % {"exception": name}


def format_date(value: str | None, date_format: Callable[[dt.date], str] | None = None) -> str:
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return date_format(day) if date_format else f"{day.day} {day:%B %Y}"


# --- display (Django) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonView:
    """A reason as a page shows it: its words, its citation, the rule set it comes from, policy, conditions."""

    code: str
    text: str
    citation: str
    ruleset: str
    review_policy: str
    review_policy_label: str
    conditions: tuple[str, ...]
    outcome: str
    license_exception: str = ""


def render_reason(reason: Mapping[str, Any]) -> ReasonView:
    """The one renderer of stored and computed reasons, in the active language (old prose rows as they are)."""
    from django.utils import formats
    from django.utils.translation import gettext

    def number(value: float) -> str:
        value = float(value)
        decimals = 0 if value.is_integer() else 2
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)

    ruleset = ""
    if reason.get("ruleset"):
        date = format_date(reason.get("effective_from"), lambda d: formats.date_format(d, "DATE_FORMAT"))
        ruleset = gettext(MESSAGES["ruleset"]) % {"version": reason["ruleset"], "date": date}
    policy = reason.get("review_policy") or ""
    return ReasonView(
        code=str(reason.get("code") or ""),
        text=render_text(reason, gettext, number),
        citation=str(reason.get("citation") or ""),
        ruleset=ruleset,
        review_policy=policy,
        review_policy_label=gettext(POLICY_LABELS[policy]) if policy in POLICY_LABELS else "",
        conditions=tuple(gettext(c) for c in reason.get("conditions") or ()),
        outcome=str(reason.get("outcome") or ""),
        license_exception=str(reason.get("license_exception") or ""),
    )


def render_reasons(reasons: Any) -> list[ReasonView]:
    return [render_reason(r if isinstance(r, Mapping) else _as_mapping(r)) for r in reasons or ()]


def _as_mapping(reason: Any) -> Mapping[str, Any]:
    as_dict = getattr(reason, "as_dict", None)
    return as_dict() if callable(as_dict) else {"text": str(reason)}


def summary_policy(reasons: Any) -> tuple[str, list[str]]:
    """The most restrictive review policy of the decisive reasons, and their conditions (in order, no repeats)."""
    policy = ""
    conditions: list[str] = []
    for r in reasons or ():
        r = r if isinstance(r, Mapping) else _as_mapping(r)
        p = r.get("review_policy") or ""
        if POLICY_SEVERITY.get(p, 0) > POLICY_SEVERITY.get(policy, 0):
            policy = p
        for c in r.get("conditions") or ():
            if c not in conditions:
                conditions.append(c)
    return policy, conditions


def summary_exceptions(reasons: Any) -> list[str]:
    """The license exceptions the decisive reasons name (in order, no repeats): an eligible outcome under them."""
    out: list[str] = []
    for r in reasons or ():
        r = r if isinstance(r, Mapping) else _as_mapping(r)
        exception = r.get("license_exception") or ""
        if exception and exception not in out:
            out.append(exception)
    return out
