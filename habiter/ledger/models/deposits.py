"""Security deposits held per lease (dépôt de garantie, loi 89 art. 22) or per residence contract (the
logement-foyer's own deposit, DOMAIN-2 W6: not loi 89's), each as the sum of its movements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.leases.models import Lease
from habiter.residences.models import ResidenceContract

from .entries import Transaction
from .redevance import RedevancePayment
from .rent import Payment


class Deposit(OrganisationScoped):
    """The security deposit (dépôt de garantie) of one lease or of one residence contract (a titre d'occupation, not
    a lease: CE 28 Nov 2014 n° 365285), held by the association from its first receipt until its return. What is
    held is the sum of its movements (receipts minus the return), each one posted to the deposits-held account
    (165000; 467500 for an owner's lease under a mandate). Exactly one of `lease` and `residence_contract` is set
    (decision record 0037)."""

    lease = models.OneToOneField(
        Lease, on_delete=models.PROTECT, null=True, blank=True, related_name="security_deposit", verbose_name=_("bail")
    )
    residence_contract = models.OneToOneField(
        ResidenceContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit",
        verbose_name=_("contrat de résidence"),
    )
    returned_on = models.DateField(_("restitué le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dépôt de garantie")
        constraints = [
            models.CheckConstraint(
                condition=Q(lease__isnull=False, residence_contract__isnull=True)
                | Q(lease__isnull=True, residence_contract__isnull=False),
                name="ledger_deposit_lease_or_contract",
                violation_error_message=_(
                    "Un dépôt de garantie se rattache à un bail ou à un contrat de résidence, et à un seul."
                ),
            )
        ]

    def __str__(self):
        return f"{self.lease_id or self.residence_contract_id}"

    @property
    def household_id(self):
        return self.lease.household_id if self.lease_id else self.residence_contract.household_id


class DepositMovementKind(models.TextChoices):
    RECEIVED = "received", _("Reçu")
    RETURNED = "returned", _("Restitué")
    RELEASED = "released", _("Provision restituée après l'arrêté des comptes")
    CANCELLED = "cancelled", _("Reçu annulé (saisi par erreur)")


class DepositMovement(OrganisationScoped):
    """A receipt of the deposit (debit 511200, the receipts waiting for their bank line; credit deposits held) or its
    return after the move-out (debit deposits held by all that was held; credit the tenant's account for unpaid rent
    — the resident's for unpaid redevance —, the retentions account for repairs, 580000 — payments waiting for their
    bank line — for the refund and the late penalty, which is debited to an expense). `amount` is what the
    movement adds to (receipt) or takes from (return) the deposit held. A residence contract's return has no
    deadline nor penalty of loi 89 (W6): those fields stay empty."""

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("nature"), max_length=10, choices=DepositMovementKind.choices)
    booked_on = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    refunded = models.DecimalField(_("remboursé au locataire"), max_digits=12, decimal_places=2, default=0)
    penalty = models.DecimalField(_("majoration de retard"), max_digits=12, decimal_places=2, default=0)
    keys_returned_on = models.DateField(_("clés rendues le"), null=True, blank=True)
    inventory_matches = models.BooleanField(_("état des lieux de sortie conforme"), null=True, blank=True)
    deadline = models.DateField(_("date limite de restitution"), null=True, blank=True)
    provision = models.DecimalField(
        _("provision gardée jusqu'à l'arrêté des comptes de l'immeuble"), max_digits=12, decimal_places=2, default=0
    )
    no_new_address = models.BooleanField(_("le locataire n'a pas donné sa nouvelle adresse"), default=False)
    accounts_approved_on = models.DateField(_("comptes de l'immeuble arrêtés le"), null=True, blank=True)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="deposit_movement")
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="deposit_movement"
    )
    # the unpaid redevance kept from a residence contract's deposit, allocated to its oldest calls
    redevance_payment = models.OneToOneField(
        RedevancePayment, on_delete=models.PROTECT, null=True, blank=True, related_name="deposit_movement"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["booked_on", "created_at"]
        verbose_name = _("mouvement de dépôt de garantie")
        constraints = [
            models.UniqueConstraint(
                fields=["deposit"],
                condition=Q(kind="returned"),
                name="ledger_deposit_returned_once",
                violation_error_message=_("Ce dépôt de garantie est déjà restitué."),
            ),
            models.UniqueConstraint(
                fields=["deposit"],
                condition=Q(kind="released"),
                name="ledger_deposit_provision_released_once",
                violation_error_message=_("La provision de ce dépôt est déjà restituée."),
            ),
            models.CheckConstraint(condition=Q(provision__gte=0), name="ledger_deposit_provision_not_negative"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_deposit_movement_positive"),
            models.CheckConstraint(
                condition=Q(refunded__gte=0, penalty__gte=0), name="ledger_deposit_refund_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.booked_on} {self.amount}"


class DeductionReason(models.TextChoices):
    REPAIRS = "repairs", _("Réparations locatives")
    UNPAID_RENT = "unpaid_rent", _("Loyers et charges impayés")
    # a residence contract's: settles its oldest redevance calls (a lease's deposit never takes it, nor the reverse)
    UNPAID_REDEVANCE = "unpaid_redevance", _("Redevances impayées")
    OTHER = "other", _("Autre somme justifiée")


class DepositDeduction(models.Model):
    """A justified amount kept from the deposit at its return (loi 89 art. 22: deductions must be justified)."""

    id = models.BigAutoField(primary_key=True)
    movement = models.ForeignKey(DepositMovement, on_delete=models.PROTECT, related_name="deductions")
    reason = models.CharField(_("motif"), max_length=20, choices=DeductionReason.choices)
    description = models.CharField(_("justification"), max_length=200)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("retenue sur dépôt de garantie")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_deposit_deduction_positive")]

    def __str__(self):
        return f"{self.get_reason_display()} {self.amount}"
