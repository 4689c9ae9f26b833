"""Matching on the real list (issue 16, points 12–13): aliases split as each list writes them, names normalized
(parentheticals, abbreviations, transliteration), expired entries ignored, per-name scores, supporting
evidence, people named on an organization, and batch screening with a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from eligibility.selectors import publication_blockers
from screening.choices import HitStatus, SubjectKind
from screening.importer import split_aliases
from screening.matching import name_variants, normalize_name
from screening.models import OrganizationScreening, ScreeningHit
from screening.services import organization_screen, screening_screen_organizations
from tests.factories import MembershipFactory, UserFactory

from .conftest import SDN, csl_csv, csl_row

pytestmark = pytest.mark.django_db

ISN = "Nonproliferation Sanctions (ISN) - State Department"
DPL = "Denied Persons List (DPL) - Bureau of Industry and Security"


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("Quillfeather INTL Trading", "quillfeather international trading"),
        ("Quillfeather Int'l. Trading", "quillfeather international trading"),
        ("Brindlemoor Mfg. Corp.", "brindlemoor manufacturing"),
        ("Brindlemoor Institute, and any successor, sub-unit, or subsidiary thereof", "brindlemoor institute"),
        ("LIMITED LIABILITY COMPANY GLIMMERHOLT", "glimmerholt"),
        ("NORTHQUAY ENERGY JOINT STOCK COMPANY", "northquay energy"),
        ("OOO Glimmerholt", "glimmerholt"),
        ("Straße Ørsted Łódź", "strasse orsted lodz"),
    ],
)
def test_abbreviations_legal_forms_boilerplate_and_letters_are_normalized(written, normalized):
    assert normalize_name(written) == normalized


def test_a_name_is_also_matched_without_its_parentheticals():
    assert name_variants("NORTHQUAY ENERGY (SSI)") == ["northquay energy ssi", "northquay energy"]
    assert name_variants("KWON, Imaginary (DPRK national)") == ["kwon imaginary dprk national", "kwon imaginary"]
    assert name_variants("Plain Name") == ["plain name"]


def test_the_nonproliferation_list_aliases_are_split_on_commas_keeping_legal_forms_whole():
    value = ["Harrowgate Machinery, HPM Works, Harrowgate Precision Tools Co., Ltd."]
    assert split_aliases(ISN, value) == ["Harrowgate Machinery", "HPM Works", "Harrowgate Precision Tools Co., Ltd."]
    # Other lists keep a comma inside an alias ("KWON, Imagin" is one name), and split on "; ".
    assert split_aliases(SDN, ["KWON, Imagin; OOO Example"]) == ["KWON, Imagin", "OOO Example"]


def _import(rows):
    from screening.services import screening_list_import

    return screening_list_import(content=csl_csv(rows), file_name="list.csv")


def test_an_alias_of_the_nonproliferation_list_matches_once_split(member):
    _import([csl_row("isn", "Harrowgate Precision Machinery Co., Ltd.", source=ISN, type="",
                     alt_names=["Harrowgate Machinery, HPM Works"])])  # fmt: skip
    organization, _ = member("HPM Works Inc.")
    [hit] = organization_screen(organization_id=organization.pk)
    assert (hit.matched_name, hit.matched_alias, hit.score) == ("HPM Works", True, 1.0)


def test_parentheticals_and_abbreviations_no_longer_defeat_a_match(member):
    _import([csl_row("ssi", "NORTHQUAY ENERGY (SSI)", source=SDN), csl_row("intl", "Quillfeather INTL Trading")])
    northquay, _ = member("Northquay Energy")
    quill, _ = member("Quillfeather International Trading Ltd")
    assert [h.entry_key for h in organization_screen(organization_id=northquay.pk)] == ["ssi"]
    assert [h.entry_key for h in organization_screen(organization_id=quill.pk)] == ["intl"]
    assert ScreeningHit.objects.get(entry_key="ssi").score == 1.0


def test_every_listed_name_of_a_hit_gets_its_own_score(member):
    _import([csl_row("q", "QUILLFEATHER TRADING CO., LTD.", alt_names=["Quillfeather Traders", "QFT Holdings"])])
    organization, _ = member("Quillfeather Traders")
    organization_screen(organization_id=organization.pk)
    scores = ScreeningHit.objects.get().name_scores
    assert [(row["name"], row["alias"]) for row in scores] == [
        ("Quillfeather Traders", True),
        ("QUILLFEATHER TRADING CO., LTD.", False),
        ("QFT Holdings", True),
    ]
    assert scores[0]["score"] == 1.0 and 0 < scores[1]["score"] < 1.0 and scores[2]["score"] < 0.2


def test_an_expired_entry_does_not_match_and_an_open_hit_on_it_is_withdrawn_saying_so(member):
    past, future = date(2020, 3, 2), timezone.localdate() + timedelta(days=30)
    _import([csl_row("dpl", "Tarnwick Components", source=DPL, type="", end_date=future.isoformat())])
    organization, consortium = member("Tarnwick Components")
    assert len(organization_screen(organization_id=organization.pk)) == 1
    _import([csl_row("dpl", "Tarnwick Components", source=DPL, type="", end_date=past.isoformat())])
    assert organization_screen(organization_id=organization.pk) == []
    hit = ScreeningHit.objects.get()
    assert hit.status == HitStatus.WITHDRAWN and hit.reason == "The list entry expired on 2020-03-02."
    assert not [r for r in publication_blockers(consortium_id=consortium.pk) if "restricted party" in r]
    other, _ = member("Tarnwick Components Two")
    assert organization_screen(organization_id=other.pk) == []


def test_countries_and_addresses_of_the_entry_are_kept_as_supporting_evidence(member):
    _import([csl_row("q", "Quillfeather Trading", addresses=["9 Imaginary Road, Kowloon, HK", "5 Park, Shenzhen, CN"])])
    in_hk, _ = member("Quillfeather Trading", country="HK")
    in_us, _ = member("Quillfeather Trading Inc", country="US")
    organization_screen(organization_id=in_hk.pk)
    organization_screen(organization_id=in_us.pk)
    assert ScreeningHit.objects.get(organization=in_hk).evidence == {
        "countries": ["HK"],
        "addresses": ["9 Imaginary Road, Kowloon, HK"],
    }
    assert ScreeningHit.objects.get(organization=in_us).evidence == {}


def test_a_person_named_on_the_organization_is_screened_against_individuals_only(member):
    _import([
        csl_row("dtc", "Fenwright, Alaric", source="ITAR Debarred (DTC) - State Department", type=""),
        csl_row("sdn", "GLIMMERHOLT LLC", source=SDN, type="Entity"),
    ])  # fmt: skip
    organization, consortium = member("Harmless Example Systems")
    MembershipFactory(organization=organization, user=UserFactory(full_name="Alaric Fenwright"))
    MembershipFactory(organization=organization, user=UserFactory(full_name="Glimmerholt"))
    [hit] = organization_screen(organization_id=organization.pk)
    assert (hit.entry_key, hit.screened_subject, hit.screened_name, hit.score) == (
        "dtc",
        SubjectKind.PERSON,
        "Alaric Fenwright",
        1.0,
    )
    assert "Alaric Fenwright, named on Harmless Example Systems, may be a restricted party" in " ".join(
        publication_blockers(consortium_id=consortium.pk)
    )
    event = AuditEvent.objects.get(action="screening.hit_opened")
    assert event.message.startswith("Alaric Fenwright, named on Harmless Example Systems, matches")


def test_screening_a_batch_takes_the_same_number_of_queries_for_3_or_12_organizations(member):
    _import([csl_row("x", "Quillfeather Trading")])
    few = [member(f"Unmatched Example {i}")[0].pk for i in range(3)]
    many = [member(f"Unmatched Example Other {i}")[0].pk for i in range(12)]
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert screening_screen_organizations(organization_ids=ids) == len(ids)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert OrganizationScreening.objects.filter(organization_id__in=few + many).count() == 15


def test_re_screening_an_unchanged_hit_writes_nothing(member):
    _import([csl_row("q", "Quillfeather Trading")])
    organization, _ = member("Quillfeather Trading")
    organization_screen(organization_id=organization.pk)
    updated = ScreeningHit.objects.get().updated_at
    with CaptureQueriesContext(connection) as queries:
        screening_screen_organizations(organization_ids=[organization.pk])
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "screeninghit" in q["sql"]]
    assert ScreeningHit.objects.get().updated_at == updated
