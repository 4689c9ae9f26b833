"""The package submission and RFI response journeys done with the keyboard alone.

No pointer: every control is reached with Tab (or Shift+Tab) and used with Enter, Space, arrow keys and typing.
At every Tab stop the focused element must show a focus ring and be on screen; after a failed submit focus
must land on the error summary, whose links lead (with Enter) to each field in error. axe-core is not run
here: the journeys' pages are swept by tests/e2e/test_submitter_journey.py and the accessibility sweep.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

import pytest

from catalog.choices import ConsortiumRole, OrganizationRole, PackageStatus
from catalog.models import ConsortiumMember, Package
from rfi.models import Submission
from tests.catalog.factories import ensure_reference_data
from tests.factories import ConsortiumFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.rfi.factories import PDF_BYTES, notice_with_questions

pytestmark = [pytest.mark.browser]
journey = pytest.mark.django_db(transaction=True)

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

    def assert_focus_visible(self, state: dict) -> None:
        self.stops += 1
        if not (state["ring"] and state["onScreen"]) and state["tag"] != "body":
            # The skip link slides in with a short CSS transition: let it end before judging.
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            with contextlib.suppress(PlaywrightTimeout):
                self.page.wait_for_function(
                    f"() => {{ const s = ({FOCUS_STATE_JS})(null); return s.ring && s.onScreen }}", timeout=1000
                )
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

    def assert_landed_on(self, selector: str) -> None:
        state = self.focus_state(selector)
        assert state["matches"], f"focus is on {state['describe']}, not on {selector}"
        self.assert_focus_visible(state)

    def skip_to_main(self) -> None:
        """The skip link is the first Tab stop, and Enter on it moves focus to the main content."""
        self.tab_to("a.usa-skipnav", max_steps=1)
        self.page.keyboard.press("Enter")
        assert self.focus_state("main#main-content")["matches"], "the skip link did not move focus to <main>"

    def assert_on_error_summary(self) -> list[str]:
        """Focus is on (or in) the error summary; returns the fragment targets of its links."""
        in_summary = self.page.evaluate("() => !!document.activeElement.closest('[data-aix-error-summary]')")
        state = self.focus_state()
        assert in_summary, f"focus is not on the error summary but on {state['describe']}"
        self.assert_focus_visible(state)
        return self.page.locator("#error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    def follow_summary_link(self, href: str, *, backwards: bool = False) -> None:
        """Tab (from the summary, or Shift+Tab from below it) to the summary's link to ``href`` and press Enter."""
        self.tab_to(f'#error-summary a[href="{href}"]', max_steps=40, backwards=backwards)
        self.page.keyboard.press("Enter")


def test_the_focus_check_reports_a_control_without_a_ring_and_one_off_screen(_playwright_browser):
    """The check the journeys rely on can fail (the journeys check the skip link on every page they visit)."""
    page = _playwright_browser.new_page()
    try:
        page.set_content(
            "<style>*:focus-visible{outline:0.25rem solid blue} #bare:focus-visible{outline:none}</style>"
            "<a id=ringed href=#>Ring</a><a id=bare href=#>No ring</a>"
            "<input id=away aria-label=Away style='position:absolute;left:-10000px'>"
        )
        keys = Keyboard(page)
        states = []
        for _ in range(3):
            page.keyboard.press("Tab")
            states.append(keys.focus_state())
        assert [(s["id"], s["ring"], s["onScreen"]) for s in states] == [
            ("ringed", True, True),
            ("bare", False, True),
            ("away", True, False),
        ]
    finally:
        page.close()


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


@journey
def test_a_package_is_drafted_and_submitted_with_the_keyboard_alone(page):
    ensure_reference_data()
    user = UserFactory(email="lead@meridian.example", password=PASSWORD)
    anchor = OrganizationFactory(name="Meridian Compute Inc.")
    MembershipFactory(user=user, organization=anchor, role=OrganizationRole.ADMIN)
    consortium = ConsortiumFactory(name="Meridian Alliance", anchor=anchor)
    kestrel = OrganizationFactory(name="Kestrel Networks", country_id="KE")
    ConsortiumMember.objects.create(
        status="accepted", consortium=consortium, organization=kestrel, role=ConsortiumRole.INTEGRATOR
    )
    keys = Keyboard(page)

    sign_in_with_keyboard(page, keys, user.email)
    keys.skip_to_main()
    keys.activate(f'a[href$="/{consortium.slug}/packages/new/"]')

    # Overview: a failed submit first (no title); focus lands on the summary, its link leads to the field.
    keys.skip_to_main()
    keys.type_into("#id_summary", "GPU cloud for East Africa.")
    keys.activate("button[value=next]")
    assert keys.assert_on_error_summary() == ["#id_title"]
    keys.follow_summary_link("#id_title")
    keys.assert_landed_on("#id_title")
    page.keyboard.type("East Africa AI Cloud")
    keys.type_into("#id_target_countries_filter", "Kenya")  # the country picker's filter ...
    page.keyboard.press("Enter")  # ... leads to the first match (and does not submit the form)
    keys.assert_landed_on("#id_target_countries input[value=KE]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")  # from the first match back up to the filter, for another country
    keys.assert_landed_on("#id_target_countries_filter")
    page.keyboard.press("Control+A")
    page.keyboard.type("kiri")
    page.keyboard.press("ArrowDown")
    keys.assert_landed_on("#id_target_countries input[value=KI]")
    page.keyboard.press("Space")
    assert page.locator(".aix-picker__count").inner_text() == "2 chosen"
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
    keys.assert_landed_on("#id_new-name")
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
    keys.assert_landed_on("#id_new-category")

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
    assert package.title == "East Africa AI Cloud"
    countries = sorted(package.target_countries.values_list("name", flat=True))
    assert len(countries) == 2 and countries[0] == "Kenya", countries
    assert package.sectors.count() == 1
    assert sorted(package.components.values_list("name", flat=True)) == [
        "24/7 SOC",
        "Cascade-70B",
        "Ingest",
        "Redwood RX-900",
    ]
    assert package.components.get(name="Ingest").supplier == kestrel
    assert keys.stops > 50  # the journey really went through the pages by Tab


@journey
def test_an_rfi_response_is_sent_with_the_keyboard_alone(page, tmp_path):
    notice = notice_with_questions(questions=2, topics=1, title="Demo RFI on AI exports")
    first = notice.questions.order_by("position").first()
    attachment = tmp_path / "our-views.pdf"
    attachment.write_bytes(PDF_BYTES)
    keys = Keyboard(page)

    page.goto("/rfi/")
    keys.skip_to_main()
    keys.activate(f'main a[href$="/rfi/{notice.docket_id}/"]')
    keys.skip_to_main()
    keys.activate('main a[href$="/respond/"]')

    # A failed submit: no e-mail address and no certification.
    keys.skip_to_main()
    keys.tab_to("input[name=respondent_type]")
    page.keyboard.press("ArrowDown")  # arrow keys move through a radio group and check the radio they reach
    assert page.evaluate("document.querySelector('input[name=respondent_type]:checked')?.value") == "organization"
    keys.type_into("#id_name", "Ada Example")
    keys.type_into("#id_organization_name", "Example Systems")
    keys.choose("#id_organization_type", "Company")
    keys.type_into(f"#id_answer_{first.pk}", "Power comes first.")
    keys.activate("button[type=submit].usa-button--big")
    assert keys.assert_on_error_summary() == ["#id_email", "#id_certified"]
    assert page.locator(f"#id_answer_{first.pk}").input_value() == "Power comes first."

    # Each link of the summary leads to its field; the certification checkbox is ticked with Space.
    keys.follow_summary_link("#id_email")
    keys.assert_landed_on("#id_email")
    page.keyboard.type("ada@example.org")
    keys.follow_summary_link("#id_certified", backwards=True)
    keys.assert_landed_on("#id_certified")
    page.keyboard.press("Space")
    assert page.locator("#id_certified").is_checked()

    # The file: the operating system's file dialog is outside the page, so the file is set on the input
    # (reached by Tab) as the dialog would; everything else stays keyboard-only.
    keys.tab_to("#id_attachments", backwards=True, max_steps=80)
    page.locator("#id_attachments").set_input_files(str(attachment))
    keys.activate("button[type=submit].usa-button--big")
    assert page.url.endswith("/respond/done/")
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    submission = Submission.objects.get()
    assert number == submission.tracking_number
    assert submission.email == "ada@example.org"
    assert submission.attachments.get().original_name == "our-views.pdf"
