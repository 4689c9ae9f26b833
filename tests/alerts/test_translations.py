"""Every string a buyer meets on the alert pages, the alert e-mails and the inquiry copy is translated into ja, es
and fr: either already in the compiled catalogs, or handed to the integrator in ``locale-pending/alert13.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PENDING = json.loads((ROOT / "locale-pending" / "alert13.json").read_text("utf-8"))
TEMPLATES = sorted((ROOT / "alerts" / "templates").rglob("*.*")) + sorted(
    (ROOT / "catalog" / "templates" / "catalog" / "public" / "email").glob("inquiry_copy*")
)
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# Words the catalogs translate by themselves (checked in catalog/locale/*/LC_MESSAGES/django.po).
SAME_IN = {"fr": {"E-mail", "Message"}, "es": {"Error"}, "ja": set()}


def template_msgids() -> list[str]:
    found: list[str] = []
    for path in TEMPLATES:
        text = path.read_text("utf-8")
        found += re.findall(r'{% translate "((?:[^"\\]|\\.)*)"', text)
        for match in re.finditer(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text, re.S):
            body = re.sub(r"{{ (\w+) }}", r"%(\1)s", match.group(1))
            found.append("|".join(body.split("{% plural %}")))
    return sorted(set(found))


def test_the_sweep_of_templates_finds_the_strings():
    assert len(TEMPLATES) > 15 and "Confirm the alert" in template_msgids()


@pytest.mark.parametrize("language", ["ja", "es", "fr"])
def test_every_template_string_is_translated_or_pending_with_its_placeholders(language):
    missing = []
    for msgid in template_msgids():
        if msgid in PENDING:
            values = PENDING[msgid][language]
            for value in values if isinstance(values, list) else [values]:
                if not value or sorted(PLACEHOLDER.findall(value)) != sorted(PLACEHOLDER.findall(msgid.split("|")[0])):
                    missing.append(f"{msgid!r}: {value!r}")
            continue
        with translation.override(language):
            if "|" not in msgid and translation.gettext(msgid) == msgid and msgid not in SAME_IN[language]:
                missing.append(msgid)
    assert not missing, "\n".join(missing)
