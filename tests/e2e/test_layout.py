from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_has_a_skip_link_and_no_axe_violations(page, assert_accessible):
    page.goto("/")
    skip = page.locator("a.usa-skipnav")
    assert skip.get_attribute("href") == "#main-content"
    assert page.locator("header.usa-header").is_visible()
    assert_accessible(page)


# --- mobile first (issue 12): a phone (390 px) and a desktop (1280 px) -----------------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def catalog_data():
    from catalog.choices import PackageStatus
    from catalog.models import PackageTranslation
    from tests.catalog.factories import company, complete_package

    _user, _org, consortium = company()
    packages = [
        complete_package(consortium, status=PackageStatus.PUBLISHED, title=f"Sovereign AI cloud {n}") for n in range(3)
    ]
    for package in packages:
        package.published_at = package.created_at
        package.save()
    PackageTranslation.objects.create(package=packages[0], language="ja", title="ソブリンAIクラウド")
    return packages


def _page_at(browser, live_server, viewport, language="en"):  # noqa: ANN001, ANN202
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale=language, viewport=viewport,
        extra_http_headers={"Accept-Language": language},
    )  # fmt: skip
    return context, context.new_page()


HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_on_a_phone_the_search_box_is_full_width_and_the_first_result_is_on_the_first_screen(
    _playwright_browser, live_server, catalog_data, language
):
    context, page = _page_at(_playwright_browser, live_server, PHONE, language)
    page.goto("/catalog/")
    box = page.locator("#id_q").bounding_box()
    assert box["width"] >= 390 - 2 * 16 - 2, box  # the whole width but the page margins
    first = page.locator(".aix-package-card").first.bounding_box()
    assert first["y"] < PHONE["height"], first
    assert not page.locator("#id_layer_hardware, [name=layer]").first.is_visible()  # the filters are folded
    page.locator(".aix-filters__summary").click()  # and open at a tap (no JavaScript of ours needed)
    assert page.locator("[name=layer]").first.is_visible()
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
    context.close()


def test_on_a_desktop_the_filters_are_open_beside_the_results(_playwright_browser, live_server, catalog_data):
    context, page = _page_at(_playwright_browser, live_server, DESKTOP)
    page.goto("/catalog/")
    assert page.locator("[name=layer]").first.is_visible()
    assert page.locator(".aix-package-card").first.bounding_box()["y"] < DESKTOP["height"]
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_component_tables_show_every_column(_playwright_browser, live_server, catalog_data, viewport):
    context, page = _page_at(_playwright_browser, live_server, viewport)
    page.goto(f"/catalog/{catalog_data[0].slug}/")
    table = page.locator(".aix-component-table").first
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    last_cells = page.locator(".aix-component-table tbody tr:first-child td:last-child")
    assert last_cells.first.is_visible()
    box = last_cells.first.bounding_box()
    assert box["x"] + box["width"] <= viewport["width"], box
    if viewport is PHONE:  # stacked: each cell under the other, named by its column
        assert last_cells.first.get_attribute("data-label")
        assert last_cells.first.evaluate("td => getComputedStyle(td).display") == "block"
    context.close()


# Every word of every header link is on one line (a word broken inside would have two boxes).
WORDS_SPLIT = """() => {
  const broken = [];
  for (const link of document.querySelectorAll('.usa-nav__primary .usa-nav-link span, .usa-nav__primary button')) {
    const text = link.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    let start = 0;
    for (const word of text.data.split(' ')) {
      if (word) {
        const range = document.createRange();
        range.setStart(text, start); range.setEnd(text, start + word.length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(word);
      }
      start += word.length + 1;
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("language", ["en", "ja", "es", "fr"])
def test_the_header_never_breaks_a_word_at_desktop_width(_playwright_browser, live_server, language):
    context, page = _page_at(_playwright_browser, live_server, {"width": 1280, "height": 800}, language)
    page.goto("/catalog/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.evaluate(WORDS_SPLIT) == []
    context.close()


def test_the_footer_fits_a_phone(_playwright_browser, live_server):
    context, page = _page_at(_playwright_browser, live_server, PHONE)
    page.goto("/")
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
    context.close()


@pytest.mark.parametrize("language", ["en", "ja", "es", "fr"])
def test_a_package_page_fits_a_phone_in_every_language(_playwright_browser, live_server, catalog_data, language):
    # The country select of the eligibility panel once took the width of its longest name (496 px in Japanese).
    context, page = _page_at(_playwright_browser, live_server, PHONE, language)
    page.goto(f"/catalog/{catalog_data[0].slug}/")
    assert page.locator(".aix-elig-country select").is_visible()
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
    box = page.locator(".aix-elig-country select").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], box
    context.close()
