"""Public RFI pages: notices, the response form, tracking, the reading room and attachment downloads."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from aiexports.http import client_ip
from aiexports.views import ratelimited

from .. import selectors
from ..forms import SubmissionForm, TrackForm, tie_errors
from ..models import Notice
from ..review import attachment_download_audit
from ..services import SubmissionInvalid, rfi_submission_create
from ..timezones import with_user_timezone, zone_choices

# Rate limits are checked in the view (block=False) so the project's 429 page answers without extra middleware.
SESSION_RECEIPT = "rfi_last_tracking_number"
READING_ROOM_PAGE_SIZE = 20


def _submit_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_RFI_SUBMIT


def _track_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_RFI_TRACK


def _notice_or_404(docket: str) -> Notice:
    try:
        return selectors.notice_with_questions(docket)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc


def _tz_context(request: HttpRequest) -> dict:
    current = getattr(request, "aix_timezone", "UTC")
    return {"tz_name": current, "tz_choices": zone_choices(current), "now": timezone.now()}


@require_GET
@with_user_timezone
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = list(selectors.notice_list())
    return render(request, "rfi/notice_list.html", {"notices": notices, **_tz_context(request)})


@require_GET
@with_user_timezone
def notice_detail(request: HttpRequest, docket: str) -> HttpResponse:
    notice = _notice_or_404(docket)
    context = {"notice": notice, "topics": selectors.numbered_questions(notice), **_tz_context(request)}
    return render(request, "rfi/notice_detail.html", context)


def _initial_for(user) -> dict:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return {"respondent_type": "individual"}
    initial = {"respondent_type": "individual", "name": user.full_name, "email": user.email}
    membership = user.memberships.select_related("organization").first() if hasattr(user, "memberships") else None
    if membership:
        org = membership.organization
        initial.update(respondent_type="organization", organization_name=org.name, country=org.country_id)
    return initial


@require_http_methods(["GET", "POST"])
@with_user_timezone
@ratelimit(key="ip", rate=_submit_rate, method="POST", block=False)
def submission_create(request: HttpRequest, docket: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return ratelimited(request)
    notice = _notice_or_404(docket)
    topics = selectors.numbered_questions(notice)
    context = {"notice": notice, "topics": topics, **_tz_context(request)}
    if not notice.accepts_submissions():
        return render(request, "rfi/submission_closed.html", context, status=403 if notice.has_closed() else 404)
    if request.method != "POST":
        form = SubmissionForm(notice=notice, topics=topics, initial=_initial_for(request.user))
        return render(request, "rfi/submission_form.html", {**context, "form": form})

    form = SubmissionForm(request.POST, request.FILES, notice=notice, topics=topics)
    if form.is_valid():
        try:
            submission = rfi_submission_create(
                **form.service_kwargs(),
                user=request.user,
                ip_address=client_ip(request),
                language=translation.get_language() or "",
            )
        except SubmissionInvalid as error:
            form.add_service_errors(error)
        else:
            request.session[SESSION_RECEIPT] = submission.tracking_number
            return redirect("rfi:submission_done", docket=notice.docket_id)
    files_note = form.had_files()
    tie_errors(form)
    return render(request, "rfi/submission_form.html", {**context, "form": form, "files_note": files_note}, status=400)


@require_GET
@with_user_timezone
def submission_done(request: HttpRequest, docket: str) -> HttpResponse:
    number = request.session.get(SESSION_RECEIPT)
    submission = selectors.submission_by_number(number) if number else None
    if submission is None or submission.notice.docket_id != docket:
        return redirect("rfi:notice_detail", docket=docket)
    return render(request, "rfi/submission_done.html", {"submission": submission, "notice": submission.notice})


@require_http_methods(["GET", "POST"])
@with_user_timezone
@ratelimit(key="ip", rate=_track_rate, method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return ratelimited(request)
    # The receipt e-mail links here with the tracking number filled in (``?number=``).
    form = TrackForm(request.POST or None, initial={"tracking_number": request.GET.get("number", "")[:20]})
    result, looked_up = None, False
    if request.method == "POST" and form.is_valid():
        looked_up = True
        result = selectors.submission_for_tracking(form.cleaned_data["tracking_number"], form.cleaned_data["email"])
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    tie_errors(form)
    context = {"form": form, "result": result, "looked_up": looked_up, **_tz_context(request)}
    return render(request, "rfi/track.html", context, status=status)


@require_GET
@with_user_timezone
def reading_room(request: HttpRequest, docket: str) -> HttpResponse:
    notice = _notice_or_404(docket)
    context = {"notice": notice, **_tz_context(request)}
    if not notice.has_closed():
        return render(request, "rfi/reading_room_closed.html", context, status=403)
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.reading_room(notice, query=query), READING_ROOM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "rfi/reading_room.html", {**context, "page": page, "query": query})


@require_GET
@with_user_timezone
def reading_room_detail(request: HttpRequest, docket: str, tracking_number: str) -> HttpResponse:
    notice = _notice_or_404(docket)
    submission = selectors.reading_room_submission(notice, tracking_number) if notice.has_closed() else None
    if submission is None:
        raise Http404
    return render(request, "rfi/reading_room_detail.html", {"notice": notice, "submission": submission})


@require_GET
def attachment_download(request: HttpRequest, public_id: str) -> FileResponse:
    """Every attachment download comes through here: permission first, then a forced download."""
    attachment = selectors.attachment_for_download(public_id)
    if attachment is None or not selectors.may_download(request.user, attachment):
        raise Http404  # the same answer for "no such file" and "not yours": nothing to learn by probing
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    attachment_download_audit(actor=request.user, attachment=attachment, ip_address=client_ip(request))
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    public = selectors.attachment_is_public(attachment)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
