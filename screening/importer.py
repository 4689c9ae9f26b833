"""Parsing the Consolidated Screening List (CSL) file, CSV or JSON, into plain entries. No database access.

The CSV columns and the ``;`` separator of multi-valued fields follow the CSL's published format (see the
README of ``eligibility/data``). The JSON form is the CSL API's shape, ``{"results": [{...}]}``,
with the same keys and arrays for multi-valued fields (addresses and ids may also be objects, as the API
returns them). A file with any bad row is refused as a whole, naming the rows: the list is never half-replaced.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries as iso_countries

from aiexports import jsonlimits
from aiexports.errors import DomainError

from .choices import EntryType, ListFormat
from .matching import name_variants, normalize_name

CSV_COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
# A file lacking one of these is not a CSL file; the other columns may be absent (an older or trimmed export).
REQUIRED_COLUMNS = ("_id", "source", "type", "name", "alt_names", "addresses")
MULTI_VALUED = frozenset(
    {"programs", "addresses", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth", "ids"}
)
MAX_ERRORS_SHOWN = 10
_ENTRY_TYPES = frozenset(EntryType.values)


class ScreeningFileInvalid(DomainError):
    """The uploaded or given file is not a usable screening list; nothing was imported."""

    code = "screening_file_invalid"

    def __init__(self, message: str, *, errors: Iterable[str] = ()) -> None:
        self.errors = list(errors)
        shown = self.errors[:MAX_ERRORS_SHOWN]
        more = len(self.errors) - len(shown)
        detail = " ".join(shown) + (" " + _("(and %(count)d more problems)") % {"count": more} if more > 0 else "")
        super().__init__(f"{message} {detail}".strip())


@dataclass(frozen=True)
class ParsedEntry:
    """One list entry, ready to store."""

    key: str
    source: str
    entity_number: str
    entry_type: str
    name: str
    alt_names: tuple[str, ...]
    addresses: tuple[str, ...]
    countries: tuple[str, ...]
    programs: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    remarks: str
    source_list_url: str
    raw: dict[str, Any] = field(hash=False, compare=False)
    fingerprint: str = ""

    def names(self) -> list[tuple[str, str, bool]]:
        """(name, normalized, is_alias) for each matching form of the name and of each alternate name."""
        return entry_name_rows(self.name, self.alt_names)


def entry_name_rows(name: str, alt_names: Iterable[str]) -> list[tuple[str, str, bool]]:
    """(name, normalized, is_alias) for every distinct normalized form (``name_variants``) of the names."""
    seen: set[str] = set()
    out = []
    for text, is_alias in [(name, False), *((alias, True) for alias in alt_names)]:
        for normalized in name_variants(text):
            if normalized not in seen:
                seen.add(normalized)
                out.append((text, normalized, is_alias))
    return out


def split_aliases(source: str, values: Iterable[str]) -> list[str]:
    """The alternate names as each source list writes them.

    The CSV separates them with "; " (and the JSON sometimes packs several into one array item the same way);
    the State Department's nonproliferation list (ISN) joins its aliases with ", " inside one value. A piece
    that is only a legal form ("Ltd.") belongs to the alias before it ("Example Co., Ltd.").
    """
    pieces = [part.strip() for value in values for part in str(value).split(";") if part.strip()]
    if not _joins_aliases_with_commas(source):
        return pieces
    out: list[str] = []
    for piece in pieces:
        for part in (p.strip() for p in piece.split(", ")):
            if not part:
                continue
            if out and not normalize_name(f"x {part}").removeprefix("x").strip():
                out[-1] = f"{out[-1]}, {part}"
            else:
                out.append(part)
    return out


def _joins_aliases_with_commas(source: str) -> bool:
    lowered = source.casefold()
    return "(isn)" in lowered or lowered.startswith("nonproliferation sanctions")


@dataclass(frozen=True)
class ParsedList:
    entries: list[ParsedEntry]
    sha256: str
    file_format: str


def detect_format(file_name: str, content: bytes) -> str:
    """CSV or JSON from the file name's extension, else from the first character."""
    lowered = file_name.lower()
    if lowered.endswith(".json"):
        return ListFormat.JSON
    if lowered.endswith(".csv"):
        return ListFormat.CSV
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return ListFormat.JSON if head[:1] in (b"{", b"[") else ListFormat.CSV


def parse_screening_file(content: bytes, *, file_format: str) -> ParsedList:
    """Parse a whole file; raise ``ScreeningFileInvalid`` naming the problems if any row is unusable."""
    if not content.strip():
        raise ScreeningFileInvalid(_("The file is empty."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScreeningFileInvalid(
            _("The file is not UTF-8 text (byte %(position)d cannot be read).") % {"position": exc.start}
        ) from exc
    rows = _csv_rows(text) if file_format == ListFormat.CSV else _json_rows(text)
    row_label = _("Line %(number)d") if file_format == ListFormat.CSV else _("Result %(number)d")
    entries: list[ParsedEntry] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        try:
            entry = _entry_from_row(row)
        except ValueError as exc:
            errors.append(f"{row_label % {'number': number}}: {exc}")
            continue
        if entry.key in seen:
            errors.append(
                _("%(label)s: the id %(key)s is also used by %(other)s.")
                % {
                    "label": row_label % {"number": number},
                    "key": entry.key,
                    "other": row_label % {"number": seen[entry.key]},
                }
            )
            continue
        seen[entry.key] = number
        entries.append(entry)
    if errors:
        raise ScreeningFileInvalid(_("The file was not imported:"), errors=errors)
    if not entries:
        raise ScreeningFileInvalid(_("The file has no entries."))
    return ParsedList(entries=entries, sha256=hashlib.sha256(content).hexdigest(), file_format=file_format)


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in reader.fieldnames or []]
    except csv.Error as exc:
        raise ScreeningFileInvalid(_("The CSV header cannot be read: %(error)s.") % {"error": exc}) from exc
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ScreeningFileInvalid(
            _("This is not a Consolidated Screening List CSV file: the columns %(columns)s are missing.")
            % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row:
                raise ScreeningFileInvalid(
                    _("Line %(line)d has more fields than the header.") % {"line": reader.line_num}
                )
            rows.append((reader.line_num, {key: _split(key, value) for key, value in row.items()}))
    except csv.Error as exc:
        raise ScreeningFileInvalid(
            _("The CSV file is malformed near line %(line)d: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from exc
    return rows


def _split(column: str, value: str | None) -> Any:
    value = (value or "").strip()
    if column in MULTI_VALUED:
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _json_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        document = jsonlimits.loads(text)
    except jsonlimits.JSONTooDeep as exc:
        raise ScreeningFileInvalid(str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise ScreeningFileInvalid(
            _("The JSON cannot be read (line %(line)d, column %(column)d: %(error)s).")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc
    results = document.get("results") if isinstance(document, dict) else document
    if not isinstance(results, list):
        raise ScreeningFileInvalid(_('This is not a Consolidated Screening List JSON file: no "results" list.'))
    rows = []
    for number, item in enumerate(results, start=1):
        if not isinstance(item, dict):
            rows.append((number, {"__invalid__": True}))
            continue
        row = {key: _json_value(key, value) for key, value in item.items()}
        if "_id" not in row and "id" in row:
            row["_id"] = row.pop("id")
        rows.append((number, row))
    return rows


def _json_value(key: str, value: Any) -> Any:
    if value is None:
        return [] if key in MULTI_VALUED else ""
    if key in MULTI_VALUED:
        values = value if isinstance(value, list) else [value]
        return [text for text in (_flatten(v) for v in values) if text]
    if isinstance(value, list):
        return "; ".join(_flatten(v) for v in value)
    return _flatten(value)


def _flatten(value: Any) -> str:
    """An address or id object of the CSL API as one line, "street, city, state, postal code, country"."""
    if isinstance(value, Mapping):
        parts = [value.get(k) for k in ("address", "city", "state", "postal_code", "country")]
        if not any(parts):
            parts = list(value.values())
        return ", ".join(str(p).strip() for p in parts if p not in (None, ""))
    return str(value).strip()


def _entry_from_row(row: dict[str, Any]) -> ParsedEntry:
    if row.get("__invalid__"):
        raise ValueError(_("not an object."))
    name = str(row.get("name") or "").strip()
    if not name:
        raise ValueError(_("the name is empty."))
    source = str(row.get("source") or "").strip()
    if not source:
        raise ValueError(_("the source list is empty."))
    # The BIS and State lists leave the type empty (``null`` in the JSON): accepted as "not stated".
    entry_type = str(row.get("type") or "").strip().title()
    if entry_type and entry_type not in _ENTRY_TYPES:
        raise ValueError(
            _("the type %(type)s is not one of %(types)s.")
            % {"type": repr(row.get("type")), "types": ", ".join(v for v in EntryType.values if v)}
        )
    canonical = {column: row.get(column, [] if column in MULTI_VALUED else "") for column in CSV_COLUMNS}
    canonical.update({k: v for k, v in row.items() if k not in canonical})
    key = str(row.get("_id") or "").strip() or _derived_key(source, row.get("entity_number", ""), name, entry_type)
    if len(key) > 100:
        raise ValueError(_("the id is longer than 100 characters."))
    content = {k: v for k, v in canonical.items() if k != "_id"}
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    addresses = tuple(canonical["addresses"])
    return ParsedEntry(
        key=key,
        source=source[:255],
        entity_number=str(canonical["entity_number"])[:100],
        entry_type=entry_type,
        name=name[:500],
        alt_names=tuple(a[:500] for a in split_aliases(source, canonical["alt_names"])),
        addresses=addresses,
        countries=tuple(
            countries_of(addresses, [*canonical["nationalities"], *canonical["citizenships"]], iso_countries.by_name)
        ),
        programs=tuple(canonical["programs"]),
        start_date=_date(canonical["start_date"]),
        end_date=_date(canonical["end_date"]),
        remarks=str(canonical["remarks"]),
        source_list_url=str(canonical["source_list_url"])[:500],
        raw=canonical,
        fingerprint=fingerprint,
    )


def _derived_key(source: str, entity_number: str, name: str, entry_type: str) -> str:
    """A stable key for a row without an ``_id`` (changes if the name changes, which reopens its hits)."""
    material = "|".join([source, str(entity_number), name, entry_type])
    return "derived-" + hashlib.sha256(material.encode()).hexdigest()[:32]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None  # CSL dates are sometimes partial ("1970"); the raw value stays in ``raw``.


@functools.cache
def _iso_codes() -> frozenset[str]:
    return frozenset(code for code, _name in iso_countries)


def countries_of(addresses: Iterable[str], nationalities: Iterable[str], by_name: Callable[[str], str]) -> list[str]:
    """ISO alpha-2 codes named by the addresses' last part ("..., Shenzhen, CN") and the nationalities."""
    found: list[str] = []
    candidates = [address.rsplit(",", 1)[-1] for address in addresses] + list(nationalities)
    for candidate in candidates:
        text = candidate.strip().strip(".")
        code = text.upper() if len(text) == 2 and text.upper() in _iso_codes() else by_name(text)
        if code and code not in found:
            found.append(code)
    return found
