"""Accessibility sweep (issue 6): axe-core (WCAG 2.0/2.1 A and AA) on every page, discovered, not listed.

The sweep walks the URL resolver (``tests.routes``, shared with the permission walk). Every route without
parameters, and every route whose identifiers it can fill from the demo data, is opened in a real browser:
anonymously, or — when the anonymous visit is sent to sign-in — as the demo company user (owner of drafts,
manager of a consortium, holder of an API token). Every data-entry form found on those pages is then
submitted empty and the re-rendered page is checked again, error summary included. The staff user opens the
changelist, add form and change form of every model registered in the admin.

Public and signed-in pages: zero violations. Admin (Django's own templates): zero serious or critical.
A route the sweep cannot fill fails the test by name unless it is on ``NOT_PAGES`` with a reason.
Each test gathers the failures of all its pages, so one run names every failing URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from catalog.models import PackageTranslation
from catalog.readiness import STEP_SLUGS
from tests.conftest import axe_violations, format_violations
from tests.routes import Route, all_routes, fill, is_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Routes that are not pages a person reads, each with the reason. Everything else must be swept.
NOT_PAGES = {
    "portal:healthz": "a JSON health probe",
    "catalog:open_data_csv": "a CSV download",
    "catalog:open_data_json": "a JSON download",
    "rfi:submissions_csv": "a CSV download",
    "rfi:submissions_json": "a JSON download",
    "rfi:attachment": "a file download",
    "accounts:logout": "POST-only sign-out (its button is in the header of every signed-in page)",
    "mfa:verify": "staff only: swept by test_the_second_factor_pages_and_their_error_states_...",
    "mfa:setup": "staff only: swept by test_the_second_factor_pages_and_their_error_states_...",
    "mfa:recovery_codes": "staff only: swept by test_the_second_factor_pages_and_their_error_states_...",
    "set_language": "POST-only redirect (the selector is in the header of every page)",
    "catalog:manage_package_submit": "POST-only action (its button is on the review step)",
    "catalog:manage_package_withdraw": "POST-only action (its button is on the package page)",
    "catalog:manage_package_reopen": "POST-only action (its button is on the package page)",
    "catalog:manage_package_revise": "POST-only action (its button is on the package page)",
    "organizations:member_role": "POST-only action (its form is on the members page)",
    "organizations:member_remove": "POST-only action (its form is on the members page)",
    "catalog:manage_invitation_accept": "POST-only action (its button is on the invitations page)",
    "catalog:manage_invitation_decline": "POST-only action (its button is on the invitations page)",
    "rfi:submission_done": "a receipt shown only to the session that just submitted (the RFI journey checks it)",
}


@dataclass(frozen=True)
class Visit:
    url: str
    route: str


def _world() -> dict:
    """The demo accounts, information pages and RFI notices, and a small catalog made with the factories.

    The demo company user is admin of an organization anchoring a consortium with a member, and owns packages
    in every status (a draft with a component in each layer) and an API token. The catalog's own demo loader
    (30 published packages) would add seconds to each test and no new kind of page.
    """
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from aiexports.portal import demo as portal_demo
    from aiexports.portal.models import InfoPage
    from catalog.choices import MemberStatus, OrganizationRole, PackageStatus
    from rfi import demo as rfi_demo
    from rfi.models import Submission
    from tests.catalog.factories import add_member, complete_package, ensure_reference_data
    from tests.factories import ConsortiumFactory, MembershipFactory, UnconfirmedUserFactory

    ensure_reference_data()
    portal_demo.load(StringIO())
    rfi_demo.load(StringIO())
    users = get_user_model().objects
    company, staff = users.get(email=portal_demo.DEMO_COMPANY[0]), users.get(email=portal_demo.DEMO_STAFF[0])
    Token.objects.create(user=company)
    consortium = ConsortiumFactory(name="Meridian Sovereign AI")
    MembershipFactory(user=company, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    add_member(consortium)
    own = [
        complete_package(consortium, status=status, title=f"Meridian stack ({status})", created_by=company)
        for status in PackageStatus.values
        if status != PackageStatus.MERGED  # a merged revision needs the package it was merged into
    ]
    PackageTranslation.objects.create(package=own[0], language="ja", title="メリディアン・スタック")
    public_consortium = ConsortiumFactory(name="Kestrel Compute Alliance")
    published = complete_package(public_consortium, status=PackageStatus.PUBLISHED, title="Kestrel national AI stack")
    # Invitations both ways: the company's consortium invited someone; the company's organization is invited by
    # one consortium and a member of another (so the invitations page shows a card, and a leave page exists).
    pending = add_member(consortium, status=MemberStatus.PENDING)
    add_member(public_consortium, organization=consortium.anchor, status=MemberStatus.PENDING)
    joined = add_member(ConsortiumFactory(name="Lakeshore Alliance"), organization=consortium.anchor)
    return {
        "company": company, "staff": staff, "draft": own[0], "consortium": consortium, "org": consortium.anchor,
        "own_packages": own, "published": published, "public_consortium": public_consortium,
        "unconfirmed": UnconfirmedUserFactory(email="new.signup@example.com"),


        "pending_member": pending, "joined": joined, **_alerts(), "package_request": _package_request(staff),
        "page_slug": InfoPage.objects.order_by("slug").first().slug,
        "open_docket": rfi_demo.OPEN_DOCKET, "closed_docket": rfi_demo.CLOSED_DOCKET,
        "tracking_number": Submission.objects.filter(notice__docket_id=rfi_demo.CLOSED_DOCKET,
                                                     hidden_from_reading_room=False).order_by("pk")[0].tracking_number,
    }  # fmt: skip


def _alerts() -> dict:
    """A subscriber with a pending alert (its confirmation page) and a running one (the manage page lists it)."""
    from django.utils import timezone

    from alerts.models import Alert, Subscriber

    subscriber = Subscriber.objects.create(email="buyer@example.jp")
    pending = Alert.objects.create(subscriber=subscriber, country_id="JP", query={"layer": ["hardware"]})
    live = Alert.objects.create(subscriber=subscriber, country_id="JP", query={"q": ["vision"]},
                                label="Compute for Osaka", confirmed_at=timezone.now())  # fmt: skip
    return {"alert_pending": pending, "alert_live": live}


def _package_request(staff):  # noqa: ANN001, ANN202
    """A package request with a staff reply, so its status page shows a reply."""
    from buyer_requests.services import request_reply_add
    from tests.buyer_requests.factories import make_request

    row = make_request()
    request_reply_add(actor=staff, request=row, text="We are looking for packages that fit.")
    return row


def _values(route: Route, w: dict) -> Iterator[dict[str, str]]:
    """Every set of identifiers the sweep visits for ``route`` (several for the wizard's steps)."""
    name, kwargs = route.name, set(route.kwargs)
    if name == "accounts:password_reset_confirm":
        user = w["company"]
        yield {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    elif name == "accounts:email_confirm":
        from aiexports.accounts.tokens import make_token

        yield {"token": make_token(w["unconfirmed"])}  # a valid link: the page with its "confirm" button
    elif name.startswith("alerts:"):
        from alerts import tokens

        live = w["alert_live"]
        yield {
            "alerts:confirm": {"token": tokens.confirm_token(w["alert_pending"])},
            "alerts:unsubscribe": {"token": tokens.unsubscribe_token(live.subscriber, live)},
            "alerts:manage": {"token": tokens.manage_token(live.subscriber)},
        }.get(name, {})
    elif name == "portal:page":
        yield {"slug": w["page_slug"]}
    elif name == "buyer_requests:status":
        from buyer_requests.tokens import make_status_token

        yield {"token": make_status_token(w["package_request"])}
    elif name == "catalog:consortium_detail":
        yield {"slug": w["public_consortium"].slug}
    elif name in ("catalog:package_detail", "catalog:package_contact", "eligibility:package"):
        yield {"slug": w["published"].slug}
    elif name in ("rfi:notice_detail", "rfi:submission_create"):
        yield {"docket": w["open_docket"]}
    elif name in ("rfi:reading_room", "rfi:reading_room_detail"):
        yield {"docket": w["closed_docket"], "tracking_number": w["tracking_number"]}
    elif name.startswith("organizations:") and kwargs == {"slug"}:
        yield {"slug": w["org"].slug}
    elif name == "catalog:manage_consortium_member_withdraw":
        yield {"slug": w["consortium"].slug, "member_id": str(w["pending_member"].pk)}
    elif name == "catalog:manage_membership_leave":
        yield {"member_id": str(w["joined"].pk)}
    elif name.startswith("catalog:manage_consortium_") or name == "catalog:manage_package_new":
        member = w["consortium"].members.order_by("pk").first()
        yield {"slug": w["consortium"].slug, "member_id": str(member.pk)}
    elif name == "catalog:manage_package_step":
        for step in STEP_SLUGS:
            yield {"slug": w["draft"].slug, "step": step}
    elif name == "catalog:manage_package_detail":
        for package in w["own_packages"]:
            yield {"slug": package.slug}
    elif name.startswith("catalog:manage_translation_"):
        yield {"slug": w["draft"].slug, "language": "ja"}
    elif name.startswith("catalog:manage_component_"):
        yield {"slug": w["draft"].slug, "component_id": str(w["draft"].components.order_by("pk").first().pk)}


def plan(w: dict) -> tuple[list[Visit], list[str]]:
    """The pages to visit, and the routes the sweep could not fill (reported by name)."""
    visits, unfilled = [], []
    for route in all_routes():
        if route.pattern.lstrip("^").startswith("api/") or is_admin(route) or route.name in NOT_PAGES:
            continue
        if not route.kwargs:
            visits.append(Visit(fill(route.pattern, {}), route.name))
            continue
        filled = [v for v in _values(route, w) if set(route.kwargs) <= set(v)]
        if not filled:
            unfilled.append(f"{route.name or '(unnamed)'} {route.pattern} {list(route.kwargs)}")
        visits += [Visit(fill(route.pattern, v), route.name) for v in filled]
    return visits, unfilled


def needs_sign_in(url: str) -> bool:
    response = Client().get(url)
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


PHONE = {"width": 390, "height": 844}  # a phone held upright (the mobile-first catalog, issue 12)
DESKTOP = {"width": 1280, "height": 720}


def browser_context(browser, live_server, user=None, viewport=None):  # noqa: ANN001, ANN201
    """One browser context per role; a signed-in one carries a session the test client made."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-US", viewport=viewport or DESKTOP
    )
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


@pytest.fixture
def sweep_as(_playwright_browser, live_server) -> Iterator:  # noqa: ANN001
    """``sweep_as(user=None, impacts=None)``: a Sweep in its own browser context, closed after the test."""
    contexts = []

    def make(user=None, impacts: set[str] | None = None, viewport=None) -> Sweep:  # noqa: ANN001
        contexts.append(browser_context(_playwright_browser, live_server, user, viewport))
        return Sweep(contexts[-1], impacts)

    yield make
    for context in contexts:
        context.close()


class Sweep:
    """Visits pages in one context and gathers every failure, by URL, for one assertion at the end."""

    def __init__(self, context, impacts: set[str] | None = None) -> None:  # noqa: ANN001
        self.page = context.new_page()
        self.impacts = impacts
        self.failures: list[str] = []
        self.visited: list[str] = []
        self.js_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.js_errors.append(f"{self.page.url}: {exc}"))

    def check(self, label: str) -> None:
        violations = axe_violations(self.page, impacts=self.impacts)
        if violations:
            self.failures.append(f"{label} {self.page.url}\n{format_violations(violations)}")

    def visit(self, visit: Visit, status: int = 200) -> bool:
        response = self.page.goto(visit.url)
        self.visited.append(visit.url)
        if response is None or response.status != status:
            self.failures.append(f"{visit.url} ({visit.route}) answered {response and response.status}")
            return False
        self.check(visit.route)
        return True

    def report(self) -> str:
        return "\n\n".join(self.failures + self.js_errors)


class _FormFinder(HTMLParser):
    """Counts the forms in <main> and notes which post something a person types (a data-entry form)."""

    TYPED = {"text", "email", "password", "number", "url", "tel", "date", "search", "datetime-local"}

    def __init__(self) -> None:
        super().__init__()
        self.in_main = False
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main:
            self.current = {"index": len(self.forms), "post": (a.get("method") or "").lower() == "post", "typed": False}
            self.forms.append(self.current)
        elif self.current is not None and (
            tag == "textarea" or (tag == "input" and (a.get("type") or "text").lower() in self.TYPED)
        ):
            self.current["typed"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        elif tag == "form":
            self.current = None


def data_entry_forms(html: str) -> list[int]:
    finder = _FormFinder()
    finder.feed(html)
    return [f["index"] for f in finder.forms if f["post"] and f["typed"]]


TYPED_CONTROLS = ", ".join(
    ["textarea"] + [f"input[type={t}]" for t in sorted(_FormFinder.TYPED)] + ["input:not([type])"]
)


def submit_empty(page, index: int) -> None:  # noqa: ANN001
    """Clear every typed control of the form, then press its first submit button and wait for the new page."""
    form = page.locator("main form").nth(index)
    for control in form.locator(TYPED_CONTROLS).all():
        if control.is_visible() and control.is_editable():
            control.fill("")
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()


# Search forms are GET forms that accept empty input: their error state needs invalid parameters.
INVALID_SEARCHES = {"catalog:package_list": "?layer=not-a-layer&target_country=ZZ"}


def search_invalid(sweep: Sweep, visit: Visit) -> str:
    url = visit.url + INVALID_SEARCHES[visit.route]
    # The catalog answers invalid filters with 400 and the form showing what is wrong.
    if sweep.visit(Visit(url, visit.route), status=400) and not sweep.page.locator("[data-aix-error-summary]").count():
        sweep.failures.append(f"{url}: no error summary for invalid search parameters")
    return url


def submit_forms_empty(sweep: Sweep, visit: Visit, forms: list[int]) -> int:
    """Submit each data-entry form of the page empty; the re-rendered page needs an error summary and no
    violations. Returns how many forms were submitted."""
    for n, index in enumerate(forms):
        if n:
            sweep.page.goto(visit.url)
        submit_empty(sweep.page, index)
        label = f"{visit.route} form #{index} submitted empty"
        if not sweep.page.locator("[data-aix-error-summary]").count():
            sweep.failures.append(f"{label} {sweep.page.url}: no error summary")
        sweep.check(label)
    return len(forms)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_public_and_signed_in_page_and_form_in_its_error_state_has_no_axe_violations(sweep_as, viewport):
    w = _world()
    visits, unfilled = plan(w)
    assert not unfilled, "Routes the accessibility sweep cannot fill (map them or add to NOT_PAGES):\n" + "\n".join(
        unfilled
    )
    assert not set(NOT_PAGES) - {r.name for r in all_routes()}, "stale NOT_PAGES entries"
    sweeps = {"anonymous": sweep_as(viewport=viewport), "company": sweep_as(w["company"], viewport=viewport)}
    forms: list[str] = []
    for visit in visits:
        sweep = sweeps["company" if needs_sign_in(visit.url) else "anonymous"]
        if sweep.visit(visit):
            found = data_entry_forms(sweep.page.content())
            submit_forms_empty(sweep, visit, found)
            forms += [f"{visit.url} #{index}" for index in found]
        if visit.route in INVALID_SEARCHES:
            forms.append(search_invalid(sweep, visit))
    counts = {role: len(s.visited) for role, s in sweeps.items()}
    print(f"accessibility sweep: pages per role {counts}; {len(forms)} forms in error state: {forms}")
    report = "\n\n".join(s.report() for s in sweeps.values() if s.report())
    assert not report, f"axe-core violations or errors ({counts} pages, {len(forms)} forms):\n\n{report}"
    # The discovery is real: both roles, the whole wizard, the token page and the forms were reached.
    company = sweeps["company"].visited
    assert counts["anonymous"] >= 15 and counts["company"] >= 15, counts
    assert reverse("catalog:manage_api_token") in company
    assert sum("/steps/" in url for url in company) == len(STEP_SLUGS)
    assert len(forms) >= 15, forms


def admin_visits() -> list[Visit]:
    """The admin index, and the changelist and change form of every model registered in the admin site —
    the project's own admins and the third-party ones (django-axes, DRF tokens, groups) alike.

    The add form shows the change form's fields with the same widgets, so it is visited only where it
    differs (``add_fieldsets``, as for users; a third-party admin's own add form; an overridden
    ``add_view``, as for the screening-list upload) or where there is no object to change.
    """
    from django.contrib.auth import get_user_model

    request = type("R", (), {"user": get_user_model()(is_staff=True, is_superuser=True, is_active=True)})()
    visits = [Visit(reverse("admin:index"), "admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        visits.append(Visit(reverse(f"{base}_changelist"), f"{base}_changelist"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            visits.append(Visit(reverse(f"{base}_change", args=[first.pk]), f"{base}_change"))
        own_add = (
            getattr(model_admin, "add_fieldsets", None)
            or "add_view" in type(model_admin).__dict__
            or not model_admin.__module__.startswith(PROJECT_PACKAGES)
        )
        if model_admin.has_add_permission(request) and (first is None or own_add):
            visits.append(Visit(reverse(f"{base}_add"), f"{base}_add"))
    return visits


PROJECT_PACKAGES = ("aiexports.", "catalog.", "rfi.", "alerts.", "buyer_requests.")
STANDARD_ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change", "autocomplete")
# Custom admin URLs (``get_urls`` overrides) that are not pages, each with the reason.
ADMIN_NOT_PAGES = {"admin:rfi_submission_export": "a CSV download of the filtered queue"}
# Custom admin forms that are also swept in their error state (submitted empty).
ADMIN_FORMS_IN_ERROR_STATE = {
    "admin:screening_screeninglistimport_add",
    "admin:auth_user_password_change",
    "admin:catalog_package_publish",
    "admin:catalog_package_consultation",
}
# Custom admin views that take an object other than the first one to show their form: the ``_admin_world`` key.
CUSTOM_VIEW_OBJECTS = {
    "admin:catalog_package_publish": "package_in_review",
    "admin:catalog_package_consultation": "package_in_review",
}
# Actions that answer with a message on the changelist rather than a page of their own: one of each kind
# of message page is enough (the intermediate pages are discovered; see ``intermediate_actions``).
# (The rule sets' "re-run failed" and "activate" and the contact inbox's actions are all of this kind.)
MESSAGE_ACTIONS = [("portal", "contactmessage", "assign_to_me")]
# The template and controls of an intermediate page: pages that differ only in their title are checked once.
FORM_SHAPE = """() => document.body.className + ' ' + [...document.querySelectorAll('#content form [name]')]
    .map(e => `${e.tagName}:${e.type}:${e.name}`).join(' ')"""


def custom_admin_visits(objects: dict[str, int] | None = None) -> list[Visit]:
    """The views the admins add with ``get_urls`` (custom views), filled with the first object where they
    take one (the user's password form), or the object ``CUSTOM_VIEW_OBJECTS`` names (the publish confirmation
    of a package in review); those on ``ADMIN_NOT_PAGES`` are left out."""
    objects = objects or {}
    visits = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for p in model_admin.get_urls():
            if not p.name or (p.name.startswith(prefix) and p.name[len(prefix) :] in STANDARD_ADMIN_VIEWS):
                continue
            name = f"admin:{p.name}"
            if name in ADMIN_NOT_PAGES:
                continue
            first = model_admin.model._default_manager.order_by("pk").first()
            chosen = objects.get(CUSTOM_VIEW_OBJECTS.get(name, ""))
            args = [chosen or first.pk] if p.pattern.converters else []
            visits.append(Visit(reverse(name, args=args), name))
    return visits


def intermediate_actions() -> list[tuple[str, str, str]]:
    """(app label, model name, action) of every admin action that answers with a page of its own.

    By the admin's convention such an action's description ends with an ellipsis ("Reject…"), as a menu
    item that opens a dialog does; Django's own "Delete selected" confirmation is swept once, for tags.
    """
    found = [("rfi", "tag", "delete_selected")]
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.actions or ():
            if not isinstance(name, str):
                continue
            description = str(getattr(getattr(model_admin, name), "short_description", ""))
            if description.endswith("…"):
                found.append((model._meta.app_label, model._meta.model_name, name))
    return found


def _admin_world(w: dict) -> dict:
    """What the admin's intermediate pages and third-party admins need on top of ``_world``: a screening hit,
    a campaign of RFI responses, a group, django-axes records, a contact message. Returns rows to select."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    from aiexports.portal.choices import ContactTopic
    from aiexports.portal.models import ContactMessage
    from rfi.models import CampaignGroup, Submission, Tag
    from screening.demo import load_screening_demo
    from tests.factories import OrganizationFactory

    OrganizationFactory(name="Northwind Traders")  # a name on the synthetic restricted-party list
    load_screening_demo(StringIO())
    members = list(Submission.objects.order_by("pk")[:2])
    campaign = CampaignGroup.objects.create(notice=members[0].notice, label="Form letter")
    Submission.objects.filter(pk__in=[m.pk for m in members]).update(campaign_group=campaign)
    Tag.objects.get_or_create(name="Export controls")
    Group.objects.create(name="Reviewers")
    # The demo staff user answers for one consulted office, so the consultation page shows its form.
    from catalog.models import ConsultedOffice

    w["staff"].groups.add(ConsultedOffice.objects.order_by("position").first().group)
    where = {"ip_address": "192.0.2.10", "user_agent": "Mozilla/5.0", "username": "x@example.org",
             "http_accept": "*/*", "path_info": "/accounts/login/"}  # fmt: skip
    AccessAttempt.objects.create(**where, failures_since_start=3, get_data="", post_data="")
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where)
    if not ContactMessage.objects.exists():
        ContactMessage.objects.create(
            name="Ada",
            email="ada@example.org",
            topic=ContactTopic.values[0],
            message="A question.",
            country=w["org"].country,
        )
    in_review = next(p for p in w["own_packages"] if p.status == "in_review")
    return {"set_campaign_status": members[0].pk, "package_in_review": in_review.pk, "publish": in_review.pk}


def run_action(sweep: Sweep, app: str, model: str, action: str, select: int | None = None) -> bool:
    """On the changelist, select one row (the first, or the given one), choose the action and press Go."""
    page = sweep.page
    page.goto(reverse(f"admin:{app}_{model}_changelist"))
    box = page.locator(f"input.action-select[value='{select}']" if select else "input.action-select").first
    if not box.count():
        sweep.failures.append(f"{app}.{model} {action}: no row to select")
        return False
    box.check()
    page.select_option("select[name=action]", action)
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index], #changelist-form [type=submit][name=index]").first.click()
    sweep.visited.append(page.url)
    return True


def submit_intermediate_empty(sweep: Sweep, label: str) -> bool:
    """Submit the intermediate page's form with its typed controls cleared (its error state), if it has any."""
    page = sweep.page
    form = page.locator("#content form").filter(has=page.locator("[type=submit]")).first
    typed = [c for c in form.locator(TYPED_CONTROLS).all() if c.is_visible() and c.is_editable()]
    if not typed:
        return False
    for control in typed:
        control.fill("")
    form.evaluate("form => { form.noValidate = true; }")  # Django's own forms mark fields required
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()
    sweep.check(f"{label} submitted empty")
    return True


def test_the_admin_pages_have_no_serious_or_critical_axe_violations(sweep_as):
    """Every admin page, the custom views and the intermediate pages of the actions (and their error
    states) included: zero serious or critical violations."""
    w = _world()
    select = _admin_world(w)
    sweep = sweep_as(w["staff"], impacts={"serious", "critical"})
    visits = admin_visits() + custom_admin_visits(select)
    routes = {v.route for v in visits}
    error_states = []
    for visit in visits:
        if sweep.visit(visit) and visit.route in ADMIN_FORMS_IN_ERROR_STATE:
            submit_intermediate_empty(sweep, visit.route)
            error_states.append(visit.route)
    actions = intermediate_actions()
    seen: dict[str, str] = {}
    for app, model, action in actions:
        label = f"admin {app}.{model} action {action}"
        if not run_action(sweep, app, model, action, select.get(action)):
            continue
        if sweep.page.locator("#changelist-form").count():
            sweep.failures.append(f"{label}: answered with the changelist, not a page of its own")
            continue
        shape = sweep.page.evaluate(FORM_SHAPE)
        if shape in seen:  # the same page with another title (clear/confirm hits; status of one or a campaign)
            seen[shape] += f", {action}"
            continue
        seen[shape] = action
        sweep.check(label)
        if submit_intermediate_empty(sweep, label):
            error_states.append(action)
    for app, model, action in MESSAGE_ACTIONS:
        if run_action(sweep, app, model, action):
            sweep.check(f"admin {app}.{model} action {action} (message)")
    print(
        f"accessibility sweep: {len(sweep.visited)} admin pages; intermediate pages of {len(actions)} actions "
        f"({len(seen)} distinct: {list(seen.values())}), "
        f"{len(error_states)} forms in their error state"
    )
    assert not sweep.report(), f"admin pages ({len(sweep.visited)} visited):\n\n{sweep.report()}"
    assert sum(v.route.endswith("_change") for v in visits) >= 8
    assert {
        "admin:axes_accessattempt_change",
        "admin:authtoken_tokenproxy_changelist",
        "admin:auth_group_add",
        "admin:screening_screeninglistimport_add",
        "admin:auth_user_password_change",
        "admin:catalog_package_publish",
        "admin:catalog_package_consultation",
        "admin:catalog_consultedoffice_change",
    } <= routes
    assert {"reject", "request_changes", "publish", "clone", "clear_hits", "tag_topics", "set_campaign_status"} <= {
        a for _, _, a in actions
    }
    assert {"reject", "request_changes", "clone", "clear_hits"} | ADMIN_FORMS_IN_ERROR_STATE <= set(error_states)


def verified_context(browser, live_server, user):  # noqa: ANN001, ANN201
    """A browser context whose session has passed the second factor (as after a correct code)."""
    from tests.accounts.otp import verified_client

    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    context.set_default_timeout(15_000)
    cookie = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def test_the_second_factor_pages_and_their_error_states_have_no_axe_violations(
    sweep_as, settings, _playwright_browser, live_server
):
    """Enrolment (QR code, key, confirmation form), verification, and the recovery codes shown once: zero
    violations, as every public page, with each form submitted empty and with a wrong code."""
    from tests.accounts.otp import totp_device, wrong_code_for
    from tests.factories import StaffFactory

    settings.AIX_ADMIN_REQUIRE_OTP = True
    newcomer, enrolled = StaffFactory(email="new-reviewer@example.gov"), StaffFactory(email="reviewer@example.gov")
    device = totp_device(enrolled)
    sweeps = [sweep_as(newcomer), sweep_as(enrolled)]
    for sweep, route in zip(sweeps, ("mfa:setup", "mfa:verify"), strict=True):
        visit = Visit(reverse(route), route)
        assert sweep.visit(visit), sweep.report()
        forms = data_entry_forms(sweep.page.content())
        assert submit_forms_empty(sweep, visit, forms) == 1
        sweep.page.fill("input[name=code]", wrong_code_for(device))
        with sweep.page.expect_navigation():
            sweep.page.locator("main form [type=submit]").first.click()
        assert sweep.page.locator("[data-aix-error-summary]").count()
        sweep.check(f"{route} with a wrong code")
    assert sweeps[0].page.locator("svg[role=img] title").count() == 1
    context = verified_context(_playwright_browser, live_server, enrolled)
    codes = Sweep(context)
    assert codes.visit(Visit(reverse("mfa:recovery_codes"), "mfa:recovery_codes"))
    with codes.page.expect_navigation():
        codes.page.get_by_role("button", name="Generate new recovery codes").click()
    assert codes.page.locator("[data-aix-recovery-codes] li").count() == 10
    codes.check("mfa:recovery_codes showing new codes")
    context.close()
    report = "\n\n".join(s.report() for s in [*sweeps, codes] if s.report())
    assert not report, report
