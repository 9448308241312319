"""Owners under a management mandate: works paid on their behalf, statements (comptes rendus de gestion), payouts
and the association's bank details they are paid from."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.housing.models import Owner
from habiter.housing.rules import format_iban
from habiter.leases.models import Lease

from .entries import Transaction


class BankDetails(OrganisationScoped):
    """The association's own bank account, from which owners are paid by SEPA credit transfer."""

    holder_name = models.CharField(_("titulaire du compte"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation"]
        verbose_name = _("coordonnées bancaires de l'association")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                name="ledger_bank_details_once",
                violation_error_message=_("L'association a déjà ses coordonnées bancaires."),
            )
        ]

    def __str__(self):
        return f"{self.holder_name} {self.iban}"

    @property
    def iban_display(self) -> str:
        return format_iban(self.iban)


class OwnerWork(OrganisationScoped):
    """An invoice of works paid by the association on an owner's behalf (debit owner, credit bank). A mistake is
    corrected by reversing its entry; the row then stays, marked by the reversal."""

    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="works", verbose_name=_("propriétaire"))
    invoice_date = models.DateField(_("date de la facture"))
    supplier = models.CharField(_("fournisseur"), max_length=200)
    label = models.CharField(_("objet"), max_length=200)
    amount = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="owner_work")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-invoice_date", "-created_at"]
        verbose_name = _("travaux pour le compte du propriétaire")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_owner_work_positive",
                violation_error_message=_("Le montant d'une facture est positif."),
            )
        ]

    def __str__(self):
        return f"{self.invoice_date:%d/%m/%Y} {self.supplier} {self.amount}"


class PayoutBatch(OrganisationScoped):
    """One SEPA credit-transfer file paying the amounts due of issued statements; posted once, downloadable
    again (the file is kept as generated)."""

    reference = models.CharField(_("référence"), max_length=35)
    execution_date = models.DateField(_("date d'exécution demandée"))
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="payout_batch")
    xml = models.BinaryField(_("fichier de virements"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lot de reversements")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="ledger_payout_reference_once"),
            models.CheckConstraint(condition=Q(total__gt=0), name="ledger_payout_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.total}"


class OwnerStatement(OrganisationScoped):
    """An owner's compte rendu de gestion for one month, its figures frozen at issue: the balance brought forward
    from the earlier statements, the rents collected on the owner's mandate leases, the management fee and its
    VAT, the works paid on the owner's behalf, the deposits' retentions less the late penalties the owner bears, and
    the amount due (carried + collected − fee − VAT − works + deposits)."""

    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="statements", verbose_name=_("propriétaire")
    )
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    owner_name = models.CharField(_("propriétaire"), max_length=200)
    owner_address = models.TextField(_("adresse du propriétaire"), blank=True)
    collected = models.DecimalField(_("loyers encaissés"), max_digits=12, decimal_places=2)
    fee = models.DecimalField(_("honoraires HT"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=6, decimal_places=4)
    vat = models.DecimalField(_("TVA sur honoraires"), max_digits=12, decimal_places=2)
    works = models.DecimalField(_("travaux"), max_digits=12, decimal_places=2)
    deposits = models.DecimalField(
        _("dépôts de garantie"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_(
            "Retenues sur dépôts de garantie revenant au propriétaire, moins les majorations de restitution tardive "
            "à sa charge."
        ),
    )
    carried = models.DecimalField(
        _("solde reporté"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_(
            "Ce que les comptes rendus précédents ont laissé : négatif quand le propriétaire restait débiteur."
        ),
    )
    amount_due = models.DecimalField(_("solde à reverser"), max_digits=12, decimal_places=2)
    issued_on = models.DateField(_("émis le"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # the move of the rents collected from rent income to the owner's account, posted by the statements issued
    # before mandate calls credited the owner's account directly (decision record 0013); none since
    transfer_transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="owner_statement_transfer"
    )
    fee_transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="owner_statement_fee"
    )
    payout = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="statements")

    class Meta:
        ordering = ["-month", "owner_name"]
        verbose_name = _("compte rendu de gestion")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "month"],
                name="ledger_owner_statement_once",
                violation_error_message=_("Le compte rendu de ce mois est déjà émis pour ce propriétaire."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="ledger_owner_statement_first_day",
                violation_error_message=_("Un mois commence le 1er."),
            ),
            models.CheckConstraint(
                # rounded so that SQLite, whose decimals are approximate, compares like PostgreSQL does exactly
                condition=Q(
                    amount_due=Round(
                        models.F("carried")
                        + models.F("collected")
                        - models.F("fee")
                        - models.F("vat")
                        - models.F("works")
                        + models.F("deposits"),
                        2,
                    )
                ),
                name="ledger_owner_statement_amount_due",
                violation_error_message=_(
                    "Le solde est le solde reporté plus les loyers encaissés et les retenues sur dépôts, "
                    "moins les honoraires, la TVA, les travaux et les majorations de restitution tardive."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.owner_name} {self.month:%m/%Y}"

    @property
    def fee_with_vat(self):
        return self.fee + self.vat


class StatementLineKind(models.TextChoices):
    COLLECTED = "collected", _("Loyer encaissé")
    WORKS = "works", _("Travaux")
    DEPOSIT = "deposit", _("Dépôt de garantie")


class OwnerStatementLine(models.Model):
    """One ledger movement a statement accounts for: a payment (or its reversal) on a mandate lease, unpaid rent
    kept from a deposit included, a works invoice (or its reversal), or a deposit's retentions and late penalty.
    Each transaction is accounted for by one statement only."""

    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(OwnerStatement, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("nature"), max_length=10, choices=StatementLineKind.choices)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="owner_statement_line")
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fee_rate = models.DecimalField(_("taux d'honoraires (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    booked_on = models.DateField(_("date"))
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["kind", "booked_on", "id"]
        verbose_name = _("ligne de compte rendu")

    def __str__(self):
        return f"{self.label} {self.amount}"
