"""Reads of restricted-party screening: matching against the current list and what blocks publication."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ConsortiumMember, Organization, OrganizationMembership

from .choices import BLOCKING_STATUSES, HitStatus, SubjectKind
from .matching import Candidate, Match, NameIndex, best_per_entry, country_allows, name_variants
from .models import ScreeningEntry, ScreeningHit, ScreeningListImport, ScreeningName

# pg_trgm computes similarity as float4; compare both backends on the score rounded to this many places so a
# pair exactly at the threshold is a hit on PostgreSQL and SQLite alike.
_SCORE_PLACES = 6
Query = tuple[str, "str | None"]  # (name screened, country code for the optional narrowing)


def screening_threshold() -> float:
    return float(settings.AIX_SCREENING_THRESHOLD)


def screening_current_import() -> ScreeningListImport | None:
    """The list in force: the latest import."""
    return ScreeningListImport.objects.order_by("-imported_at", "-id").first()


class Matcher:
    """Matches names against the current list: ``matcher(name, country)`` or, for a batch, ``matcher.many()``.

    Entries whose ``end_date`` has passed are not matched. Each name is searched under all its forms
    (``name_variants``); an entry's best-scoring name counts.
    """

    def __init__(self, search_many: Callable[[Sequence[Query]], list[list[Match]]]) -> None:
        self._search_many = search_many

    def __call__(self, name: str, country: str | None) -> list[Match]:
        return self.many([(name, country)])[0]

    def many(self, queries: Sequence[Query]) -> list[list[Match]]:
        """The matches of each query, in order. On PostgreSQL one query for the whole batch."""
        return self._search_many(queries) if queries else []


def screening_matcher(
    *, threshold: float | None = None, narrow_by_country: bool | None = None, in_python: bool | None = None
) -> Matcher:
    """A matcher against the current list.

    On PostgreSQL a batch of names is one query served by the GIN trigram index; elsewhere (or with
    ``in_python``) the names are loaded once into an in-memory trigram index, so build one matcher per batch.
    """
    limit = screening_threshold() if threshold is None else threshold
    narrow = settings.AIX_SCREENING_NARROW_BY_COUNTRY if narrow_by_country is None else narrow_by_country
    if in_python is None:
        in_python = connection.vendor != "postgresql"
    if not in_python:
        return Matcher(lambda queries: _pg_matches(queries, limit, narrow=narrow))
    index = NameIndex(_candidates())

    def search_many(queries: Sequence[Query]) -> list[list[Match]]:
        return [
            [
                m
                for m in index.search(name, threshold=limit - 10**-_SCORE_PLACES, country=country if narrow else None)
                if round(m.score, _SCORE_PLACES) >= limit
            ]
            for name, country in queries
        ]

    return Matcher(search_many)


def _in_force() -> Q:
    return Q(entry__end_date__isnull=True) | Q(entry__end_date__gte=timezone.localdate())


def _candidates() -> list[Candidate]:
    rows = ScreeningName.objects.filter(_in_force()).values_list(
        "entry_id", "name", "normalized", "is_alias", "entry__countries", "entry__entry_type"
    )
    return [Candidate(e, n, norm, alias, frozenset(c or ()), t) for e, n, norm, alias, c, t in rows.iterator(2000)]


def _pg_matches(queries: Sequence[Query], threshold: float, *, narrow: bool) -> list[list[Match]]:
    """All queries' matches in one statement: each form of each name probes the GIN index (a nested loop)."""
    texts, owners = [], []
    for position, (name, _country) in enumerate(queries):
        for variant in name_variants(name):
            texts.append(variant)
            owners.append(position)
    scored: list[list[tuple[Candidate, float]]] = [[] for _ in queries]
    if texts:
        floor = threshold - 10**-_SCORE_PLACES
        names, entries = ScreeningName._meta.db_table, ScreeningEntry._meta.db_table
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
            cursor.execute(
                f"SELECT q.owner, n.entry_id, n.name, n.normalized, n.is_alias, e.countries, e.entry_type,"  # noqa: S608
                f" similarity(n.normalized, q.query)"
                f" FROM unnest(%s::text[], %s::int[]) AS q(query, owner)"
                f" JOIN {names} n ON n.normalized %% q.query"
                f" JOIN {entries} e ON e.id = n.entry_id"
                f" WHERE (e.end_date IS NULL OR e.end_date >= %s) AND similarity(n.normalized, q.query) >= %s",
                [texts, owners, timezone.localdate(), floor],
            )
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [seqscan])
        for owner, e, n, norm, alias, c, t, score in rows:
            if round(float(score), _SCORE_PLACES) >= threshold:
                scored[owner].append((Candidate(e, n, norm, alias, frozenset(c or ()), t), float(score)))
    return [
        best_per_entry((cand, s) for cand, s in found if country_allows(cand.countries, country if narrow else None))
        for found, (_name, country) in zip(scored, queries, strict=True)
    ]


def screening_member_organization_ids() -> list[int]:
    """Every organization that is a member of at least one consortium (the population screened)."""
    return sorted(set(ConsortiumMember.objects.values_list("organization_id", flat=True)))


def screening_people_of(organization_ids: Iterable[int]) -> dict[int, list[str]]:
    """The people the portal names on each organization: the full names of its members (admins, editors).

    The organization model holds no officers or contacts of its own; its members' accounts are the named
    individuals it has. One query for the whole batch.
    """
    people: dict[int, list[str]] = {}
    rows = (
        OrganizationMembership.objects.filter(organization_id__in=list(organization_ids), user__is_active=True)
        .exclude(user__full_name="")
        .values_list("organization_id", "user__full_name")
        .order_by("organization_id", "user__full_name")
    )
    for organization_id, full_name in rows:
        names = people.setdefault(organization_id, [])
        if full_name.strip() and full_name.strip() not in names:
            names.append(full_name.strip())
    return people


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
    if hit.screened_subject == SubjectKind.PERSON:
        values["person"] = hit.screened_name
        if hit.status == HitStatus.CONFIRMED:
            return (
                _(
                    "%(person)s, named on %(organization)s, is confirmed by staff as the restricted party "
                    "“%(name)s” (%(list)s)."
                )
                % values
            )
        return (
            _(
                "%(person)s, named on %(organization)s, may be a restricted party: the name matches “%(name)s” on "
                "%(list)s (score %(score)s). Staff must clear or confirm this screening hit."
            )
            % values
        )
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
