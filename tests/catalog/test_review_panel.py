"""The reviewer's decision panel (``catalog.review_panel``): plain data and warnings, tested on their own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from catalog import services
from catalog.choices import ConsultationPosition, PackageStatus
from catalog.models import ConsortiumMember, ConsultedOffice, Region
from catalog.review_panel import HIGH, MEDIUM, panel_members, review_panel
from screening.choices import HitStatus
from screening.models import ScreeningHit
from tests.catalog.factories import company, complete_package
from tests.factories import OrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def risky_package():
    """In review, targeting China (prohibited for an advanced chip) and Kenya, 40 % U.S.-origin hardware, with a
    member on the restricted-party list, an unverified anchor and a member controlled from China."""
    _u, anchor, consortium = company("Anchor Compute Inc.")
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now())
    package.target_countries.add("CN")
    package.components.filter(category="accelerator").update(eccn="3A090.a", tpp=5000, us_origin_share=Decimal("40"))
    listed = OrganizationFactory(name="Northwind Traders", verified=True)
    ConsortiumMember.objects.create(consortium=consortium, organization=listed, status="accepted")
    ScreeningHit.objects.create(
        organization=listed, entry_key="csl-1", entry_fingerprint="f", source_list="Entity List",
        entry_name="Northwind Traders Ltd", screened_name=listed.name, matched_name="Northwind Traders Ltd",
        score=0.93, status=HitStatus.OPEN,
    )  # fmt: skip
    controlled = OrganizationFactory(
        name="Harbour Data Co.", verified=True, foreign_controlled=True, controlling_country_id="CN"
    )
    ConsortiumMember.objects.create(consortium=consortium, organization=controlled, status="accepted")
    return package, anchor, listed, controlled


def codes(panel) -> set[str]:
    return {w.code for w in panel.warnings}


def test_the_panel_flags_china_as_prohibited_at_the_top_of_the_target_markets():
    package, *_ = risky_package()
    panel = review_panel(package)
    assert [t.code for t in panel.targets] == ["CN", "KE"]  # prohibited first
    china = panel.targets[0]
    assert (china.outcome, china.outcome_label, china.flagged) == ("prohibited", "Prohibited", True)
    assert "3A090.a" in china.reasons[0]
    assert [t.code for t in panel.flagged_targets] == ["CN"]
    assert panel.ruleset  # under the active rule set
    warning = next(w for w in panel.warnings if w.code == "target_prohibited:CN")
    assert (warning.severity, warning.message) == (HIGH, "Export to target market China is prohibited.")
    assert panel.warnings[0].severity == HIGH  # most severe first


def test_a_target_bloc_is_flagged_with_the_countries_that_are_prohibited():
    package, *_ = risky_package()
    asean = Region.objects.get(code="asean")
    package.target_regions.add(asean)
    panel = review_panel(package)
    bloc = panel.blocs[0]
    assert bloc.code == "asean" and len(bloc.countries) == asean.countries.count()
    if bloc.outcome != "eligible":
        assert f"bloc_{'prohibited' if bloc.outcome == 'prohibited' else 'license'}:asean" in codes(panel)
        assert bloc.flagged_countries[0].outcome == bloc.outcome


def test_the_panel_shows_a_restricted_party_hit_as_a_blocker_and_the_member_state():
    package, _anchor, listed, _c = risky_package()
    panel = review_panel(package)
    member = next(m for m in panel.members if m.organization_id == listed.pk)
    assert member.screening == "hit" and "Northwind Traders Ltd" in member.hits[0] and "0.93" in member.hits[0]
    assert any("Northwind Traders" in b for b in panel.blockers)
    assert not panel.can_publish


def test_the_panel_reuses_the_readiness_share_and_warns_below_the_51_percent_presumption():
    package, *_ = risky_package()
    panel = review_panel(package)
    assert panel.us_share.share == Decimal("40.0") and panel.us_share.presumption == Decimal("51")
    assert panel.us_share.below
    warning = next(w for w in panel.warnings if w.code == "us_share_below")
    assert warning.severity == MEDIUM and "40.0 %" in warning.message and "51 %" in warning.message


def test_an_unverified_member_is_a_warning_and_a_verified_one_is_not():
    package, anchor, listed, _c = risky_package()
    panel = review_panel(package)
    assert f"member_unverified:{anchor.pk}" in codes(panel)
    assert f"member_unverified:{listed.pk}" not in codes(panel)
    assert [m.verified for m in panel.members if m.organization_id == anchor.pk] == [False]


def test_a_member_controlled_from_a_country_of_concern_is_a_high_warning():
    package, _a, _l, controlled = risky_package()
    panel = review_panel(package)
    member = next(m for m in panel.members if m.organization_id == controlled.pk)
    assert member.foreign_controlled and member.controlling_country == "China"
    assert "country of concern" in member.concern
    warning = next(w for w in panel.warnings if w.code == f"member_concern:{controlled.pk}")
    assert warning.severity == HIGH and warning.message.startswith("Harbour Data Co.:")


def test_a_member_controlled_from_an_ally_is_shown_but_not_warned_about():
    _u, _anchor, consortium = company()
    ally = OrganizationFactory(verified=True, foreign_controlled=True, controlling_country_id="JP")
    ConsortiumMember.objects.create(consortium=consortium, organization=ally, status="accepted")
    panel = review_panel(complete_package(consortium, status=PackageStatus.IN_REVIEW))
    member = next(m for m in panel.members if m.organization_id == ally.pk)
    assert (member.controlling_country, member.concern) == ("Japan", "")
    assert not any(w.code.startswith("member_") and w.code.endswith(f":{ally.pk}") for w in panel.warnings)


@pytest.mark.parametrize(
    ("country", "controlling", "start"), [("RU", None, "Headquartered in Russia"), ("SG", "BY", "Ultimate parent in")]
)
def test_a_member_headquartered_in_d5_is_a_high_warning_citing_the_license_rule(country, controlling, start):
    _u, _anchor, consortium = company()
    org = OrganizationFactory(verified=True, country_id=country, foreign_controlled=bool(controlling),
                              controlling_country_id=controlling)  # fmt: skip
    ConsortiumMember.objects.create(consortium=consortium, organization=org, status="accepted")
    panel = review_panel(complete_package(consortium, status=PackageStatus.IN_REVIEW))
    member = next(m for m in panel.members if m.organization_id == org.pk)
    assert member.concern.startswith(start) and "need a license wherever it is" in member.concern
    warning = next(w for w in panel.warnings if w.code == f"member_concern:{org.pk}")
    assert warning.severity == HIGH


def test_every_office_that_has_not_answered_is_a_warning_and_an_objection_is_a_high_one():
    package, *_ = risky_package()
    offices = list(ConsultedOffice.objects.order_by("position"))
    assert [o.code for o in offices] == ["state", "war", "energy", "ostp"]  # seeded by the data migration
    assert {f"consultation_pending:{o.pk}" for o in offices} <= codes(review_panel(package))
    member = StaffFactory(is_superuser=False)
    member.groups.add(offices[0].group)
    services.consultation_answer(
        actor=member, package=package, office=offices[0], position=ConsultationPosition.OBJECT, comment="End use."
    )
    panel = review_panel(package)
    assert f"consultation_objection:{offices[0].pk}" in codes(panel)
    assert f"consultation_pending:{offices[0].pk}" not in codes(panel)
    row = panel.consultation[0]
    assert (row.position, row.comment, row.answered_by) == ("object", "End use.", str(member))


def test_an_answer_given_before_a_resubmission_no_longer_counts():
    package, *_ = risky_package()
    office = ConsultedOffice.objects.get(code="energy")
    member = StaffFactory(is_superuser=False)
    member.groups.add(office.group)
    services.consultation_answer(actor=member, package=package, office=office, position=ConsultationPosition.CONCUR)
    assert f"consultation_pending:{office.pk}" not in codes(review_panel(package))
    package.submitted_at = timezone.now()
    package.save(update_fields=["submitted_at"])
    panel = review_panel(package)
    assert f"consultation_pending:{office.pk}" in codes(panel)
    assert next(o for o in panel.consultation if o.office_id == office.pk).earlier == "Concurrence"


def test_an_inactive_office_is_not_consulted():
    package, *_ = risky_package()
    ConsultedOffice.objects.filter(code="ostp").update(active=False)
    panel = review_panel(package)
    assert "Office of Science and Technology Policy" not in {o.office for o in panel.consultation}


def test_a_clean_package_has_no_warnings_once_members_are_verified_and_offices_concur():
    _u, anchor, consortium = company()
    anchor.verified = True
    anchor.save()
    package = complete_package(consortium, status=PackageStatus.IN_REVIEW, submitted_at=timezone.now())
    for office in ConsultedOffice.objects.all():
        member = StaffFactory(is_superuser=False)
        member.groups.add(office.group)
        services.consultation_answer(
            actor=member, package=package, office=office, position=ConsultationPosition.NO_COMMENT
        )
    panel = review_panel(package)
    assert panel.warnings == [] and panel.blockers == [] and panel.can_publish
    assert [t.outcome for t in panel.targets] == ["eligible"]


def test_the_members_helper_is_the_one_place_that_reads_members_and_weighs_accepted_members_only():
    _u, _anchor, consortium = company()
    other = ConsortiumMember.objects.create(
        consortium=consortium, organization=OrganizationFactory(), status="accepted"
    )
    invited = ConsortiumMember.objects.create(consortium=consortium, organization=OrganizationFactory())
    assert other in panel_members(consortium.pk)
    assert invited not in panel_members(consortium.pk)  # a pending invitation is not weighed (nor published)


def test_a_revision_panel_carries_the_diff_and_a_published_package_links_its_open_revision():
    user, _o, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, summary="Old summary")
    revision = services.package_revise(actor=user, package=package)
    services.package_update(actor=user, package=revision, summary="New summary")
    diff = review_panel(revision).diff
    assert ("summary", "Old summary", "New summary") in diff.fields and not diff.empty
    assert review_panel(package).open_revision == revision


def test_the_panel_query_count_does_not_grow_with_members_targets_or_offices(django_assert_max_num_queries):
    package, *_ = risky_package()
    review_panel(package)  # warm the rule-set cache, as a running server has
    with django_assert_max_num_queries(15):
        review_panel(package)
    for _ in range(6):
        ConsortiumMember.objects.create(
            consortium=package.consortium, organization=OrganizationFactory(), status="accepted"
        )
    package.target_countries.add("JP", "FR", "BR", "IN")
    package.target_regions.add(*Region.objects.all()[:3])
    for n in range(3):
        ConsultedOffice.objects.create(
            code=f"extra-{n}", name=f"Extra office {n}", group=Group.objects.create(name=f"g{n}")
        )
    with django_assert_max_num_queries(15):
        review_panel(package)
