"""Writes of restricted-party screening: import the list, screen organizations, clear or confirm hits.

Every change of a hit's status is written with its audit event in the same transaction. Re-screening after an
import runs in Celery once the import has committed; a periodic sweep screens any member still screened against
an older list (or under an old name), so a lost task delays a screening but never skips it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as iso_countries

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, InvalidTransition
from aiexports.tasks_enqueue import enqueue_on_commit
from aiexports.uploads import refusal_message
from catalog.models import Organization
from rfi import filetypes

from .choices import BLOCKING_STATUSES, EntryType, HitStatus, SubjectKind
from .importer import ParsedEntry, ScreeningFileInvalid, countries_of, detect_format, parse_screening_file
from .matching import Match, best_score, name_variants
from .models import OrganizationScreening, ScreeningEntry, ScreeningHit, ScreeningListImport, ScreeningName
from .selectors import (
    Matcher,
    organizations_needing_screening,
    screening_current_import,
    screening_matcher,
    screening_member_organization_ids,
    screening_people_of,
    screening_threshold,
)

RESCREEN_CHUNK = 50
# The tasks, by name (a services module never imports its tasks: aiexports/tasks_enqueue.py).
RESCREEN_ALL_TASK = "screening.tasks.screening_rescreen_all_task"
SCREEN_TASK = "screening.tasks.screening_screen_organizations_task"
SCREEN_BATCH = 500
_PERSON_TYPES = (EntryType.INDIVIDUAL, EntryType.NOT_STATED)
_HIT_FACTS = (
    "entry",
    "entry_key",
    "source_list",
    "entry_name",
    "screened_name",
    "screened_subject",
    "matched_name",
    "matched_alias",
    "score",
    "name_scores",
    "evidence",
)
_ENTRY_FIELDS = (
    "source",
    "entity_number",
    "entry_type",
    "name",
    "alt_names",
    "addresses",
    "countries",
    "programs",
    "start_date",
    "end_date",
    "remarks",
    "source_list_url",
    "raw",
    "fingerprint",
)
# Serializes imports on PostgreSQL (two staff uploading at once would otherwise interleave their upserts).
_IMPORT_LOCK_ID = 0x5C4EE7
_REVIEWABLE = (HitStatus.OPEN, HitStatus.CLEARED)


def screening_list_import(
    *,
    content: bytes,
    file_name: str,
    file_format: str | None = None,
    list_date: date | None = None,
    actor: User | None = None,
    ip_address: str | None = None,
) -> ScreeningListImport:
    """Replace the list with the file's entries, atomically; then re-screen every member (after commit).

    Entries are matched by their CSL id: unchanged entries keep their hits' decisions; a changed entry
    reopens any clearance made against it; an entry gone from the list withdraws its open hits.
    Raises ``ScreeningFileInvalid`` (nothing imported) if the file is not a usable list. ``file_name`` is the
    name as the client sent it (``aiexports.uploads.client_name``): a hostile name is refused, not cleaned.
    """
    file_name = _checked_list_file(file_name, content, file_format)
    fmt = file_format or detect_format(file_name, content)
    parsed = parse_screening_file(content, file_format=fmt)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_ID])
        record = ScreeningListImport.objects.create(
            file_name=file_name[:255],
            file_format=fmt,
            list_date=list_date or timezone.localdate(),
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            row_count=len(parsed.entries),
            sha256=parsed.sha256,
        )
        _replace_entries(record, parsed.entries, actor=actor)
        audit_record(
            actor=actor,
            action="screening.list_imported",
            target=record,
            changes={
                "row_count": record.row_count,
                "added": record.added_count,
                "changed": record.changed_count,
                "removed": record.removed_count,
                "list_date": record.list_date,
                "sha256": record.sha256,
            },
            message=_("Imported %(count)d entries from %(file)s.") % {"count": record.row_count, "file": file_name},
            ip_address=ip_address,
        )
        enqueue_on_commit(RESCREEN_ALL_TASK, import_id=record.pk)
    return record


def _checked_list_file(file_name: str, content: bytes, file_format: str | None) -> str:
    """The cleaned name, or ``ScreeningFileInvalid`` for a hostile name or anything but CSV or JSON text.

    The same checks as every other upload (``rfi.filetypes``): a program, archive or polyglot renamed to
    ``.csv`` is refused by its content before the list parser reads it.
    """
    try:
        name = filetypes.sanitize_filename(file_name)
        if not content:
            return name  # the parser says "The file is empty."
        kind = filetypes.detect(content).kind
        filetypes.check_name_matches(name, kind)
        if kind not in (filetypes.CSV, filetypes.TXT):
            raise filetypes.FileRejected(
                _("%(kind)s files are not accepted (accepted: CSV or JSON)"), kind=kind.upper()
            )
        if not file_format and filetypes.extension_of(name) not in (".csv", ".json"):
            raise filetypes.FileRejected(_("upload a .csv or .json file, or choose the format"))
    except filetypes.FileRejected as exc:
        raise ScreeningFileInvalid(refusal_message(file_name, exc)) from exc
    return name


def _replace_entries(record: ScreeningListImport, entries: list[ParsedEntry], *, actor: User | None) -> None:
    existing = {key: (pk, fp) for key, pk, fp in ScreeningEntry.objects.values_list("key", "pk", "fingerprint")}
    incoming = {entry.key for entry in entries}
    added = [e for e in entries if e.key not in existing]
    changed = [e for e in entries if e.key in existing and existing[e.key][1] != e.fingerprint]
    removed_ids = [pk for key, (pk, _fp) in existing.items() if key not in incoming]

    created = ScreeningEntry.objects.bulk_create(
        [ScreeningEntry(key=e.key, list_import=record, **_entry_values(e)) for e in added], batch_size=500
    )
    updated = []
    for entry in changed:
        row = ScreeningEntry(pk=existing[entry.key][0], key=entry.key, list_import=record, **_entry_values(entry))
        updated.append(row)
    ScreeningEntry.objects.bulk_update(updated, [*_ENTRY_FIELDS, "list_import"], batch_size=500)
    for chunk in _chunks([row.pk for row in updated]):
        ScreeningName.objects.filter(entry_id__in=chunk).delete()
    ScreeningName.objects.bulk_create(
        [
            ScreeningName(entry_id=row.pk, name=name, normalized=normalized, is_alias=alias)
            for row, entry in [*zip(created, added, strict=True), *zip(updated, changed, strict=True)]
            for name, normalized, alias in entry.names()
        ],
        batch_size=1000,
    )
    # Hits are few and entries many: select the hits, then test membership in Python (no huge IN lists).
    changed_ids, removed = {row.pk for row in updated}, set(removed_ids)
    hits = ScreeningHit.objects.select_for_update().filter(entry__isnull=False, status__in=_REVIEWABLE)
    fingerprints = {row.pk: row.fingerprint for row in updated}
    for hit in (h for h in hits if h.status == HitStatus.CLEARED and h.entry_id in changed_ids):
        hit.entry_fingerprint = fingerprints[hit.entry_id or 0]
        _transition(
            hit,
            HitStatus.OPEN,
            actor=actor,
            action="screening.hit_reopened",
            reason=_("The list entry changed in the import of %(date)s.") % {"date": record.list_date},
        )
    for hit in (h for h in hits if h.status == HitStatus.OPEN and h.entry_id in removed):
        _transition(
            hit,
            HitStatus.WITHDRAWN,
            actor=actor,
            action="screening.hit_withdrawn",
            reason=_("The entry is no longer on the list imported on %(date)s.") % {"date": record.list_date},
        )
    for chunk in _chunks(removed_ids):
        ScreeningEntry.objects.filter(pk__in=chunk).delete()
    ScreeningEntry.objects.exclude(list_import=record).update(list_import=record)
    record.added_count, record.changed_count, record.removed_count = len(added), len(changed), len(removed_ids)
    record.save(update_fields=["added_count", "changed_count", "removed_count"])


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _entry_values(entry: ParsedEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    for name in ("alt_names", "addresses", "countries", "programs"):
        values[name] = list(values[name])
    return values


def _transition(hit: ScreeningHit, status: str, *, actor: User | None, action: str, reason: str) -> None:
    """Change a hit's status and record it; staff decisions also stamp who and when."""
    before = hit.status
    hit.status = status
    hit.reason = reason
    if action in ("screening.hit_cleared", "screening.hit_confirmed"):
        hit.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        hit.decided_at = timezone.now()
    else:  # reopened or withdrawn by the system: no standing staff decision (the audit trail keeps the old one)
        hit.decided_by, hit.decided_at = None, None
    hit.save()
    audit_record(
        actor=actor,
        action=action,
        target=hit,
        changes={"status": {"before": before, "after": status}, "score": hit.score, "entry": hit.entry_key},
        message=reason,
    )


def organization_screen(
    *, organization_id: int, actor: User | None = None, matcher: Matcher | None = None
) -> list[ScreeningHit]:
    """Screen one organization against the current list; return its hits that block publication.

    New matches open hits. A cleared hit stays cleared while its entry's fingerprint is unchanged and is
    reopened otherwise; a withdrawn hit that matches again is reopened; an open hit that no longer matches
    (or whose entry has expired) is withdrawn. Confirmed hits keep their decision. The organization's name and
    the people named on it (``screening_people_of``) are screened; a person only against individuals (and
    entries whose type the list does not state).
    """
    _screen_batch([organization_id], actor=actor, matcher=matcher or screening_matcher())
    return list(ScreeningHit.objects.filter(organization_id=organization_id, status__in=BLOCKING_STATUSES))


@dataclass
class _Found:
    """The best match of one entry for one organization, and who matched it."""

    subject: str
    screened_name: str
    match: Match


def _screen_batch(organization_ids: list[int], *, actor: User | None, matcher: Matcher) -> int:
    """Screen a batch in one transaction with a constant number of queries (plus one write per changed hit)."""
    current = screening_current_import()
    with transaction.atomic():
        # Locking the organization rows (in id order) serializes two screenings of the same organization.
        organizations = list(Organization.objects.select_for_update().filter(pk__in=organization_ids).order_by("pk"))
        if not organizations:
            return 0
        ids = [o.pk for o in organizations]
        found = _find(organizations, matcher) if current is not None else {o.pk: {} for o in organizations}
        entry_ids = {entry_id for per_entry in found.values() for entry_id in per_entry}
        entries = ScreeningEntry.objects.in_bulk(list(entry_ids)) if entry_ids else {}
        listed_names = _listed_names(entry_ids)
        hits: dict[int, dict[str, ScreeningHit]] = {pk: {} for pk in ids}
        for hit in ScreeningHit.objects.select_for_update().filter(organization_id__in=ids):
            hits[hit.organization_id][hit.entry_key] = hit
        touched: list[ScreeningHit] = []
        leftovers: list[ScreeningHit] = []
        for organization in organizations:
            own = hits[organization.pk]
            for entry_id, best in found[organization.pk].items():
                entry = entries.get(entry_id)
                if entry is not None:
                    facts = _hit_facts(organization, entry, best, listed_names.get(entry_id, []))
                    _apply_match(organization, entry, facts, own.pop(entry.key, None), actor=actor, touched=touched)
            leftovers += [hit for hit in own.values() if hit.status == HitStatus.OPEN]
        if touched:
            ScreeningHit.objects.bulk_update(touched, [*_HIT_FACTS, "entry_fingerprint", "updated_at"], batch_size=500)
        _withdraw(leftovers, actor=actor)
        now, threshold = timezone.now(), screening_threshold()
        OrganizationScreening.objects.bulk_create(
            [
                OrganizationScreening(
                    organization=o,
                    list_import=current,
                    screened_name=o.name,
                    screened_at=now,
                    threshold=threshold,
                    hit_count=len(found[o.pk]),
                )
                for o in organizations
            ],
            update_conflicts=True,
            unique_fields=["organization"],
            update_fields=["list_import", "screened_name", "screened_at", "threshold", "hit_count"],
        )
    return len(organizations)


def _find(organizations: list[Organization], matcher: Matcher) -> dict[int, dict[int, _Found]]:
    """Per organization, the best match of each entry over its name and the people named on it."""
    people = screening_people_of([o.pk for o in organizations])
    subjects = []
    for organization in organizations:
        subjects.append((organization, SubjectKind.ORGANIZATION, organization.name))
        subjects += [(organization, SubjectKind.PERSON, person) for person in people.get(organization.pk, [])]
    results = matcher.many([(name, organization.country_id) for organization, _kind, name in subjects])
    found: dict[int, dict[int, _Found]] = {o.pk: {} for o in organizations}
    for (organization, kind, name), matches in zip(subjects, results, strict=True):
        for match in matches:
            if kind == SubjectKind.PERSON and match.entry_type not in _PERSON_TYPES:
                continue
            current = found[organization.pk].get(match.entry_id)
            if current is None or match.score > current.match.score:
                found[organization.pk][match.entry_id] = _Found(kind, name, match)
    return found


def _listed_names(entry_ids: set[int]) -> dict[int, list[tuple[str, str, bool]]]:
    names: dict[int, list[tuple[str, str, bool]]] = {}
    if entry_ids:
        rows = ScreeningName.objects.filter(entry_id__in=list(entry_ids)).values_list(
            "entry_id", "name", "normalized", "is_alias"
        )
        for entry_id, name, normalized, is_alias in rows.order_by("pk"):
            names.setdefault(entry_id, []).append((name, normalized, is_alias))
    return names


def _hit_facts(
    organization: Organization, entry: ScreeningEntry, best: _Found, names: list[tuple[str, str, bool]]
) -> dict[str, Any]:
    """What a hit shows: the matched name, every listed name's score, and the supporting evidence."""
    variants = name_variants(best.screened_name)
    scores: dict[str, dict[str, Any]] = {}
    for name, normalized, is_alias in names:
        score = round(best_score(variants, normalized), 4)
        if name not in scores or score > scores[name]["score"]:
            scores[name] = {"name": name, "alias": is_alias, "score": score}
    return {
        "entry": entry,
        "entry_key": entry.key,
        "source_list": entry.source,
        "entry_name": entry.name,
        "screened_name": best.screened_name[:200],
        "screened_subject": best.subject,
        "matched_name": best.match.name,
        "matched_alias": best.match.is_alias,
        "score": round(best.match.score, 4),
        "name_scores": sorted(scores.values(), key=lambda s: (-s["score"], s["alias"], s["name"])),
        "evidence": _evidence(organization, entry),
    }


def _evidence(organization: Organization, entry: ScreeningEntry) -> dict[str, Any]:
    """Countries and addresses of the entry that agree with the organization's countries (it holds no address)."""
    own = {code for code in (organization.country_id, organization.controlling_country_id) if code}
    countries = [code for code in entry.countries if code in own]
    addresses = [a for a in entry.addresses if set(countries_of([a], [], iso_countries.by_name)) & own]
    return {"countries": countries, "addresses": addresses} if countries or addresses else {}


def _apply_match(
    organization: Organization,
    entry: ScreeningEntry,
    facts: dict[str, Any],
    hit: ScreeningHit | None,
    *,
    actor: User | None,
    touched: list[ScreeningHit],
) -> None:
    if hit is None:
        hit = ScreeningHit.objects.create(
            organization=organization, entry_fingerprint=entry.fingerprint, status=HitStatus.OPEN, **facts
        )
        values = {"org": organization.name, "name": facts["matched_name"], "list": entry.source}
        if facts["screened_subject"] == SubjectKind.PERSON:
            values["person"] = facts["screened_name"]
            message = _("%(person)s, named on %(org)s, matches “%(name)s” on %(list)s.") % values
        else:
            message = _("%(org)s matches “%(name)s” on %(list)s.") % values
        audit_record(
            actor=actor,
            action="screening.hit_opened",
            target=hit,
            changes={"status": {"before": None, "after": HitStatus.OPEN}, "score": hit.score, "entry": entry.key},
            message=message,
        )
        return
    entry_changed = hit.entry_fingerprint != entry.fingerprint
    changed = entry_changed or any(getattr(hit, name) != value for name, value in facts.items() if name != "entry")
    for name, value in facts.items():
        setattr(hit, name, value)
    hit.entry_fingerprint = entry.fingerprint
    if hit.status == HitStatus.WITHDRAWN:
        _transition(
            hit,
            HitStatus.OPEN,
            actor=actor,
            action="screening.hit_reopened",
            reason=_("The organization matches this entry again."),
        )
    elif hit.status == HitStatus.CLEARED and entry_changed:
        _transition(
            hit,
            HitStatus.OPEN,
            actor=actor,
            action="screening.hit_reopened",
            reason=_("The list entry changed since the hit was cleared."),
        )
    elif changed:
        hit.updated_at = timezone.now()
        touched.append(hit)  # saved in one bulk update: the status is unchanged, so nothing to audit


def _withdraw(hits: list[ScreeningHit], *, actor: User | None) -> None:
    """Withdraw open hits that no longer match, saying so when it is because the entry has expired."""
    if not hits:
        return
    expired = dict(
        ScreeningEntry.objects.filter(
            pk__in=[h.entry_id for h in hits if h.entry_id], end_date__lt=timezone.localdate()
        ).values_list("pk", "end_date")
    )  # end_date__lt excludes NULL: every value here is a date
    for hit in hits:
        if hit.entry_id in expired:
            end = expired[hit.entry_id]
            reason = _("The list entry expired on %(date)s.") % {"date": end.isoformat() if end else ""}
        else:
            reason = _("The organization no longer matches this entry.")
        _transition(hit, HitStatus.WITHDRAWN, actor=actor, action="screening.hit_withdrawn", reason=reason)


def screening_rescreen_all(*, actor: User | None = None) -> int:
    """Queue the screening of every consortium member, in chunks (after commit). Returns how many."""
    organization_ids = screening_member_organization_ids()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="screening.rescreen_requested",
            changes={"organizations": len(organization_ids)},
            message=_("Re-screening %(count)d consortium member organizations.") % {"count": len(organization_ids)},
        )
        for chunk in _chunks(organization_ids, RESCREEN_CHUNK):
            enqueue_on_commit(SCREEN_TASK, organization_ids=chunk)
    return len(organization_ids)


def organization_screen_request(*, organization_id: int) -> None:
    """Screen one organization in Celery after commit: for the catalog when a member joins or is renamed.

    (Not calling it only delays screening: the sweep finds members not screened under their current name.)
    """
    enqueue_on_commit(SCREEN_TASK, organization_ids=[organization_id])


def screening_screen_organizations(*, organization_ids: Iterable[int], actor: User | None = None) -> int:
    """Screen several organizations with one matcher, in batches of ``SCREEN_BATCH`` (one transaction and a
    constant number of queries each). Returns how many organizations were screened."""
    matcher = screening_matcher()
    ids = sorted(set(organization_ids))
    return sum(_screen_batch(chunk, actor=actor, matcher=matcher) for chunk in _chunks(ids, SCREEN_BATCH))


def screening_sweep(*, limit: int = 200) -> int:
    """Screen members not yet screened against the current list or under their current name."""
    return screening_screen_organizations(organization_ids=organizations_needing_screening(limit=limit))


def screening_hit_clear(*, hit_id: int, actor: User, reason: str) -> ScreeningHit:
    """Staff decide the organization is not the listed party. Holds until the list entry changes."""
    return _decide(hit_id=hit_id, actor=actor, reason=reason, status=HitStatus.CLEARED, action="screening.hit_cleared")


def screening_hit_confirm(*, hit_id: int, actor: User, reason: str) -> ScreeningHit:
    """Staff decide the organization is the listed party: its consortia's packages stay unpublishable."""
    return _decide(
        hit_id=hit_id, actor=actor, reason=reason, status=HitStatus.CONFIRMED, action="screening.hit_confirmed"
    )


def _decide(*, hit_id: int, actor: User, reason: str, status: str, action: str) -> ScreeningHit:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the decision."), code="reason_required")
    with transaction.atomic():
        hit = ScreeningHit.objects.select_for_update(of=("self",)).select_related("entry").get(pk=hit_id)
        if hit.status == status:
            raise InvalidTransition(_("This hit is already %(status)s.") % {"status": hit.get_status_display()})
        if hit.status == HitStatus.WITHDRAWN:
            raise InvalidTransition(_("This hit was withdrawn: the organization no longer matches the list."))
        if hit.entry is not None:
            # The decision is about the entry as it reads now; a later change of it reopens a clearance.
            hit.entry_fingerprint = hit.entry.fingerprint
        _transition(hit, status, actor=actor, action=action, reason=reason)
    return hit
