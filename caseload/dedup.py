"""Possible duplicates among an office's migrants: finding them, the review queue, merge and "distinct".

The same person is often registered twice in a crisis: by two teams, at two sites, once by hand and
once from an evacuation manifest, once in Arabic and once in Latin letters. Pairs are proposed when
the normalised names, or their Latin name keys (caseload.names: "محمد حسن" and "Mohamed Hassan" are
both "mhmd hsn"; docs/domain.md "Names across scripts"), are similar and the date of birth and
nationality are the same, or when the travel document number is the same. On PostgreSQL the
similarity is pg_trgm's trigram similarity on the normalised full name and on the name key, computed
for the records that share an office, a nationality and a date of birth (or, with none, an estimated
age within two years); on SQLite, a plain fallback compares the names with difflib, and the keys with
the same trigram similarity computed in Python, on the same pairs.

The periodic run looks only at the records created or changed since its last run (with a margin for
transactions still open then) and compares each with the whole office; a registration is checked on
its own as soon as it is saved (caseload.tasks.check_duplicates_of).

Merging keeps both histories: the referrals (with their events), consents and shares of the merged
record move to the kept one, whose empty fields are filled from the other; the merged record stays,
marked ``merged_into`` the kept one and hidden from lists. A pair marked distinct is never proposed
again.
"""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.events import record_event

from .models import CaseShare, Consent, DuplicateCandidate, Migrant, Referral
from .names import trigram_similarity
from .selectors import migrants_visible_to
from .services import MIGRANT_FIELDS, _normalise, _refresh_sensitivity

# Trigram similarity of two normalised full names from which a pair is proposed (PostgreSQL).
NAME_SIMILARITY = 0.5
# Trigram similarity of two name keys from which a pair is proposed: the same threshold, measured on
# the 240 name pairs of caseload/tests/data (found: 98%) and 10,000 unrelated names (flagged: under 1%).
KEY_SIMILARITY = NAME_SIMILARITY
# The same for difflib's ratio on SQLite, which scores spelling variants higher than trigrams do.
FALLBACK_RATIO = 0.8
AGE_TOLERANCE = 2  # years between two estimated ages when neither record has a date of birth
MAX_PAIRS = 20_000  # per office and run: a bound on the work of one run, the next run goes on

Pair = tuple[int, int, str, float]


# --- Reads ----------------------------------------------------------------------------------------
def duplicate_candidates_visible_to(user) -> QuerySet[DuplicateCandidate]:
    """Pairs of the user's offices (HQ: all) whose two records the user may see."""
    if not user.is_authenticated or not user.is_active:
        return DuplicateCandidate.objects.none()
    visible = migrants_visible_to(user).values("pk")
    if user.is_hq:
        candidates = DuplicateCandidate.objects.all()
    elif user.is_office_staff and user.office_ids:
        candidates = DuplicateCandidate.objects.filter(office_id__in=user.office_ids)
    else:
        return DuplicateCandidate.objects.none()
    return candidates.filter(migrant_a__in=visible, migrant_b__in=visible)


# --- Finding pairs --------------------------------------------------------------------------------
_SCOPE = "m.office_id = %(office)s AND m.merged_into_id IS NULL AND (%(crisis)s IS NULL OR m.crisis_id = %(crisis)s)"
_SAME_PERSON = (
    "b.nationality = a.nationality AND (b.date_of_birth = a.date_of_birth OR (a.date_of_birth IS NULL"
    " AND b.date_of_birth IS NULL AND abs(a.estimated_age - b.estimated_age) <= %(age)s))"
)


def _scope(alias: str) -> str:
    return _SCOPE.replace("m.", f"{alias}.")


def _name_branches(column: str, extra: str, pair: str) -> list[str]:
    """The two ways two records' names make a pair: the same date of birth, or no date of birth on
    either and estimated ages at most AGE_TOLERANCE apart; both with the same nationality. Each is an
    equality join on the office, nationality (and date of birth) first, then the trigram similarity
    of the few names that share them: a join through the trigram index instead compared every
    record with every other whose name shares a few trigrams, nearly all of them for common names
    ("Mohamed", "Ahmed"), and took 212 s where this takes 0.4 s on 3,000 such records with the same
    pairs (bench/RESULTS.md "Duplicate search")."""
    similar = f"similarity(c.{column}, o.{column})"
    same_date = f"""
        SELECT c.id, o.id, 'name', {similar}
        FROM caseload_migrant c JOIN caseload_migrant o
          ON o.office_id = c.office_id AND {pair}
          AND o.nationality = c.nationality AND o.date_of_birth = c.date_of_birth
        WHERE {_scope("c")} AND {_scope("o")} AND {_CHANGED} {extra} AND {similar} >= %(threshold)s"""  # noqa: S608 - constant fragments only; values are parameters
    no_date = f"""
        SELECT c.id, o.id, 'name', {similar}
        FROM caseload_migrant c JOIN caseload_migrant o
          ON o.office_id = c.office_id AND {pair}
          AND o.nationality = c.nationality AND c.date_of_birth IS NULL AND o.date_of_birth IS NULL
          AND o.estimated_age BETWEEN c.estimated_age - %(age)s AND c.estimated_age + %(age)s
        WHERE {_scope("c")} AND {_scope("o")} AND {_CHANGED} {extra} AND {similar} >= %(threshold)s"""  # noqa: S608
    return [same_date, no_date]


# The records a run looks for pairs of: all of them, or those changed since a time, or a few by id.
_CHANGED = (
    "(%(since)s::timestamptz IS NULL OR c.updated_at >= %(since)s)"
    " AND (%(ids)s::bigint[] IS NULL OR c.id = ANY(%(ids)s))"
    # A pair already stored (whatever its status) is not found again: a run cut short by MAX_PAIRS
    # leaves the next one the pairs it did not reach, instead of the same first MAX_PAIRS again.
    " AND NOT EXISTS (SELECT 1 FROM caseload_duplicatecandidate d"
    " WHERE d.migrant_a_id = least(c.id, o.id) AND d.migrant_b_id = greatest(c.id, o.id))"
)


def _pairs_postgresql(
    office_id: int, crisis_id: int | None, since: datetime | None = None, migrant_ids: list[int] | None = None
) -> list[Pair]:
    params = {
        "office": office_id,
        "crisis": crisis_id,
        "age": AGE_TOLERANCE,
        "threshold": NAME_SIMILARITY,
        "limit": MAX_PAIRS,
        "since": since,
        "ids": migrant_ids,
    }
    # Over every record, each pair once (the lower id first); over some, each of them against all.
    pair = "o.id > c.id" if since is None and migrant_ids is None else "o.id <> c.id"
    branches = [
        *_name_branches("full_name_norm", "", pair),
        *_name_branches("name_key", "AND c.given_name_key <> '' AND o.given_name_key <> ''", pair),
        f"""
        SELECT c.id, o.id, 'document', similarity(c.full_name_norm, o.full_name_norm)
        FROM caseload_migrant c JOIN caseload_migrant o
          ON o.office_id = c.office_id AND {pair} AND o.document_number_norm = c.document_number_norm
        WHERE {_scope("c")} AND {_scope("o")} AND {_CHANGED} AND c.document_number_norm <> ''""",  # noqa: S608
    ]
    sql = " UNION ALL ".join(branches) + " LIMIT %(limit)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(min(a, b), max(a, b), reason, float(score)) for a, b, reason, score in cursor.fetchall()]


def _pairs_fallback(office_id: int, crisis_id: int | None) -> list[Pair]:
    params = {"office": office_id, "crisis": crisis_id, "age": AGE_TOLERANCE, "limit": MAX_PAIRS * 5}
    names_sql = f"""
        SELECT a.id, b.id, a.full_name_norm, b.full_name_norm, a.name_key, b.name_key
        FROM caseload_migrant a JOIN caseload_migrant b ON b.office_id = a.office_id AND b.id > a.id AND {_SAME_PERSON}
        WHERE {_scope("a")} AND {_scope("b")}
        LIMIT %(limit)s
    """  # noqa: S608
    documents_sql = f"""
        SELECT a.id, b.id, a.full_name_norm, b.full_name_norm
        FROM caseload_migrant a JOIN caseload_migrant b
          ON b.office_id = a.office_id AND b.id > a.id AND b.document_number_norm = a.document_number_norm
        WHERE {_scope("a")} AND {_scope("b")} AND a.document_number_norm <> ''
        LIMIT %(limit)s
    """  # noqa: S608
    pairs: list[Pair] = []
    with connection.cursor() as cursor:
        cursor.execute(names_sql, params)
        for a, b, name_a, name_b, key_a, key_b in cursor.fetchall():
            ratio = 1.0 if name_a == name_b else difflib.SequenceMatcher(None, name_a, name_b).ratio()
            if ratio >= FALLBACK_RATIO:
                pairs.append((a, b, DuplicateCandidate.Reason.NAME, ratio))
            elif key_a.strip() and (similarity := trigram_similarity(key_a, key_b)) >= KEY_SIMILARITY:
                pairs.append((a, b, DuplicateCandidate.Reason.NAME, similarity))
        cursor.execute(documents_sql, params)
        for a, b, name_a, name_b in cursor.fetchall():
            pairs.append(
                (a, b, DuplicateCandidate.Reason.DOCUMENT, difflib.SequenceMatcher(None, name_a, name_b).ratio())
            )
    return pairs[:MAX_PAIRS]


def duplicate_pairs(
    *,
    office_id: int,
    crisis_id: int | None = None,
    since: datetime | None = None,
    migrant_ids: list[int] | None = None,
) -> list[Pair]:
    """(lower id, higher id, reason, name similarity) of the office's possible duplicates: among all
    its records, or the pairs of which one record changed ``since`` a time or is one of
    ``migrant_ids`` (the incremental run and the check of a new registration)."""
    if connection.vendor == "postgresql":
        return _pairs_postgresql(office_id, crisis_id, since, migrant_ids)
    pairs = _pairs_fallback(office_id, crisis_id)
    if since is None and migrant_ids is None:
        return pairs
    changed = Migrant.objects.filter(office_id=office_id)
    if since is not None:
        changed = changed.filter(updated_at__gte=since)
    if migrant_ids is not None:
        changed = changed.filter(pk__in=migrant_ids)
    ids = set(changed.values_list("pk", flat=True))
    return [pair for pair in pairs if pair[0] in ids or pair[1] in ids]


def duplicates_find(
    *,
    office_id: int,
    crisis_id: int | None = None,
    since: datetime | None = None,
    migrant_ids: list[int] | None = None,
) -> int:
    """Store the new pairs of the office (or of one of its crises, or of some of its records: see
    ``duplicate_pairs``); pairs already known, whatever their status (a pair marked distinct above
    all), are left as they are. Answers how many are new."""
    return _store(
        office_id, duplicate_pairs(office_id=office_id, crisis_id=crisis_id, since=since, migrant_ids=migrant_ids)
    )


def _store(office_id: int, pairs: list[Pair]) -> int:
    best: dict[tuple[int, int], Pair] = {}
    for pair in pairs:
        key = (pair[0], pair[1])
        if key not in best or pair[2] == DuplicateCandidate.Reason.DOCUMENT:
            best[key] = pair
    if not best:
        return 0
    known = DuplicateCandidate.objects.filter(office_id=office_id)
    before = known.count()
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(office_id=office_id, migrant_a_id=a, migrant_b_id=b, reason=reason, score=score)
            for a, b, reason, score in best.values()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return known.count() - before


# A run goes on batch after batch of MAX_PAIRS while it has had less than this (the task's soft time
# limit is 240 s): a first run over a large office is done in one run rather than one a period.
RUN_BUDGET = timedelta(seconds=120)

# A run after the first looks at the records changed since the last run began, less this margin: a
# record saved just before that and committed after it was not visible to the last run.
INCREMENTAL_MARGIN = timedelta(minutes=15)


def _mark_name(office_id: int) -> str:
    return f"caseload.duplicates_searched.{office_id}"


def duplicates_find_since_last_run(*, office_id: int, crisis_id: int | None = None) -> int:
    """The office's run (periodic, on demand, after an import): the first compares every record with
    every other; the next ones only the records created or changed since the last run that went
    through to its end (not cut short by MAX_PAIRS), each with the whole office. A run for one crisis
    compares all its records and moves no mark. Answers how many pairs are new."""
    from core.models import TaskLock

    if crisis_id is not None:
        return duplicates_find(office_id=office_id, crisis_id=crisis_id)
    started = timezone.now()
    last = TaskLock.objects.filter(name=_mark_name(office_id)).values_list("last_finished_at", flat=True).first()
    since = last - INCREMENTAL_MARGIN if last else None
    found = 0
    while True:
        pairs = duplicate_pairs(office_id=office_id, since=since)
        stored = _store(office_id, pairs)
        found += stored
        if len(pairs) < MAX_PAIRS:
            TaskLock.objects.update_or_create(name=_mark_name(office_id), defaults={"last_finished_at": started})
            return found
        # Cut short by MAX_PAIRS: the next batch finds the pairs this one did not reach (stored pairs
        # are not found again), within the run's time; what is left waits for the next run.
        if not stored or timezone.now() - started > RUN_BUDGET:
            return found


# --- Decisions ------------------------------------------------------------------------------------
def _open_candidate(actor: User, candidate_id: int) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id)
    if not duplicate_candidates_visible_to(actor).filter(pk=candidate.pk).exists():
        raise DuplicateCandidate.DoesNotExist
    if not (actor.is_office_staff and candidate.office_id in actor.office_ids):
        raise PermissionDenied(_("Only staff of the office may decide on its possible duplicates."))
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ValidationError(_("This pair has already been decided."))
    return candidate


def duplicate_mark_distinct(
    *, actor: User, candidate_id: int, request: HttpRequest | None = None
) -> DuplicateCandidate:
    """The two records are different people: the pair is closed and never proposed again."""
    with transaction.atomic():
        candidate = _open_candidate(actor, candidate_id)
        candidate.status = DuplicateCandidate.Status.DISTINCT
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(actor=actor, action="update", obj=candidate, request=request, after={"status": "distinct"})
    return candidate


def _empty(value: Any) -> bool:
    return value in ("", None, [])


def duplicate_merge(
    *, actor: User, candidate_id: int, survivor_id: int, request: HttpRequest | None = None
) -> DuplicateCandidate:
    """Merge the pair into ``survivor_id`` (one of its two records), keeping both histories."""
    with transaction.atomic():
        candidate = _open_candidate(actor, candidate_id)
        if survivor_id not in (candidate.migrant_a_id, candidate.migrant_b_id):
            raise ValidationError({"survivor": [_("Keep one of the two records.")]})
        other_id = candidate.migrant_b_id if survivor_id == candidate.migrant_a_id else candidate.migrant_a_id
        records = {m.pk: m for m in Migrant.objects.select_for_update().filter(pk__in=[survivor_id, other_id])}
        survivor, other = records[survivor_id], records[other_id]
        if survivor.merged_into_id or other.merged_into_id:
            raise ValidationError(_("One of the records has already been merged."))
        if survivor.office_id != candidate.office_id or other.office_id != candidate.office_id:
            raise ValidationError(_("One of the records now belongs to another office."))

        before = {"reference": survivor.reference, **{f: _jsonable(getattr(survivor, f)) for f in MIGRANT_FIELDS}}
        filled = [f for f in MIGRANT_FIELDS if _empty(getattr(survivor, f)) and not _empty(getattr(other, f))]
        for field in filled:
            setattr(survivor, field, getattr(other, field))
        if survivor.date_of_birth:
            survivor.estimated_age = None
        survivor.vulnerabilities = list(dict.fromkeys([*survivor.vulnerabilities, *other.vulnerabilities]))
        survivor.languages = list(dict.fromkeys([*survivor.languages, *other.languages]))
        survivor.other_nationalities = [
            code
            for code in dict.fromkeys([*survivor.other_nationalities, other.nationality, *other.other_nationalities])
            if code != survivor.nationality
        ]
        _normalise(survivor)
        survivor.save()

        referrals = Referral.objects.filter(migrant=other).update(migrant=survivor)
        consents = Consent.objects.filter(migrant=other).update(migrant=survivor)
        # A pending request of the merged record to an office that already has one for the kept
        # record is closed: one pending request per case and office.
        pending_to = CaseShare.objects.filter(migrant=survivor, status=CaseShare.Status.PENDING).values("to_office")
        CaseShare.objects.filter(migrant=other, status=CaseShare.Status.PENDING, to_office__in=pending_to).update(
            status=CaseShare.Status.REFUSED,
            decided_by=actor,
            decided_at=timezone.now(),
            refusal_reason=_("Merged into %(reference)s.") % {"reference": survivor.reference},
        )
        shares = CaseShare.objects.filter(migrant=other).update(migrant=survivor)
        _refresh_sensitivity(survivor)

        now = timezone.now()
        Migrant.objects.filter(pk=other.pk).update(merged_into=survivor, merged_at=now)
        candidate.status = DuplicateCandidate.Status.MERGED
        candidate.survivor = survivor
        candidate.decided_by = actor
        candidate.decided_at = now
        candidate.save(update_fields=["status", "survivor", "decided_by", "decided_at"])
        # The merged record's other open pairs are void; its kept record is compared at the next run.
        DuplicateCandidate.objects.filter(
            Q(migrant_a=other) | Q(migrant_b=other), status=DuplicateCandidate.Status.OPEN
        ).delete()

        moved = {"referrals": referrals, "consents": consents, "shares": shares}
        record_event(
            "migrant.merged",
            subject=survivor,
            actor=actor,
            crisis_id=survivor.crisis_id,
            office_id=survivor.office_id,
            payload={"merged_id": other.pk, "survivor_id": survivor.pk, "moved": moved},
        )
        audit_record(
            actor=actor,
            action="update",
            obj=survivor,
            request=request,
            before=before,
            after={"merged": other.reference, "filled": filled, "moved": moved},
        )
        audit_record(
            actor=actor, action="update", obj=other, request=request, after={"merged_into": survivor.reference}
        )
    return candidate


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
