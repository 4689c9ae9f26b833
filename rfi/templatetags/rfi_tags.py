"""Template helpers of the RFI pages: dates in the visitor's zone (with the zone named) and countdowns."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def local_datetime(value: datetime | None) -> str:
    """``<time datetime="…Z">13 December 2025, 23:59 JST (Asia/Tokyo)</time>`` in the active zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    abbreviation = local.tzname() or ""
    label = zone if abbreviation in {"", zone} or abbreviation.startswith(("+", "-")) else f"{abbreviation}, {zone}"
    return format_html(
        '<time datetime="{}">{} ({})</time>',
        value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        f"{date_format(local, 'DATE_FORMAT')}, {local:%H:%M}",
        label,
    )


@register.simple_tag
def countdown(notice, now: datetime | None = None) -> str:  # noqa: ANN001
    """ "Closes in 3 days", "Opens in 5 hours", "Closed" — in words, so colour is never the only cue."""
    now = now or timezone.now()
    if notice.has_closed(now):
        return _("Closed; late responses accepted") if notice.accepts_late else _("Closed")
    target, opening = (notice.opens_at, True) if not notice.has_opened(now) else (notice.closes_at, False)
    seconds = (target - now).total_seconds()
    if seconds >= 86400:
        days = math.ceil(seconds / 86400)
        text = (
            ngettext("Opens in %(n)d day", "Opens in %(n)d days", days)
            if opening
            else ngettext("Closes in %(n)d day", "Closes in %(n)d days", days)
        )
        return text % {"n": days}
    hours = math.ceil(seconds / 3600)
    if opening:
        return ngettext("Opens in %(n)d hour", "Opens in %(n)d hours", hours) % {"n": hours}
    return ngettext("Closes in %(n)d hour", "Closes in %(n)d hours", hours) % {"n": hours}


@register.simple_tag
def notice_state(notice, now: datetime | None = None) -> str:  # noqa: ANN001
    now = now or timezone.now()
    if not notice.has_opened(now):
        return _("Upcoming")
    return _("Closed") if notice.has_closed(now) else _("Open")
