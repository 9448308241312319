import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import AmountField, PlainFormSet, date_field
from habiter.residences.models import ContractStatus

from .models import (
    ArrearsLetterKind,
    BankCsvMapping,
    BankFileFormat,
    ChargeNature,
    DeductionReason,
    PaymentSource,
    RedevancePaymentSource,
)
from .templatetags.ledger_money import euros

MAX_BANK_FILE_BYTES = 5 * 1024 * 1024


# what a user may record a payment from: a retention on the deposit is written by the deposit return only
RECORDABLE_SOURCES = [
    (value, label)
    for value, label in PaymentSource.choices
    if value not in (PaymentSource.DEPOSIT, PaymentSource.REGULARISATION)
]


class MonthField(forms.DateField):
    """A month typed as AAAA-MM (an <input type="month">), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Indiquez un mois (AAAA-MM).")}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, date) else day


class MonthForm(forms.Form):
    month = MonthField(label=_("Mois à appeler"))


class CloseForm(forms.Form):
    month = MonthField(label=_("Mois à clôturer"))


class OpeningForm(forms.Form):
    opened_on = forms.DateField(
        label=_("Date d'ouverture de la comptabilité"),
        required=False,
        help_text=_("Aucune écriture ne peut être datée avant. Laissez vide pour n'en fixer aucune."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PaymentForm(forms.Form):
    amount = AmountField(
        label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    received_on = forms.DateField(label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.ChoiceField(label=_("Provenance"), choices=RECORDABLE_SOURCES)
    reference = forms.CharField(label=_("Référence"), max_length=80, required=False)
    chosen_call_id = forms.ChoiceField(
        label=_("Mois réglé"),
        required=False,
        help_text=_(
            "Le locataire peut choisir la dette qu'il paie (Code civil, art. 1342-10) ; par défaut, le loyer impayé "
            "le plus ancien. Le reste éventuel va aux loyers impayés les plus anciens."
        ),
    )

    # shown only once the service asked to confirm a large amount (`ask_confirmation`); ticked, the form resubmits
    # the same payment with confirmed=True
    confirmed = forms.BooleanField(label=_("Je confirme ce montant"), required=False, widget=forms.HiddenInput)
    # one key per form shown: posting the same form twice (a double click) records one payment
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, open_calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        if self.data.get(self.add_prefix("confirmed")) in ("on", "true", "True", "1"):
            self.ask_confirmation()
        self.fields["chosen_call_id"].choices = [("", _("Le plus ancien loyer impayé"))] + [
            (
                str(call.pk),
                _("%(period)s — reste %(left)s €")
                % {"period": f"{call.period:%m/%Y}", "left": euros(call.due - call.paid)},
            )
            for call in open_calls
        ]

    def ask_confirmation(self) -> None:
        """Show the « Je confirme ce montant » checkbox."""
        self.fields["confirmed"].widget = forms.CheckboxInput()


class ReverseForm(forms.Form):
    on = forms.DateField(
        label=_("Date de la contre-passation"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ArrearsForm(forms.Form):
    on = forms.DateField(
        label=_("Situation au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ExportForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label=_("Au (date de clôture de l'exercice pour le FEC)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[("fec", _("FEC — fichier des écritures comptables")), ("xlsx", _("Classeur XLSX"))],
        widget=forms.RadioSelect,
        initial="fec",
    )
    siren = forms.CharField(label=_("SIREN de l'association (pour le FEC)"), max_length=11, required=False, strip=True)


class BankMappingForm(forms.ModelForm):
    class Meta:
        model = BankCsvMapping
        fields = [
            "name",
            "date_column",
            "label_column",
            "amount_column",
            "credit_column",
            "debit_column",
            "reference_column",
            "counterparty_column",
            "delimiter",
            "date_format",
            "encoding",
        ]

    def clean(self):
        data = super().clean()
        if not (data.get("amount_column") or (data.get("credit_column") and data.get("debit_column"))):
            raise forms.ValidationError(_("Indiquez la colonne du montant, ou celles du crédit et du débit."))
        return data

    def validate_unique(self):
        """The name is checked by the service, which knows the organisation."""


class BankImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier du relevé"), help_text=_("CSV ou XML (CAMT.053), 5 Mo au plus."))
    file_format = forms.ChoiceField(label=_("Format"), choices=BankFileFormat.choices, initial=BankFileFormat.CSV)
    mapping = forms.ModelChoiceField(
        label=_("Format CSV de la banque"),
        queryset=BankCsvMapping.objects.none(),
        required=False,
        empty_label=_("— choisir —"),
        help_text=_("Pour un fichier CSV seulement."),
    )

    def __init__(self, *args, mappings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mappings is not None:
            self.fields["mapping"].queryset = mappings

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BANK_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo : importez un relevé plus court."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("file_format") == BankFileFormat.CSV and not data.get("mapping"):
            self.add_error("mapping", _("Choisissez le format CSV de votre banque (ou créez-le ci-dessous)."))
        return data


SECOND_PAYMENT_LABEL = _("Autre versement que celui déjà saisi")
SECOND_PAYMENT_HELP = _(
    "À cocher seulement si un encaissement du même montant, saisi à la main pour ce bail, est un autre versement."
)


class BankMatchForm(forms.Form):
    lease = forms.UUIDField(label=_("Bail"), error_messages={"invalid": _("Choisissez un bail.")})
    source = forms.ChoiceField(label=_("Provenance"), choices=RECORDABLE_SOURCES, initial=PaymentSource.TENANT)
    second_payment = forms.BooleanField(label=SECOND_PAYMENT_LABEL, required=False)


class BankManualMatchForm(forms.Form):
    """The lease chosen by hand on the line's page, among those the accountant may record a payment for."""

    lease = forms.ChoiceField(label=_("Bail"))
    source = forms.ChoiceField(label=_("Provenance"), choices=RECORDABLE_SOURCES, initial=PaymentSource.TENANT)
    second_payment = forms.BooleanField(label=SECOND_PAYMENT_LABEL, help_text=SECOND_PAYMENT_HELP, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lease"].choices = [("", _("— choisir —"))] + [(str(c.lease_id), c.title) for c in candidates]


THIRD_PARTY_SOURCES = [
    (value, label) for value, label in PaymentSource.choices if value in ("caf", "fsl", "visale", "tenant")
]


class BankSplitSourceForm(forms.Form):
    source = forms.ChoiceField(label=_("Qui a versé"), choices=THIRD_PARTY_SOURCES, initial=PaymentSource.CAF)
    second_payment = forms.BooleanField(label=SECOND_PAYMENT_LABEL, help_text=SECOND_PAYMENT_HELP, required=False)


def share_amount_field() -> forms.DecimalField:
    """A row's share of a transfer split across leases or residence contracts: optional (an empty row), positive."""
    return AmountField(
        label=_("Montant (€)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )


class BankSplitRowForm(forms.Form):
    """One lease and its share of a transfer that pays for several tenants."""

    lease = forms.ChoiceField(label=_("Bail"), required=False)
    amount = share_amount_field()

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lease"].choices = [("", _("— choisir —"))] + [(str(c.lease_id), c.title) for c in candidates]

    def clean(self):
        data = super().clean()
        if bool(data.get("lease")) != bool(data.get("amount")):
            raise forms.ValidationError(_("Indiquez le bail et son montant, ou laissez la ligne vide."))
        return data


BankSplitFormSet = forms.formset_factory(BankSplitRowForm, formset=PlainFormSet, extra=6, max_num=30)


def contract_choice_label(contract) -> str:
    """A residence contract as the accountant picks it: the resident, the residence and the place."""
    label = _("%(resident)s — %(residence)s, place %(place)s") % {
        "resident": contract.resident,
        "residence": contract.place.residence.name,
        "place": contract.place.label,
    }
    if contract.status != ContractStatus.ACTIVE:
        label = f"{label} ({contract.get_status_display().lower()})"
    return label


class BankRedevanceRowForm(forms.Form):
    """One residence contract and its share of the CAF's APL-foyer transfer."""

    contract = forms.ChoiceField(
        label=_("Contrat de résidence"),
        required=False,
        error_messages={"invalid_choice": _("Ce contrat ne reçoit pas d'encaissement : choisissez-en un de la liste.")},
    )
    amount = share_amount_field()

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", _("— choisir —"))] + [
            (str(contract.pk), contract_choice_label(contract)) for contract in contracts
        ]

    def clean(self):
        data = super().clean()
        if bool(data.get("contract")) != bool(data.get("amount")):
            raise forms.ValidationError(_("Indiquez le contrat et son montant, ou laissez la ligne vide."))
        return data


class BankRedevanceSplitForm(forms.Form):
    second_payment = forms.BooleanField(
        label=SECOND_PAYMENT_LABEL,
        help_text=_(
            "À cocher seulement si une APL-foyer du même montant, saisie à la main pour ce contrat, est un autre "
            "versement."
        ),
        required=False,
    )


MAX_REDEVANCE_ROWS = 60


class BankRedevanceFormSet(
    forms.formset_factory(BankRedevanceRowForm, formset=PlainFormSet, extra=2, max_num=MAX_REDEVANCE_ROWS)
):
    """The parts of an APL-foyer transfer: as many empty rows as contracts to choose from (the CAF pays for every
    resident of a residence at once), at least two, at most `MAX_REDEVANCE_ROWS`."""

    def __init__(self, *args, contracts=(), **kwargs):
        contracts = list(contracts)
        super().__init__(*args, form_kwargs={"contracts": contracts}, **kwargs)
        self.extra = min(max(len(contracts), 2), MAX_REDEVANCE_ROWS)


class BankLinkForm(forms.Form):
    payment = forms.UUIDField(error_messages={"invalid": _("Choisissez un encaissement.")})


class BankClearForm(forms.Form):
    """The entries waiting for the bank that a bank line clears: the boxes ticked on the line's page."""

    entries = forms.TypedMultipleChoiceField(
        coerce=str,
        error_messages={
            "required": _("Cochez au moins une écriture en attente du relevé."),
            "invalid_choice": _("Une de ces écritures n'attend plus cette opération : rechargez la page."),
        },
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(str(entry.pk), entry.label) for entry in entries]


class BankRedevanceLinkForm(forms.Form):
    """The APL-foyer payments typed by hand that a bank line of the CAF shows: the boxes ticked on the line's page."""

    payments = forms.TypedMultipleChoiceField(
        coerce=str,
        error_messages={
            "required": _("Cochez au moins une APL-foyer saisie à la main."),
            "invalid_choice": _("Une de ces APL-foyer n'attend plus cette opération : rechargez la page."),
        },
    )

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payments"].choices = [(str(payment.pk), str(payment)) for payment in payments]


class BankIgnoreForm(forms.Form):
    ignore = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput, initial="1"
    )
    reason = forms.CharField(
        label=_("Motif"), max_length=200, required=False, help_text=_("Par exemple : frais bancaires, agios.")
    )


class StatementMonthForm(forms.Form):
    month = MonthField(label=_("Mois du compte rendu"))


class OwnerWorkForm(forms.Form):
    invoice_date = forms.DateField(
        label=_("Date de la facture"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200)
    label = forms.CharField(label=_("Objet des travaux"), max_length=200)
    amount = AmountField(
        label=_("Montant TTC (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )


class PayoutForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label=_("Comptes rendus à reverser"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un compte rendu à reverser.")},
    )
    execution_date = forms.DateField(
        label=_("Date d'exécution des virements"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, payable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [
            (str(s.pk), f"{s.owner_name} — {s.month:%m/%Y} — {euros(s.amount_due)} €") for s in payable
        ]


class BankDetailsForm(forms.Form):
    holder_name = forms.CharField(label=_("Titulaire du compte"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=15)


class EmailConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("Le locataire"),
        choices=[("1", _("accepte de recevoir ses documents par courriel")), ("0", _("retire son accord"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    email = forms.EmailField(label=_("À l'adresse"), required=False, max_length=254)


class RepaymentPlanForm(forms.Form):
    debt = AmountField(
        label=_("Dette couverte (€)"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("Par défaut, tout l'impayé du bail ; jamais plus."),
    )
    start_month = MonthField(label=_("Mois de la première échéance"))
    count = forms.IntegerField(label=_("Nombre d'échéances mensuelles"), required=False, min_value=1, max_value=999)
    monthly = AmountField(
        label=_("ou montant de chaque échéance (€)"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        required=False,
        help_text=_("Remplissez l'un ou l'autre : la dernière échéance reçoit le reste."),
    )
    note = forms.CharField(
        label=_("Observations"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanMoveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nouvel état"),
        choices=[
            ("completed", _("Soldé (dette remboursée)")),
            ("broken", _("Rompu (échéances non tenues)")),
            ("cancelled", _("Annulé")),
        ],
    )
    reason = forms.CharField(label=_("Motif"), required=False, max_length=300)


class LetterForm(forms.Form):
    kind = forms.ChoiceField(choices=ArrearsLetterKind.choices)


# --- security deposits ----------------------------------------------------------------------------------------


class DepositReceiveForm(forms.Form):
    amount = AmountField(
        label=_("Montant reçu (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    received_on = forms.DateField(label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class DepositReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Date de la restitution"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    keys_returned_on = forms.DateField(
        label=_("Clés rendues le"),
        help_text=_("Le délai de restitution court à partir de la remise des clés."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    inventory_matches = forms.TypedChoiceField(
        label=_("L'état des lieux de sortie est-il conforme à celui d'entrée ?"),
        choices=[("yes", _("Oui : délai d'un mois")), ("no", _("Non : délai de deux mois"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    provision = AmountField(
        label=_("Provision gardée jusqu'à l'arrêté des comptes de l'immeuble (€)"),
        help_text=_("Immeuble collectif seulement : au plus 20 % du dépôt, rendue dans le mois qui suit l'arrêté."),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.00"),
        localize=True,
        required=False,
    )
    no_new_address = forms.BooleanField(
        label=_("Le locataire n'a pas donné sa nouvelle adresse (pas de majoration de retard)"), required=False
    )


class DepositReleaseForm(forms.Form):
    accounts_approved_on = forms.DateField(
        label=_("Comptes de l'immeuble arrêtés le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    released_on = forms.DateField(
        label=_("Date de la restitution"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    charges = AmountField(
        label=_("Charges dues par le locataire selon les comptes (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        required=False,
    )
    description = forms.CharField(label=_("Justification"), max_length=200, required=False)
    no_new_address = forms.BooleanField(
        label=_("Le locataire n'a pas donné sa nouvelle adresse (pas de majoration de retard)"), required=False
    )


# what may be kept from a lease's deposit and from a residence contract's: rent for the one, redevance for the other
LEASE_DEDUCTIONS = [(v, label) for v, label in DeductionReason.choices if v != DeductionReason.UNPAID_REDEVANCE]
CONTRACT_DEDUCTIONS = [(v, label) for v, label in DeductionReason.choices if v != DeductionReason.UNPAID_RENT]


class DepositDeductionForm(forms.Form):
    """One justified amount kept from a lease's deposit; a row left empty is ignored."""

    reason = forms.ChoiceField(label=_("Motif"), choices=[("", _("— aucune retenue —")), *LEASE_DEDUCTIONS])
    description = forms.CharField(label=_("Justification"), max_length=200, required=False)
    amount = AmountField(
        label=_("Montant (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False

    def clean(self):
        data = super().clean()
        reason, description, amount = data.get("reason"), data.get("description", "").strip(), data.get("amount")
        if not (reason or description or amount):
            return data
        if not reason:
            self.add_error("reason", _("Choisissez le motif de la retenue."))
        if not description:
            self.add_error("description", _("Justifiez la retenue."))
        if amount is None:
            self.add_error("amount", _("Indiquez le montant retenu."))
        return data

    def deduction(self):
        data = self.cleaned_data
        if not data.get("reason"):
            return None
        return data["reason"], data["description"].strip(), data["amount"]


DepositDeductionFormSet = forms.formset_factory(
    DepositDeductionForm, formset=PlainFormSet, extra=3, max_num=10, absolute_max=10
)


class ContractDepositReturnForm(forms.Form):
    """The return of a residence contract's deposit after the resident left: its day (no loi 89 deadline, W6)."""

    returned_on = date_field(_("Date de la restitution"))


class ContractDepositDeductionForm(DepositDeductionForm):
    """One justified amount kept from a residence contract's deposit: unpaid redevance, repairs, another sum."""

    reason = forms.ChoiceField(label=_("Motif"), choices=[("", _("— aucune retenue —")), *CONTRACT_DEDUCTIONS])

    def __init__(self, *args, keeps_unpaid=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not keeps_unpaid:  # the contract does not let the manager keep unpaid redevance (W6)
            self.fields["reason"].choices = [
                choice for choice in self.fields["reason"].choices if choice[0] != DeductionReason.UNPAID_REDEVANCE
            ]


ContractDepositDeductionFormSet = forms.formset_factory(
    ContractDepositDeductionForm, formset=PlainFormSet, extra=3, max_num=10, absolute_max=10
)


# --- charge regularisation ----------------------------------------------------------------------------------


class DwellingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} — {obj.address}, {obj.postal_code} {obj.city}"


class ChargeRegularisationForm(forms.Form):
    """A building or one dwelling, the period, and the actual recoverable charges of each nature (décret n° 87-713);
    the natures left empty had no charge."""

    building = forms.ModelChoiceField(
        label=_("Immeuble"), queryset=None, required=False, empty_label=_("— choisir un immeuble —")
    )
    dwelling = DwellingChoiceField(
        label=_("ou un logement seul"),
        queryset=None,
        required=False,
        empty_label=_("— choisir un logement —"),
    )
    period_start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, buildings, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["dwelling"].queryset = dwellings
        for nature, label in ChargeNature.choices:
            self.fields[nature] = AmountField(
                label=_("%(nature)s (€)") % {"nature": label},
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.00"),
                localize=True,
                required=False,
            )

    @property
    def nature_fields(self):
        return [self[nature] for nature in ChargeNature.values]

    @property
    def place_fields(self):
        return [self[name] for name in ("building", "dwelling", "period_start", "period_end")]

    def clean(self):
        data = super().clean()
        if bool(data.get("building")) == bool(data.get("dwelling")):
            raise forms.ValidationError(_("Choisissez un immeuble ou un logement seul, pas les deux."))
        return data

    def expenses(self) -> dict:
        return {nature: self.cleaned_data[nature] for nature in ChargeNature.values if self.cleaned_data.get(nature)}


class RegularisationSendForm(forms.Form):
    on = forms.DateField(
        label=_("Décomptes envoyés le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RegularisationPostForm(forms.Form):
    """The date of the entries and, per line, the tenant's request to pay par douzième (R17) and the provision to
    adjust; the choices offered are the lines that allow them."""

    on = forms.DateField(
        label=_("Date des écritures"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    spread = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    adjust = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, rows=(), can_adjust=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spread"].choices = [(str(row.line.pk), str(row.line)) for row in rows if row.may_spread]
        self.fields["adjust"].choices = (
            [(str(row.line.pk), str(row.line)) for row in rows if row.may_adjust] if can_adjust else []
        )
        self.fields["spread"].error_messages["invalid_choice"] = _("Seul un solde à payer s'étale sur douze mois.")
        self.fields["adjust"].error_messages["invalid_choice"] = _(
            "Seule la provision d'un bail en cours s'ajuste, par la direction ou un gestionnaire locatif."
        )

    def chosen(self, name) -> set:
        """The line ids ticked for `name`, as the page shows them again."""
        if self.is_bound:
            return set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set(self.data.get(name, ()))
        return set()


class RedevancePaymentForm(forms.Form):
    """Money received for a residence contract: from the resident, or the APL-foyer the CAF pays to the manager."""

    amount = AmountField(
        label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    received_on = date_field(_("Reçu le"))
    source = forms.ChoiceField(
        label=_("Provenance"),
        # a retention on the deposit is written by the deposit's return only
        choices=[(v, label) for v, label in RedevancePaymentSource.choices if v != RedevancePaymentSource.DEPOSIT],
    )
    reference = forms.CharField(label=_("Référence"), max_length=80, required=False)
