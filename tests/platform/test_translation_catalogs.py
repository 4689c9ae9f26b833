"""Every ja, es and fr catalog is complete: no empty and no fuzzy entry (a fuzzy entry is not used by gettext,
so a buyer would read English), and every pending translation handed to the integrator is complete too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ja", "es", "fr")
CATALOGS = sorted(
    p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
    if p.parts[-3] in LANGUAGES and ".venv" not in p.parts and "node_modules" not in p.parts
)  # fmt: skip


def _entries(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgid, msgstr(s) (joined continuation lines) and flags; obsolete ones skipped."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = None

    def finish() -> None:
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            finish()
            key = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if "msgid" in current:
                finish()
            current["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+\"(.*)\"$", line)
            if match:
                if match.group(1) in ("msgctxt", "msgid") and "msgid" in current and key and key.startswith("msgstr"):
                    finish()
                key = match.group(1)
                current[key] = match.group(2)
            elif line.startswith('"') and key:
                current[key] = str(current[key]) + line[1:-1]
    finish()
    return entries


def test_there_are_catalogs_for_every_language():
    assert {p.parts[-3] for p in CATALOGS} == set(LANGUAGES)
    assert len(CATALOGS) >= 3 * 4  # the project's and catalog, eligibility, rfi apps'


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_catalog_entry_is_empty_or_fuzzy(path):
    problems = []
    for entry in _entries(path):
        if entry["msgid"] == "":
            continue  # the header
        if "fuzzy" in entry.get("flags", set()):  # type: ignore[operator]
            problems.append(f"fuzzy: {entry['msgid']!r}")
        strs = [v for k, v in entry.items() if k.startswith("msgstr")]
        if not strs or any(not s for s in strs):
            problems.append(f"empty: {entry['msgid']!r}")
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems[:20])


def test_the_catalog_parser_sees_empty_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n#, fuzzy\nmsgid "A"\nmsgstr "a"\n\nmsgid "B"\nmsgstr ""\n'
                  '\nmsgid "C"\nmsgid_plural "Cs"\nmsgstr[0] "c"\n', "utf-8")  # fmt: skip
    entries = {e["msgid"]: e for e in _entries(po)}
    assert "fuzzy" in entries["A"]["flags"] and entries["B"]["msgstr"] == "" and entries["C"]["msgstr[0]"] == "c"


PENDING = sorted((ROOT / "locale-pending").glob("*.json"))


@pytest.mark.parametrize("path", PENDING, ids=lambda p: p.name)
def test_every_pending_translation_has_ja_es_and_fr(path):
    problems = []
    for msgid, values in json.loads(path.read_text("utf-8")).items():
        for language in LANGUAGES:
            value = values.get(language) if isinstance(values, dict) else None
            parts = value if isinstance(value, list) else [value]
            if not all(isinstance(p, str) and p.strip() for p in parts):
                problems.append(f"{language}: {msgid!r}")
    assert not problems, "; ".join(problems[:20])
