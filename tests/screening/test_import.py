"""Importing the Consolidated Screening List: CSV and JSON, re-import, refused files, the command."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from aiexports.audit.models import AuditEvent
from screening.importer import ScreeningFileInvalid
from screening.models import ScreeningEntry, ScreeningListImport, ScreeningName
from screening.services import screening_list_import

from .conftest import DATA, SDN, csl_csv, csl_json, csl_row

pytestmark = pytest.mark.django_db


def test_the_sample_csv_imports_thirty_entries_with_their_multi_valued_fields():
    record = screening_list_import(
        content=(DATA / "csl-sample.csv").read_bytes(), file_name="csl-sample.csv", list_date=date(2026, 11, 1)
    )
    assert (record.row_count, record.added_count, record.file_format) == (30, 30, "csv")
    assert record.list_date == date(2026, 11, 1)
    assert ScreeningEntry.objects.count() == 30
    entry = ScreeningEntry.objects.get(key="syn-0001")
    assert entry.alt_names == ["Northwind Traders", "NW Trading (Hong Kong) Limited"]
    assert entry.addresses == ["Unit 12, 8 Fictional Harbour Road, Kowloon, HK", "88 Example Avenue, Shenzhen, CN"]
    assert entry.countries == ["HK", "CN"]
    assert entry.programs == ["EAR"]
    assert entry.start_date == date(2024, 3, 11)
    assert entry.raw["license_policy"] == "Presumption of denial."
    assert sorted(entry.names.values_list("normalized", flat=True)) == [
        "northwind traders",
        "northwind trading",
        "nw trading",  # the same alias without its parenthetical
        "nw trading hong kong",
    ]


def test_the_sample_json_in_the_api_shape_gives_the_same_entries_as_the_csv():
    screening_list_import(content=(DATA / "csl-sample.json").read_bytes(), file_name="csl-sample.json")
    from_json = {e.key: (e.name, e.alt_names, e.addresses, e.countries) for e in ScreeningEntry.objects.all()}
    record = screening_list_import(content=(DATA / "csl-sample.csv").read_bytes(), file_name="csl-sample.csv")
    from_csv = {e.key: (e.name, e.alt_names, e.addresses, e.countries) for e in ScreeningEntry.objects.all()}
    assert len(from_json) == 30
    assert from_json == from_csv
    assert (record.added_count, record.changed_count, record.removed_count) == (0, 0, 0)


def test_json_multi_valued_fields_are_arrays_and_nationalities_give_countries():
    rows = [csl_row("a1", "Jane EXAMPLE", type="Individual", alt_names=["J. Example"], nationalities=["IR"])]
    screening_list_import(content=csl_json(rows), file_name="list.json")
    entry = ScreeningEntry.objects.get()
    assert (entry.key, entry.entry_type, entry.alt_names, entry.countries) == (
        "a1",
        "Individual",
        ["J. Example"],
        ["IR"],
    )


def test_a_country_written_as_a_name_is_read_as_its_iso_code():
    screening_list_import(
        content=csl_csv([csl_row("a1", "Acme Example", addresses=["1 Road, Tehran, Iran"])]), file_name="l.csv"
    )
    assert ScreeningEntry.objects.get().countries == ["IR"]


def test_a_re_import_replaces_the_list_keeping_unchanged_entries_and_records_its_date_and_count():
    first = screening_list_import(
        content=csl_csv([csl_row("a", "Alpha Example"), csl_row("b", "Beta Example"), csl_row("c", "Gamma Example")]),
        file_name="day1.csv",
        list_date=date(2026, 11, 1),
    )
    kept_pk = ScreeningEntry.objects.get(key="a").pk
    second = screening_list_import(
        content=csl_csv(
            [csl_row("a", "Alpha Example"), csl_row("b", "Beta Example Renamed"), csl_row("d", "Delta Example")]
        ),
        file_name="day2.csv",
        list_date=date(2026, 11, 2),
    )
    assert set(ScreeningEntry.objects.values_list("key", flat=True)) == {"a", "b", "d"}
    assert ScreeningEntry.objects.get(key="a").pk == kept_pk
    assert set(ScreeningEntry.objects.values_list("list_import", flat=True)) == {second.pk}
    assert (second.row_count, second.added_count, second.changed_count, second.removed_count) == (3, 1, 1, 1)
    assert second.list_date == date(2026, 11, 2)
    assert first.pk != second.pk
    assert not ScreeningName.objects.filter(normalized="beta example").exists()
    assert ScreeningName.objects.filter(normalized="beta example renamed").exists()
    event = AuditEvent.objects.filter(action="screening.list_imported").first()
    assert event.changes["row_count"] == 3 and event.changes["removed"] == 1


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (b"", "x.csv", "The file is empty."),
        (b"name,source\nAcme,EL\n", "x.csv", "the columns _id, type, alt_names, addresses are missing"),
        (b"\xff\xfe\x00bad", "x.csv", "“x.csv” was refused: the file is not a document type we accept."),
        (b"\xffbad", "x.csv", "(nor UTF-8 text)"),
        (b'{"results": 3}', "x.json", 'no "results" list'),
        (b'{"results": [', "x.json", "The JSON cannot be read"),
        (csl_csv([csl_row("a", "")]), "x.csv", "Line 2: the name is empty."),
        (csl_csv([csl_row("a", "Acme", type="Spaceship")]), "x.csv", "Line 2: the type 'Spaceship' is not one of"),
        (csl_csv([csl_row("a", "Acme"), csl_row("a", "Other")]), "x.csv", "Line 3: the id a is also used by Line 2"),
        (csl_json([csl_row("a", "Acme", source="")]), "x.json", "Result 1: the source list is empty."),
        (csl_csv([]), "x.csv", "The file has no entries."),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_the_current_list_is_kept(content, file_name, message):
    screening_list_import(content=csl_csv([csl_row("keep", "Kept Example", source=SDN)]), file_name="ok.csv")
    with pytest.raises(ScreeningFileInvalid) as refused:
        screening_list_import(content=content, file_name=file_name)
    assert message in str(refused.value)
    assert list(ScreeningEntry.objects.values_list("key", flat=True)) == ["keep"]
    assert ScreeningListImport.objects.count() == 1


def test_the_command_imports_a_file_with_its_date(tmp_path):
    path = tmp_path / "consolidated.json"
    path.write_bytes((DATA / "csl-sample.json").read_bytes())
    call_command("import_screening_list", str(path), "--date", "2026-10-31")
    record = ScreeningListImport.objects.get()
    assert (record.file_name, record.file_format, record.list_date, record.row_count) == (
        "consolidated.json",
        "json",
        date(2026, 10, 31),
        30,
    )


def test_the_command_reports_a_bad_file_as_an_error(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("name\nAcme\n")
    with pytest.raises(CommandError, match="columns _id, source, type, alt_names, addresses are missing"):
        call_command("import_screening_list", str(path), "--format", "csv")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_screening_list", str(tmp_path / "missing.csv"))
