"""The reviewer's decision panel: everything staff weigh before publishing a package, and its warnings.

A pure read (no writes) returning plain data; ``admin/catalog/package/_review_panel.html`` only renders it and
``package_publish`` refuses to publish over its warnings without an override and a reason. It reuses the rules
that already exist: export-control outcomes from the eligibility engine under the active rule set, the hardware
U.S.-origin share and completeness from ``catalog.readiness``, countries of concern from the program rules of
the engine, screening blockers from ``eligibility.selectors``, the diff from ``services.revisions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from catalog import workflow
from catalog.choices import ConsultationPosition, Layer, PackageStatus
from catalog.models import Component, ConsortiumMember, ConsultationAnswer, ConsultedOffice, Package, Region
from catalog.readiness import Missing, hardware_us_origin_share, package_missing
from catalog.services.revisions import RevisionDiff, revision_diff
from eligibility import engine
from eligibility import reasons as rtext
from eligibility.choices import Outcome
from eligibility.reasons import render_reason
from eligibility.selectors import headquarters_license_countries, publication_blockers
from eligibility.selectors_results import eligibility_evaluate, ruleset_active
from eligibility.targets import components_engine_data
from eligibility.us_share import US_ORIGIN_PRESUMPTION, below_presumption, share_display
from screening.choices import BLOCKING_STATUSES, HitStatus
from screening.models import ScreeningHit
from screening.selectors import screening_current_import

HIGH = "high"
MEDIUM = "medium"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1}
OUTCOME_ORDER = {Outcome.PROHIBITED: 0, Outcome.LICENSE_REQUIRED: 1, "": 2, Outcome.ELIGIBLE: 3}


def panel_members(consortium_id: int) -> QuerySet[ConsortiumMember]:
    """The consortium members the panel weighs (screening, ownership, verification): accepted members only,
    since a pending, declined, withdrawn or departed organization is not part of what gets published."""
    return ConsortiumMember.objects.accepted().filter(consortium_id=consortium_id)


@dataclass(frozen=True)
class PanelWarning:
    """Something a reviewer must knowingly override to publish: a stable ``code`` (unique in the panel, used
    by the override checkboxes and the audit row), a sentence, and a severity (``high`` or ``medium``)."""

    code: str
    message: str
    severity: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class TargetResult:
    code: str
    name: str
    outcome: str  # an ``Outcome`` value, or "" when the active rule set gives the country no tier
    outcome_label: str
    tier: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.outcome != Outcome.ELIGIBLE


@dataclass(frozen=True)
class BlocResult:
    code: str
    name: str
    outcome: str
    outcome_label: str
    countries: tuple[TargetResult, ...]

    @property
    def flagged_countries(self) -> list[TargetResult]:
        return [c for c in self.countries if c.flagged]


@dataclass(frozen=True)
class MemberFacts:
    organization_id: int
    name: str
    role: str
    country: str
    verified: bool
    foreign_controlled: bool
    controlling_country: str
    concern: str  # "" or a sentence: located in or controlled from a country of concern
    screening: str  # "clear", "hit", "confirmed", "not_screened", "no_list"
    screening_label: str
    hits: tuple[str, ...] = ()


@dataclass(frozen=True)
class UsShare:
    share: Decimal | None
    presumption: Decimal
    has_hardware: bool

    @property
    def below(self) -> bool:
        return below_presumption(self.share, self.presumption)

    @property
    def display(self) -> Decimal | None:
        """The figure shown (``eligibility.us_share.share_display``): never 51.0 for a share below 51."""
        return share_display(self.share, self.presumption)


@dataclass(frozen=True)
class OfficeAnswer:
    office_id: int
    office: str
    position: str  # a ``ConsultationPosition`` value, or "" when the office has not answered this submission
    position_label: str
    comment: str = ""
    answered_by: str = ""
    answered_at: Any = None
    earlier: str = ""  # the label of an answer given to an earlier submission (it no longer counts)


@dataclass(frozen=True)
class DiffView:
    """A revision's changes against the published package, as text ready to show."""

    fields: tuple[tuple[str, str, str], ...]
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    changed: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


def _shown(value: Any) -> str:
    """A diff value as a reviewer reads it: lists joined, empty values as a dash."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


def diff_view(diff: RevisionDiff) -> DiffView:
    return DiffView(
        fields=tuple((label, _shown(b), _shown(a)) for label, b, a in diff.fields),
        added=tuple((c.name, c.get_layer_display()) for c in diff.added),
        removed=tuple((c.name, c.get_layer_display()) for c in diff.removed),
        changed=tuple(
            (comp.name, tuple((name, _shown(b), _shown(a)) for name, b, a in changes)) for comp, changes in diff.changed
        ),
    )


@dataclass
class ReviewPanel:
    package: Package
    ruleset: str
    targets: list[TargetResult]
    blocs: list[BlocResult]
    members: list[MemberFacts]
    us_share: UsShare
    missing: list[Missing]
    consultation: list[OfficeAnswer]
    blockers: list[str]
    diff: DiffView | None = None
    open_revision: Package | None = None
    warnings: list[PanelWarning] = field(default_factory=list)

    @property
    def flagged_targets(self) -> list[TargetResult]:
        return [t for t in self.targets if t.flagged]

    @property
    def flagged_blocs(self) -> list[BlocResult]:
        return [b for b in self.blocs if b.outcome != Outcome.ELIGIBLE]

    @property
    def can_publish(self) -> bool:
        return workflow.can(workflow.Action.PUBLISH, self.package.status) and not self.blockers


# --- Eligibility of the target markets ---------------------------------------------------------------


def _outcome_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Outcome.choices} | {"": _("No result under the active rule set")}


def _target_results(components: list[Component], countries: dict[str, str]) -> tuple[str, dict[str, TargetResult]]:
    """The active rule set's label, and the outcome for each country code in ``countries`` (code → name)."""
    ruleset = ruleset_active()
    labels = _outcome_labels()
    if ruleset is None:
        return "", {code: TargetResult(code, name, "", labels[""]) for code, name in countries.items()}
    evaluation = eligibility_evaluate(
        components=components_engine_data(components), ruleset=ruleset, countries=sorted(countries)
    )
    results = {}
    for code, name in countries.items():
        o = evaluation.outcomes.get(code)
        if o is None:
            results[code] = TargetResult(code, name, "", labels[""])
        else:
            # Words from the structured reason, in the reviewer's language (never the engine's English ``text``).
            reasons = tuple(render_reason(r.as_dict()).text for r in o.reasons if r.outcome != Outcome.ELIGIBLE)
            results[code] = TargetResult(code, name, o.outcome, labels[o.outcome], o.tier, reasons)
    return str(ruleset), results


def _eligibility(package: Package, components: list[Component]) -> tuple[str, list[TargetResult], list[BlocResult]]:
    direct = list(package.target_countries.all())
    blocs = list(package.target_regions.prefetch_related("countries"))
    names = {c.code: c.localized_name for c in direct} | {
        c.code: c.localized_name for b in blocs for c in b.countries.all()
    }
    ruleset, results = _target_results(components, names)
    targets = sorted((results[c.code] for c in direct), key=lambda t: (OUTCOME_ORDER[t.outcome], t.name))
    bloc_results = [_bloc(bloc, results) for bloc in blocs]
    bloc_results.sort(key=lambda b: (OUTCOME_ORDER[b.outcome], b.name))
    return ruleset, targets, bloc_results


def _bloc(bloc: Region, results: dict[str, TargetResult]) -> BlocResult:
    countries = sorted(
        (results[c.code] for c in bloc.countries.all()), key=lambda t: (OUTCOME_ORDER[t.outcome], t.name)
    )
    outcome = countries[0].outcome if countries else Outcome.ELIGIBLE
    return BlocResult(bloc.code, bloc.localized_name, outcome, _outcome_labels()[outcome], tuple(countries))


# --- Members: screening, ownership, verification ----------------------------------------------------


def _members(package: Package) -> list[MemberFacts]:
    hits = Prefetch(
        "organization__screening_hits",
        queryset=ScreeningHit.objects.filter(status__in=BLOCKING_STATUSES).order_by("-score", "id"),
        to_attr="blocking_hits",
    )
    rows = (
        panel_members(package.consortium_id)
        .select_related("organization__country", "organization__controlling_country", "organization__screening")
        .prefetch_related(hits)
        .order_by("-role", "organization__name")
    )
    current = screening_current_import()
    headquarters = headquarters_license_countries()
    return [_member(m, current, headquarters) for m in rows]


def _member(m: ConsortiumMember, current: Any, headquarters: frozenset[str] = frozenset()) -> MemberFacts:
    org = m.organization
    concern = ""
    issues = engine.evaluate_program(
        [engine.MemberData(org.name, org.country_id, org.foreign_controlled, org.controlling_country_id)],
        [],
        license_headquarters=headquarters,
    ).issues
    for issue in issues:
        if issue.code == "member_location":
            concern = _("Located in a country of concern (%(country)s).") % {"country": org.country.localized_name}
        elif issue.code == "member_control":
            concern = _("Owned or controlled from a country of concern (%(country)s).") % {
                "country": org.controlling_country.name if org.controlling_country else ""
            }
        elif issue.code == rtext.MEMBER_HEADQUARTERS and not concern:
            # 15 CFR 742.6(a)(6)(iii)(A): a license for advanced-computing items wherever the member is.
            parent = issue.params.get("basis") == "parent"
            text = (
                _("Ultimate parent in %(country)s (Country Group D:5 or Macau): advanced-computing items for it "
                  "need a license wherever it is.")
                if parent
                else _("Headquartered in %(country)s (Country Group D:5 or Macau): advanced-computing items for "
                       "it need a license wherever it is.")
            )  # fmt: skip
            country = org.controlling_country if parent else org.country
            concern = text % {"country": country.name if country else ""}
    hits = tuple(
        _("“%(name)s” on %(list)s (score %(score)s, %(status)s)")
        % {"name": h.matched_name, "list": h.source_list, "score": f"{h.score:.2f}", "status": h.get_status_display()}
        for h in org.blocking_hits  # type: ignore[attr-defined]  # a Prefetch to_attr
    )
    screening = getattr(org, "screening", None)  # a missing one-to-one row raises an AttributeError subclass
    if any(h.status == HitStatus.CONFIRMED for h in org.blocking_hits):  # type: ignore[attr-defined]
        state, label = "confirmed", _("Confirmed restricted party")
    elif hits:
        state, label = "hit", _("Possible match: staff must clear or confirm it")
    elif current is None:
        state, label = "no_list", _("No screening list imported")
    elif screening is None or screening.list_import_id != current.pk or screening.screened_name != org.name:
        state, label = "not_screened", _("Not yet screened against the current list")
    else:
        state, label = "clear", _("No match on the current list")
    return MemberFacts(
        organization_id=org.pk,
        name=org.name,
        role=m.get_role_display(),
        country=org.country.localized_name,
        verified=org.verified,
        foreign_controlled=org.foreign_controlled,
        controlling_country=org.controlling_country.name if org.controlling_country else "",
        concern=concern,
        screening=state,
        screening_label=str(label),
        hits=hits,
    )


# --- Consultation ------------------------------------------------------------------------------------


def consultation_offices() -> QuerySet[ConsultedOffice]:
    """The offices consulted now, in their order."""
    return ConsultedOffice.objects.filter(active=True).select_related("group").order_by("position", "name")


def offices_of(user: Any) -> list[ConsultedOffice]:
    """The active offices ``user`` may answer for: those whose group they belong to (superusers included only
    when they are members: nobody answers for an office they do not belong to)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return []
    return list(consultation_offices().filter(group__user=user))


def _consultation(package: Package) -> list[OfficeAnswer]:
    answers = {
        a.office_id: a for a in ConsultationAnswer.objects.filter(package_id=package.pk).select_related("answered_by")
    }
    labels = dict(ConsultationPosition.choices)
    rows = []
    for office in consultation_offices():
        a = answers.get(office.pk)
        if a is None:
            rows.append(OfficeAnswer(office.pk, office.name, "", str(_("Not answered yet"))))
        elif package.submitted_at and a.answered_at < package.submitted_at:
            rows.append(
                OfficeAnswer(office.pk, office.name, "", str(_("Not answered yet")), earlier=str(labels[a.position]))
            )
        else:
            by = str(a.answered_by) if a.answered_by_id else ""
            rows.append(
                OfficeAnswer(office.pk, office.name, a.position, str(labels[a.position]), a.comment, by, a.answered_at)
            )
    return rows


# --- The panel and its warnings ----------------------------------------------------------------------


def review_panel(package: Package) -> ReviewPanel:
    """Everything the decision panel shows for ``package``, with its warnings (most severe first)."""
    components = list(package.components.order_by("layer", "position", "pk"))
    ruleset, targets, blocs = _eligibility(package, components)
    hardware = [c for c in components if c.layer == Layer.HARDWARE]
    open_revision = None
    if package.status == PackageStatus.PUBLISHED:
        open_revision = package.revisions.exclude(status=PackageStatus.MERGED).order_by("-created_at").first()
    panel = ReviewPanel(
        package=package,
        ruleset=ruleset,
        targets=targets,
        blocs=blocs,
        members=_members(package),
        us_share=UsShare(hardware_us_origin_share(hardware), US_ORIGIN_PRESUMPTION, bool(hardware)),
        missing=package_missing(package, components),
        consultation=_consultation(package),
        blockers=publication_blockers(consortium_id=package.consortium_id),
        diff=diff_view(revision_diff(package)) if package.revision_of_id else None,
        open_revision=open_revision,
    )
    panel.warnings = panel_warnings(panel)
    return panel


def _eligibility_warnings(panel: ReviewPanel) -> list[PanelWarning]:
    found = []
    if not panel.ruleset:
        found.append(PanelWarning("no_active_ruleset", _("No rule set is active: eligibility is unknown."), MEDIUM))
    for t in panel.targets:
        values = {"name": t.name}
        if t.outcome == Outcome.PROHIBITED:
            text, code, severity = _("Export to target market %(name)s is prohibited."), "target_prohibited", HIGH
        elif t.outcome == Outcome.LICENSE_REQUIRED:
            text, code, severity = _("Export to target market %(name)s requires a license."), "target_license", MEDIUM
        elif not t.outcome and panel.ruleset:
            text, code, severity = _("The active rule set gives no result for %(name)s."), "target_no_result", MEDIUM
        else:
            continue
        found.append(PanelWarning(f"{code}:{t.code}", text % values, severity))
    for b in panel.flagged_blocs:
        values = {"name": b.name, "countries": ", ".join(f"{c.name} ({c.outcome_label})" for c in b.flagged_countries)}
        if b.outcome == Outcome.PROHIBITED:
            text = _("Target bloc %(name)s includes countries where export is prohibited: %(countries)s.")
            code, severity = "bloc_prohibited", HIGH
        elif b.outcome == Outcome.LICENSE_REQUIRED:
            text = _("Target bloc %(name)s includes countries where export requires a license: %(countries)s.")
            code, severity = "bloc_license", MEDIUM
        elif panel.ruleset:
            text = _("The active rule set gives no result for some countries of target bloc %(name)s: %(countries)s.")
            code, severity = "bloc_no_result", MEDIUM
        else:
            continue
        found.append(PanelWarning(f"{code}:{b.code}", text % values, severity))
    return found


def _member_warnings(panel: ReviewPanel) -> list[PanelWarning]:
    found = []
    for m in panel.members:
        values = {"name": m.name}
        if m.concern:
            found.append(PanelWarning(f"member_concern:{m.organization_id}", f"{m.name}: {m.concern}", HIGH))
        elif m.foreign_controlled and not m.controlling_country:
            text = _("%(name)s is foreign-controlled but does not say from which country.") % values
            found.append(PanelWarning(f"member_control_unstated:{m.organization_id}", text, MEDIUM))
        if not m.verified:
            text = _("%(name)s is not verified by staff.") % values
            found.append(PanelWarning(f"member_unverified:{m.organization_id}", text, MEDIUM))
    return found


def _other_warnings(panel: ReviewPanel) -> list[PanelWarning]:
    found = []
    share = panel.us_share
    if share.below:
        text = _("The hardware layer is %(share)s %% U.S.-origin by value, below the %(min)s %% presumption.")
        found.append(PanelWarning("us_share_below", text % {"share": share.display, "min": share.presumption}, MEDIUM))
    elif share.has_hardware and share.share is None:
        text = _("The hardware layer's U.S.-origin share cannot be computed: no unit values and shares are given.")
        found.append(PanelWarning("us_share_unknown", text, MEDIUM))
    for item in panel.missing:
        text = _("Incomplete: %(what)s") % {"what": item.message}
        found.append(PanelWarning(f"incomplete:{item.code}", text, MEDIUM))
    for o in panel.consultation:
        values = {"office": o.office}
        if o.position == ConsultationPosition.OBJECT:
            text = _("%(office)s objects to the designation.") % values
            found.append(PanelWarning(f"consultation_objection:{o.office_id}", text, HIGH))
        elif not o.position:
            text = _("%(office)s has not answered the consultation.") % values
            found.append(PanelWarning(f"consultation_pending:{o.office_id}", text, MEDIUM))
    return found


def panel_warnings(panel: ReviewPanel) -> list[PanelWarning]:
    """The warnings of a panel, most severe first. Each needs an explicit override (with a reason) to publish."""
    found = _eligibility_warnings(panel) + _member_warnings(panel) + _other_warnings(panel)
    return sorted(found, key=lambda w: SEVERITY_ORDER[w.severity])


def publication_warnings(package: Package) -> list[PanelWarning]:
    """The warnings publishing ``package`` must override (what ``package_publish`` enforces)."""
    return review_panel(package).warnings
