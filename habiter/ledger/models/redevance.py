"""The redevance of a residence contract through the ledger (docs/adr/0030-redevance-through-the-ledger.md): a call
per contract and month with the lines of the set in force copied onto it, the money received from the resident or
the CAF (APL-foyer in tiers payant) and its allocation to the calls, the quittances and reçus. A residence contract
is not a lease (CE 28 Nov 2014 n° 365285), so these rows are keyed on the contract, not on `Lease`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, TimeStamped
from habiter.residences.models import RedevanceKind, ResidenceContract

from .entries import Transaction


class RedevanceCall(OrganisationScoped):
    """The redevance called for one month of a residence contract, prorated by days in its first and last months.
    Its lines are copied from the set in force (`RedevanceCallLine`), so a later set never changes it. At most one
    call in force per contract and month; a cancelled call (its entry reversed) keeps its row."""

    contract = models.ForeignKey(
        ResidenceContract, on_delete=models.PROTECT, related_name="redevance_calls", verbose_name=_("contrat")
    )
    period = models.DateField(_("période"), help_text=_("Le premier jour du mois appelé."))
    rent_equivalent = models.DecimalField(_("équivalence de loyer"), max_digits=12, decimal_places=2)
    charges = models.DecimalField(_("charges"), max_digits=12, decimal_places=2)
    services = models.DecimalField(_("prestations"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("redevance"), max_digits=12, decimal_places=2)
    due_date = models.DateField(_("échéance"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="redevance_call")
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    run = models.ForeignKey(
        "RentCallRun", on_delete=models.PROTECT, null=True, blank=True, related_name="redevance_calls"
    )
    # kept by the allocation (redevance.services.allocate_redevance_payments), like RentCall.settled
    settled = models.BooleanField(_("soldé"), default=False, editable=False)

    class Meta:
        ordering = ["period", "created_at"]
        verbose_name = _("appel de redevance")
        indexes = [
            models.Index(fields=["contract", "period"], condition=Q(settled=False), name="ledger_redevance_call_open")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"],
                condition=Q(cancelled_on__isnull=True),
                name="ledger_one_redevance_call_per_month",
                violation_error_message=_("La redevance de ce mois est déjà appelée pour ce contrat."),
            ),
            models.CheckConstraint(
                condition=Q(total=Round(models.F("rent_equivalent") + models.F("charges") + models.F("services"), 2)),
                name="ledger_redevance_call_total",
                violation_error_message=_(
                    "La redevance est la somme de l'équivalence de loyer, des charges et des prestations."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="ledger_redevance_call_period_first_day",
                violation_error_message=_("Une période commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.period:%m/%Y} {self.total}"

    @property
    def apl_base(self):
        """The part of the call that enters the APL-foyer base (W7): équivalence de loyer + charges."""
        return self.rent_equivalent + self.charges


class RedevanceCallLine(TimeStamped):
    """One line of the set in force copied onto a call: its monthly amount and the part called this month."""

    id = models.BigAutoField(primary_key=True)
    call = models.ForeignKey(RedevanceCall, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("nature"), max_length=30, choices=RedevanceKind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    monthly = models.DecimalField(_("montant mensuel"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("montant appelé"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["call", "id"]
        verbose_name = _("ligne d'appel de redevance")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class RedevancePaymentSource(models.TextChoices):
    RESIDENT = "resident", _("Résident")
    # the APL-foyer paid by the CAF to the manager (tiers payant)
    CAF = "caf", _("CAF — APL-foyer (tiers payant)")
    # unpaid redevance kept from the contract's deposit at its return (deposits.contracts), never typed in by hand
    DEPOSIT = "deposit", _("Retenue sur le dépôt de garantie")


class RedevancePayment(OrganisationScoped):
    """Money received for a residence contract, from the resident or the CAF, posted to the ledger and allocated to
    the oldest unpaid redevance calls first."""

    contract = models.ForeignKey(
        ResidenceContract, on_delete=models.PROTECT, related_name="redevance_payments", verbose_name=_("contrat")
    )
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("reçu le"))
    source = models.CharField(_("provenance"), max_length=20, choices=RedevancePaymentSource.choices)
    reference = models.CharField(_("référence"), max_length=80, blank=True)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="redevance_payment")
    # the bank line of the CAF's transfer this payment was matched from (`bank.redevances`): one line pays the
    # APL-foyer of several residents; set when the payment is written, or once, for an APL-foyer typed by hand, when
    # the line that shows its money is linked to it (`bank_line_link_redevances`, migration 0032)
    bank_line = models.ForeignKey(
        "ledger.BankLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redevance_payments",
        verbose_name=_("opération bancaire"),
    )
    reversed_on = models.DateField(_("contre-passé le"), null=True, blank=True)
    fully_allocated = models.BooleanField(_("entièrement imputé"), default=False, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "created_at"]
        verbose_name = _("encaissement de redevance")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_redevance_payment_positive",
                violation_error_message=_("Le montant d'un encaissement est positif."),
            ),
        ]

    def __str__(self):
        return f"{self.received_on:%d/%m/%Y} {self.amount}"


class RedevanceAllocation(TimeStamped):
    """The part of a redevance payment that settles a redevance call."""

    id = models.BigAutoField(primary_key=True)
    payment = models.ForeignKey(RedevancePayment, on_delete=models.CASCADE, related_name="allocations")
    call = models.ForeignKey(RedevanceCall, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("imputation de redevance")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_redevance_allocation_positive"),
            models.UniqueConstraint(fields=["payment", "call"], name="ledger_redevance_allocation_once"),
        ]

    def __str__(self):
        return f"{self.amount}"


class RedevanceReceiptKind(models.TextChoices):
    # the values of the rent receipts' kinds: the two share their numbering (`ReceiptCounter`)
    QUITTANCE = "quittance", _("Quittance de redevance")
    RECU = "recu", _("Reçu (paiement partiel)")


class RedevanceReceipt(OrganisationScoped):
    """An issued quittance (month fully paid) or reçu (partial payment) of a redevance, numbered in the same series
    as the rent receipts (`ReceiptCounter`). Names, address, period and amounts are copied at issue."""

    contract = models.ForeignKey(ResidenceContract, on_delete=models.PROTECT, related_name="redevance_receipts")
    call = models.ForeignKey(RedevanceCall, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(_("document"), max_length=10, choices=RedevanceReceiptKind.choices)
    number = models.PositiveIntegerField(_("numéro"))
    issued_on = models.DateField(_("émis le"))
    resident_name = models.CharField(_("résident"), max_length=300)
    manager_name = models.CharField(_("gestionnaire"), max_length=200)
    place_address = models.TextField(_("adresse du logement"))
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    rent_equivalent = models.DecimalField(_("équivalence de loyer"), max_digits=12, decimal_places=2)
    charges = models.DecimalField(_("charges"), max_digits=12, decimal_places=2)
    services = models.DecimalField(_("prestations"), max_digits=12, decimal_places=2)
    total_due = models.DecimalField(_("total dû"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("total reçu"), max_digits=12, decimal_places=2)
    paid_by_caf = models.DecimalField(_("dont APL-foyer versée par la CAF"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("dernier paiement le"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("quittance ou reçu de redevance")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number"],
                name="ledger_redevance_receipt_number_once",
                violation_error_message=_("Ce numéro de document est déjà attribué."),
            ),
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(kind="quittance"),
                name="ledger_one_quittance_per_redevance_call",
                violation_error_message=_("La quittance de ce mois est déjà émise."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="quittance") | Q(paid__gte=models.F("total_due")),
                name="ledger_redevance_quittance_only_when_paid",
                violation_error_message=_("Une quittance n'est émise que pour une période entièrement payée."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.number}"
