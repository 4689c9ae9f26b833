"""Object-level permissions, discovered rather than listed (issue 6).

The test walks Django's URL resolver (every include, the DRF router under /api/v1/ and the Django admin),
finds every route that takes an object identifier and fills it with a PRIVATE object of company A. Company
B (signed in) must get 404 on each, for GET and POST; anonymous visitors get the sign-in redirect or 404
(the API: 401/403/404). A route whose identifier the test cannot map fails the test by name, so a new route
cannot slip by: either map it to a private fixture or add it to the short public-by-design allow-list.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from catalog.choices import MemberStatus, OrganizationRole, PackageStatus
from catalog.models import Inquiry, PackageTranslation
from catalog.readiness import STEPS
from tests.buyer_requests.factories import make_request
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import ConsortiumFactory, MembershipFactory
from tests.rfi.factories import AttachmentFactory, InternalNoteFactory, NoticeFactory, SubmissionFactory
from tests.routes import Route, all_routes, fill, is_admin

pytestmark = pytest.mark.django_db

SECRET_INQUIRY = "INQUIRY-SECRET-ALPHA-7731"
# A 32-character CSRF secret: the client sends it as the cookie and as the header, as a browser would.
CSRF_SECRET = "a" * 32


# Routes public by design: their identifiers name public things (or are checked by Django itself).
PUBLIC_BY_DESIGN = {
    "portal:page": "published information pages",
    "accounts:password_reset_confirm": "Django's signed reset link; a wrong token shows 'invalid link'",
    "accounts:email_confirm": "the signed e-mail confirmation link; a wrong token shows 'not valid', changes nothing",
    "catalog:consortium_detail": "public consortium pages",
    "api-consortium-detail": "public consortium pages (API)",
    "eligibility-ruleset": "published eligibility rule sets",
    "rfi:notice_detail": "RFI notice pages are public",
    "rfi:submission_create": "the public response form of a notice",
    "rfi:submission_done": "receipt from the respondent's own session; else a redirect to the notice",
    "rfi:reading_room": "the reading room of a closed notice (403 while open)",
    "rfi:submissions_csv": "the reading room's open data (only public parts)",
    "rfi:submissions_json": "the reading room's open data (only public parts)",
    "rfi-api-notice-detail": "RFI notice pages (API)",
    "alerts:confirm": "the signed confirmation link of an alert; a wrong token shows 'not valid', changes nothing",
    "alerts:unsubscribe": "the signed unsubscribe link of alert e-mails; a wrong token shows 'not valid'",
    "alerts:manage": "the signed manage link of a subscriber (no account); a wrong token shows 'not valid'",
    "rfi-api-submissions": "the reading room of a closed notice (API)",
    "buyer_requests:status": "the signed status link of a package request; a wrong token shows 'not valid', "
    "changes nothing",
}


@pytest.fixture
def world() -> dict:
    """Company A with private objects of every kind; company B apart; a closed RFI notice."""
    user_a, org_a, consortium_a = company("Alpha Compute")
    org_editor = MembershipFactory(organization=org_a, role=OrganizationRole.EDITOR)
    member = add_member(consortium_a)
    draft = complete_package(consortium_a, title="Alpha private draft")
    PackageTranslation.objects.create(package=draft, language="ja", title="非公開の下書き")
    in_review = complete_package(consortium_a, status=PackageStatus.SUBMITTED, title="Alpha in review")
    published = complete_package(consortium_a, status=PackageStatus.PUBLISHED, title="Alpha published")
    Inquiry.objects.create(
        package=published, name="Buyer", organization="Buyer Ltd", country_id="KE",
        email="buyer@example.org", message=SECRET_INQUIRY,
    )  # fmt: skip
    token_a = Token.objects.create(user=user_a)
    notice = NoticeFactory(closed=True)
    held_back = SubmissionFactory(
        notice=notice, user=user_a, is_confidential=True, confidentiality_justification="Pricing.",
        hidden_from_reading_room=True,
    )  # fmt: skip
    secret_file = AttachmentFactory(submission=held_back, original_name="pricing.pdf", is_confidential=True)
    InternalNoteFactory(submission=held_back, text="INTERNAL-NOTE-XYZ")
    package_request = make_request(confidential_details="REQUEST-SECRET-XYZ")
    user_b, _org_b, _consortium_b = company("Beta Systems")
    # Company A's organization is invited to one consortium and a member of another (neither is B's).
    invitation = add_member(ConsortiumFactory(), organization=org_a, status=MemberStatus.PENDING)
    membership = add_member(ConsortiumFactory(), organization=org_a)
    return {
        "a": user_a, "b": user_b, "org": org_a, "org_member": org_editor, "consortium": consortium_a,
        "member": member, "draft": draft, "in_review": in_review, "component": draft.components.first(),
        "token": token_a, "notice": notice, "submission": held_back, "attachment": secret_file,
        "invitation": invitation, "membership": membership, "package_request": package_request,
    }  # fmt: skip


def _org(w: dict) -> dict:
    return {"slug": w["org"].slug, "pk": str(w["org_member"].pk)}


def _consortium(w: dict) -> dict:
    return {"slug": w["consortium"].slug, "member_id": str(w["member"].pk)}


def _draft(w: dict) -> dict:
    component = str(w["component"].pk)
    return {"slug": w["draft"].slug, "step": STEPS[0][0], "component_id": component, "pk": component, "language": "ja"}


def _in_review(w: dict) -> dict:
    return {"slug": w["in_review"].slug}


def _invitation(w: dict) -> dict:
    return {"member_id": str(w["invitation"].pk)}


def _membership(w: dict) -> dict:
    return {"member_id": str(w["membership"].pk)}


def _rfi(w: dict) -> dict:
    return {
        "docket": w["notice"].docket_id,
        "tracking_number": w["submission"].tracking_number,
        "public_id": str(w["attachment"].public_id),
    }


def _package_request(w: dict) -> dict:
    return {"reference": w["package_request"].reference}


# Which private object each route is about, by route name, then by namespace / name prefix.
PRIVATE_BY_NAME: dict[str, Callable[[dict], dict]] = {
    "catalog:manage_package_withdraw": _in_review,
    "catalog:package_detail": _draft,  # a draft is not a published package page
    "catalog:package_contact": _draft,  # nor has it an inquiry page
    "eligibility:package": _draft,
    "api-package-detail": _draft,
    "eligibility-package": _draft,
    "package-submit": _draft,
    "catalog:manage_invitation_accept": _invitation,
    "catalog:manage_invitation_decline": _invitation,
    "membership-accept": _invitation,
    "membership-decline": _invitation,
    "catalog:manage_membership_leave": _membership,
    "membership-leave": _membership,
    "rfi:attachment": _rfi,
    "rfi:reading_room_detail": _rfi,  # a submission held back from the reading room
}
PRIVATE_BY_PREFIX: list[tuple[str, Callable[[dict], dict]]] = [
    ("organizations:", _org),
    ("catalog:manage_consortium_", _consortium),
    ("consortium-member-", _consortium),
    ("catalog:manage_package_new", _consortium),
    ("catalog:manage_package_", _draft),
    ("catalog:manage_component_", _draft),
    ("catalog:manage_translation_", _draft),
    ("draft-", _draft),
    ("staff-package-request", _package_request),  # the staff API: 404 for everyone but staff
]


def private_values(route: Route, w: dict) -> dict | None:
    mapper = PRIVATE_BY_NAME.get(route.name) or next(
        (m for prefix, m in PRIVATE_BY_PREFIX if route.name.startswith(prefix)), None
    )
    if mapper is None:
        return None
    values = mapper(w)
    return values if all(k in values for k in route.kwargs) else None


def routes_with_ids() -> list[Route]:
    return [r for r in all_routes() if r.kwargs]


def private_urls(w: dict) -> list[tuple[Route, str]]:
    urls = []
    for route in routes_with_ids():
        if is_admin(route) or route.name in PUBLIC_BY_DESIGN:
            continue
        values = private_values(route, w)
        if values is not None:
            urls.append((route, fill(route.pattern, values)))
    return urls


def csrf_client(user=None) -> Client:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def post(client: Client, route: Route, url: str, **extra):  # noqa: ANN003, ANN201
    if route.is_api:
        return client.post(url, data="{}", content_type="application/json", **extra)
    return client.post(url, {"name": "x"}, **extra)


def test_the_walk_discovers_the_app_the_api_and_the_admin_routes():
    names = {r.name for r in all_routes()}
    for expected in ("catalog:manage_package_detail", "draft-component-detail", "api-package-detail", "rfi:attachment"):
        assert expected in names
    assert any(is_admin(r) and "object_id" in r.kwargs for r in all_routes())


def test_every_route_with_an_object_identifier_is_mapped_to_a_private_object_or_public_by_design(world):
    unmapped = [
        f"{r.name or '(unnamed)'} {r.pattern} {list(r.kwargs)}"
        for r in routes_with_ids()
        if not is_admin(r) and r.name not in PUBLIC_BY_DESIGN and private_values(r, world) is None
    ]
    assert not unmapped, "Routes with identifiers the permission walk cannot map:\n" + "\n".join(unmapped)
    assert not set(PUBLIC_BY_DESIGN) - {r.name for r in all_routes()}, "stale allow-list entries"


def test_company_a_itself_reaches_its_private_pages(world):
    """The fixture URLs are real: without this the 404s below could come from wrong identifiers."""
    client = csrf_client(world["a"])
    broken = {}
    for route, url in private_urls(world):
        got = client.get(url).status_code
        if got == 405:  # a POST-only action: the owner's POST must find the object (it may refuse the state)
            got = post(client, route, url, HTTP_X_CSRFTOKEN=CSRF_SECRET).status_code
        if got == 404:
            broken[route.name] = url
    # Only state-bound routes may 404 for the owner: a draft has no public page, and the held-back
    # submission is in no reading room.
    assert set(broken) <= {
        "catalog:package_detail", "catalog:package_contact", "eligibility:package", "api-package-detail",
        "eligibility-package", "rfi:reading_room_detail",
        # The staff API of package requests has no owner account: only staff reach it (checked below).
        "staff-package-request", "staff-package-request-notes", "staff-package-request-replies",
        "staff-package-request-matches",
    }, broken  # fmt: skip


def test_the_staff_api_of_package_requests_answers_staff_with_the_request(world):
    from tests.factories import StaffFactory

    reference = world["package_request"].reference
    staff = csrf_client(StaffFactory())
    response = staff.get(reverse("staff-package-request", args=[reference]))
    assert response.status_code == 200 and response.json()["confidential_details"] == "REQUEST-SECRET-XYZ"
    assert (
        "REQUEST-SECRET-XYZ"
        not in csrf_client(world["b"]).get(reverse("staff-package-request", args=[reference])).content.decode()
    )


def test_another_company_gets_404_for_get_and_post_on_every_private_route(world):
    client = csrf_client(world["b"])
    leaks = []
    for route, url in private_urls(world):
        # 405 answers the method before any lookup (a POST-only action, a read-only page): it names no
        # object, so it leaks nothing; but every route must 404 for at least one of the two methods.
        got_get = client.get(url).status_code
        got_post = post(client, route, url, HTTP_X_CSRFTOKEN=CSRF_SECRET).status_code
        if got_get not in (404, 405) or got_post not in (404, 405) or 404 not in (got_get, got_post):
            leaks.append(f"{url} ({route.name}) -> GET {got_get}, POST {got_post}")
    assert not leaks, "\n".join(leaks)
    assert len(private_urls(world)) >= 25


def test_the_csrf_enforcing_client_really_enforces_csrf(world):
    client = csrf_client(world["b"])
    response = client.post(reverse("catalog:manage_consortium_create"), {"name": "x"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_or_get_404(world):
    client = csrf_client()
    sign_in = reverse("accounts:login")
    wrong = []
    for route, url in private_urls(world):
        for method in ("get", "post"):
            response = client.get(url) if method == "get" else post(client, route, url, HTTP_X_CSRFTOKEN=CSRF_SECRET)
            code = response.status_code
            if route.is_api:
                ok = code in (401, 403, 404, 405) and response["Content-Type"].startswith("application/json")
            else:
                ok = code in (404, 405) or (code == 302 and response["Location"].startswith(sign_in))
            if not ok:
                wrong.append(f"{method.upper()} {url} ({route.name}) -> {code}")
    assert not wrong, "\n".join(wrong)


def test_admin_routes_send_a_signed_in_non_staff_user_to_the_admin_login(world):
    client = csrf_client(world["b"])
    admin_login = reverse("admin:login")
    values = {"object_id": str(world["draft"].pk), "id": str(world["a"].pk), "content_type_id": "1"}
    values |= {"app_label": "catalog", "url": "catalog/package/"}
    checked = 0
    for route in routes_with_ids():
        if not is_admin(route):
            continue
        response = client.get(fill(route.pattern, values))
        assert response.status_code == 302, route.pattern
        assert response["Location"].startswith(admin_login), route.pattern
        checked += 1
    assert checked > 50


def test_lists_and_pages_of_company_b_never_show_company_a_private_objects(world):
    client = csrf_client(world["b"])
    private_text = (world["draft"].title, world["draft"].slug, world["in_review"].title, SECRET_INQUIRY)
    for url in (reverse("catalog:dashboard"), "/api/v1/drafts/", reverse("catalog:package_list"), "/api/v1/packages/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in private_text:
            assert text not in body, f"{url} shows {text!r}"
    token_page = client.get(reverse("catalog:manage_api_token")).content.decode()
    assert world["token"].key not in token_page
    # The token page acts on the signed-in user's own token only: B revoking leaves A's token alone.
    client.post(reverse("catalog:manage_api_token"), {"action": "revoke"}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert Token.objects.filter(key=world["token"].key).exists()
    assert world["org"].name not in client.get(reverse("organizations:list")).content.decode()


def test_a_signed_in_user_of_company_b_cannot_read_the_held_back_submission_or_its_file(world):
    client = csrf_client(world["b"])
    body = client.get(reverse("rfi:reading_room", args=[world["notice"].docket_id])).content.decode()
    assert world["submission"].tracking_number not in body
    assert "INTERNAL-NOTE-XYZ" not in body


def test_the_same_lists_do_show_company_a_its_own_private_objects(world):
    """The control for the test above: the private text is really on A's own pages."""
    client = csrf_client(world["a"])
    dashboard = client.get(reverse("catalog:dashboard")).content.decode()
    assert world["draft"].title in dashboard
    assert world["draft"].slug in client.get("/api/v1/drafts/").content.decode()


def test_a_new_route_with_an_unmapped_identifier_is_reported_not_skipped(world):
    new_route = Route(
        name="catalog:manage_package_export", pattern="dashboard/packages/<slug:slug>/x/<int:n>/", kwargs=("slug", "n")
    )
    unknown_app = Route(name="billing:invoice", pattern="billing/<int:pk>/", kwargs=("pk",))
    assert private_values(new_route, world) is None
    assert private_values(unknown_app, world) is None


def test_an_unconfirmed_company_user_is_refused_every_gated_write_with_a_403(world):
    """The e-mail confirmation gate (issue 10) on each surface: organization and consortium forms, adding a
    consortium member, submitting from the wizard and from the API. Company A's own objects; A unconfirmed."""
    from aiexports.accounts.tokens import make_token

    user = world["a"]
    user.email_confirmed_at = None
    user.save(update_fields=["email_confirmed_at"])
    client = csrf_client(user)
    slug, draft = world["consortium"].slug, world["draft"].slug
    gated = [
        ("get", reverse("organizations:create"), {}),
        ("post", reverse("organizations:create"), {"name": "X", "country": "US"}),
        ("get", reverse("catalog:manage_consortium_create"), {}),
        ("post", reverse("catalog:manage_consortium_create"), {"name": "X", "anchor": world["org"].pk}),
        ("post", reverse("catalog:manage_consortium_members", args=[slug]), {"organization": "x", "role": "data"}),
        ("post", reverse("catalog:manage_package_submit", args=[draft]), {}),
    ]
    for method, url, data in gated:
        response = getattr(client, method)(url, data, HTTP_X_CSRFTOKEN=CSRF_SECRET)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Send the confirmation e-mail again" in response.content.decode(), url
    response = client.post(
        reverse("package-submit", args=[draft]), data="{}", content_type="application/json",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )  # fmt: skip
    assert response.status_code == 403 and response.json()["code"] == "email_unconfirmed"
    world["draft"].refresh_from_db()
    assert world["draft"].status == PackageStatus.DRAFT
    # The confirmation link itself is public by design: anyone holding it may use it, no one else.
    anonymous = csrf_client()
    bad = reverse("accounts:email_confirm", args=[make_token(user) + "x"])
    assert anonymous.post(bad, HTTP_X_CSRFTOKEN=CSRF_SECRET).status_code == 400
    good = reverse("accounts:email_confirm", args=[make_token(user)])
    assert anonymous.post(good, HTTP_X_CSRFTOKEN=CSRF_SECRET).status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def _admin_url(route: Route, w: dict) -> str:
    values = {"object_id": str(w["draft"].pk), "id": str(w["a"].pk), "content_type_id": "1"}
    values |= {"app_label": "catalog", "url": "catalog/package/"}
    return fill(route.pattern, values)


def test_every_admin_route_refuses_a_staff_session_that_has_not_passed_the_second_factor(world, settings):
    """Issue 10: a staff password alone opens no admin page — every route the resolver has under /admin/
    (Django's, each ModelAdmin's and the project's custom ``get_urls`` views), for GET and POST, answers with
    a redirect to the admin sign-in (which sends the session on to the second factor); none answers 200."""
    from tests.accounts.otp import totp_device, verified_client
    from tests.factories import StaffFactory

    settings.AIX_ADMIN_REQUIRE_OTP = True
    staff = StaffFactory()
    totp_device(staff)
    client = csrf_client(staff)
    admin_login, second_factor = reverse("admin:login"), reverse("mfa:verify")
    wrong, checked = [], 0
    for route in all_routes():
        if not is_admin(route):
            continue
        url = _admin_url(route, world)
        # A POST to the sign-in page is a (wrong) password: the form again, which shows no admin data.
        for method in ("get",) if route.name == "admin:login" else ("get", "post"):
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, {"name": "x"}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
            location = response.get("Location", "")
            expected = second_factor if route.name == "admin:login" else admin_login
            if route.name == "admin:logout":  # Django sends a session without admin permission to the index
                expected = reverse("admin:index")
            if response.status_code != 302 or not location.startswith(expected):
                wrong.append(f"{method.upper()} {url} ({route.name or 'unnamed'}) -> {response.status_code} {location}")
        checked += 1
    assert not wrong, "admin routes open to a password-only staff session:\n" + "\n".join(wrong)
    assert checked > 100
    assert {"admin:rfi_submission_export", "admin:index"} <= {r.name for r in all_routes()}
    # The control: the same staff member with the second factor passed reaches the admin and the custom view.
    verified = verified_client(staff)
    assert verified.get(reverse("admin:index")).status_code == 200
    assert verified.get(reverse("admin:rfi_submission_export")).status_code == 200


def test_the_invitations_page_and_api_show_each_organization_its_own_invitations_only(world):
    inviting = world["invitation"].consortium.name
    mine = csrf_client(world["a"])
    theirs = csrf_client(world["b"])
    assert inviting in mine.get(reverse("catalog:manage_invitations")).content.decode()
    assert inviting not in theirs.get(reverse("catalog:manage_invitations")).content.decode()
    assert str(world["invitation"].pk) in {str(m["id"]) for m in mine.get("/api/v1/memberships/").json()}
    theirs_ids = {m["id"] for m in theirs.get("/api/v1/memberships/").json()}  # B's own anchor membership only
    assert theirs_ids and not theirs_ids & {world["invitation"].pk, world["membership"].pk}


def test_alert_links_reach_only_their_own_subscriber_and_one_kind_of_link_is_not_another(world):
    """The alert pages have no account: the signed link is the permission. B's manage link shows and ends only B's
    alerts; a confirmation link is not a manage or unsubscribe link (each kind has its own salt)."""
    from django.utils import timezone

    from alerts import tokens
    from alerts.models import Alert, Subscriber

    def alert_of(email: str, label: str) -> Alert:
        subscriber = Subscriber.objects.create(email=email)
        return Alert.objects.create(subscriber=subscriber, country_id="JP", label=label, confirmed_at=timezone.now())

    mine, theirs = alert_of("a@example.jp", "ALERT-SECRET-A"), alert_of("b@example.jp", "ALERT-SECRET-B")
    client = csrf_client(world["b"])  # signed in or not makes no difference
    page = client.get(reverse("alerts:manage", args=[tokens.manage_token(theirs.subscriber)])).content.decode()
    assert "ALERT-SECRET-B" in page and "ALERT-SECRET-A" not in page
    client.post(reverse("alerts:manage", args=[tokens.manage_token(theirs.subscriber)]), {"alert": str(mine.pk)},
                HTTP_X_CSRFTOKEN=CSRF_SECRET)  # fmt: skip
    confirm = tokens.confirm_token(mine)
    for name in ("alerts:manage", "alerts:unsubscribe"):
        response = client.post(reverse(name, args=[confirm]), {"List-Unsubscribe": "One-Click"},
                               HTTP_X_CSRFTOKEN=CSRF_SECRET)  # fmt: skip
        assert response.status_code == 400, name
    mine.refresh_from_db()
    assert mine.ended_at is None
