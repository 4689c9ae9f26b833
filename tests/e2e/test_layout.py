from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_has_a_skip_link_and_no_axe_violations(page, assert_accessible):
    page.goto("/")
    skip = page.locator("a.usa-skipnav")
    assert skip.get_attribute("href") == "#main-content"
    assert page.locator("header.usa-header").is_visible()
    assert_accessible(page)
