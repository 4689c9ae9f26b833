"""The Consolidated Screening List as published: a checked-in excerpt in the real layout (issue 16, point 11).

``data/csl-excerpt.csv`` has the published column set and writes its fields as the real file does: ``type``
empty on the BIS and State lists, multi-valued fields joined with "; ", the nonproliferation list's aliases
joined with ", " in one field, a Denied Persons name with a leading space, partial dates of birth.
``data/csl-excerpt.json`` is the same excerpt in the API shape (``null`` types, arrays, address objects).
Every name in them is fictional.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from screening.choices import EntryType
from screening.importer import CSV_COLUMNS
from screening.models import ScreeningEntry, ScreeningListImport
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

EXCERPT = Path(__file__).resolve().parent / "data"
ISN_ALIASES = ["Harrowgate Machinery", "HPM Works", "Harrowgate Precision Tools Co., Ltd."]


def _entry(name: str) -> ScreeningEntry:
    return ScreeningEntry.objects.get(name=name)


def test_the_excerpt_has_the_published_header_and_empty_types_on_the_bis_and_state_lists():
    lines = (EXCERPT / "csl-excerpt.csv").read_text().splitlines()
    assert tuple(lines[0].split(",")) == CSV_COLUMNS
    assert sum(",Bureau of Industry and Security,,,," in line.replace(" - ", ",") for line in lines) >= 5


def test_the_command_imports_the_real_layout_csv_with_its_empty_types(tmp_path):
    path = tmp_path / "consolidated.csv"
    path.write_bytes((EXCERPT / "csl-excerpt.csv").read_bytes())
    call_command("import_screening_list", str(path), "--date", "2026-12-01")
    record = ScreeningListImport.objects.get()
    assert (record.row_count, record.file_format, record.list_date) == (12, "csv", date(2026, 12, 1))
    not_stated = ScreeningEntry.objects.filter(entry_type=EntryType.NOT_STATED)
    assert not_stated.count() == 8
    assert set(not_stated.values_list("source", flat=True)) >= {
        "Entity List (EL) - Bureau of Industry and Security",
        "Nonproliferation Sanctions (ISN) - State Department",
        "ITAR Debarred (DTC) - State Department",
    }
    assert _entry("OSWIN PELLWORTHY").end_date == date(2029, 12, 20)  # the leading space is not kept
    quill = _entry("Quillfeather Intl Trading Co., Limited")
    assert quill.alt_names == ["Quillfeather International Trading", "QIT (HK) Ltd."]
    assert quill.countries == ["HK", "CN"]
    assert _entry("Harrowgate Precision Machinery Co., Ltd.").alt_names == ISN_ALIASES
    assert _entry("SEA WREN").entry_type == EntryType.VESSEL


def test_the_json_excerpt_with_null_types_gives_the_same_entries_as_the_csv(tmp_path):
    path = tmp_path / "consolidated.json"
    path.write_bytes((EXCERPT / "csl-excerpt.json").read_bytes())
    call_command("import_screening_list", str(path))
    from_json = {e.key: (e.name, e.entry_type, e.alt_names, e.countries) for e in ScreeningEntry.objects.all()}
    path = tmp_path / "consolidated.csv"
    path.write_bytes((EXCERPT / "csl-excerpt.csv").read_bytes())
    call_command("import_screening_list", str(path))
    from_csv = {e.key: (e.name, e.entry_type, e.alt_names, e.countries) for e in ScreeningEntry.objects.all()}
    assert len(from_json) == 12
    assert from_json == from_csv


def test_staff_upload_the_real_layout_excerpt_in_the_admin(client):
    client.force_login(StaffFactory())
    upload = SimpleUploadedFile("consolidated.csv", (EXCERPT / "csl-excerpt.csv").read_bytes(), "text/csv")
    response = client.post(
        reverse("admin:screening_screeninglistimport_add"),
        {"file": upload, "file_format": "", "list_date": "2026-12-01"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Imported 12 entries (12 added, 0 changed, 0 removed)" in response.content.decode()
    assert ScreeningEntry.objects.filter(entry_type="").count() == 8
    entries = client.get(reverse("admin:screening_screeningentry_changelist"), {"in_force": "expired"})
    page = entries.content.decode()
    assert "MARGARETHE VOLLSTRAND" in page and "Expired on" in page
    assert "OSWIN PELLWORTHY" not in page
