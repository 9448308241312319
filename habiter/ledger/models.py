"""The double-entry ledger of an organisation and the rent documents written into it.

An `Account` belongs to the organisation (bank, CAF, rent income…) or to one lease (the tenant's account). A
`Transaction` is a dated entry made of `Line`s whose amounts sum to zero (debit positive, credit negative).
Transactions and lines are append-only: a mistake is corrected by a reversing transaction linked to the
original (`reversal_of`). On PostgreSQL, triggers refuse UPDATE and DELETE and check at commit that every
transaction balances (migration 0002).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, TimeStamped
from habiter.housing.models import Owner
from habiter.housing.rules import format_iban
from habiter.leases.models import Lease

MONEY = models.DecimalField(max_digits=12, decimal_places=2)
ZERO = models.Value(0, output_field=MONEY)


def money_sum(expression, **extra):
    """A sum of amounts rounded to the cent by the database: exact on PostgreSQL; on SQLite, which keeps decimals
    as approximate binary numbers, the rounding removes their error before the sum is compared or returned."""
    return Round(Coalesce(Sum(expression, **extra), ZERO), 2, output_field=MONEY)


class AppendOnly(PermissionError):
    """A ledger row was about to be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Les écritures comptables ne se modifient pas : passez une contre-passation.")

    def delete(self):
        raise AppendOnly("Les écritures comptables ne se suppriment pas : passez une contre-passation.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Les écritures comptables ne se modifient pas : passez une contre-passation.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Les écritures comptables ne se suppriment pas : passez une contre-passation.")


class AccountKind(models.TextChoices):
    TENANT = "tenant", _("Locataire")
    OWNER = "owner", _("Propriétaire (mandant)")
    BANK = "bank", _("Banque")
    CAF = "caf", _("CAF (tiers payant)")
    FSL = "fsl", _("FSL")
    VISALE = "visale", _("VISALE")
    ASSOCIATION_ADVANCE = "association_advance", _("Avances de l'association")
    RENT_INCOME = "rent_income", _("Loyers")
    CHARGES_INCOME = "charges_income", _("Provisions pour charges")
    FEES = "fees", _("Honoraires de gestion")
    DEPOSITS_HELD = "deposits_held", _("Dépôts de garantie reçus")
    VAT_COLLECTED = "vat_collected", _("TVA collectée")
    DEPOSIT_RETENTIONS = "deposit_retentions", _("Retenues sur dépôts de garantie")
    DEPOSIT_PENALTIES = "deposit_penalties", _("Majorations de retard de restitution")


# Accounts every organisation has once, created on first use, with their code in the French chart of accounts.
ORGANISATION_ACCOUNTS = {
    AccountKind.BANK: ("512000", _("Banque")),
    AccountKind.CAF: ("441100", _("CAF — aides au logement en tiers payant")),
    AccountKind.FSL: ("441200", _("FSL — aides à recevoir")),
    AccountKind.VISALE: ("441300", _("VISALE — garanties à recevoir")),
    # rent the association advances (while the FSL decides): a receivable, cleared by the FSL or the household
    AccountKind.ASSOCIATION_ADVANCE: ("467100", _("Avances de loyer de l'association à recouvrer")),
    AccountKind.RENT_INCOME: ("706100", _("Loyers appelés")),
    AccountKind.CHARGES_INCOME: ("708300", _("Provisions pour charges appelées")),
    AccountKind.FEES: ("706200", _("Honoraires de gestion")),
    AccountKind.DEPOSITS_HELD: ("165000", _("Dépôts de garantie reçus")),
    AccountKind.VAT_COLLECTED: ("445710", _("TVA collectée")),
    # what is kept from a deposit for repairs or other justified costs (not rent: that goes to the tenant's account)
    AccountKind.DEPOSIT_RETENTIONS: ("758800", _("Retenues sur dépôts de garantie")),
    # the 10 % per started month owed to the tenant for a late return (loi 89 art. 22): a penalty, an expense
    AccountKind.DEPOSIT_PENALTIES: ("671200", _("Majorations pour restitution tardive des dépôts de garantie")),
}


class AccountQuerySet(models.QuerySet):
    def with_balance(self, on=None):
        """Each account with `balance`: the sum of its lines (booked on or before `on`), in one query."""
        condition = Q(lines__transaction__booked_on__lte=on) if on else Q()
        return self.annotate(balance=money_sum("lines__amount", filter=condition))


class Account(OrganisationScoped):
    """An account of the ledger: the organisation's own (bank, CAF…) or a tenant's (one per lease)."""

    code = models.CharField(_("numéro de compte"), max_length=20)
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("nature"), max_length=32, choices=AccountKind.choices)
    lease = models.OneToOneField(
        Lease, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_account", verbose_name=_("bail")
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("propriétaire"),
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("compte")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="ledger_account_unique_code",
                violation_error_message=_("Ce numéro de compte existe déjà."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="tenant") | Q(lease__isnull=False),
                name="ledger_tenant_account_has_lease",
                violation_error_message=_("Un compte locataire se rattache à un bail."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Transaction(AppendOnlyModel):
    """One dated entry of the ledger with its source document; its lines sum to zero."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, verbose_name=_("association"))
    booked_on = models.DateField(_("date d'écriture"))
    label = models.CharField(_("libellé"), max_length=200)
    source_type = models.CharField(_("pièce"), max_length=32, blank=True)
    source_id = models.CharField(_("numéro de pièce"), max_length=64, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("contre-passation de"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["booked_on", "created_at"]
        verbose_name = _("écriture")
        indexes = [models.Index(fields=["organisation", "booked_on"], name="ledger_tx_org_day")]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.label}"


class Line(AppendOnlyModel):
    """One side of a transaction on one account: positive is a debit, negative a credit."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("ligne d'écriture")
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="ledger_line_not_zero",
                violation_error_message=_("Une ligne d'écriture n'est jamais nulle."),
            )
        ]

    def __str__(self):
        return f"{self.account.code} {self.amount}"


class PeriodClose(OrganisationScoped):
    """A closed month: no entry may be booked in it any more."""

    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois clôturé."))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month"]
        verbose_name = _("clôture mensuelle")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"],
                name="ledger_period_closed_once",
                violation_error_message=_("Ce mois est déjà clôturé."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="ledger_period_first_day",
                violation_error_message=_("Un mois commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y}"


class RentCall(OrganisationScoped):
    """The rent and charges called for one month of a lease (avis d'échéance), prorated in the first and last
    months. At most one call in force per lease and month; a cancelled call keeps its row."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="rent_calls", verbose_name=_("bail"))
    period = models.DateField(_("période"), help_text=_("Le premier jour du mois appelé."))
    rent = models.DecimalField(_("loyer"), max_digits=12, decimal_places=2)
    service_charges = models.DecimalField(_("provision pour charges"), max_digits=12, decimal_places=2)
    # What the call posts to the tenant's account and what payments settle: rent and charges, never the instalment.
    due = models.GeneratedField(
        expression=Round(models.F("rent") + models.F("service_charges"), 2),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
        verbose_name=_("loyer et charges"),
    )
    # The instalment of a repayment plan asked with this month's rent: a demand for the old debt, already on the
    # tenant's account, so it is not posted again and payments do not settle it on this call (see DESIGN.md).
    instalment = models.DecimalField(_("échéance du plan d'apurement"), max_digits=12, decimal_places=2, default=0)
    plan_instalment = models.ForeignKey(
        "Instalment", on_delete=models.PROTECT, null=True, blank=True, related_name="rent_calls"
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    due_date = models.DateField(_("échéance"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="rent_call")
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    run = models.ForeignKey("RentCallRun", on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    # Kept by the allocation (services._allocate): True once payments cover the whole total. Open calls are found
    # through a partial index without summing the allocations of every call ever issued.
    settled = models.BooleanField(_("soldé"), default=False, editable=False)

    class Meta:
        ordering = ["period", "created_at"]
        verbose_name = _("appel de loyer")
        indexes = [models.Index(fields=["lease", "period"], condition=Q(settled=False), name="ledger_call_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["lease", "period"],
                condition=Q(cancelled_on__isnull=True),
                name="ledger_one_rent_call_per_month",
                violation_error_message=_("Le loyer de ce mois est déjà appelé pour ce bail."),
            ),
            models.CheckConstraint(
                # rounded so that SQLite, whose decimals are approximate, compares like PostgreSQL does exactly
                condition=Q(total=Round(models.F("rent") + models.F("service_charges") + models.F("instalment"), 2)),
                name="ledger_rent_call_total",
                violation_error_message=_(
                    "Le total est la somme du loyer, des charges et de l'échéance du plan d'apurement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(instalment__gte=0) & (Q(instalment=0) | Q(plan_instalment__isnull=False)),
                name="ledger_rent_call_instalment_of_a_plan",
                violation_error_message=_("Une échéance appelée appartient à un plan d'apurement."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="ledger_rent_call_period_first_day",
                violation_error_message=_("Une période commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.lease_id} {self.period:%m/%Y} {self.total}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class RentCallRun(OrganisationScoped):
    """One month-end run of the rent calls, as a background task whose progress the page follows."""

    month = models.DateField(_("mois"))
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("baux à traiter"), default=0)
    done = models.PositiveIntegerField(_("baux traités"), default=0)
    issued = models.PositiveIntegerField(_("appels émis"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("émission des appels de loyer")

    def __str__(self):
        return f"{self.month:%m/%Y} {self.status} {self.done}/{self.total}"

    @property
    def running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class PaymentSource(models.TextChoices):
    TENANT = "tenant", _("Locataire")
    CAF = "caf", _("CAF (tiers payant)")
    FSL = "fsl", _("FSL")
    VISALE = "visale", _("VISALE")
    ASSOCIATION = "association", _("Avance de l'association")
    # only written by the deposit return (deposits.deposit_return), never recorded by hand
    DEPOSIT = "deposit", _("Retenue sur le dépôt de garantie")


class Payment(OrganisationScoped):
    """Money received for a lease, from the tenant or a third party, posted to the ledger and allocated to the
    oldest unpaid rent calls first."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="payments", verbose_name=_("bail"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("reçu le"))
    source = models.CharField(_("provenance"), max_length=20, choices=PaymentSource.choices)
    reference = models.CharField(_("référence"), max_length=80, blank=True)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="payment")
    reversed_on = models.DateField(_("contre-passé le"), null=True, blank=True)
    # Kept by the allocation, like RentCall.settled: True once the whole amount is allocated to calls.
    fully_allocated = models.BooleanField(_("entièrement imputé"), default=False, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "created_at"]
        verbose_name = _("encaissement")
        indexes = [
            models.Index(
                fields=["lease"],
                condition=Q(fully_allocated=False, reversed_on__isnull=True),
                name="ledger_payment_open",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lease", "reference"],
                condition=~Q(reference="") & Q(reversed_on__isnull=True),
                name="ledger_payment_reference_once_per_lease",
                violation_error_message=_("Un encaissement de ce bail porte déjà cette référence."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_payment_positive",
                violation_error_message=_("Le montant d'un encaissement est positif."),
            ),
        ]

    def __str__(self):
        return f"{self.received_on:%d/%m/%Y} {self.amount}"


class PaymentAllocation(TimeStamped):
    """The part of a payment that settles a rent call."""

    id = models.BigAutoField(primary_key=True)
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    rent_call = models.ForeignKey(RentCall, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("imputation")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_allocation_positive"),
            models.UniqueConstraint(fields=["payment", "rent_call"], name="ledger_allocation_once"),
        ]

    def __str__(self):
        return f"{self.amount}"


class ReceiptKind(models.TextChoices):
    QUITTANCE = "quittance", _("Quittance de loyer")
    RECU = "recu", _("Reçu (paiement partiel)")


class ReceiptCounter(models.Model):
    """The last number given to a kind of receipt in an organisation; locked while a number is taken, so
    numbers have no gaps and no duplicates."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReceiptKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "kind"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="ledger_receipt_counter_once")]

    def __str__(self):
        return f"{self.kind} {self.last_number}"


class RentReceipt(OrganisationScoped):
    """An issued quittance (fully paid period) or reçu (partial payment, not a quittance: loi 89 art. 21).
    The names, address, period and amounts are copied at issue, so the document never changes afterwards."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="receipts")
    rent_call = models.ForeignKey(RentCall, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(_("document"), max_length=10, choices=ReceiptKind.choices)
    number = models.PositiveIntegerField(_("numéro"))
    issued_on = models.DateField(_("émis le"))
    tenant_names = models.TextField(_("locataires"))
    landlord_name = models.CharField(_("bailleur"), max_length=200)
    agent_name = models.CharField(_("mandataire"), max_length=200, blank=True)
    dwelling_address = models.TextField(_("adresse du logement"))
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    rent = models.DecimalField(_("loyer"), max_digits=12, decimal_places=2)
    service_charges = models.DecimalField(_("charges"), max_digits=12, decimal_places=2)
    total_due = models.DecimalField(_("total dû"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("total reçu"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("dernier paiement le"))
    payment_means = models.CharField(_("modes de paiement"), max_length=200)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("quittance ou reçu")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number"],
                name="ledger_receipt_number_once",
                violation_error_message=_("Ce numéro de document est déjà attribué."),
            ),
            models.UniqueConstraint(
                fields=["rent_call"],
                condition=Q(kind="quittance"),
                name="ledger_one_quittance_per_call",
                violation_error_message=_("La quittance de ce mois est déjà émise."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="quittance") | Q(paid__gte=models.F("total_due")),
                name="ledger_quittance_only_when_paid",
                violation_error_message=_("Une quittance n'est émise que pour une période entièrement payée."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.number}"

    @property
    def left(self):
        return self.total_due - self.paid


# --- repayment plans and arrears letters -----------------------------------------------------------------------


class RepaymentPlanStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    COMPLETED = "completed", _("Soldé")
    BROKEN = "broken", _("Rompu")
    CANCELLED = "cancelled", _("Annulé")


class RepaymentPlan(OrganisationScoped):
    """A plan d'apurement: the household repays `debt` (part or all of the lease's arrears when the plan was made)
    by monthly instalments asked with the rent calls. The debt stays on the tenant's account as the old calls still
    unpaid; the plan only says how it is paid back. Its follow-up compares the arrears of the lease with
    `arrears_at_start` (rules.plan_repaid)."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="repayment_plans", verbose_name=_("bail"))
    debt = models.DecimalField(_("dette couverte"), max_digits=12, decimal_places=2)
    arrears_at_start = models.DecimalField(_("impayé à l'établissement du plan"), max_digits=12, decimal_places=2)
    agreed_on = models.DateField(_("établi le"))
    start_month = models.DateField(_("première échéance"), help_text=_("Le premier jour du mois."))
    status = models.CharField(
        _("état"), max_length=10, choices=RepaymentPlanStatus.choices, default=RepaymentPlanStatus.ACTIVE
    )
    note = models.TextField(_("observations"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-agreed_on", "-created_at"]
        verbose_name = _("plan d'apurement")
        constraints = [
            models.UniqueConstraint(
                fields=["lease"],
                condition=Q(status="active"),
                name="ledger_one_active_plan_per_lease",
                violation_error_message=_("Ce bail a déjà un plan d'apurement en cours."),
            ),
            models.CheckConstraint(
                condition=Q(debt__gt=0) & Q(debt__lte=models.F("arrears_at_start")),
                name="ledger_plan_debt_within_arrears",
                violation_error_message=_("La dette couverte est positive et ne dépasse pas l'impayé du bail."),
            ),
            models.CheckConstraint(
                condition=Q(start_month__day=1),
                name="ledger_plan_start_first_day",
                violation_error_message=_("Un mois commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.lease_id} {self.debt} {self.status}"


class Instalment(models.Model):
    """One monthly instalment of a repayment plan, asked with the rent call of its month."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("numéro"))
    period = models.DateField(_("mois"))
    due_date = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("échéance du plan d'apurement")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="ledger_instalment_number_once"),
            models.UniqueConstraint(fields=["plan", "period"], name="ledger_instalment_month_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_instalment_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.period:%m/%Y} {self.amount}"


class RepaymentPlanChange(models.Model):
    """A status change of a plan, kept for its history and the household's timeline."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="changes")
    from_status = models.CharField(max_length=10, choices=RepaymentPlanStatus.choices)
    to_status = models.CharField(max_length=10, choices=RepaymentPlanStatus.choices)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("changement d'état d'un plan d'apurement")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ArrearsLetterKind(models.TextChoices):
    REMINDER = "reminder", _("Lettre de relance")
    FORMAL_NOTICE = "formal_notice", _("Mise en demeure")


class ArrearsLetter(OrganisationScoped):
    """A lettre de relance or a mise en demeure sent for a lease's arrears. The addressee, address and the unpaid
    periods are copied when it is made, so the letter prints the same afterwards."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="arrears_letters", verbose_name=_("bail"))
    kind = models.CharField(_("courrier"), max_length=20, choices=ArrearsLetterKind.choices)
    sent_on = models.DateField(_("envoyé le"))
    amount = models.DecimalField(_("montant réclamé"), max_digits=12, decimal_places=2)
    tenant_names = models.TextField(_("destinataires"))
    address = models.TextField(_("adresse"))
    unpaid = models.JSONField(_("périodes impayées"), default=list)  # [{"period", "due_date", "left"}], ISO and "0.00"
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-sent_on", "-created_at"]
        verbose_name = _("courrier d'impayé")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_arrears_letter_positive",
                violation_error_message=_("Un courrier d'impayé réclame un montant positif."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sent_on:%d/%m/%Y}"


# --- bank statements -----------------------------------------------------------------------------------------


class CsvDelimiter(models.TextChoices):
    SEMICOLON = ";", _("point-virgule ( ; )")
    COMMA = ",", _("virgule ( , )")
    TAB = "\t", _("tabulation")


class CsvDateFormat(models.TextChoices):
    FRENCH = "%d/%m/%Y", _("JJ/MM/AAAA")
    FRENCH_SHORT = "%d/%m/%y", _("JJ/MM/AA")
    DOTS = "%d.%m.%Y", _("JJ.MM.AAAA")
    ISO = "%Y-%m-%d", _("AAAA-MM-JJ")


class CsvEncoding(models.TextChoices):
    UTF8 = "utf-8", _("UTF-8")
    WINDOWS = "cp1252", _("Windows-1252 (Excel)")
    LATIN9 = "iso-8859-15", _("ISO-8859-15")


class BankCsvMapping(OrganisationScoped):
    """Which column of a bank's CSV export holds what, saved under a name (one per bank or account)."""

    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple le nom de la banque."))
    date_column = models.CharField(_("colonne de la date"), max_length=60)
    label_column = models.CharField(_("colonne du libellé"), max_length=60)
    amount_column = models.CharField(
        _("colonne du montant"), max_length=60, blank=True, help_text=_("Un seul montant signé (+ entrée, − sortie).")
    )
    credit_column = models.CharField(
        _("colonne du crédit"), max_length=60, blank=True, help_text=_("Sinon : une colonne crédit et une débit.")
    )
    debit_column = models.CharField(_("colonne du débit"), max_length=60, blank=True)
    reference_column = models.CharField(
        _("colonne de la référence de l'opération"), max_length=60, blank=True, help_text=_("Facultative.")
    )
    counterparty_column = models.CharField(
        _("colonne du tiers (émetteur)"), max_length=60, blank=True, help_text=_("Facultative.")
    )
    delimiter = models.CharField(
        _("séparateur"), max_length=2, choices=CsvDelimiter.choices, default=CsvDelimiter.SEMICOLON
    )
    date_format = models.CharField(
        _("format des dates"), max_length=10, choices=CsvDateFormat.choices, default=CsvDateFormat.FRENCH
    )
    encoding = models.CharField(_("encodage"), max_length=20, choices=CsvEncoding.choices, default=CsvEncoding.UTF8)

    class Meta:
        ordering = ["name"]
        verbose_name = _("format de relevé CSV")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="ledger_bank_mapping_unique_name",
                violation_error_message=_("Un format de relevé porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name

    def as_mapping(self):
        """The column mapping the CSV reader takes (ValueError when neither amount nor credit and debit)."""
        from .bankfiles import CsvMapping

        return CsvMapping(
            date=self.date_column,
            label=self.label_column,
            amount=self.amount_column,
            credit=self.credit_column,
            debit=self.debit_column,
            reference=self.reference_column,
            counterparty=self.counterparty_column,
            delimiter=self.delimiter,
            date_format=self.date_format,
            encoding=self.encoding,
        )


class BankFileFormat(models.TextChoices):
    CSV = "csv", _("CSV (export de la banque)")
    CAMT053 = "camt053", _("CAMT.053 (relevé XML ISO 20022)")


class BankStatement(OrganisationScoped):
    """One imported bank file: what it held, who imported it, and whether its closing balance agreed with the
    ledger's bank account on its last day when imported."""

    file_name = models.CharField(_("fichier"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10, choices=BankFileFormat.choices)
    mapping = models.ForeignKey(
        BankCsvMapping, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("format CSV")
    )
    statement_ref = models.CharField(_("référence du relevé"), max_length=100, blank=True)
    account_iban = models.CharField(_("IBAN du compte"), max_length=40, blank=True)
    first_day = models.DateField(_("du"))
    last_day = models.DateField(_("au"))
    opening_balance = models.DecimalField(
        _("solde d'ouverture"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    closing_balance = models.DecimalField(_("solde de clôture"), max_digits=12, decimal_places=2, null=True, blank=True)
    ledger_balance = models.DecimalField(
        _("solde du compte banque à l'import"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    balance_agrees = models.BooleanField(_("solde concordant"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("opérations du fichier"))
    new_count = models.PositiveIntegerField(_("opérations nouvelles"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("relevé bancaire importé")

    def __str__(self):
        return self.file_name

    @property
    def known_count(self) -> int:
        return self.line_count - self.new_count


class BankLineState(models.TextChoices):
    UNMATCHED = "unmatched", _("À rapprocher")
    MATCHED = "matched", _("Rapprochée")
    IGNORED = "ignored", _("Mise de côté")


class BankLine(OrganisationScoped):
    """One operation of the bank account, kept once per organisation whatever the number of statements that list
    it: the bank's transaction id, or a hash of its date, amount and label, is unique."""

    booked_on = models.DateField(_("date d'opération"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    label = models.CharField(_("libellé"), max_length=500)
    counterparty = models.CharField(_("tiers"), max_length=200, blank=True)
    bank_reference = models.CharField(_("identifiant bancaire"), max_length=80)
    statements = models.ManyToManyField(BankStatement, related_name="lines", verbose_name=_("relevés"))
    state = models.CharField(_("état"), max_length=10, choices=BankLineState.choices, default=BankLineState.UNMATCHED)
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_line",
        verbose_name=_("encaissement"),
    )
    ignored_reason = models.CharField(_("motif"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)

    class Meta:
        ordering = ["booked_on", "created_at"]
        verbose_name = _("opération bancaire")
        indexes = [models.Index(fields=["organisation", "state", "booked_on"], name="ledger_bankline_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "bank_reference"],
                name="ledger_bank_line_once",
                violation_error_message=_("Cette opération bancaire est déjà importée."),
            ),
            models.CheckConstraint(
                condition=~Q(state="matched") | Q(payment__isnull=False),
                name="ledger_bank_line_matched_has_payment",
                violation_error_message=_("Une opération rapprochée mène à un encaissement."),
            ),
        ]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.amount} {self.label[:40]}"


# --- owners under a management mandate: works, statements (comptes rendus de gestion), payouts ----------------


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
    VAT, the works paid on the owner's behalf and the amount due (carried + collected − fee − VAT − works)."""

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
                        - models.F("works"),
                        2,
                    )
                ),
                name="ledger_owner_statement_amount_due",
                violation_error_message=_(
                    "Le solde est le solde reporté plus les loyers encaissés, "
                    "moins les honoraires, la TVA et les travaux."
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


class OwnerStatementLine(models.Model):
    """One ledger movement a statement accounts for: a payment (or its reversal) on a mandate lease, or a works
    invoice (or its reversal). Each transaction is accounted for by one statement only."""

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


# --- rent documents by e-mail (R5: only with the tenant's express agreement, stored with its date) ---------------


class EmailConsent(OrganisationScoped):
    """The tenant's express agreement to receive the lease's rent documents by e-mail (R5), or its withdrawal,
    dated. Rows are only added: the latest of a lease is in force, the earlier ones are its history."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="email_consents", verbose_name=_("bail"))
    given = models.BooleanField(_("accord donné"))
    on = models.DateField(_("le"))
    email = models.EmailField(_("courriel"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("accord pour les documents par courriel")
        constraints = [
            models.CheckConstraint(
                condition=Q(given=False) | ~Q(email=""),
                name="ledger_email_consent_has_an_address",
                violation_error_message=_("Un accord pour les courriels porte l'adresse du locataire."),
            )
        ]

    def __str__(self):
        return f"{self.lease_id} {'accord' if self.given else 'retrait'} {self.on}"


class MailedDocumentKind(models.TextChoices):
    NOTICE = "notice", _("Avis d'échéance")
    QUITTANCE = "quittance", _("Quittance de loyer")
    RECU = "recu", _("Reçu de paiement partiel")


class DocumentEmail(OrganisationScoped):
    """A rent document sent by e-mail: to whom, by whom, when (`created_at`)."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="document_emails")
    kind = models.CharField(_("document"), max_length=10, choices=MailedDocumentKind.choices)
    rent_call = models.ForeignKey(RentCall, on_delete=models.PROTECT, related_name="document_emails")
    receipt = models.ForeignKey(
        RentReceipt, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    to = models.EmailField(_("envoyé à"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document envoyé par courriel")
        indexes = [models.Index(fields=["rent_call", "kind"], name="ledger_docmail_call_kind")]

    def __str__(self):
        return f"{self.kind} → {self.to}"


class NoticeMailing(OrganisationScoped):
    """Sending a month's avis d'échéance to the tenants who agreed to e-mail, as a background task whose progress
    the month-end page follows; the others' notices are printed."""

    run = models.ForeignKey(RentCallRun, on_delete=models.PROTECT, related_name="mailings")
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("avis à envoyer"), default=0)
    done = models.PositiveIntegerField(_("avis traités"), default=0)
    sent = models.PositiveIntegerField(_("avis envoyés"), default=0)
    error = models.TextField(_("erreurs"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("envoi des avis d'échéance par courriel")

    def __str__(self):
        return f"{self.run_id} {self.status} {self.done}/{self.total}"

    @property
    def running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


# --- security deposits (dépôt de garantie, loi 89 art. 22) --------------------------------------------------------


class Deposit(OrganisationScoped):
    """The security deposit (dépôt de garantie) of one lease, held by the association from its first receipt until
    its return. What is held is the sum of its movements (receipts minus the return), each one posted to the
    organisation's deposits-held account (165000)."""

    lease = models.OneToOneField(
        Lease, on_delete=models.PROTECT, related_name="security_deposit", verbose_name=_("bail")
    )
    returned_on = models.DateField(_("restitué le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dépôt de garantie")

    def __str__(self):
        return f"{self.lease_id}"


class DepositMovementKind(models.TextChoices):
    RECEIVED = "received", _("Reçu")
    RETURNED = "returned", _("Restitué")
    RELEASED = "released", _("Provision restituée après l'arrêté des comptes")
    CANCELLED = "cancelled", _("Reçu annulé (saisi par erreur)")


class DepositMovement(OrganisationScoped):
    """A receipt of the deposit (debit the bank, credit deposits held) or its return after the move-out (debit
    deposits held by all that was held; credit the tenant's account for unpaid rent, the retentions account for
    repairs, the bank for the refund and the late penalty, which is debited to an expense). `amount` is what the
    movement adds to (receipt) or takes from (return) the deposit held."""

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
