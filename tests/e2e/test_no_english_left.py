"""A foreign buyer's pages carry no English left behind: every public page, loaded with ``Accept-Language``
ja, es and fr, is scanned for English words in its visible text.

What is not scanned, and why:
- Elements marked ``lang="en"`` (and their children): text written in English by people, not by the portal —
  package titles, summaries, descriptions and component names (English in the demo, until a consortium writes
  them in the buyer's language), RFI notices (published in English, as in the Federal Register). Marking them
  is also what screen readers need to pronounce them.
- ``ALLOWED``: proper names and codes that are the same in every language (below, each with its reason).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalog.choices import Category
from eligibility import services
from tests.catalog.factories_public import ensure_reference_data, published_package
from tests.rfi.factories import notice_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALLOWED = {
    # codes and acronyms of export control, computing and data formats: written the same in every language
    "ECCN",
    "EAR",
    "TPP",
    "DRAM",
    "GB",
    "CSV",
    "JSON",
    "API",
    "RFI",
    "ISO",
    "CFR",
    "FR",
    "GPU",
    "AI",
    "IA",
    "EAR99",
    "OpenAPI",
    "USWDS",
    "CC",
    "BY",
    # the map's work, author and licence (credited as they are published)
    "svg",
    "maps",
    "world",
    "VictorCazanave",
    # the language selector names each language in that language
    "English",
    "Español",
    "Français",
    # the program's own name (a proper name) and the rule sets' names as published (rule-set data)
    "Exports",
    "Program",
    "Current",
    "controls",
    "Framework",
    "Diffusion",
    "Artificial",
    "Intelligence",
    # U.S. agencies' acronyms, a rule set's version code ("ear-2026-07"), the time zone
    "BIS",
    "ITA",
    "ear",
    "UTC",
    # organization names made by the test factories ("Example Consortium 0", "Example Systems 0 Inc."): proper names
    "Example",
    "Consortium",
    "Systems",
    "Inc",
}
# Proper names of U.S. law and agencies, kept in English by the translations themselves (they are cited so).
PROPER_NAMES = ("Export Administration Regulations", "Bureau of Industry and Security")
DOCKET = re.compile(r"\b[A-Z]+-[A-Z]+-\d{4}-\d{4}\b")  # an RFI docket number such as TEST-ITA-2025-0000
# Words that are English and not Spanish or French: in es and fr pages only these count as English.
ENGLISH_ONLY = {
    "the",
    "and",
    "with",
    "for",
    "your",
    "this",
    "that",
    "from",
    "which",
    "country",
    "countries",
    "package",
    "packages",
    "eligible",
    "license",
    "required",
    "search",
    "results",
    "choose",
    "show",
    "outcome",
    "tier",
    "allied",
    "review",
    "embargoed",
    "about",
    "sign",
    "account",
    "create",
    "skip",
    "close",
    "footer",
    "navigation",
    "filters",
    "apply",
    "layer",
    "security",
    "calculator",
    "components",
    "submit",
    "request",
    "respond",
    "whole",
    "european",
    "council",
    "southeast",
    "gulf",
    "cooperation",
    "west",
    "african",
    "states",
    "operated",
    "government",
    "not",
    "by",
    "of",
    "to",
    "is",
    "are",
}  # (not "or", "site", "menu", "content", "main", "union", "nations", "file", "association", "questions":
#     French words too; nor "hardware", "software": Spanish uses them)

LANGUAGES = ["ja", "es", "fr"]

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('[lang="en"], script, style, noscript, template, [hidden], [aria-hidden="true"]')) continue;
    if (!node.textContent.trim()) continue;
    const rects = el.getClientRects();
    const style = window.getComputedStyle(el);
    if (!rects.length || style.visibility === "hidden" || style.display === "none") continue;
    // a <details> that is closed hides its content (not its summary) from view
    const closed = el.closest("details:not([open])");
    if (closed && !el.closest("summary")) continue;
    out.push(node.textContent.trim());
  }
  return out;
}"""


def english_words(texts: list[str], language: str) -> list[str]:
    found = []
    for text in texts:
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        text = DOCKET.sub("", text)
        for word in re.findall(r"[A-Za-z][A-Za-z'’]+", text):
            if word in ALLOWED:
                continue
            if language == "ja" and len(word) >= 2 or language != "ja" and word.lower() in ENGLISH_ONLY:
                found.append(word)
    return found


def test_the_scan_finds_english_and_ignores_marked_text_and_allowed_names():
    assert english_words(["Eligible for the program"], "fr") == ["Eligible", "for", "the"]
    assert english_words(["輸出可能 (ECCN 3A090)"], "ja") == []
    assert english_words(["Outcome"], "ja") == ["Outcome"]
    assert english_words(["Pays et résultat"], "fr") == []


@pytest.fixture
def public_pages(reference_data):
    package = published_package(
        title="Telemedicine AI for regional hospitals",
        summary="Clinical language models with a sovereign GPU cluster.",
        categories=[Category.ACCELERATOR, Category.FINETUNED_MODEL, Category.DATASET, Category.PRIVACY],
        sectors=["health"],
        regions=["gcc", "asean"],
        countries=["GE", "NR", "GB"],
    )
    services.eligibility_compute_now(package_id=package.pk)
    notice = notice_with_questions(questions=2, topics=1, title="Demo RFI on AI exports")
    return {
        "home": "/",
        "catalog": "/catalog/",
        "package": f"/catalog/{package.slug}/",
        "calculator": "/eligibility/calculator/",
        "rfi list": "/rfi/",
        "rfi notice": notice.get_absolute_url(),
    }


@pytest.fixture
def reference_data():
    ensure_reference_data()


@pytest.fixture
def pending_translations():
    """The translations this branch hands to the integrator (``locale-pending/*.json``), added to the running
    catalogs as ``make messages`` will add them (the live server runs in this process)."""
    from django.utils.translation import trans_real

    added = []
    for path in sorted((Path(__file__).resolve().parents[2] / "locale-pending").glob("*.json")):
        for key, values in json.loads(path.read_text("utf-8")).items():
            for language in LANGUAGES:
                value = values.get(language)
                catalog = trans_real.translation(language)._catalog
                if isinstance(value, list) and "|" in key:
                    singular = key.split("|", 1)[0]
                    for index, form in enumerate(value):
                        if (singular, index) not in catalog:
                            catalog[(singular, index)] = form
                            added.append((catalog, (singular, index)))
                elif isinstance(value, str) and key not in catalog:
                    catalog[key] = value
                    added.append((catalog, key))
    yield
    for catalog, key in added:
        for mapping in catalog._catalogs:
            mapping.pop(key, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_show_no_english_outside_marked_text(
    _playwright_browser, live_server, public_pages, pending_translations, language
):
    context = _playwright_browser.new_context(
        base_url=live_server.url, locale=language, extra_http_headers={"Accept-Language": language}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = {}
    try:
        for name, url in public_pages.items():
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language, name
            if name == "calculator":
                page.locator("#id_c-0-category").select_option("accelerator")
                page.locator("#id_c-0-tpp").fill("15832")
                page.locator("#id_country").select_option("JP")
                page.locator("form.aix-elig-calculator button[type=submit]").click()
                page.wait_for_selector("#calc-results")
                # the result is at the top with focus on it, not on <body>
                assert page.evaluate("document.activeElement.id") == "calc-results"
                assert page.evaluate("document.getElementById('calc-results').getBoundingClientRect().top") < 900
            texts = page.evaluate(VISIBLE_TEXT)
            left = [text for text in texts if english_words([text], language)]
            if left:
                problems[name] = sorted(set(left))
    finally:
        context.close()
    assert not problems, f"English left on the {language} pages: {problems}"
