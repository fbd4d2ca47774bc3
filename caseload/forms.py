"""Browser forms of the caseload; they parse input, the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from core.pickers import CountryField, CountryListField, LanguageListField, label_picker_lists
from crises.models import Crisis
from partners.models import Government, Partner
from sectors.referral_kinds import ReferralKind

from .disclosure import PURPOSE_SHARES
from .models import (
    CaseShare,
    DocumentStatus,
    DocumentType,
    Intention,
    LegalBasis,
    PopulationGroup,
    Priority,
    Sex,
    Vulnerability,
)
from .validators import phone_to_e164, validate_not_future, validate_phone
from .workflow import OUTCOME_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "---------"), *choices]


class MigrantForm(forms.Form):
    crisis = forms.ModelChoiceField(label=_("Crisis"), queryset=Crisis.objects.none())
    office = forms.ModelChoiceField(label=_("Registering office"), queryset=Office.objects.none())
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    other_names = forms.CharField(label=_("Other names"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices))
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is unknown."),
    )
    nationality = CountryField(label=_("Nationality"), help_text=_("Type a few letters and pick the country."))
    other_nationalities = CountryListField(label=_("Other nationalities"), inputs=2)
    languages = LanguageListField(
        label=_("Languages"), inputs=3, help_text=_("Type a few letters and pick the language.")
    )
    document_status = forms.ChoiceField(label=_("Travel document"), choices=_blank(DocumentStatus.choices))
    document_number = forms.CharField(label=_("Travel document number"), max_length=64, required=False)
    location_country = CountryField(label=_("Current country"))
    admin_pcode = forms.CharField(label=_("Admin area P-code"), max_length=32, required=False)
    site = forms.CharField(label=_("Site"), max_length=200, required=False)
    household = forms.CharField(
        label=_("Group or household"),
        max_length=64,
        required=False,
        help_text=_("A shared reference for people who travel together."),
    )
    population_group = forms.ChoiceField(label=_("Population group"), choices=_blank(PopulationGroup.choices))
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    intention = forms.ChoiceField(label=_("Intention"), choices=Intention.choices, initial=Intention.UNDECIDED)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("International format, e.g. +20 10 1234 5678"),
        # Typed and shown left to right in an Arabic page too (static/css/app.css).
        widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr"}),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis of processing"), choices=LegalBasis.choices)
    # Consent at registration (docs/domain.md "Consent per purpose"): nothing ticked, nothing recorded.
    consent_governments = forms.ModelMultipleChoiceField(
        label=_("Governments the person agreed to share with"),
        queryset=Government.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations the person agreed to share with"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("Purposes the person agreed to"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Read each purpose aloud: it says what is shared and why. Tick only those the person agreed to."),
    )
    consent_note = forms.CharField(label=_("Consent note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_not_duplicate = forms.BooleanField(
        label=_("I checked the possible duplicates: this is another person"), required=False
    )

    CONSENT_FIELDS = ("consent_governments", "consent_partners", "consent_purposes", "consent_note")
    SECTIONS = (
        (
            "identity",
            _("Identity"),
            (
                "given_name",
                "family_name",
                "other_names",
                "sex",
                "date_of_birth",
                "estimated_age",
                "nationality",
                "other_nationalities",
                "languages",
                "phone",
            ),
        ),
        ("documents", _("Documents"), ("document_status", "document_number")),
        (
            "location",
            _("Location"),
            ("location_country", "admin_pcode", "site", "household", "population_group", "intention"),
        ),
        ("vulnerabilities", _("Vulnerabilities"), ("vulnerabilities",)),
        ("consent", _("Consent"), ("legal_basis", *CONSENT_FIELDS)),
    )

    def __init__(self, *args, crises=None, offices=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # Consent of a registered person is recorded on its own page, per purpose.
            for name in ("crisis", "office", "confirm_not_duplicate", *self.CONSENT_FIELDS):
                del self.fields[name]
            # The version the edit is made on (the case's updated_at): a change made meanwhile by
            # someone else is shown field by field, not overwritten (caseload.services.EditConflict).
            self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
        else:
            self.fields["crisis"].queryset = crises if crises is not None else Crisis.objects.none()
            self.fields["office"].queryset = offices if offices is not None else Office.objects.none()
            self.fields["consent_purposes"].choices = [
                (code, format_lazy("{}: {}", label, PURPOSE_SHARES[code])) for code, label in ReferralKind.choices
            ]
        label_picker_lists(self)

    def sections(self) -> list[tuple[str, str, list]]:
        """The form's fields in the order a field officer asks them, one fieldset each."""
        return [
            (key, title, [self[name] for name in names if name in self.fields]) for key, title, names in self.SECTIONS
        ]

    def leading_fields(self) -> list:
        return [self[name] for name in ("crisis", "office") if name in self.fields]

    # The service's rules, checked here too so that one submit shows every error at once (a date of
    # birth in the future with a bad phone), each field named in the error summary.
    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value:
            validate_not_future(value)
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone") or ""
        if value:
            validate_phone(value)
            phone_to_e164(value)
        return value

    def clean(self):
        data = super().clean()
        if "consent_purposes" in self.fields:
            recipients = bool(data.get("consent_governments")) or bool(data.get("consent_partners"))
            purposes = bool(data.get("consent_purposes"))
            # Half a consent is an error on the missing half, shown with the others.
            if purposes and not recipients:
                self.add_error("consent_governments", _("Name at least one government or partner organisation."))
            if recipients and not purposes:
                self.add_error("consent_purposes", _("Name at least one purpose the person agreed to."))
        return data

    def migrant_data(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("crisis", "office", "confirm_not_duplicate", "version", *self.CONSENT_FIELDS):
            data.pop(key, None)
        return data

    def base_version(self):
        """The updated_at the edit was made on, or None (a form without it is not checked)."""
        from datetime import datetime

        try:
            return datetime.fromisoformat(self.cleaned_data.get("version") or "")
        except ValueError:
            return None

    def consent_data(self) -> dict | None:
        """The consent given at registration, for caseload.services.consent_record; None when
        nothing was ticked."""
        data = self.cleaned_data
        governments = list(data.get("consent_governments") or [])
        partners = list(data.get("consent_partners") or [])
        purposes = list(data.get("consent_purposes") or [])
        if not (governments or partners or purposes):
            return None
        return {"governments": governments, "partners": partners, "purposes": purposes, "note": data["consent_note"]}


class HouseholdForm(forms.Form):
    """What the people registered together share: crisis, office, location and household reference."""

    crisis = forms.ModelChoiceField(label=_("Crisis"), queryset=Crisis.objects.none())
    office = forms.ModelChoiceField(label=_("Registering office"), queryset=Office.objects.none())
    household = forms.CharField(
        label=_("Group or household"),
        max_length=64,
        required=False,
        help_text=_("A shared reference for people who travel together; one is made up when left empty."),
    )
    location_country = CountryField(label=_("Current country"))
    admin_pcode = forms.CharField(label=_("Admin area P-code"), max_length=32, required=False)
    site = forms.CharField(label=_("Site"), max_length=200, required=False)
    population_group = forms.ChoiceField(label=_("Population group"), choices=_blank(PopulationGroup.choices))
    intention = forms.ChoiceField(label=_("Intention"), choices=Intention.choices, initial=Intention.UNDECIDED)
    legal_basis = forms.ChoiceField(label=_("Legal basis of processing"), choices=LegalBasis.choices)

    def __init__(self, *args, crises=None, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crisis"].queryset = crises if crises is not None else Crisis.objects.none()
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()


class HouseholdMemberForm(forms.Form):
    """One person of a household; a row left empty is no one."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices))
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    estimated_age = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=120)
    nationality = CountryField(label=_("Nationality"))
    languages = LanguageListField(label=_("Languages"), inputs=2)
    document_status = forms.ChoiceField(label=_("Travel document"), choices=_blank(DocumentStatus.choices))
    document_number = forms.CharField(label=_("Travel document number"), max_length=64, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr"})
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_picker_lists(self)

    clean_date_of_birth = MigrantForm.clean_date_of_birth
    clean_phone = MigrantForm.clean_phone


HouseholdMemberFormSet = forms.formset_factory(HouseholdMemberForm, extra=0, max_num=20, absolute_max=20)


class ConsentForm(forms.Form):
    governments = forms.ModelMultipleChoiceField(
        label=_("Governments"),
        queryset=Government.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes the person agreed to"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Read each purpose aloud: it says what is shared and why. Tick only those the person agreed to."),
    )
    given_on = forms.DateField(label=_("Consent given on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = [
            (code, format_lazy("{}: {}", label, PURPOSE_SHARES[code])) for code, label in ReferralKind.choices
        ]


class ReferralForm(forms.Form):
    """A referral preselects nothing: neither its kind nor its recipient; it is sent only by the
    button named "Send" (docs/domain.md "Consent per purpose"). For a consular referral the page
    suggests the government of nationality once the kind is chosen."""

    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(ReferralKind.choices))
    recipient_government = forms.ModelChoiceField(
        label=_("Government"), queryset=Government.objects.filter(is_active=True), required=False
    )
    recipient_partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Partner.objects.filter(is_active=True), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    request_note = forms.CharField(label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    trafficking_confirmed = forms.BooleanField(
        label=_("The person agreed to this government learning that they were trafficked"),
        required=False,
        help_text=_("Needed to send a counter-trafficking referral to a government."),
    )
    override_reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only with the override permission, when the migrant's consent does not name the recipient."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sending is the button's, never a field's default.
        self.send = bool(self.data.get("send")) if self.is_bound else False

    @property
    def trafficking_to_government(self) -> bool:
        return (
            self.is_bound
            and self.data.get("kind") == ReferralKind.COUNTER_TRAFFICKING
            and bool(self.data.get("recipient_government"))
        )


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(label=_("Reason for sharing without consent"), required=False)
    trafficking_confirmed = forms.BooleanField(
        label=_("The person agreed to this government learning that they were trafficked"), required=False
    )


class OutcomeForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document type"), choices=_blank(DocumentType.choices), required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    document_issued_on = forms.DateField(label=_("Date issued"), required=False, widget=DATE)
    departure_from = forms.CharField(label=_("Departure from"), max_length=200, required=False)
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False)
    travel_date = forms.DateField(label=_("Travel date"), required=False, widget=DATE)
    outcome_note = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = (*OUTCOME_FIELDS.get(kind, ()), "outcome_note")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def outcome(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ShareForm(forms.Form):
    kind = forms.ChoiceField(label=_("Share or transfer"), choices=CaseShare.Kind.choices, widget=forms.RadioSelect)
    to_office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, exclude_office_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = Office.objects.exclude(pk=exclude_office_id).order_by("name")


class DecideTransferForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), required=False)
