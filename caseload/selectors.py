"""Reads of the caseload, scoped to the user (docs/domain.md "Who uses it" and "Sensitive records")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    Expression,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat

from sectors.referral_kinds import ReferralKind

from .models import CaseShare, Consent, DocumentType, Migrant, Referral, ReferralStatus
from .workflow import overdue_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

SENSITIVE_PERMISSION = "view_sensitive_records"


def has_vulnerability(code: str) -> Q:
    """The migrants flagged with this vulnerability, on PostgreSQL and SQLite alike: the JSON list as
    text holds each code in quotes, and codes are distinct words, so there is no false match."""
    return Q(vulnerabilities__icontains=f'"{code}"')


def _office_scope(user: User) -> Q:
    """Migrants an office member may see: owned by or shared with one of the user's offices;
    sensitive ones only through an office where the user holds the sensitive permission."""
    offices = user.office_ids
    sensitive_offices = user.office_ids_with(SENSITIVE_PERMISSION)

    def reach(office_ids) -> Q:
        shared = CaseShare.objects.filter(
            migrant=OuterRef("pk"),
            kind=CaseShare.Kind.SHARE,
            status=CaseShare.Status.ACCEPTED,
            to_office_id__in=office_ids,
        )
        return Q(office_id__in=office_ids) | Q(Exists(shared))

    if not sensitive_offices:
        return reach(offices) & Q(is_sensitive=False)
    if sensitive_offices == offices:
        return reach(offices)  # the same set, in half the SQL
    return (reach(offices) & Q(is_sensitive=False)) | reach(sensitive_offices)


def migrants_visible_to(user: AnyUser) -> QuerySet[Migrant]:
    """HQ reads every case; office staff their office's and those shared with it; liaisons none
    (they see a referred migrant only through the referral, and only its kind's fields)."""
    if not user.is_authenticated or not user.is_active:
        return Migrant.objects.none()
    # A record merged into another (caseload.dedup) is kept for its trail but listed nowhere.
    if user.is_hq:
        return Migrant.objects.filter(merged_into__isnull=True)
    if user.is_office_staff and user.office_ids:
        return Migrant.objects.filter(_office_scope(user), merged_into__isnull=True)
    return Migrant.objects.none()


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    """HQ all; office staff those of the migrants they see; a government liaison the sent referrals
    addressed to its government, never a sensitive one unless the migrant's consent names that
    government for its kind; a partner liaison the sent referrals addressed to its organisation."""
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    if user.is_hq:
        return Referral.objects.all()
    if user.is_office_staff and user.office_ids:
        referrals = Referral.objects.filter(migrant__in=migrants_visible_to(user).values("pk"))
        if not user.office_ids_with(SENSITIVE_PERMISSION):
            referrals = referrals.filter(is_sensitive=False)
        return referrals
    if user.is_government_liaison and user.government_id:
        return referrals_visible_to_recipient("government", user.government_id)
    if user.is_partner_liaison and user.partner_id:
        return referrals_visible_to_recipient("partner", user.partner_id)
    return Referral.objects.none()


def referrals_visible_to_recipient(recipient_type: str, recipient_id: int) -> QuerySet[Referral]:
    """What a government or partner organisation sees as a recipient, whoever of it asks (its
    liaisons, its notifications): the sent referrals addressed to it, a draft being nobody's business
    outside the office; of a government never a sensitive one (trafficking) unless the migrant's
    consent names that government for the referral's kind (docs/domain.md "Sensitive records")."""
    if recipient_type == "government":
        consent_covers_it = consent_covering(
            migrant_ref="migrant_id", purpose=OuterRef("kind"), government_id=recipient_id
        )
        return (
            Referral.objects.filter(recipient_government_id=recipient_id)
            .exclude(status=ReferralStatus.DRAFT)
            .filter(Q(is_sensitive=False) | Q(consent_covers_it))
        )
    if recipient_type == "partner":
        return Referral.objects.filter(recipient_partner_id=recipient_id).exclude(status=ReferralStatus.DRAFT)
    return Referral.objects.none()


def overdue(queryset: QuerySet[Referral], now: datetime | None = None) -> QuerySet[Referral]:
    """The referrals of ``queryset`` that are open past their due time (``caseload.workflow``)."""
    return queryset.filter(overdue_q(now))


def with_overdue(queryset: QuerySet[Referral], now: datetime | None = None) -> QuerySet[Referral]:
    """Each referral of ``queryset`` with ``overdue_now``: the same rule, worked out by the database."""
    return queryset.annotate(overdue_now=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))


def _live_consents(*, government_id: int | None, partner_id: int | None) -> QuerySet[Consent]:
    consents = Consent.objects.filter(withdrawn_at__isnull=True)
    if government_id:
        return consents.filter(government_id=government_id)
    if partner_id:
        return consents.filter(partner_id=partner_id)
    return consents.none()


def _covering(purpose: str | Expression | OuterRef) -> Q:
    """Consents whose purposes include ``purpose`` (a kind code, or an expression giving one): the JSON
    list read as text holds each code in quotes, as the caseload filter reads the vulnerabilities."""
    if isinstance(purpose, str):
        return Q(purposes__icontains=f'"{purpose}"')
    return Q(purposes__icontains=Concat(Value('"'), purpose, Value('"'), output_field=CharField()))


def consent_covers(
    *, migrant_id: int, purpose: str, government_id: int | None = None, partner_id: int | None = None
) -> bool:
    """The one test of consent (docs/domain.md "Consent per purpose"): the person has a live consent
    naming this government or partner for this purpose (a ``ReferralKind``). Consent given for a
    travel document is not consent to disclose that the person was trafficked."""
    return (
        _live_consents(government_id=government_id, partner_id=partner_id)
        .filter(_covering(purpose), migrant_id=migrant_id)
        .exists()
    )


def consent_covering(
    *,
    migrant_ref: str,
    purpose: str | Expression | OuterRef,
    government_id: int | None = None,
    partner_id: int | None = None,
) -> Exists:
    """``consent_covers`` as a condition of a query over many people at once: the migrant whose id is
    at ``migrant_ref`` (an ``OuterRef`` path such as ``"migrant_id"``) has a live consent naming the
    government or partner for ``purpose`` (a kind, or an ``OuterRef`` to one)."""
    return Exists(
        _live_consents(government_id=government_id, partner_id=partner_id).filter(
            _covering(purpose), migrant_id=OuterRef(migrant_ref)
        )
    )


def consents_naming(*, migrant_id: int, government_id: int | None = None, partner_id: int | None = None) -> list:
    """The live consents of the person naming this recipient (to say which purposes they cover)."""
    return list(_live_consents(government_id=government_id, partner_id=partner_id).filter(migrant_id=migrant_id))


def possible_duplicates(
    user: AnyUser, *, given_name: str, family_name: str, date_of_birth, nationality: str, document_number: str = ""
) -> QuerySet[Migrant]:
    """Visible migrants with the same normalised name, or the same name in another script (the same
    name key), date of birth and nationality, or the same document number (the warning shown when
    registering)."""
    from .names import name_key
    from .validators import normalise_document, normalise_name

    same_name = Q(given_name_norm=normalise_name(given_name), family_name_norm=normalise_name(family_name))
    given_key, family_key = name_key(given_name), name_key(family_name)
    if given_key and family_key:
        same_name |= Q(given_name_key=given_key, family_name_key=family_key)
    same_person = same_name & Q(nationality=nationality, date_of_birth=date_of_birth)
    document = normalise_document(document_number)
    condition = same_person | Q(document_number_norm=document) if document else same_person
    return migrants_visible_to(user).filter(condition).select_related("office")[:10]


def incoming_cases_for(user: AnyUser) -> QuerySet[CaseShare]:
    """Pending transfers to the user's offices: the receiving office accepts or refuses them."""
    if not user.is_authenticated or not user.is_office_staff:
        return CaseShare.objects.none()
    # The caseload list shows them on every page: only the columns it prints are read.
    return (
        CaseShare.objects.filter(
            to_office_id__in=user.office_ids, kind=CaseShare.Kind.TRANSFER, status=CaseShare.Status.PENDING
        )
        .select_related("migrant", "from_office")
        .only("pk", "note", "migrant__reference", "migrant__given_name", "migrant__family_name", "from_office__name")
    )


def consular_travel_documents(migrant_ids) -> dict[int, tuple[str, str]]:
    """The emergency travel document or laissez-passer recorded on each person's consular referral
    (its outcome, framework Sector 12): migrant id -> (document type, number), the latest one issued."""
    rows = (
        Referral.objects.filter(
            migrant_id__in=migrant_ids,
            kind=ReferralKind.CONSULAR,
            status__in=(ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED),
            document_type__in=(DocumentType.EMERGENCY_TRAVEL_DOCUMENT, DocumentType.LAISSEZ_PASSER),
        )
        .exclude(document_number="")
        .order_by("migrant_id", "document_issued_on", "id")
        .values_list("migrant_id", "document_type", "document_number")
    )
    return {migrant_id: (kind, number) for migrant_id, kind, number in rows}
