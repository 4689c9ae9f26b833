"""Near-duplicate detection: responses to one notice whose answers are near-identical form a campaign group.

Similarity is the Jaccard similarity of the sets of word 5-shingles of the normalized answers
(``rfi.fingerprint``); a response joins a group when it reaches ``campaign_threshold()`` (default 0.8)
with a member. Candidates come from MinHash LSH band keys stored in ``SubmissionBand`` and are then
checked exactly, so the work per response does not grow with the number of responses to the notice.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from aiexports.audit.services import audit_record
from aiexports.tasks_enqueue import enqueue_on_commit

from .fingerprint import jaccard, lsh_band_keys, minhash, shingles
from .models import Answer, CampaignGroup, Notice, Submission, SubmissionBand

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.8
MAX_CANDIDATES = 200  # band rows read per key of a response
MAX_VERIFY = 25  # distinct groups or lone responses compared exactly per response


def campaign_threshold() -> float:
    return float(getattr(settings, "AIX_RFI_CAMPAIGN_THRESHOLD", DEFAULT_THRESHOLD))


def submission_texts(submission_ids: Iterable[int]) -> dict[int, str]:
    """The answers of each submission joined in question order (the text that is compared)."""
    parts: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Answer.objects.filter(submission_id__in=list(submission_ids)).values_list(
        "submission_id", "question_id", "text"
    )
    for submission_id, question_id, text in rows:
        parts[submission_id].append((question_id, text))
    return {sid: "\n".join(text for _qid, text in sorted(items)) for sid, items in parts.items()}


def submission_detect_campaign(
    *, submission_id: int, threshold: float | None = None, audit: bool = True
) -> CampaignGroup | None:
    """Put the submission into the campaign group of the responses it nearly repeats (or none).

    Idempotent: running it twice gives the same grouping. Groups it links are merged (single linkage).
    """
    threshold = campaign_threshold() if threshold is None else threshold
    with transaction.atomic():
        submission = Submission.objects.filter(pk=submission_id).only("pk", "notice_id", "campaign_group_id").first()
        if submission is None:
            return None
        # One detection per notice at a time: two workers grouping two copies of one new campaign at once
        # would otherwise each open a group of their own.
        list(Notice.objects.select_for_update().filter(pk=submission.notice_id).values_list("pk", flat=True))
        own = shingles(submission_texts([submission.pk]).get(submission.pk, ""))
        keys = lsh_band_keys(minhash(own))
        SubmissionBand.objects.filter(submission_id=submission.pk).delete()
        rows = _band_rows(submission, keys)
        matches = _matches(own, rows, threshold, also=_current_group_member(submission))
        before = submission.campaign_group_id
        group = _regroup(submission, matches)
        SubmissionBand.objects.bulk_create(
            SubmissionBand(submission_id=submission.pk, notice_id=submission.notice_id, key=key)
            for key in _keys_to_store(keys, rows, matches, group is not None)
        )
        if audit and (group.pk if group else None) != before:
            size = Submission.objects.filter(campaign_group=group).count() if group else 0
            audit_record(
                action="rfi.submission.campaign",
                target=submission,
                changes={"campaign_group": {"before": before, "after": group.pk if group else None}},
                message=f"campaign group of {size}" if group else "no longer in a campaign group",
            )
        return group


def _band_rows(submission: Submission, keys: list[int]) -> list[tuple[int, int, int]]:
    """(key, submission id, group id or 0) of the other responses to the notice sharing a band key."""
    if not keys:
        return []
    rows = (
        SubmissionBand.objects.filter(notice_id=submission.notice_id, key__in=keys)
        .exclude(submission_id=submission.pk)
        .order_by("submission_id")
        .values_list("key", "submission_id", "submission__campaign_group_id")[: MAX_CANDIDATES * len(keys)]
    )
    return [(key, sid, gid or 0) for key, sid, gid in rows]


def _current_group_member(submission: Submission) -> tuple[int, int] | None:
    """Another member of the submission's group: when this submission held the group's only band keys
    (copies store none), the rows cannot show the group, yet the submission must be compared with it."""
    if not submission.campaign_group_id:
        return None
    other = (
        Submission.objects.filter(campaign_group_id=submission.campaign_group_id)
        .exclude(pk=submission.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return (other, submission.campaign_group_id) if other else None


def _matches(
    own: frozenset[str],
    rows: list[tuple[int, int, int]],
    threshold: float,
    *,
    also: tuple[int, int] | None = None,
    shingles_of: Callable[[list[int]], dict[int, frozenset[str]]] | None = None,
) -> list[tuple[int, int]]:
    """(submission id, group id or 0) of the candidates whose exact similarity reaches the threshold.

    ``shingles_of`` gives the shingle sets of some submissions (default: read their answers); the batch
    recompute passes the sets it already holds."""
    shared: Counter[tuple[int, int]] = Counter((sid, gid) for _key, sid, gid in rows)
    units: list[tuple[int, int]] = [also] if also else []
    seen_groups: set[int] = {also[1]} if also else set()
    for (sid, gid), _count in sorted(shared.items(), key=lambda item: (-item[1], item[0][0])):
        if gid:
            if gid in seen_groups:
                continue  # one member (the closest by shared bands) speaks for its group
            seen_groups.add(gid)
        units.append((sid, gid))
        if len(units) >= MAX_VERIFY:
            break
    found = (shingles_of or _read_shingles)([sid for sid, _g in units])
    return [(sid, gid) for sid, gid in units if jaccard(own, found.get(sid, frozenset())) >= threshold]


def _read_shingles(submission_ids: list[int]) -> dict[int, frozenset[str]]:
    return {sid: shingles(text) for sid, text in submission_texts(submission_ids).items()}


def _keys_to_store(
    keys: list[int], rows: list[tuple[int, int, int]], matches: list[tuple[int, int]], grouped: bool
) -> list[int]:
    """The band keys a response stores: those already held by members of the group it joined are left out."""
    if not grouped:
        return list(keys)
    joined = {gid for _sid, gid in matches if gid}
    lone = {sid for sid, gid in matches if not gid}
    held = {key for key, sid, gid in rows if sid in lone or gid in joined}
    return [key for key in keys if key not in held]


def _regroup(submission: Submission, matches: list[tuple[int, int]]) -> CampaignGroup | None:
    if not matches:
        _leave_group(submission)
        return None
    group_ids = sorted({gid for _sid, gid in matches if gid})
    if group_ids:
        group = CampaignGroup.objects.get(pk=group_ids[0])
        if len(group_ids) > 1:  # this response links two campaigns: they are one
            Submission.objects.filter(campaign_group_id__in=group_ids[1:]).update(campaign_group=group)
            CampaignGroup.objects.filter(pk__in=group_ids[1:]).delete()
    else:
        text = submission_texts([submission.pk]).get(submission.pk, "")
        group = CampaignGroup.objects.create(notice_id=submission.notice_id, label=_label(text))
    if submission.campaign_group_id and submission.campaign_group_id != group.pk:
        _leave_group(submission)
    lone = [sid for sid, gid in matches if not gid]
    Submission.objects.filter(pk__in=[submission.pk, *lone]).update(campaign_group=group)
    submission.campaign_group_id = group.pk
    return group


def _leave_group(submission: Submission) -> None:
    old = submission.campaign_group_id
    if not old:
        return
    Submission.objects.filter(pk=submission.pk).update(campaign_group=None)
    submission.campaign_group_id = None
    if Submission.objects.filter(campaign_group_id=old).count() < 2:
        CampaignGroup.objects.filter(pk=old).delete()  # a group of one is no campaign (members are set free)


def _label(text: str) -> str:
    words = " ".join(text.split())
    return f"“{words[:70]}…”" if len(words) > 70 else f"“{words}”"


def campaigns_recompute(*, notice: Notice, threshold: float | None = None) -> int:
    """Rebuild every campaign group of a notice from scratch; returns the group count.

    The result is what ``submission_detect_campaign`` gives when run on every response, oldest first (the
    same candidates, the same exact checks, the same merges, the same band keys stored), computed in memory
    from one read of the answers and written in a few bulk statements, so its cost is the hashing, not
    14 queries and a commit per response.
    """
    threshold = campaign_threshold() if threshold is None else threshold
    with transaction.atomic():
        list(Notice.objects.select_for_update().filter(pk=notice.pk).values_list("pk", flat=True))  # see above
        ids = list(Submission.objects.filter(notice=notice).order_by("created_at", "id").values_list("pk", flat=True))
        texts = submission_texts(ids)
        plan = _plan_campaigns(ids, texts, threshold)
        SubmissionBand.objects.filter(notice=notice).delete()
        Submission.objects.filter(notice=notice).update(campaign_group=None)
        CampaignGroup.objects.filter(notice=notice).delete()
        for label, members in plan.groups:
            group = CampaignGroup.objects.create(notice=notice, label=label)
            Submission.objects.filter(pk__in=members).update(campaign_group=group)
        SubmissionBand.objects.bulk_create(
            (SubmissionBand(submission_id=sid, notice_id=notice.pk, key=key) for sid, key in plan.bands),
            batch_size=5000,
        )
        audit_record(
            action="rfi.campaigns.recompute",
            target=notice,
            message=f"{len(ids)} responses, {len(plan.groups)} campaign groups",
        )
    return len(plan.groups)


@dataclass
class CampaignPlan:
    groups: list[tuple[str, list[int]]]  # (label, member ids), in the order the groups were opened
    bands: list[tuple[int, int]]  # (submission id, key) rows to store


def _plan_campaigns(ids: list[int], texts: dict[int, str], threshold: float) -> CampaignPlan:
    """The sequential detection of ``ids`` (in that order) replayed in memory; pure apart from hashing.

    Group numbers stand for database ids: they grow in the order groups are opened, and a merge keeps the
    lowest, as ``_regroup`` does with real rows."""
    own_shingles = {sid: shingles(texts.get(sid, "")) for sid in ids}
    index: dict[int, list[int]] = defaultdict(list)  # band key -> ids of the responses storing it
    group_of: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    labels: dict[int, str] = {}
    bands: list[tuple[int, int]] = []
    opened = 0

    def known(wanted: list[int]) -> dict[int, frozenset[str]]:
        return {w: own_shingles[w] for w in wanted}

    for sid in ids:
        own = own_shingles[sid]
        keys = lsh_band_keys(minhash(own))
        rows = sorted(
            ((key, other, group_of.get(other, 0)) for key in keys for other in index.get(key, ())),
            key=lambda row: row[1],
        )[: MAX_CANDIDATES * len(keys)]
        matches = _matches(own, rows, threshold, shingles_of=known)
        if matches:
            group_ids = sorted({gid for _other, gid in matches if gid})
            if group_ids:
                gid = group_ids[0]
                for merged in group_ids[1:]:  # this response links two campaigns: they are one
                    for member in members.pop(merged):
                        group_of[member] = gid
                        members[gid].add(member)
                    del labels[merged]
            else:
                opened += 1
                gid = opened
                members[gid], labels[gid] = set(), _label(texts.get(sid, ""))
            for member in [sid, *(other for other, g in matches if not g)]:
                group_of[member] = gid
                members[gid].add(member)
        for key in _keys_to_store(keys, rows, matches, bool(matches)):
            bands.append((sid, key))
            index[key].append(sid)
    groups = [(labels[gid], sorted(members[gid])) for gid in sorted(members)]
    return CampaignPlan(groups=groups, bands=bands)


def enqueue_campaign_detection(submission_id: int) -> None:
    """Look for the response's campaign once the transaction commits. A failure to enqueue never fails the stored
    response (``manage.py rfi_recompute_campaigns`` recomputes)."""
    enqueue_on_commit("rfi.tasks.detect_campaign", submission_id)
