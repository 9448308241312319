"""Rent documents written into the ledger: calls, payments and their allocation, receipts, repayment plans and
arrears letters."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, TimeStamped
from habiter.leases.models import Lease, RentRevision

from .entries import Transaction


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
    # The rappel de révision included in `rent`: what earlier calls issued before a rent revision was applied left
    # out (RevisionCatchUp rows asked by this call). Printed as its own line on the notice.
    rent_catch_up = models.DecimalField(
        _("dont rappel de révision du loyer"), max_digits=12, decimal_places=2, default=0
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    due_date = models.DateField(_("échéance"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="rent_call")
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    run = models.ForeignKey("RentCallRun", on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    # Kept by the allocation (rent.services.allocate_payments): True once payments cover the whole total. Open calls
    # are found through a partial index without summing the allocations of every call ever issued.
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

    @property
    def rent_of_month(self):
        """The month's own rent, without the rappel de révision of earlier months."""
        return self.rent - self.rent_catch_up


class RevisionCatchUp(OrganisationScoped):
    """The rappel de révision of one month (loi 89 art. 17-1: the revised rent is owed from the revision's
    effective date): when a revision is applied after the call of a month it touches was issued, the days from the
    effective date at the new rent were not called. The difference is recorded here at the revision and asked once,
    on the lease's next call (`rent_call`, included in its rent); it is asked again if that call is cancelled."""

    lease = models.ForeignKey(
        Lease, on_delete=models.PROTECT, related_name="revision_catch_ups", verbose_name=_("bail")
    )
    revision = models.ForeignKey(RentRevision, on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("mois rappelé"), help_text=_("Le premier jour du mois."))
    amount = models.DecimalField(_("rappel"), max_digits=12, decimal_places=2)
    rent_call = models.ForeignKey(
        RentCall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catch_ups",
        verbose_name=_("appelé avec"),
    )

    class Meta:
        ordering = ["period", "created_at"]
        verbose_name = _("rappel de révision du loyer")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "period"],
                name="ledger_catch_up_once_per_revision_and_month",
                violation_error_message=_("Le rappel de ce mois est déjà calculé pour cette révision."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="ledger_catch_up_period_first_day",
                violation_error_message=_("Une période commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.lease_id} {self.period:%m/%Y} {self.amount}"


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
    # only written by the deposit return (deposits.services.deposit_return), never recorded by hand
    DEPOSIT = "deposit", _("Retenue sur le dépôt de garantie")
    # only written by the charge regularisation (charges.services.charge_regularisation_post): the provisions paid
    # beyond the actual charges, credited to the tenant and settling the open calls like money received
    REGULARISATION = "regularisation", _("Trop-perçu de charges (régularisation)")


class Payment(OrganisationScoped):
    """Money received for a lease, from the tenant or a third party, posted to the ledger and allocated to the
    oldest unpaid rent calls first."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="payments", verbose_name=_("bail"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("reçu le"))
    source = models.CharField(_("provenance"), max_length=20, choices=PaymentSource.choices)
    reference = models.CharField(_("référence"), max_length=80, blank=True)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="payment")
    # the bank line that brought the money, once matched: one line may pay several leases (a CAF transfer)
    bank_line = models.ForeignKey(
        "ledger.BankLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_payments",
        verbose_name=_("opération bancaire"),
    )
    reversed_on = models.DateField(_("contre-passé le"), null=True, blank=True)
    # The month the tenant chose to pay (Code civil art. 1342-10): settled first by this payment, also when payments
    # are allocated again after a reversal; the oldest unpaid months otherwise, and with what is left.
    chosen_call = models.ForeignKey(
        "RentCall",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chosen_by",
        verbose_name=_("mois réglé"),
    )
    # Kept by the allocation, like RentCall.settled: True once the whole amount is allocated to calls.
    fully_allocated = models.BooleanField(_("entièrement imputé"), default=False, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The one-time key of the form or API request that recorded it: the same key again (a double click, a client
    # retrying after a lost answer) records nothing and answers with this payment.
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)

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
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ledger_payment_idempotency_key_once",
                violation_error_message=_("Cet encaissement est déjà enregistré."),
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
    """The part of a payment that settles a rent call, or an instalment of a charge regularisation balance."""

    id = models.BigAutoField(primary_key=True)
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    rent_call = models.ForeignKey(RentCall, on_delete=models.CASCADE, null=True, related_name="allocations")
    charge_instalment = models.ForeignKey(
        "ChargeInstalment", on_delete=models.CASCADE, null=True, related_name="allocations"
    )
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("imputation")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_allocation_positive"),
            models.CheckConstraint(
                condition=Q(rent_call__isnull=False, charge_instalment__isnull=True)
                | Q(rent_call__isnull=True, charge_instalment__isnull=False),
                name="ledger_allocation_one_target",
            ),
            models.UniqueConstraint(fields=["payment", "rent_call"], name="ledger_allocation_once"),
            models.UniqueConstraint(fields=["payment", "charge_instalment"], name="ledger_allocation_instalment_once"),
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


class CafUnpaidEpisode(OrganisationScoped):
    """An impayé au sens des aides au logement (CCH R824-1, décret n° 2026-84: DOMAIN.md R40–R42) on a lease, as
    recorded when it happened: `reached_on` is the day the debt crossed the threshold — the date of the payment or
    reversal that made it cross, or the due date of the call that did —, never rebuilt later from the calls still
    unpaid; `report_by` the day the landlord must have told the CAF (R41). `cleared_on` is set once the debt falls
    back under the threshold. At most one open episode per lease; a later crossing opens a new one."""

    lease = models.ForeignKey(
        Lease, on_delete=models.PROTECT, related_name="caf_unpaid_episodes", verbose_name=_("bail")
    )
    reached_on = models.DateField(_("seuil atteint le"))
    threshold = models.DecimalField(_("seuil"), max_digits=12, decimal_places=2)
    report_by = models.DateField(_("à signaler à la CAF avant le"))
    cleared_on = models.DateField(_("résorbé le"), null=True, blank=True)

    class Meta:
        ordering = ["lease", "-reached_on", "-created_at"]
        verbose_name = _("impayé au sens de la CAF")
        constraints = [
            models.UniqueConstraint(
                fields=["lease"],
                condition=Q(cleared_on__isnull=True),
                name="ledger_one_open_caf_unpaid_per_lease",
                violation_error_message=_("Ce bail a déjà un impayé au sens de la CAF en cours."),
            ),
            models.CheckConstraint(
                condition=Q(report_by__gte=models.F("reached_on")),
                name="ledger_caf_report_after_reached",
                violation_error_message=_("La date de signalement suit la date où le seuil a été atteint."),
            ),
        ]

    def __str__(self):
        return f"{self.lease_id} {self.reached_on} → {self.cleared_on or '…'}"
