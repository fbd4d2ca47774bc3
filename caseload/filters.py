"""Filters of the migrant and referral lists, shared by the browser pages and the API."""

from __future__ import annotations

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.countries import country_choices
from core.widgets import FastSelect
from crises.models import Crisis
from crises.selectors import crises_visible_to
from sectors.referral_kinds import ReferralKind

from .models import DocumentStatus, Migrant, Referral, ReferralStatus, Vulnerability
from .names import name_key
from .selectors import has_vulnerability
from .validators import normalise_document, normalise_name
from .workflow import overdue_q


def _crises(request):
    if request is None:
        return Crisis.objects.none()
    # The options print "code name" (Crisis.__str__): nothing else is read.
    return crises_visible_to(request.user).only("pk", "code", "name").order_by("-start_date")


class _PlainQueryChoices(ModelChoiceIterator):
    """The options in one plain query: Django's iterator() opens a server-side cursor for them
    (DECLARE ... WITH HOLD, FETCH, CLOSE on PostgreSQL), three round trips for a few dozen crises."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)


class _ListedChoices(django_filters.fields.ModelChoiceIterator, _PlainQueryChoices):
    pass


class _ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice among a short list of rows, read once per form: the value given is checked against
    the options printed (Django's field reads the chosen row again with a query of its own)."""

    iterator = _ListedChoices

    def listed(self) -> list:
        rows = getattr(self, "_listed", None)
        if rows is None or getattr(self, "_listed_from", None) is not self.queryset:
            rows = self._listed = list(self.queryset.all())
            self._listed_from = self.queryset
        return rows

    def to_python(self, value):
        if value in self.empty_values or (self.null_label is not None and value == self.null_value):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        wanted = str(getattr(value, key) if isinstance(value, self.queryset.model) else value)
        for obj in self.listed():
            if str(getattr(obj, key)) == wanted:
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _ListedModelChoiceField


class MigrantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or document number"), method="filter_q")
    crisis = ListedModelChoiceFilter(label=_("Crisis"), queryset=_crises, widget=FastSelect)
    nationality = django_filters.ChoiceFilter(label=_("Nationality"), choices=country_choices, widget=FastSelect)
    document_status = django_filters.ChoiceFilter(label=_("Travel document"), choices=DocumentStatus.choices)
    household = django_filters.CharFilter(label=_("Group or household"), field_name="household")
    vulnerability = django_filters.ChoiceFilter(
        label=_("Vulnerability"), choices=Vulnerability.choices, method="filter_vulnerability"
    )
    referral_kind = django_filters.ChoiceFilter(
        label=_("Referral kind"), choices=ReferralKind.choices, method="filter_referral"
    )
    referral_status = django_filters.ChoiceFilter(
        label=_("Referral status"), choices=ReferralStatus.choices, method="filter_referral"
    )

    class Meta:
        model = Migrant
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        # A word with a figure in it is part of a document number, never of a name: "P56067994" has
        # the name key "b" and would list everyone whose name's key is "b" (Bo, Abu) after the one
        # person whose passport it is.
        name_part = " ".join(word for word in value.split() if not any(ch.isdigit() for ch in word))
        words = normalise_name(name_part).split()
        document = normalise_document(value)
        by_name = Q()
        for word in words:
            by_name &= Q(family_name_norm__startswith=word) | Q(given_name_norm__startswith=word)
        # Across scripts: each word of the query's name key begins the key of the given or the family
        # name, so that "محمد حسن" finds "Mohamed Hassan" and back (docs/domain.md "Names across scripts").
        keys = name_key(name_part).split()
        by_key = Q()
        for key in keys:
            # A key of one letter ("Aya" is "a") begins too many names to narrow anything: it must
            # be the whole key of a name, which the index answers as narrowly as a full word.
            if len(key) < 2:
                by_key &= Q(family_name_key=key) | Q(given_name_key=key)
            else:
                by_key &= Q(family_name_key__startswith=key) | Q(given_name_key__startswith=key)
        condition = (by_name | by_key if keys else by_name) if words else Q(pk__in=[])
        if document:
            condition |= Q(document_number_norm=document)
        return queryset.filter(condition)

    def filter_vulnerability(self, queryset, name, value):
        return queryset.filter(has_vulnerability(value))

    def filter_referral(self, queryset, name, value):
        # Both referral filters apply to one referral: "has a consular referral that is sent".
        referrals = Referral.objects.filter(migrant_id=OuterRef("pk"))
        kind = self.form.cleaned_data.get("referral_kind")
        status = self.form.cleaned_data.get("referral_status")
        if kind:
            referrals = referrals.filter(kind=kind)
        if status:
            referrals = referrals.filter(status=status)
        if name == "referral_status" and kind:
            return queryset  # applied with referral_kind already
        return queryset.filter(Exists(referrals))


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number of at least 1."""

    field_class = forms.IntegerField


class MigrantApiFilter(MigrantFilter):
    """The API's filters: a crisis is named by its id, and one the user does not see finds nobody,
    as an unknown id does (the page's select lists only the crises the user sees)."""

    crisis = IdFilter(field_name="crisis_id", min_value=1)

    class Meta(MigrantFilter.Meta):
        pass


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReferralKind.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        # "Any" for an unset filter, not Django's "Unknown".
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    migrant = django_filters.NumberFilter(label=_("Migrant"), field_name="migrant_id")
    recipient_government = django_filters.NumberFilter(label=_("Government"), field_name="recipient_government_id")
    recipient_partner = django_filters.NumberFilter(label=_("Partner organisation"), field_name="recipient_partner_id")
    crisis = django_filters.NumberFilter(label=_("Crisis"), field_name="crisis_id")

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())
