"""Writes of the caseload: one function per business action, each in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office, User
from core.audit import audit_record, client_ip
from core.events import EventRecord, record_event, record_events
from core.models import AuditEntry
from crises.models import Crisis
from crises.selectors import crises_visible_to
from partners.models import Government, Partner
from sectors.referral_kinds import ReferralKind

from .models import (
    CaseShare,
    Consent,
    DocumentStatus,
    DocumentType,
    Migrant,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Vulnerability,
)
from .names import name_key
from .selectors import consent_covers, consents_naming, has_vulnerability, referrals_visible_to
from .validators import normalise_document, normalise_name, phone_to_e164
from .workflow import OPEN, OUTCOME_FIELDS, RECIPIENT, REFERRAL, may_record_outcome, side_of

OVERRIDE_PERMISSION = "override_consent"

MIGRANT_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "other_nationalities",
    "languages",
    "document_status",
    "document_number",
    "location_country",
    "admin_pcode",
    "site",
    "household",
    "population_group",
    "vulnerabilities",
    "intention",
    "phone",
    "legal_basis",
)


def _new_reference(office: Office) -> str:
    return f"{office.code.upper()}-{secrets.token_hex(4).upper()}"


def require_office_member(actor: User, office_id: int) -> None:
    """Writes to an office's cases are for its staff; the API checks this before reading a body."""
    if not actor.is_member_of(office_id):
        raise PermissionDenied(_("Only staff of the owning office may do this."))


def _normalise(migrant: Migrant) -> None:
    migrant.given_name_norm = normalise_name(migrant.given_name)
    migrant.family_name_norm = normalise_name(migrant.family_name)
    migrant.given_name_key = name_key(migrant.given_name)
    migrant.family_name_key = name_key(migrant.family_name)
    migrant.document_number_norm = normalise_document(migrant.document_number)
    if migrant.phone:
        try:
            migrant.phone = phone_to_e164(migrant.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None


def _normalise_and_check(migrant: Migrant) -> None:
    """Every error of the record at once (a bad phone and a date of birth in the future together)."""
    errors: dict[str, list[str]] = {}
    try:
        _normalise(migrant)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_migrant(migrant, errors)


def _check_migrant(migrant: Migrant, errors: dict[str, list[str]] | None = None) -> None:
    errors = dict(errors or {})
    try:
        migrant.full_clean(exclude=["office", "crisis", "created_by", "reference"], validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == "phone" and "phone" in errors:
                continue  # already said by the normalisation
            errors.setdefault(name, []).extend(messages)
    if migrant.date_of_birth is None and migrant.estimated_age is None:
        errors.setdefault("date_of_birth", []).append(_("Give a date of birth or an estimated age."))
    if errors:
        raise ValidationError(errors)


def sensitivity_refresh(*, migrant_ids: Iterable[int]) -> None:
    """A victim of trafficking, or anyone with a counter-trafficking referral, is a sensitive record;
    so is every referral of a sensitive record, and every counter-trafficking referral. Sets the
    flags of these migrants and their referrals in two statements, however many they are."""
    ids = list(migrant_ids)
    counter_trafficking = ReferralKind.COUNTER_TRAFFICKING
    victim = has_vulnerability(Vulnerability.VICTIM_OF_TRAFFICKING)
    referred = Exists(Referral.objects.filter(migrant_id=OuterRef("pk"), kind=counter_trafficking))
    Migrant.objects.filter(pk__in=ids).update(
        is_sensitive=Case(When(victim | Q(referred), then=Value(True)), default=Value(False))
    )
    migrant_flag = Migrant.objects.filter(pk=OuterRef("migrant_id")).values("is_sensitive")[:1]
    Referral.objects.filter(migrant_id__in=ids).update(
        is_sensitive=Case(When(kind=counter_trafficking, then=Value(True)), default=Subquery(migrant_flag))
    )


# The fields that make two records one person's (caseload.dedup): a change to one is checked again.
IDENTITY_FIELDS = frozenset(
    {"given_name", "family_name", "date_of_birth", "estimated_age", "nationality", "document_number"}
)


def _queue_duplicate_check(office_id: int, migrant_ids: list[int]) -> None:
    """Once the registration or edit is committed, the worker compares these records with the rest
    of the office (caseload.tasks.check_duplicates_of): a pair is in the review queue within seconds,
    not at the next hourly run. With the broker unreachable the registration stands all the same
    (robust: the error is logged) and the next periodic run finds the pair."""
    from .tasks import check_duplicates_of

    transaction.on_commit(lambda: check_duplicates_of.delay(office_id, migrant_ids), robust=True)


def _refresh_sensitivity(migrant: Migrant) -> None:
    sensitivity_refresh(migrant_ids=[migrant.pk])
    migrant.is_sensitive = Migrant.objects.values_list("is_sensitive", flat=True).get(pk=migrant.pk)


CONSENT_PREFIX = "consent_"


def migrant_register(
    *,
    actor: User,
    office: Office,
    crisis: Crisis,
    data: dict[str, Any],
    consent: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Migrant:
    """Register a migrant in ``crisis`` for ``office``; every field is validated and nothing is saved
    on a bad value (the error names the field).

    ``consent`` (governments, partners, purposes, note) is the consent the person gave at
    registration, recorded by ``consent_record`` in the same transaction, dated today; its errors
    come with the migrant's, named ``consent_<field>``. None records no consent."""
    require_office_member(actor, office.pk)
    if not crises_visible_to(actor).filter(pk=crisis.pk).exists():
        raise ValidationError({"crisis": [_("Choose a crisis of your office.")]})
    migrant = Migrant(
        office=office, crisis=crisis, created_by=actor, reference=_new_reference(office), **_pick(data, MIGRANT_FIELDS)
    )
    errors: dict[str, list[str]] = {}
    try:
        _normalise_and_check(migrant)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if consent is not None:
        consent = {"given_on": timezone.localdate(), "note": "", **consent}
        for name, messages in _consent_errors(**_pick(consent, CONSENT_INPUT)).items():
            errors[CONSENT_PREFIX + name] = messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        migrant.save()
        _refresh_sensitivity(migrant)
        audit_record(actor=actor, action="create", obj=migrant, request=request, after={"reference": migrant.reference})
        if consent is not None:
            consent_record(actor=actor, migrant=migrant, request=request, **consent)
        _queue_duplicate_check(office.pk, [migrant.pk])
    return migrant


class EditConflict(Exception):
    """The record changed since the version the edit was made on, and the edit would change some of
    the same fields: ``conflicts`` maps each field to (its value now, the value sent). Nothing is
    saved; the person chooses field by field and sends again on the current version."""

    def __init__(self, current: Migrant, conflicts: dict[str, tuple[Any, Any]]) -> None:
        super().__init__(", ".join(conflicts))
        self.current = current
        self.conflicts = conflicts


HOUSEHOLD_SHARED_FIELDS = (
    "location_country",
    "admin_pcode",
    "site",
    "household",
    "population_group",
    "intention",
    "legal_basis",
)
HOUSEHOLD_MEMBER_FIELDS = tuple(f for f in MIGRANT_FIELDS if f not in HOUSEHOLD_SHARED_FIELDS)
MEMBER_ERROR = "members.{index}.{field}"


def _new_household_reference(office: Office) -> str:
    return f"{office.code.upper()}-HH-{secrets.token_hex(3).upper()}"


def household_register(
    *,
    actor: User,
    office: Office,
    crisis: Crisis,
    shared: dict[str, Any],
    members: Sequence[dict[str, Any]],
    request: HttpRequest | None = None,
) -> list[Migrant]:
    """Register a household or a group travelling together: several people in one crisis, at one
    location, under one household reference (made up when none is given). All or nothing: every
    person is checked first, and the errors of the N-th (counting from 0) are named
    ``members.N.<field>`` beside the shared fields' own."""
    require_office_member(actor, office.pk)
    if not crises_visible_to(actor).filter(pk=crisis.pk).exists():
        raise ValidationError({"crisis": [_("Choose a crisis of your office.")]})
    if len(members) < 2:
        raise ValidationError({NON_FIELD_ERRORS: [_("A household has at least two people; register one alone.")]})
    common = _pick(shared, HOUSEHOLD_SHARED_FIELDS)
    common["household"] = (common.get("household") or "").strip() or _new_household_reference(office)
    errors: dict[str, list[str]] = {}
    migrants = []
    for index, member in enumerate(members):
        migrant = Migrant(
            office=office,
            crisis=crisis,
            created_by=actor,
            reference=_new_reference(office),
            **common,
            **_pick(member, HOUSEHOLD_MEMBER_FIELDS),
        )
        try:
            _normalise_and_check(migrant)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in HOUSEHOLD_SHARED_FIELDS:
                    errors.setdefault(field, [])
                    errors[field] += [m for m in messages if m not in errors[field]]
                else:
                    errors[MEMBER_ERROR.format(index=index, field=field)] = messages
        migrants.append(migrant)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Migrant.objects.bulk_create(migrants)
        sensitivity_refresh(migrant_ids=[m.pk for m in migrants])
        ip_address = client_ip(request)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=actor,
                action="create",
                object_type=Migrant._meta.label_lower,
                object_id=str(m.pk),
                ip_address=ip_address,
                after={"reference": m.reference, "household": m.household},
            )
            for m in migrants
        )
        _queue_duplicate_check(office.pk, [m.pk for m in migrants])
    return migrants


def member_errors(exc: ValidationError) -> tuple[dict[str, list[str]], dict[int, dict[str, list[str]]]]:
    """A household's errors split into the shared ones and those of each person, by position."""
    shared: dict[str, list[str]] = {}
    members: dict[int, dict[str, list[str]]] = {}
    for key, messages in exc.message_dict.items():
        if key.startswith("members."):
            _prefix, index, field = key.split(".", 2)
            members.setdefault(int(index), {})[field] = messages
        else:
            shared[key] = messages
    return shared, members


def _fields_changed_since(migrant: Migrant, since: datetime) -> set[str] | None:
    """The fields of the case changed after the version ``since``, read off the audit trail of its
    edits (each names its fields and the version it made); None when the trail cannot tell (a change
    by another path), and then every field counts as changed."""
    entries = AuditEntry.objects.filter(
        object_type="caseload.migrant", object_id=str(migrant.pk), action="update", at__gt=since
    ).values_list("after", flat=True)
    fields: set[str] = set()
    for after in entries:
        after = after or {}
        version = after.get("version")
        if not version or "fields" not in after:
            return None
        if datetime.fromisoformat(version) > since:
            fields.update(after["fields"])
    return fields or None


def migrant_update(
    *,
    actor: User,
    migrant: Migrant,
    data: dict[str, Any],
    base_updated_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Migrant:
    """Change a case's fields. ``base_updated_at`` is the version the edit was made on (the record's
    ``updated_at`` when the form or the offline copy was read): when the record changed since and the
    edit would change any field to a value other than the current one, EditConflict, never the last
    write winning."""
    require_office_member(actor, migrant.office_id)
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        changed = [f for f in MIGRANT_FIELDS if f in data and getattr(migrant, f) != data[f]]
        if base_updated_at is not None and migrant.updated_at != base_updated_at and changed:
            meanwhile = _fields_changed_since(migrant, base_updated_at)
            clashing = [f for f in changed if meanwhile is None or f in meanwhile]
            if clashing:
                raise EditConflict(migrant, {f: (getattr(migrant, f), data[f]) for f in clashing})
        for field in changed:
            setattr(migrant, field, data[field])
        _normalise_and_check(migrant)
        migrant.save()
        _refresh_sensitivity(migrant)
        audit_record(
            actor=actor,
            action="update",
            obj=migrant,
            request=request,
            after={"fields": changed, "version": migrant.updated_at.isoformat()},
        )
        if IDENTITY_FIELDS.intersection(changed):
            _queue_duplicate_check(migrant.office_id, [migrant.pk])
    return migrant


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in fields}


def consent_record(
    *,
    actor: User,
    migrant: Migrant,
    governments: Sequence[Government] = (),
    partners: Sequence[Partner] = (),
    purposes: Sequence[str],
    given_on: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> list[Consent]:
    """Record the migrant's consent to share their data with the named governments and partners for
    the named purposes (kinds of referral): every purpose, for every recipient named
    (docs/domain.md "Consent per purpose")."""
    require_office_member(actor, migrant.office_id)
    errors = _consent_errors(governments=governments, partners=partners, purposes=purposes, given_on=given_on)
    if errors:
        raise ValidationError(errors)
    chosen = sorted(set(purposes))
    common = {"migrant": migrant, "purposes": chosen, "given_on": given_on, "note": note, "recorded_by": actor}
    rows = [Consent(government=g, **common) for g in governments]
    rows += [Consent(partner=p, **common) for p in partners]
    with transaction.atomic():
        Consent.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="create",
            obj=migrant,
            object_type="caseload.consent",
            request=request,
            after={
                "governments": [g.country for g in governments],
                "partners": [p.code for p in partners],
                "purposes": chosen,
            },
        )
    return rows


CONSENT_INPUT = ("governments", "partners", "purposes", "given_on")


def _consent_errors(
    *, governments: Sequence[Government] = (), partners: Sequence[Partner] = (), purposes: Sequence[str], given_on: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not governments and not partners:
        errors["governments"] = [_("Name at least one government or partner organisation.")]
    chosen = set(purposes)
    if not chosen:
        errors["purposes"] = [_("Name at least one purpose the person agreed to.")]
    elif any(p not in ReferralKind.values for p in chosen):
        errors["purposes"] = [_("Unknown purpose.")]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("The date of consent cannot be in the future.")]
    return errors


def consent_withdraw(*, actor: User, consent: Consent, request: HttpRequest | None = None) -> Consent:
    require_office_member(actor, consent.migrant.office_id)
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(actor=actor, action="update", obj=consent, request=request, after={"withdrawn": True})
    return consent


def referral_create(
    *,
    actor: User,
    migrant: Migrant,
    kind: str,
    recipient_government: Government | None = None,
    recipient_partner: Partner | None = None,
    priority: str,
    request_note: str = "",
    send: bool = False,
    override_reason: str = "",
    trafficking_confirmed: bool = False,
    request: HttpRequest | None = None,
) -> Referral:
    """Create a draft referral of ``migrant`` and, when ``send``, send it at once (``referral_transition``
    says what sending needs)."""
    require_office_member(actor, migrant.office_id)
    if bool(recipient_government) == bool(recipient_partner):
        raise ValidationError({"recipient_government": [_("Choose either a government or a partner organisation.")]})
    if kind == ReferralKind.CONSULAR and recipient_partner is not None:
        raise ValidationError({"recipient_government": [_("A consular referral goes to a government.")]})
    referral = Referral(
        migrant=migrant,
        crisis_id=migrant.crisis_id,
        office_id=migrant.office_id,
        kind=kind,
        priority=priority,
        recipient_government=recipient_government,
        recipient_partner=recipient_partner,
        request_note=request_note,
        created_by=actor,
    )
    try:
        referral.full_clean(exclude=["migrant", "crisis", "office", "created_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    with transaction.atomic():
        referral.save()
        ReferralEvent.objects.create(referral=referral, action="create", to_status=ReferralStatus.DRAFT, actor=actor)
        audit_record(
            actor=actor,
            action="create",
            obj=referral,
            request=request,
            after={"kind": kind, "priority": priority, "recipient": referral.recipient_type},
        )
        _refresh_sensitivity(migrant)
        referral.refresh_from_db(fields=["is_sensitive"])
        if send:
            referral = referral_transition(
                actor=actor,
                referral_id=referral.pk,
                to=ReferralStatus.SENT,
                override_reason=override_reason,
                trafficking_confirmed=trafficking_confirmed,
                request=request,
            )
    return referral


def _kind_label(kind: str) -> str:
    return str(dict(ReferralKind.choices).get(kind, kind))


def _check_consent(
    *, actor: User, referral: Referral, override_reason: str, trafficking_confirmed: bool, request: HttpRequest | None
) -> None:
    """Sharing data with a recipient needs the migrant's consent naming it for the referral's kind (its
    purpose), or an override with a reason (docs/domain.md "Consent per purpose").

    A counter-trafficking referral to a government tells it that the person may have been trafficked:
    it needs the person's own consent for that purpose (no override) and the sender's explicit
    confirmation that the person agreed to this government learning it, recorded in the audit trail.
    """
    recipient_ids = {
        "government_id": referral.recipient_government_id,
        "partner_id": referral.recipient_partner_id,
    }
    covered = consent_covers(migrant_id=referral.migrant_id, purpose=referral.kind, **recipient_ids)
    purpose = _kind_label(referral.kind)
    if referral.kind == ReferralKind.COUNTER_TRAFFICKING and referral.recipient_government_id:
        if not covered:
            raise ValidationError(
                {
                    "override_reason": [
                        _(
                            "The migrant's consent does not name %(recipient)s for the purpose "
                            "%(purpose)s. A government learns that a person was trafficked only with "
                            "that person's consent for this purpose: record it first."
                        )
                        % {"recipient": referral.recipient, "purpose": purpose}
                    ]
                }
            )
        if not trafficking_confirmed:
            raise ValidationError(
                {
                    "trafficking_confirmed": [
                        _("Confirm that the person agreed to %(recipient)s learning that they were trafficked.")
                        % {"recipient": referral.recipient}
                    ]
                }
            )
        audit_record(
            actor=actor,
            action="update",
            obj=referral,
            request=request,
            reason=str(_("The person agreed to this government learning that they were trafficked.")),
            after={
                "trafficking_disclosure_confirmed": True,
                "purpose": referral.kind,
                "recipient_type": referral.recipient_type,
                "recipient_id": referral.recipient_id,
            },
        )
        return
    if covered:
        return
    if not override_reason.strip():
        named = consents_naming(migrant_id=referral.migrant_id, **recipient_ids)
        if named:
            message = _(
                "The migrant's consent names %(recipient)s, but not for the purpose %(purpose)s: record the "
                "consent for this purpose first, or override it with a reason if you hold the override "
                "permission."
            )
        else:
            message = _(
                "The migrant's consent does not name %(recipient)s for the purpose %(purpose)s: record the "
                "consent first, or override it with a reason if you hold the override permission."
            )
        raise ValidationError({"override_reason": [message % {"recipient": referral.recipient, "purpose": purpose}]})
    if referral.office_id not in actor.office_ids_with(OVERRIDE_PERMISSION):
        raise PermissionDenied(_("You do not hold the permission to share data without consent."))
    referral.consent_override_reason = override_reason.strip()
    referral.consent_overridden_by = actor
    audit_record(
        actor=actor,
        action="override",
        obj=referral,
        request=request,
        reason=referral.consent_override_reason,
        after={
            "consent": "overridden",
            "purpose": referral.kind,
            "recipient_type": referral.recipient_type,
            "recipient_id": referral.recipient_id,
        },
    )


def _apply_outcome(referral: Referral, outcome: dict[str, Any]) -> list[str]:
    allowed = (*OUTCOME_FIELDS.get(referral.kind, ()), "outcome_note")
    unknown = [k for k in outcome if k not in allowed and outcome[k] not in ("", None)]
    if unknown:
        raise ValidationError({k: [_("This field does not apply to this kind of referral.")] for k in unknown})
    changed = []
    for field in allowed:
        if field in outcome and outcome[field] not in (None,):
            setattr(referral, field, outcome[field])
            changed.append(field)
    errors: dict[str, list[str]] = {}
    if referral.document_type and referral.document_type not in DocumentType.values:
        errors["document_type"] = [_("Unknown document type.")]
    if referral.document_issued_on and referral.document_issued_on > timezone.localdate():
        errors["document_issued_on"] = [_("The date issued cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return changed


def _lock_visible(actor: User, referral_id: int) -> Referral:
    """The referral, locked for this transaction, read through the actor's scope: one query."""
    return (
        referrals_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("recipient_government", "recipient_partner", "crisis", "migrant")
        .get(pk=referral_id)
    )


def referral_transition(
    *,
    actor: User,
    referral_id: int,
    to: str,
    note: str = "",
    reason: str = "",
    outcome: dict[str, Any] | None = None,
    override_reason: str = "",
    trafficking_confirmed: bool = False,
    request: HttpRequest | None = None,
) -> Referral:
    """Move a referral to status ``to`` if the state machine (``caseload.workflow.REFERRAL``) and the
    actor's side allow it; the machine's row for ``to`` says what else the move sets and records.

    The row is locked (SELECT ... FOR UPDATE) so that two concurrent transitions of one referral
    run one after the other: the second sees the first's status and is refused if no longer legal.
    A referral the actor may not see raises ``Referral.DoesNotExist`` (404).
    """
    transition = REFERRAL.transition_to(to)
    with transaction.atomic():
        referral = _lock_visible(actor, referral_id)
        side = side_of(actor, referral)
        REFERRAL.check(transition, status=referral.status, side=side, reason=reason)
        now = timezone.now()
        previous = referral.status
        outcome_changed: list[str] = []
        if outcome:
            if side != RECIPIENT:
                raise PermissionDenied(_("Only the recipient may record the outcome of a referral."))
            outcome_changed = _apply_outcome(referral, outcome)
        if transition.needs_consent:
            _check_consent(
                actor=actor,
                referral=referral,
                override_reason=override_reason,
                trafficking_confirmed=trafficking_confirmed,
                request=request,
            )
        transition.apply(referral, at=now, reason=reason)
        referral.save()
        ReferralEvent.objects.create(
            referral=referral,
            action=transition.action,
            from_status=previous,
            to_status=to,
            actor=actor,
            at=now,
            note=(reason if transition.needs_reason else note).strip(),
            details=_outcome_details(referral, outcome_changed),
        )
        audit_record(
            actor=actor,
            action="update",
            obj=referral,
            request=request,
            reason=reason.strip() or transition.action,
            before={"status": previous},
            after={"status": to},
        )
        record_event(
            transition.event,
            subject=referral,
            actor=actor,
            crisis_id=referral.crisis_id,
            office_id=referral.office_id,
            payload=transition.payload(referral, previous),
        )
        if outcome_changed:
            _document_to_migrant(actor=actor, referral=referral, request=request)
    return referral


def _outcome_required(referral: Referral) -> None:
    """An outcome is complete or refused: every field of the kind's outcome (``OUTCOME_FIELDS``), or a
    note for a kind without such fields; each missing one is named (read after ``_apply_outcome``)."""
    required = OUTCOME_FIELDS.get(referral.kind, ("outcome_note",))
    missing = [f for f in required if not getattr(referral, f)]
    if missing:
        raise ValidationError({f: [_("Fill this in to record the outcome.")] for f in missing})


def _document_to_migrant(*, actor: User, referral: Referral, request: HttpRequest | None) -> None:
    """A travel document the consulate issued (a consular referral's outcome) becomes the migrant's:
    valid, with its number, the referral as its source (docs/domain.md "Caseload")."""
    if referral.kind != ReferralKind.CONSULAR or not (referral.document_type and referral.document_number):
        return
    migrant = Migrant.objects.select_for_update().get(pk=referral.migrant_id)
    before = {"document_status": migrant.document_status, "document_source": migrant.document_source_id}
    migrant.document_status = DocumentStatus.VALID
    migrant.document_number = referral.document_number
    migrant.document_number_norm = normalise_document(referral.document_number)
    migrant.document_source = referral
    migrant.save(update_fields=["document_status", "document_number", "document_number_norm", "document_source"])
    audit_record(
        actor=actor,
        action="update",
        obj=migrant,
        request=request,
        reason="record_outcome",
        before=before,
        after={"document_status": DocumentStatus.VALID, "document_source": referral.pk},
    )


def _outcome_details(referral: Referral, changed: list[str]) -> dict[str, Any]:
    return {
        f: (getattr(referral, f).isoformat() if isinstance(getattr(referral, f), date) else getattr(referral, f))
        for f in changed
        if f != "outcome_note"
    }


def referral_record_outcome(
    *, actor: User, referral_id: int, outcome: dict[str, Any], request: HttpRequest | None = None
) -> Referral:
    """The recipient records what it did (a travel document, a departure) before completing: all of it
    or nothing (each missing field named). A travel document becomes the migrant's."""
    with transaction.atomic():
        referral = _lock_visible(actor, referral_id)
        side = side_of(actor, referral)
        if side != RECIPIENT:
            raise PermissionDenied(_("Only the recipient may record the outcome of a referral."))
        if not may_record_outcome(side, referral.status):
            raise ValidationError(
                {"non_field_errors": [_("The outcome is recorded on an acknowledged or ongoing referral.")]}
            )
        changed = _apply_outcome(referral, outcome)
        _outcome_required(referral)
        referral.save()
        ReferralEvent.objects.create(
            referral=referral,
            action="record_outcome",
            from_status=referral.status,
            to_status=referral.status,
            actor=actor,
            note=outcome.get("outcome_note", ""),
            details=_outcome_details(referral, changed),
        )
        audit_record(actor=actor, action="update", obj=referral, request=request, after={"outcome": changed})
        _document_to_migrant(actor=actor, referral=referral, request=request)
    return referral


def referral_remind_overdue(*, referral_id: int, due_at: datetime) -> bool:
    """Record one ``referral.overdue`` event for this due time; a second call for it does nothing."""
    with transaction.atomic():
        claimed = (
            Referral.objects.filter(pk=referral_id, due_at=due_at, status__in=OPEN)
            .exclude(overdue_reminded_for=due_at)
            .update(overdue_reminded_for=due_at)
        )
        if not claimed:
            return False
        referral = Referral.objects.get(pk=referral_id)
        record_event(
            "referral.overdue",
            subject=referral,
            crisis_id=referral.crisis_id,
            office_id=referral.office_id,
            payload={
                "kind": referral.kind,
                "due_at": due_at.isoformat(),
                "recipient_type": referral.recipient_type,
                "recipient_id": referral.recipient_id,
            },
        )
    return True


def case_share(
    *, actor: User, migrant: Migrant, to_office: Office, kind: str, note: str = "", request: HttpRequest | None = None
) -> CaseShare:
    """The Chief of Mission of the owning office shares a case (both offices see it at once) or
    asks another office to take it over (ownership moves when that office accepts)."""
    if not (actor.is_office_staff and actor.is_chief_of(migrant.office_id)):
        raise PermissionDenied(_("Only the Chief of Mission of the owning office may share or transfer a case."))
    if to_office.pk == migrant.office_id:
        raise ValidationError({"to_office": [_("The case already belongs to this office.")]})
    if kind not in CaseShare.Kind.values:
        raise ValidationError({"kind": [_("Choose share or transfer.")]})
    with transaction.atomic():
        if CaseShare.objects.filter(migrant=migrant, to_office=to_office, status=CaseShare.Status.PENDING).exists():
            raise ValidationError({"to_office": [_("A request to this office is already pending.")]})
        if (
            kind == CaseShare.Kind.SHARE
            and CaseShare.objects.filter(
                migrant=migrant, to_office=to_office, kind=kind, status=CaseShare.Status.ACCEPTED
            ).exists()
        ):
            raise ValidationError({"to_office": [_("The case is already shared with this office.")]})
        share = CaseShare.objects.create(
            migrant=migrant,
            from_office_id=migrant.office_id,
            to_office=to_office,
            kind=kind,
            note=note,
            requested_by=actor,
            status=CaseShare.Status.ACCEPTED if kind == CaseShare.Kind.SHARE else CaseShare.Status.PENDING,
            decided_by=actor if kind == CaseShare.Kind.SHARE else None,
            decided_at=timezone.now() if kind == CaseShare.Kind.SHARE else None,
        )
        audit_record(
            actor=actor, action="create", obj=share, request=request, after={"kind": kind, "to": to_office.code}
        )
    return share


def case_transfer_decide(
    *, actor: User, share_id: int, accept: bool, reason: str = "", request: HttpRequest | None = None
) -> CaseShare:
    """Staff of the receiving office accept a transfer (the office becomes the owner) or refuse it."""
    with transaction.atomic():
        share = CaseShare.objects.select_for_update(of=("self",)).select_related("migrant").get(pk=share_id)
        if not (actor.is_office_staff and share.to_office_id in actor.office_ids):
            raise CaseShare.DoesNotExist
        if share.kind != CaseShare.Kind.TRANSFER or share.status != CaseShare.Status.PENDING:
            raise ValidationError({"non_field_errors": [_("This transfer has already been decided.")]})
        if not accept and not reason.strip():
            raise ValidationError({"reason": [_("Give the reason for refusing.")]})
        share.status = CaseShare.Status.ACCEPTED if accept else CaseShare.Status.REFUSED
        share.decided_by = actor
        share.decided_at = timezone.now()
        share.refusal_reason = "" if accept else reason.strip()
        share.save()
        if accept:
            migrant = Migrant.objects.select_for_update().get(pk=share.migrant_id)
            Migrant.objects.filter(pk=migrant.pk).update(office_id=share.to_office_id)
            Referral.objects.filter(migrant_id=migrant.pk).update(office_id=share.to_office_id)
        audit_record(
            actor=actor,
            action="update",
            obj=share,
            request=request,
            reason=share.refusal_reason,
            after={"status": share.status, "owner": share.to_office_id if accept else share.from_office_id},
        )
    return share


# The recipient's steps of a transport referral that a movement makes on its behalf, in order.
_TRANSPORT_PATH = (
    ReferralStatus.SENT,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
)
_MOVEMENT_STAGES = {"boarded": ReferralStatus.IN_PROGRESS, "arrived": ReferralStatus.COMPLETED}


def transport_referrals_follow_movement(
    *,
    actor,
    migrant_ids: list[int],
    movement_reference: str,
    stage: str,
    outcome: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> int:
    """The transport referrals of a movement's passengers follow it (docs/domain.md "Operations"): when a
    person boards, their open transport referral moves to in progress; when the movement arrives, it is
    completed with the journey (departure, destination, date) as its outcome.

    These are the recipient's transitions of the referral machine, made here on behalf of the
    movement by the staff member who recorded it: each step is a referral event and an audit entry
    that name the movement, and a ``referral.transitioned`` event as for any transition. Only the
    movement service calls this; the referrals are locked and moved in bulk. Answers how many moved.
    """
    target = _MOVEMENT_STAGES.get(stage)
    if target is None:
        raise ValueError(f"unknown movement stage {stage!r}")
    sources = _TRANSPORT_PATH[: _TRANSPORT_PATH.index(target)]
    if target == ReferralStatus.COMPLETED:
        missing = [f for f in OUTCOME_FIELDS[ReferralKind.TRANSPORT] if not (outcome or {}).get(f)]
        if missing:
            raise ValidationError({f: [_("Record this before completing the referral.")] for f in missing})
    if not migrant_ids:
        return 0
    now = timezone.now()
    note = _("By movement %(reference)s (%(stage)s).") % {"reference": movement_reference, "stage": stage}
    with transaction.atomic():
        referrals = list(
            Referral.objects.select_for_update(of=("self",))
            .filter(
                migrant_id__in=migrant_ids,
                kind=ReferralKind.TRANSPORT,
                status__in=sources,
                pk__in=referrals_visible_to(actor).values("pk"),
            )
            # What the steps, their events and audit entries read of each (a thousand at arrival).
            .only("status", "kind", "crisis_id", "office_id", "recipient_government_id", "recipient_partner_id")
            .order_by("pk")
        )
        if not referrals:
            return 0
        events: list[ReferralEvent] = []
        audits: list[AuditEntry] = []
        ip = client_ip(request)
        previous_of: dict[int, str] = {}
        for referral in referrals:
            previous = referral.status
            previous_of[referral.pk] = previous
            for step_from, step_to in zip(_TRANSPORT_PATH, _TRANSPORT_PATH[1:], strict=False):
                if _TRANSPORT_PATH.index(step_from) < _TRANSPORT_PATH.index(previous):
                    continue
                if _TRANSPORT_PATH.index(step_to) > _TRANSPORT_PATH.index(target):
                    break
                events.append(
                    ReferralEvent(
                        referral=referral,
                        action=REFERRAL.transition_to(step_to).action,
                        from_status=step_from,
                        to_status=step_to,
                        actor=actor,
                        at=now,
                        note=note,
                    )
                )
            referral.status = target
            audits.append(
                AuditEntry(
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                    action=AuditEntry.Action.UPDATE,
                    object_type=referral._meta.label_lower,
                    object_id=str(referral.pk),
                    ip_address=ip,
                    reason=note,
                    before={"status": previous},
                    after={"status": target, "by_movement": movement_reference},
                )
            )
        # Every referral gets the same values: one UPDATE, whatever the number of passengers.
        values = {"status": target, "updated_at": now}
        if target == ReferralStatus.COMPLETED and outcome is not None:
            values.update({name: outcome[name] for name in OUTCOME_FIELDS[ReferralKind.TRANSPORT]}, closed_at=now)
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(**values)
        ReferralEvent.objects.bulk_create(events, batch_size=1000)
        AuditEntry.objects.bulk_create(audits, batch_size=1000)
        record_events(
            "referral.transitioned",
            [
                EventRecord(
                    subject=referral,
                    crisis_id=referral.crisis_id,
                    office_id=referral.office_id,
                    payload={
                        "from": previous_of[referral.pk],
                        "to": target,
                        "kind": referral.kind,
                        "recipient_type": referral.recipient_type,
                        "recipient_id": referral.recipient_id,
                        "by_movement": True,
                    },
                )
                for referral in referrals
            ],
            actor=actor,
        )
    return len(referrals)
