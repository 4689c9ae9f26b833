"""Reads of restricted-party screening: matching against the current list and what blocks publication."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from catalog.models import ConsortiumMember, Organization

from .choices import BLOCKING_STATUSES, HitStatus
from .matching import Candidate, Match, NameIndex, best_per_entry, country_allows, normalize_name
from .models import ScreeningHit, ScreeningListImport, ScreeningName

# pg_trgm computes similarity as float4; compare both backends on the score rounded to this many places so a
# pair exactly at the threshold is a hit on PostgreSQL and SQLite alike.
_SCORE_PLACES = 6
Matcher = Callable[[str, "str | None"], list[Match]]


def screening_threshold() -> float:
    return float(settings.AIX_SCREENING_THRESHOLD)


def screening_current_import() -> ScreeningListImport | None:
    """The list in force: the latest import."""
    return ScreeningListImport.objects.order_by("-imported_at", "-id").first()


def screening_matcher(
    *, threshold: float | None = None, narrow_by_country: bool | None = None, in_python: bool | None = None
) -> Matcher:
    """A function ``(organization name, country code) -> matches`` against the current list.

    On PostgreSQL each call is one query served by the GIN trigram index; elsewhere (or with ``in_python``)
    the names are loaded once into an in-memory trigram index, so build one matcher per batch of organizations.
    """
    limit = screening_threshold() if threshold is None else threshold
    narrow = settings.AIX_SCREENING_NARROW_BY_COUNTRY if narrow_by_country is None else narrow_by_country
    if in_python is None:
        in_python = connection.vendor != "postgresql"
    if not in_python:
        return lambda name, country: _pg_matches(name, country if narrow else None, limit)
    index = NameIndex(_candidates())
    return lambda name, country: [
        m
        for m in index.search(name, threshold=limit - 10**-_SCORE_PLACES, country=country if narrow else None)
        if round(m.score, _SCORE_PLACES) >= limit
    ]


def _candidates() -> list[Candidate]:
    rows = ScreeningName.objects.values_list("entry_id", "name", "normalized", "is_alias", "entry__countries")
    return [Candidate(e, n, norm, alias, frozenset(c or ())) for e, n, norm, alias, c in rows.iterator(2000)]


def _pg_matches(name: str, country: str | None, threshold: float) -> list[Match]:
    query = normalize_name(name)
    if not query:
        return []
    floor = threshold - 10**-_SCORE_PLACES
    with transaction.atomic(), connection.cursor() as cursor:
        # The ``%`` operator (trigram_similar) is what the GIN index serves; its cut-off is this setting.
        # The planner prices similarity() like a cheap operator and sometimes prefers a sequential scan that
        # computes it for every name (seconds on the real list); steer it to the index for this query only.
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true), current_setting('enable_seqscan'),"
            " set_config('enable_seqscan', 'off', true)",
            [str(max(floor, 0.0))],
        )
        seqscan = cursor.fetchone()[1]
        rows = list(
            ScreeningName.objects.filter(normalized__trigram_similar=query)
            .annotate(score=TrigramSimilarity("normalized", query))
            .filter(score__gte=floor)
            .values_list("entry_id", "name", "normalized", "is_alias", "entry__countries", "score")
        )
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [seqscan])
    scored = [
        (Candidate(e, n, norm, alias, frozenset(c or ())), float(score))
        for e, n, norm, alias, c, score in rows
        if round(float(score), _SCORE_PLACES) >= threshold
    ]
    return best_per_entry((cand, s) for cand, s in scored if country_allows(cand.countries, country))


def screening_member_organization_ids() -> list[int]:
    """Every organization that is a member of at least one consortium (the population screened)."""
    return sorted(set(ConsortiumMember.objects.values_list("organization_id", flat=True)))


def organizations_needing_screening(*, limit: int | None = None) -> list[int]:
    """Consortium members not screened against the current list under their current name."""
    current = screening_current_import()
    if current is None:
        return []
    stale = (
        Organization.objects.filter(consortium_memberships__isnull=False)
        .exclude(screening__list_import=current, screening__screened_name=F("name"))
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    return list(stale[:limit] if limit else stale)


def screening_blockers(*, consortium_id: int) -> list[str]:
    """Why this consortium's packages may not be published: open or confirmed hits, unscreened members."""
    # Accepted members only: an invitation not yet accepted is not part of what gets published.
    members = Organization.objects.filter(
        consortium_memberships__in=ConsortiumMember.objects.accepted().filter(consortium_id=consortium_id)
    )
    hits = (
        ScreeningHit.objects.filter(organization__in=members, status__in=BLOCKING_STATUSES)
        .select_related("organization")
        .order_by("organization__name", "-score", "id")
    )
    reasons = [_hit_reason(hit) for hit in hits]
    current = screening_current_import()
    if current is not None:
        unscreened = members.exclude(screening__list_import=current, screening__screened_name=F("name"))
        for organization in unscreened.order_by("name"):
            reasons.append(
                _("%(organization)s has not yet been screened against the current restricted-party list.")
                % {"organization": organization.name}
            )
    return reasons


def _hit_reason(hit: ScreeningHit) -> str:
    values = {
        "organization": hit.organization.name,
        "name": hit.matched_name,
        "list": hit.source_list,
        "score": f"{hit.score:.2f}",
    }
    if hit.status == HitStatus.CONFIRMED:
        return _("%(organization)s is confirmed by staff as the restricted party “%(name)s” (%(list)s).") % values
    return (
        _(
            "%(organization)s may be a restricted party: its name matches “%(name)s” on %(list)s "
            "(score %(score)s). Staff must clear or confirm this screening hit."
        )
        % values
    )


def screening_hits_for_review() -> QuerySet[ScreeningHit]:
    """The hits queue: open hits first, then confirmed, cleared and withdrawn; best scores first."""
    queue_order = Case(
        When(status=HitStatus.OPEN, then=Value(0)),
        When(status=HitStatus.CONFIRMED, then=Value(1)),
        When(status=HitStatus.CLEARED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        ScreeningHit.objects.select_related("organization", "decided_by")
        .annotate(queue_order=queue_order)
        .order_by("queue_order", "-score", "-id")
    )
