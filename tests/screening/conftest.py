"""Helpers for screening tests: build CSL files in memory, import them, make consortium members."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from screening.importer import CSV_COLUMNS, MULTI_VALUED
from tests.factories import ConsortiumFactory, OrganizationFactory

DATA = Path(__file__).resolve().parents[2] / "screening" / "data"
EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"


def csl_row(_id: str, name: str, *, alt_names=(), addresses=(), source=EL, type="Entity", **extra) -> dict:
    row = {c: ([] if c in MULTI_VALUED else "") for c in CSV_COLUMNS}
    row.update(_id=_id, name=name, alt_names=list(alt_names), addresses=list(addresses), source=source, type=type)
    row.update(extra)
    return row


def csl_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(["; ".join(row[c]) if c in MULTI_VALUED else row[c] for c in CSV_COLUMNS])
    return out.getvalue().encode()


def csl_json(rows: list[dict]) -> bytes:
    return json.dumps({"results": [{("id" if k == "_id" else k): v for k, v in r.items()} for r in rows]}).encode()


@pytest.fixture
def import_rows():
    """Import rows as a CSV list (on-commit re-screening does not run inside the test transaction)."""
    from screening.services import screening_list_import

    def run(rows: list[dict], **kwargs):
        return screening_list_import(content=csl_csv(rows), file_name="list.csv", **kwargs)

    return run


@pytest.fixture
def member():
    """An organization that is a member (the anchor) of a consortium: ``member(name, country="US")``."""

    def make(name: str, country: str = "US"):
        organization = OrganizationFactory(name=name, country_id=country)
        consortium = ConsortiumFactory(anchor=organization)
        return organization, consortium

    return make
