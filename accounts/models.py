"""Who uses the system: country offices and their members, HQ, and liaison accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import FilteredRelation, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.countries import country_name, validate_iso3


class Region(models.TextChoices):
    """IOM regional offices."""

    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    CENTRAL_NORTH_AMERICA = "central_north_america", _("Central and North America and the Caribbean")
    SOUTH_AMERICA = "south_america", _("South America")
    EAST_HORN_AFRICA = "east_horn_africa", _("East and Horn of Africa")
    SOUTHERN_AFRICA = "southern_africa", _("Southern Africa")
    WEST_CENTRAL_AFRICA = "west_central_africa", _("West and Central Africa")
    MENA = "mena", _("Middle East and North Africa")
    EEA = "eea", _("European Economic Area")
    SEE_EECA = "see_eeca", _("South-Eastern Europe, Eastern Europe and Central Asia")


class Office(models.Model):
    """An IOM country office (mission)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    country = models.CharField(_("country"), max_length=3, validators=[validate_iso3])
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("country office")
        verbose_name_plural = _("country offices")
        ordering = ["name"]
        permissions = [
            ("view_sensitive_records", _("View sensitive records of this office")),
            ("override_consent", _("Share data without the matching consent, with a reason")),
            (
                "override_travel_document",
                _("Lock a movement's manifest while a passenger lacks a travel document, with a reason"),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(country__regex=r"^[A-Z]{3}$"), name="office_country_iso3")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class User(AbstractUser):
    """An account; its role decides what it may see (docs/domain.md "Who uses it")."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Office staff")
        HQ = "hq", _("HQ emergency coordinator")
        GOVERNMENT = "government", _("Government liaison")
        PARTNER = "partner", _("Partner liaison")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICE)
    government = models.ForeignKey(
        "partners.Government",
        verbose_name=_("government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        choices=[("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))],
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="government", government__isnull=False, partner__isnull=True)
                    | models.Q(role="partner", partner__isnull=False, government__isnull=True)
                    | models.Q(role__in=["office", "hq"], government__isnull=True, partner__isnull=True)
                ),
                name="user_role_matches_organisation",
            ),
        ]

    @property
    def is_hq(self) -> bool:
        return self.is_active and self.role == self.Role.HQ

    @property
    def is_office_staff(self) -> bool:
        return self.is_active and self.role == self.Role.OFFICE

    @property
    def is_government_liaison(self) -> bool:
        return self.is_active and self.role == self.Role.GOVERNMENT

    @property
    def is_partner_liaison(self) -> bool:
        return self.is_active and self.role == self.Role.PARTNER

    @property
    def is_liaison(self) -> bool:
        return self.is_government_liaison or self.is_partner_liaison

    @cached_property
    def _office_rights(self) -> tuple[list[tuple[int, bool]], dict[str, frozenset[int]]]:
        """The user's memberships and the per-object permissions held on those offices, in one
        query: each membership joined (LEFT) to this user's guardian grants on its office. A grant
        on an office the user is no member of is never read (office_ids_with keeps to members)."""
        if not self.pk or self.role != self.Role.OFFICE:
            return [], {}
        rows = (
            self.memberships.annotate(
                grant=FilteredRelation(
                    "office__officeuserobjectpermission",
                    condition=Q(office__officeuserobjectpermission__user_id=self.pk),
                )
            )
            .order_by("office_id")
            .values_list("office_id", "is_chief_of_mission", "grant__permission__codename")
        )
        memberships: dict[int, bool] = {}
        grants: dict[str, set[int]] = {}
        for office_id, chief, codename in rows:
            memberships[office_id] = chief
            if codename is not None:
                grants.setdefault(codename, set()).add(office_id)
        return list(memberships.items()), {codename: frozenset(ids) for codename, ids in grants.items()}

    @property
    def _memberships(self) -> list[tuple[int, bool]]:
        return self._office_rights[0]

    @property
    def office_ids(self) -> frozenset[int]:
        """Offices the user is a member of (one query per request, then cached)."""
        return frozenset(office_id for office_id, _chief in self._memberships)

    @property
    def chief_office_ids(self) -> frozenset[int]:
        return frozenset(office_id for office_id, chief in self._memberships if chief)

    def is_member_of(self, office_id: int) -> bool:
        """Active office staff of ``office_id``: who works on that office's crises and cases."""
        return self.is_office_staff and office_id in self.office_ids

    def is_chief_of(self, office_id: int) -> bool:
        return office_id in self.chief_office_ids

    @property
    def role_label(self) -> str:
        """The role as shown to people: a Chief of Mission is shown as such, not as office staff."""
        if self.role == self.Role.OFFICE and self.chief_office_ids:
            return str(_("Chief of Mission"))
        return str(self.get_role_display())

    def office_ids_with(self, codename: str) -> frozenset[int]:
        """Offices where the user holds the per-object permission ``codename`` (guardian grant)."""
        return self._office_rights[1].get(codename, frozenset()) & self.office_ids


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="memberships")
    is_chief_of_mission = models.BooleanField(_("Chief of Mission"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="membership_unique_user_office"),
            models.UniqueConstraint(
                fields=["office"], condition=models.Q(is_chief_of_mission=True), name="membership_one_chief_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office}"


class OfficeUserObjectPermission(UserObjectPermissionBase):
    """Guardian grant on one office, with a direct foreign key (guardian's advice for speed)."""

    content_object = models.ForeignKey(Office, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("office permission of a user")
        verbose_name_plural = _("office permissions of users")


class OfficeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Office, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("office permission of a group")
        verbose_name_plural = _("office permissions of groups")
