"""The country picker in a real browser: filtered by typing, ticked with the keyboard, counted, saved; usable
without JavaScript; no axe violations and nothing wider than the screen at desktop and phone width (390 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Package
from tests.catalog.factories import company, ensure_reference_data
from tests.e2e.test_submitter_journey import sign_in
from tests.factories import PackageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overview(page, live_server):
    """A draft package of a signed-in consortium manager, and the address of its overview step."""
    ensure_reference_data()
    user, _org, consortium = company()
    package = PackageFactory(consortium=consortium)
    package.target_countries.set(["KE"])
    sign_in(page, live_server, user)
    return package, reverse("catalog:manage_package_step", args=[package.slug, "overview"])


# The innermost elements of the main content that reach past the right edge of the screen.
WIDER_THAN_SCREEN_JS = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
  .slice(0, 10).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""


def visible_countries(page) -> list[str]:
    return page.locator(".aix-picker__item:visible label").all_inner_texts()


def test_typing_filters_the_list_the_keyboard_ticks_japan_and_the_step_saves_it(page, overview, assert_accessible):
    package, url = overview
    page.goto(url)
    picker = page.locator("[data-aix-picker]")
    assert picker.locator(".aix-picker__count").inner_text() == "1 chosen"
    assert picker.locator(".aix-picker__summary li").all_inner_texts() == ["Kenya"]
    assert_accessible(page)

    search = page.get_by_label("Filter countries")
    assert search.is_visible()  # the script showed it
    search.focus()
    page.keyboard.type("jap")
    assert visible_countries(page) == ["Japan"]
    assert picker.locator(".aix-picker__group:visible legend").all_inner_texts() == ["J"]
    page.keyboard.press("Enter")  # to the first match, without submitting the form
    assert page.evaluate("document.activeElement.labels[0].innerText") == "Japan"
    assert page.url.endswith(url)
    page.keyboard.press("Space")
    assert picker.locator(".aix-picker__count").inner_text() == "2 chosen"
    assert picker.locator("[aria-live=polite]").inner_text() == "2 chosen"
    assert picker.locator(".aix-picker__summary li").all_inner_texts() == ["Kenya", "Japan"]
    page.keyboard.press("Tab")  # the list is one Tab stop: on to the next field, not through 250 checkboxes
    assert page.evaluate("document.activeElement.name") == "target_regions"
    page.keyboard.press("Shift+Tab")  # back on the country last used
    assert page.evaluate("document.activeElement.labels[0].innerText") == "Japan"
    assert_accessible(page)

    # Case and accents do not matter, nor the language: the English name and the ISO code match too.
    search.fill("COTE")
    shown = visible_countries(page)
    assert len(shown) == 1 and shown[0].startswith("Côte d"), shown
    search.fill("zzz")
    assert visible_countries(page) == []
    assert picker.get_by_role("status").inner_text() == "No country matches the filter."
    search.fill("")
    assert len(visible_countries(page)) > 240

    # Kenya is unticked with the keyboard too (it is listed first, among the chosen), then the step is saved.
    search.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.labels[0].innerText") == "Kenya"
    page.keyboard.press("Space")
    assert picker.locator(".aix-picker__count").inner_text() == "1 chosen"
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert list(Package.objects.get(pk=package.pk).target_countries.values_list("code", flat=True)) == ["JP"]
    assert picker.locator(".aix-picker__count").inner_text() == "1 chosen"
    assert picker.locator(".aix-picker__group").first.locator("label").all_inner_texts() == ["Japan"]
    assert page.locator("#id_target_countries input[value=JP]").is_checked()


def test_at_phone_width_the_picker_fits_the_screen_with_big_enough_targets(page, overview, assert_accessible):
    _package, url = overview
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.get_by_label("Filter countries").fill("a")
    # (The site footer's link row is 8 px too wide at this width, on every page: not the form's to fix.)
    assert page.evaluate(WIDER_THAN_SCREEN_JS) == []
    picker = page.locator("#id_target_countries").bounding_box()
    assert picker["x"] >= 0 and picker["x"] + picker["width"] <= 390
    for label in page.locator(".aix-picker__item:visible label").all()[:20]:
        box = label.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24 and box["x"] + box["width"] <= 390, box
    listbox = page.locator(".aix-picker__list")
    assert listbox.evaluate("el => el.scrollWidth <= el.clientWidth")
    filter_box, list_box = page.get_by_label("Filter countries").bounding_box(), listbox.bounding_box()
    assert filter_box["x"] + filter_box["width"] <= list_box["x"] + list_box["width"] + 0.5, (filter_box, list_box)
    assert_accessible(page)


def test_without_javascript_every_checkbox_is_there_and_submits(_playwright_browser, live_server, overview):
    package, url = overview
    context = _playwright_browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        sign_in(page, live_server, package.consortium.anchor.memberships.get().user)
        page.goto(url)
        assert not page.locator("[data-aix-picker-filter]").is_visible()  # hidden until the script runs
        assert page.locator(".aix-picker__item").count() > 240
        page.locator("label", has_text="Peru").first.click()
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_load_state()
        codes = sorted(Package.objects.get(pk=package.pk).target_countries.values_list("code", flat=True))
        assert codes == ["KE", "PE"]
    finally:
        context.close()
