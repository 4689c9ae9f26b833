"""The package submission and RFI response journeys done with the keyboard alone.

No pointer: every control is reached with Tab (or Shift+Tab) and used with Enter, Space, arrow keys and typing.
At every Tab stop the focused element must show a focus ring and be on screen; after a failed submit focus
must land on the error summary, whose links lead (with Enter) to each field in error. axe-core is not run
here: the journeys' pages are swept by tests/e2e/test_submitter_journey.py and the accessibility sweep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from catalog.choices import ConsortiumRole, OrganizationRole, PackageStatus
from catalog.models import ConsortiumMember, Package
from tests.catalog.factories import ensure_reference_data
from tests.factories import ConsortiumFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"

# What the focused element looks like. USWDS moves the native checkbox and radio inputs off-screen on purpose
# and draws the box, and its focus ring, on the label's ::before: for those the label is what must be seen.
FOCUS_STATE_JS = """(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {tag: 'body', ring: false, onScreen: false, matches: false, describe: 'body'};
  }
  const hasRing = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  let shown = el;
  let ring = el.matches(':focus-visible') && hasRing(getComputedStyle(el));
  if (el.matches('.usa-checkbox__input, .usa-radio__input') && el.labels && el.labels.length) {
    shown = el.labels[0];
    ring = hasRing(getComputedStyle(shown, '::before'));
  }
  const box = shown.getBoundingClientRect();
  const onScreen = shown.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && box.width > 0 && box.height > 0
    && box.right > 0 && box.bottom > 0 && box.left < window.innerWidth && box.top < window.innerHeight;
  const label = (el.labels && el.labels.length ? el.labels[0].innerText : '') || el.getAttribute('aria-label') || '';
  const text = (el.innerText || el.value || '').trim().slice(0, 60);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, ring, onScreen,
    matches: selector ? el.matches(selector) : false,
    describe: `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? ' .' + el.className : ''}> `
      + `${label.trim().slice(0, 60)} ${text}`,
  };
}"""


@dataclass
class Keyboard:
    """Keyboard-only driving of a page: every Tab stop is checked for a visible focus ring."""

    page: object
    stops: int = 0

    def focus_state(self, selector: str | None = None) -> dict:
        return self.page.evaluate(FOCUS_STATE_JS, selector)

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        state = self.focus_state()
        if key in ("Tab", "Shift+Tab"):
            self.assert_focus_visible(state)
        return state

    def assert_focus_visible(self, state: dict) -> None:
        self.stops += 1
        if not (state["ring"] and state["onScreen"]):
            # The skip link slides in with a short CSS transition: give a transition time to end.
            self.page.wait_for_timeout(300)
            state = self.focus_state()
        assert state["tag"] != "body", f"focus left the page (Tab went past its last control) on {self.page.url}"
        assert state["ring"], f"no visible focus ring on {state['describe']} ({self.page.url})"
        assert state["onScreen"], f"focused element is hidden or off-screen: {state['describe']} ({self.page.url})"

    def tab_to(self, selector: str, *, max_steps: int = 60, backwards: bool = False) -> dict:
        """Press Tab (or Shift+Tab) until the focused element matches the CSS ``selector``."""
        seen = []
        for _ in range(max_steps):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            state = self.focus_state(selector)
            self.assert_focus_visible(state)
            if state["matches"]:
                return state
            seen.append(state["describe"])
        pytest.fail(
            f"{selector} not reached in {max_steps} Tab presses on {self.page.url}; went through:\n" + "\n".join(seen)
        )

    def type_into(self, selector: str, text: str, **kwargs) -> None:
        self.tab_to(selector, **kwargs)
        self.page.keyboard.type(text)

    def activate(self, selector: str, key: str = "Enter", **kwargs) -> None:
        """Tab to a link or button and press it; waits for the page that follows."""
        self.tab_to(selector, **kwargs)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def choose(self, selector: str, option_text: str, **kwargs) -> None:
        """Tab to a closed <select> and move through its options with ArrowDown until ``option_text`` is chosen.

        With ``max_steps=0`` the select must already have focus.
        """
        if kwargs.get("max_steps") == 0:
            assert self.focus_state(selector)["matches"], f"{selector} does not have focus"
        else:
            self.tab_to(selector, **kwargs)
        for _ in range(200):
            chosen = self.page.evaluate("document.activeElement.selectedOptions[0]?.text ?? ''")
            if chosen.strip() == option_text:
                return
            self.page.keyboard.press("ArrowDown")
        pytest.fail(f"option {option_text!r} not reached in {selector}")

    def skip_to_main(self) -> None:
        """The skip link is the first Tab stop, and Enter on it moves focus to the main content."""
        state = self.tab_to("a.usa-skipnav", max_steps=1)
        assert state["id"] == ""
        self.page.keyboard.press("Enter")
        assert self.focus_state("main#main-content")["matches"], "the skip link did not move focus to <main>"

    def assert_on_error_summary(self) -> list[str]:
        """Focus is on (or in) the error summary; returns the fragment targets of its links."""
        in_summary = self.page.evaluate("() => !!document.activeElement.closest('[data-aix-error-summary]')")
        assert in_summary, f"focus is not on the error summary but on {self.focus_state()['describe']}"
        return self.page.locator("#error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    def follow_summary_link(self, href: str) -> None:
        """From the focused error summary, Tab to the link to ``href`` and press Enter."""
        self.tab_to(f'#error-summary a[href="{href}"]', max_steps=20)
        self.page.keyboard.press("Enter")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    keys = Keyboard(page)
    keys.skip_to_main()
    # The next Tab goes on into the main content, not back to the header.
    state = keys.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')"), state["describe"]


def sign_in_with_keyboard(page, keys: Keyboard, email: str) -> None:
    page.goto("/accounts/sign-in/?next=/dashboard/")
    # Django's sign-in form puts autofocus on the e-mail field, so typing starts there (its ring is shown).
    state = keys.focus_state("input[name=username]")
    assert state["matches"], state["describe"]
    keys.assert_focus_visible(state)
    page.keyboard.type(email)
    keys.type_into("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission from the password field
    assert page.url.endswith("/dashboard/")


def test_a_package_is_drafted_and_submitted_with_the_keyboard_alone(page):
    ensure_reference_data()
    user = UserFactory(email="lead@meridian.example", password=PASSWORD)
    anchor = OrganizationFactory(name="Meridian Compute Inc.")
    MembershipFactory(user=user, organization=anchor, role=OrganizationRole.ADMIN)
    consortium = ConsortiumFactory(name="Meridian Alliance", anchor=anchor)
    kestrel = OrganizationFactory(name="Kestrel Networks", country_id="KE")
    ConsortiumMember.objects.create(consortium=consortium, organization=kestrel, role=ConsortiumRole.INTEGRATOR)
    keys = Keyboard(page)

    sign_in_with_keyboard(page, keys, user.email)
    keys.skip_to_main()
    keys.activate(f'a[href$="/{consortium.slug}/packages/new/"]')

    # Overview: a failed submit first (no title); focus lands on the summary, its link leads to the field.
    keys.skip_to_main()
    keys.type_into("#id_summary", "GPU cloud, models and data services for East Africa.")
    keys.activate("button[value=next]")
    assert keys.assert_on_error_summary() == ["#id_title"]
    keys.follow_summary_link("#id_title")
    assert keys.focus_state("#id_title")["matches"]
    page.keyboard.type("East Africa Sovereign AI Cloud")
    keys.tab_to("#id_target_countries")
    page.keyboard.type("Kenya")  # type-ahead in the list box
    keys.tab_to("input[name=sectors]", backwards=True)
    page.keyboard.press("Space")
    keys.activate("button[value=next]")

    # Hardware: a failed add (no name, a malformed ECCN), then the chip is added and the step left.
    assert "/hardware/" in page.url
    keys.skip_to_main()
    keys.choose("#id_new-category", "Accelerator / chip")
    keys.type_into("#id_new-eccn", "3A9")
    keys.activate("button[value=add]")
    assert keys.assert_on_error_summary() == ["#id_new-name", "#id_new-eccn"]
    keys.follow_summary_link("#id_new-name")
    assert keys.focus_state("#id_new-name")["matches"]
    page.keyboard.type("Redwood RX-900")
    keys.tab_to("#id_new-eccn")
    page.keyboard.press("Control+A")
    page.keyboard.type("3A090.a")
    keys.type_into("#id_new-unit_value_usd", "31000")
    keys.type_into("#id_new-us_origin_share", "92")
    keys.activate("button[value=add]")
    assert page.get_by_role("row", name=re.compile("Redwood RX-900")).is_visible()
    keys.skip_to_main()
    keys.activate("button[value=next]")

    # Software & models, then data (with a supplier): each added by "Save and continue" straight away.
    assert "/software/" in page.url
    keys.skip_to_main()
    keys.choose("#id_new-category", "Foundation model")
    keys.type_into("#id_new-name", "Cascade-70B")
    keys.activate("button[value=next]")
    assert "/data/" in page.url
    keys.skip_to_main()
    keys.choose("#id_new-category", "Data pipeline")
    keys.type_into("#id_new-name", "Ingest")
    keys.choose("#id_new-supplier", "Kestrel Networks")
    keys.activate("button[value=next]")

    # Security: left empty on purpose, so the submit fails at the review step.
    assert "/security/" in page.url
    keys.skip_to_main()
    keys.activate("button[value=next]")
    assert "/review/" in page.url
    keys.skip_to_main()
    keys.activate("button.usa-button--big")
    links = keys.assert_on_error_summary()
    assert len(links) == 1 and links[0].endswith("/security/#id_new-category")
    assert Package.objects.get().status == PackageStatus.DRAFT
    with page.expect_navigation():
        keys.follow_summary_link(links[0])
    assert keys.focus_state("#id_new-category")["matches"], "the summary's link did not lead focus to the field"

    # Security: added from the field the link led to, then the package is submitted.
    keys.choose("#id_new-category", "Cybersecurity", max_steps=0)
    keys.type_into("#id_new-name", "24/7 SOC")
    keys.activate("button[value=next]")
    assert "/review/" in page.url and page.locator(".usa-alert--success").first.is_visible()
    keys.skip_to_main()
    keys.activate("button.usa-button--big")
    assert "Package submitted for review" in page.locator(".aix-messages").inner_text()
    package = Package.objects.get()
    assert package.status == PackageStatus.SUBMITTED
    assert package.title == "East Africa Sovereign AI Cloud"
    assert list(package.target_countries.values_list("pk", flat=True)) == ["KE"]
    assert package.sectors.count() == 1
    assert sorted(package.components.values_list("name", flat=True)) == [
        "24/7 SOC",
        "Cascade-70B",
        "Ingest",
        "Redwood RX-900",
    ]
    assert package.components.get(name="Ingest").supplier == kestrel
    assert keys.stops > 50  # the journey really went through the page by Tab
