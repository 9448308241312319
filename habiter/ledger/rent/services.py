"""Every write of rent: the month's calls (one lease's, or the month-end run as a background task), payments and
their allocation to the oldest unpaid calls, quittances and reçus, repayment plans and arrears letters. Entries go
through `habiter.ledger.entries.services`; the lock order is its own (a lease's tenant account, then a receipt
counter).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core import background
from habiter.core.audit import audit_record, audit_record_many
from habiter.core.formats import euros
from habiter.core.legal_queries import legal_parameters
from habiter.housing.models import Owner
from habiter.leases.models import Lease, LeaseKind, ManagementMandate, RentRevision
from habiter.leases.rules import rent_in_force
from habiter.ledger import registry, rules
from habiter.ledger.entries.services import (
    NewEntry,
    check_open,
    organisation_account,
    owner_account,
    post_entries,
    post_entry,
    tenant_account,
    tenant_accounts,
)
from habiter.ledger.models import (
    Account,
    AccountKind,
    ChargeInstalment,
    Instalment,
    Payment,
    PaymentAllocation,
    PaymentSource,
    RentCall,
    RentCallRun,
    RepaymentPlanStatus,
    RevisionCatchUp,
    RunStatus,
    Transaction,
    money_sum,
)
from habiter.ledger.redevance.queries import contracts_to_call
from habiter.ledger.redevance.services import redevance_calls_issue

from . import queries
from .arrears import arrears_letter_send, repayment_plan_create, repayment_plan_move  # noqa: F401 (re-exported)
from .caf import BATCH_SIZE, caf_unpaid_follow
from .queries import OWNER_LEASE_MESSAGE
from .receipts import receipt_issue, receipt_pdf, tenant_names  # noqa: F401 (re-exported)

CALLABLE_STATUSES = queries.CALLABLE_STATUSES
PAYMENT = "payment"  # source type of a payment's entry
# The account a payment is debited to: what waits for the bank line (a hand-entered payment), or the third party's
# clearing account; the bank account itself moves only when a bank line is matched (`bank.services`).
SOURCE_ACCOUNTS = {
    PaymentSource.TENANT: AccountKind.TO_BANK,
    PaymentSource.CAF: AccountKind.CAF,
    PaymentSource.FSL: AccountKind.FSL,
    PaymentSource.VISALE: AccountKind.VISALE,
    PaymentSource.ASSOCIATION: AccountKind.ASSOCIATION_ADVANCE,
}


class DuplicatePaymentReference(ValidationError):
    """The lease already has a payment with this reference (the API answers 409)."""


class LargePaymentNeedsConfirmation(ValidationError):
    """The amount is more than `LARGE_PAYMENT_MONTHS` months of the lease's rent and charges: a typing slip is more
    likely than such a payment, so the user confirms it first."""


class PaymentAlreadyRecorded(Exception):
    """The form or request with this one-time key has already recorded `payment`: nothing more is recorded."""

    def __init__(self, payment):
        self.payment = payment
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("Cet encaissement est déjà enregistré.")


LARGE_PAYMENT_MONTHS = 12


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


# --- allocation ----------------------------------------------------------------------------------------------


def _open_calls(lease):
    return (
        RentCall.objects.filter(lease=lease, cancelled_on__isnull=True, settled=False)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .order_by("period", "created_at")
    )


def _open_payments(lease):
    return (
        Payment.objects.filter(lease=lease, reversed_on__isnull=True, fully_allocated=False)
        .annotate(allocated=money_sum("allocations__amount"))
        .filter(allocated__lt=F("amount"))
        .order_by("received_on", "created_at")
    )


def _open_charge_instalments(lease):
    """The instalments of the lease's charge regularisation balances still to pay that are asked by now: due on or
    before today or in a month already called (they are asked on that month's notice)."""
    horizon = timezone.localdate()
    last_called = (
        RentCall.objects.filter(lease=lease, cancelled_on__isnull=True).order_by("-period").values("period").first()
    )
    if last_called:
        horizon = max(horizon, rules.month_end(last_called["period"]))
    return (
        ChargeInstalment.objects.filter(line__lease=lease, due_date__lte=horizon)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("amount"))
        .order_by("due_date", "number")
    )


def allocate_payments(lease) -> None:
    """Allocate what is left of the lease's payments to what the tenant is asked to pay, by due date: the month a
    payment's tenant chose first (Code civil art. 1342-10), then the unpaid rent calls and the instalments of a
    charge regularisation balance, the oldest due first (a call before an instalment due the same day)."""
    payments = [
        rules.OpenItem(p.pk, rules.cents(p.amount - p.allocated), ("call", p.chosen_call_id))
        for p in _open_payments(lease)
    ]
    if not payments:
        return
    calls = list(_open_calls(lease))
    owed = sorted(
        [((c.due_date, 0, n), rules.OpenItem(("call", c.pk), rules.cents(c.due - c.paid))) for n, c in enumerate(calls)]
        + [
            ((i.due_date, 1, n), rules.OpenItem(("instalment", i.pk), rules.cents(i.amount - i.paid)))
            for n, i in enumerate(_open_charge_instalments(lease))
        ],
        key=lambda pair: pair[0],
    )
    items = [item for _order, item in owed]
    allocations = rules.allocate(payments, items)
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(
                payment_id=payment_id,
                rent_call_id=target if kind == "call" else None,
                charge_instalment_id=target if kind == "instalment" else None,
                amount=amount,
            )
            for payment_id, (kind, target), amount in allocations
        ]
    )
    # the open-item flags: what this allocation used up entirely
    used: dict = {}
    for payment_id, key, amount in allocations:
        used[payment_id] = used.get(payment_id, rules.ZERO) + amount
        used[key] = used.get(key, rules.ZERO) + amount
    settled = [item.key[1] for item in items if item.key[0] == "call" and used.get(item.key, rules.ZERO) >= item.left]
    spent = [item.key for item in payments if used.get(item.key, rules.ZERO) >= item.left]
    if settled:
        RentCall.objects.filter(pk__in=settled).update(settled=True)
    if spent:
        Payment.objects.filter(pk__in=spent).update(fully_allocated=True)


def _reallocate_all(lease) -> None:
    PaymentAllocation.objects.filter(payment__lease=lease).delete()
    RentCall.objects.filter(lease=lease, settled=True).update(settled=False)
    Payment.objects.filter(lease=lease, fully_allocated=True).update(fully_allocated=False)
    allocate_payments(lease)


def rent_document_reversal(entry) -> registry.ReversalFollowUp | None:
    """When `entry` records a rent call or a payment, what its reversal means (registered with
    `registry.register_reversal_follow_up`): the lease's tenant account is locked now, and once the reversal is
    posted the call is cancelled or the payment set aside, then the lease's payments are allocated again and the
    impayé au sens de la CAF follows the new debt (reached on the reversal's date, or cleared)."""
    call = RentCall.objects.filter(transaction=entry).select_related("lease__dwelling", "lease__organisation").first()
    payment = Payment.objects.filter(transaction=entry).select_related("lease__dwelling", "lease__organisation").first()
    lease = (call or payment).lease if (call or payment) else None
    if lease is None:
        return None
    tenant_account(lease, lock=True)

    def apply(on: date) -> None:
        if call is not None:
            RentCall.objects.filter(pk=call.pk).update(cancelled_on=on)
            RevisionCatchUp.objects.filter(rent_call=call).update(rent_call=None)  # asked again on the next call
        if payment is not None:
            Payment.objects.filter(pk=payment.pk).update(reversed_on=on)
        _reallocate_all(lease)
        # the reversal is posted: its author is the one who moved the debt
        author = Transaction.objects.filter(reversal_of=entry).select_related("created_by").first()
        caf_unpaid_follow(actor=author.created_by if author else None, leases=[lease], on=on)

    return registry.ReversalFollowUp(apply=apply, household_id=lease.household_id)


# --- rent calls ----------------------------------------------------------------------------------------------


def leases_to_call(organisation_id, month: date):
    """The leases of the organisation that run during `month` and whose rent the association calls
    (`queries.billed_in_month`: not an owner's direct lease after a slide). A lease runs to its `end_date` — the
    end of the tenant's notice, or the eve of a reletting —, not to the day the keys were handed back: the rent is
    owed to the end of the notice (loi 89 art. 15 I), so an ended lease still gets the calls of its last months."""
    first, last = rules.month_start(month), rules.month_end(month)
    leases = Lease.objects.filter(
        organisation_id=organisation_id, status__in=CALLABLE_STATUSES, start_date__lte=last
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    return queries.billed_in_month(leases, month).select_related("household", "dwelling").order_by("start_date", "id")


def _rent_histories(leases) -> dict:
    """Each lease's rent in force day by day (`leases.rules.rent_in_force`), from its applied revisions: one query
    for the batch."""
    revisions: dict = {}
    for lease_id, effective, old, new in RentRevision.objects.filter(lease__in=leases).values_list(
        "lease_id", "effective_date", "old_rent", "new_rent"
    ):
        revisions.setdefault(lease_id, []).append((effective, old, new))
    return {lease.pk: rent_in_force(lease.rent, revisions.get(lease.pk, ())) for lease in leases}


def revision_catch_up_record(revision, actor) -> list[RevisionCatchUp]:
    """Registered with `leases.registry.register_revision_follow_up`: once `revision` is applied (inside its
    transaction), record the rappel de révision of each month of the lease already called that the revision touches
    — the days from its effective date were called at the old rent (loi 89 art. 17-1). Each rappel is asked once on
    the lease's next call (`_issue_batch`). Decision (DESIGN.md): a rappel on the next call rather than a second
    call for the month, since a month has one call in force and its notice and quittance stay as issued."""
    lease = revision.lease
    calls = list(
        RentCall.objects.filter(
            lease=lease, cancelled_on__isnull=True, period__gte=rules.month_start(revision.effective_date)
        ).order_by("period")
    )
    if not calls:
        return []
    history = _rent_histories([lease])[lease.pk]
    params = legal_parameters()
    rows = []
    for call in calls:
        amount = rules.revision_catch_up(
            history, call.period, lease.start_date, lease.end_date, call.rent - call.rent_catch_up, params=params
        )
        if amount:
            rows.append(
                RevisionCatchUp(
                    organisation_id=lease.organisation_id,
                    lease=lease,
                    revision=revision,
                    period=call.period,
                    amount=amount,
                )
            )
    for row in rows:
        row.full_clean(validate_constraints=False)
    RevisionCatchUp.objects.bulk_create(rows)
    if rows:
        audit_record_many(
            actor=actor,
            action="ledger.revision_catch_up_record",
            items=[
                (row, lease.household_id, {"period": f"{row.period:%Y-%m}", "amount": str(row.amount)}) for row in rows
            ],
        )
    return rows


def _call_credit_accounts(organisation_id, leases) -> dict:
    """The accounts a batch's calls credit: the organisation's rent income, and the owner's account (by lease id)
    for each lease whose rent is an owner's money (`leases.queries.owners_money`: a mandate lease, or an owner's
    direct lease after a slide billed under the owner's mandate), the owners read in one query."""
    mandate_owner = dict(
        ManagementMandate.objects.filter(
            pk__in={lease.mandate_id for lease in leases if lease.kind == LeaseKind.MANDATE}
        ).values_list("pk", "owner_id")
    )
    owner_of = {}
    for lease in leases:
        if lease.kind == LeaseKind.MANDATE:
            owner_of[lease.pk] = mandate_owner[lease.mandate_id]
        elif lease.kind == LeaseKind.DIRECT and lease.landlord_id:
            owner_of[lease.pk] = lease.landlord_id
    owners = {}
    if owner_of:
        existing = {
            account.owner_id: account
            for account in Account.objects.filter(kind=AccountKind.OWNER, owner__in=set(owner_of.values()))
        }
        for owner in Owner.objects.filter(pk__in=set(owner_of.values()) - set(existing)):
            existing[owner.pk] = owner_account(owner)
        owners = {lease_pk: existing[owner_id] for lease_pk, owner_id in owner_of.items()}
    return {
        AccountKind.RENT_INCOME: organisation_account(organisation_id, AccountKind.RENT_INCOME),
        AccountKind.CHARGE_PROVISIONS: organisation_account(organisation_id, AccountKind.CHARGE_PROVISIONS),
        "owners": owners,
    }


def _call_credits(lease, amounts, credits) -> list:
    """The credit lines of a lease's call. Under a management mandate the rent and the charges are the owner's
    money, never the association's income (loi Hoguet: the mandatary keeps its mandants' funds apart): the whole
    call credits the owner's account (467), and only the management fee, taken on the owner's statement, is the
    association's. Otherwise the rent credits rent income and the charges the provisions for charges (419100), an
    advance until the annual regularisation (R16) says what part of it is income."""
    owner = credits["owners"].get(lease.pk)
    if owner is not None:
        return [(owner, -amounts.total)]
    lines = []
    if amounts.rent:
        lines.append((credits[AccountKind.RENT_INCOME], -amounts.rent))
    if amounts.service_charges:
        lines.append((credits[AccountKind.CHARGE_PROVISIONS], -amounts.service_charges))
    return lines


def _issue_batch(actor, leases, period: date, params, run=None) -> list[RentCall]:
    """Issue the calls of `period` for `leases` inside the caller's transaction, in a few queries whatever their
    number: the tenants' accounts locked in one query, the transactions, lines, calls and audit events inserted in
    bulk. Leases already called, or not running during `period`, are skipped. Returns the calls issued.

    Then the batch's impayé au sens de la CAF (`caf_unpaid_follow`): one query for the open episodes, one bulk insert
    for those a call opens — reached on the due date of the call that makes the debt cross the threshold —, and every
    lease of the batch checked on the run's day for a default left unpaid too long (R42, from 2027)."""
    if not leases:
        return []
    organisation_id = leases[0].organisation_id
    # once for the batch: `post_entries` does not check the day itself
    check_open(organisation_id, period, "period")
    accounts = tenant_accounts(leases)
    called = set(
        RentCall.objects.filter(lease__in=leases, period=period, cancelled_on__isnull=True).values_list(
            "lease_id", flat=True
        )
    )
    credits = _call_credit_accounts(organisation_id, leases)
    # the month's instalment of each lease's plan in progress, asked with the rent (one query for the batch)
    instalments = {
        lease_id: (pk, amount)
        for lease_id, pk, amount in Instalment.objects.filter(
            plan__lease__in=leases, plan__status=RepaymentPlanStatus.ACTIVE, period=period
        ).values_list("plan__lease_id", "pk", "amount")
    }
    # the rent in force on each day (revisions take effect on their date) and the rappels de révision not yet asked:
    # one query each for the batch
    histories = _rent_histories(leases)
    catch_ups: dict = {}
    for row in RevisionCatchUp.objects.filter(lease__in=leases, rent_call__isnull=True, period__lt=period):
        catch_ups.setdefault(row.lease_id, []).append(row)
    issuing, entries = [], []
    for lease in leases:
        if lease.pk in called:
            continue
        amounts = rules.rent_call_amounts(
            lease.rent,
            lease.charges,
            lease.payment_day,
            period,
            lease.start_date,
            lease.end_date,  # the end of notice: a move-out before it does not cut the rent (loi 89 art. 15)
            params=params,
            rent_history=histories[lease.pk],
            catch_up=sum((row.amount for row in catch_ups.get(lease.pk, ())), rules.ZERO),
        )
        if amounts is None or amounts.total <= 0:
            continue
        call_lines = [(accounts[lease.pk], amounts.total), *_call_credits(lease, amounts, credits)]
        issuing.append((lease, amounts))
        entries.append(
            NewEntry(
                booked_on=period,
                label=_("Appel de loyer %(period)s — %(tenant)s")
                % {"period": f"{period:%m/%Y}", "tenant": lease.household.name},
                lines=call_lines,
                source_type="rent_call",
            )
        )
    if not issuing:
        caf_unpaid_follow(actor=actor, leases=leases, on=timezone.localdate(), params=params)
        return []
    posted = post_entries(actor=actor, organisation_id=organisation_id, entries=entries)
    calls = []
    for (lease, amounts), entry in zip(issuing, posted, strict=True):
        # the instalment is asked, not posted: the old debt it repays is already on the tenant's account
        instalment_id, instalment = instalments.get(lease.pk, (None, rules.ZERO))
        calls.append(
            RentCall(
                organisation_id=organisation_id,
                lease=lease,
                period=period,
                rent=amounts.rent,
                rent_catch_up=amounts.catch_up,
                service_charges=amounts.service_charges,
                instalment=instalment,
                plan_instalment_id=instalment_id,
                total=amounts.total + instalment,
                due_date=amounts.due_date,
                transaction=entry,
                run=run,
            )
        )
    RentCall.objects.bulk_create(calls)
    asked = []
    for call in calls:
        for row in catch_ups.get(call.lease_id, ()):
            row.rent_call = call
            asked.append(row)
    if asked:
        RevisionCatchUp.objects.bulk_update(asked, ["rent_call"])
    # money already received and not yet allocated (an advance payment) settles the new calls, oldest first
    waiting = set(
        Payment.objects.filter(
            lease__in=[call.lease_id for call in calls], reversed_on__isnull=True, fully_allocated=False
        ).values_list("lease_id", flat=True)
    )
    for call in calls:
        if call.lease_id in waiting:
            allocate_payments(call.lease)
    # the impayé au sens de la CAF: reached on the due date of the call that makes the debt cross the threshold; the
    # batch's other leases are checked on the run's day for a default left unpaid too long (R42)
    caf_unpaid_follow(
        actor=actor,
        leases=leases,
        on=timezone.localdate(),
        call_due={call.lease_id: call.due_date for call in calls},
        params=params,
    )
    audit_record_many(
        actor=actor,
        action="ledger.rent_call_issue",
        items=[
            (call, call.lease.household_id, {"period": f"{period:%Y-%m}", "total": str(call.total)}) for call in calls
        ],
    )
    return calls


def _issue(actor, lease, period: date, params, run=None) -> tuple[RentCall | None, bool]:
    """Issue the call of `period` for `lease` inside the caller's transaction; (call, created). A month already
    called returns its call, even once the month is closed: nothing is written."""
    existing = RentCall.objects.filter(lease=lease, period=period, cancelled_on__isnull=True).first()
    if existing is not None:
        return existing, False
    issued = _issue_batch(actor, [lease], period, params, run=run)
    return (issued[0], True) if issued else (None, False)


def rent_call_issue(*, actor, lease_id, period: date) -> tuple[RentCall, bool]:
    """Issue one month's rent call for a lease; an already issued month returns the existing call."""
    _require(actor, "ledger.post")
    period = rules.month_start(period)
    with transaction.atomic():
        lease = (
            Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
            .select_related("household", "dwelling")
            .first()
        )
        if lease is None:
            raise Lease.DoesNotExist
        if lease.status not in CALLABLE_STATUSES:
            raise ValidationError(_("Seul un bail signé donne lieu à un appel de loyer."))
        if not queries.lease_billed_in_month(lease, period):
            raise ValidationError(OWNER_LEASE_MESSAGE)
        call, created = _issue(actor, lease, period, legal_parameters())
        if call is None:
            raise ValidationError({"period": _("Le bail ne court pas pendant ce mois : rien à appeler.")})
    return call, created


def rent_calls_issue(*, actor, month: date, run: RentCallRun | None = None, on_batch=None) -> int:
    """Issue the calls of `month` for every lease running then, by batches of `BATCH_SIZE` leases, each batch in
    its own database transaction with the run's progress, so that the progress is visible and a run started again
    (its worker died) skips what is done: leases already called are skipped. Then the redevance calls of the
    residence contracts running in the month, the same way (docs/adr/0030). `on_batch`: called after each batch.
    Returns the number issued by this call."""
    _require(actor, "ledger.post")
    month = rules.month_start(month)
    params = legal_parameters()
    leases = list(leases_to_call(actor.organisation_id, month))
    issued = done = 0
    # a resumed run counts the calls its first attempts issued
    before = (
        run.calls.filter(cancelled_on__isnull=True).count()
        + run.redevance_calls.filter(cancelled_on__isnull=True).count()
        if run is not None
        else 0
    )
    if run is not None:
        RentCallRun.objects.filter(pk=run.pk).update(
            total=len(leases) + len(contracts_to_call(actor.organisation_id, month)), status=RunStatus.RUNNING
        )
    for first in range(0, len(leases), BATCH_SIZE):
        batch = leases[first : first + BATCH_SIZE]
        with transaction.atomic():
            issued += len(_issue_batch(actor, batch, month, params, run=run))
            done += len(batch)
            if run is not None:
                RentCallRun.objects.filter(pk=run.pk).update(done=done, issued=before + issued)
        if on_batch is not None:
            on_batch()
    issued += _redevance_calls(actor, month, run, done, before + issued, on_batch)
    return issued


def _redevance_calls(actor, month: date, run, done: int, issued_before: int, on_batch) -> int:
    """The same run issues the redevance calls of the residence contracts running in `month` (docs/adr/0030),
    after the leases, with the run's progress; returns the number issued."""

    def progress(processed: int, issued: int) -> None:
        if run is not None:
            RentCallRun.objects.filter(pk=run.pk).update(done=done + processed, issued=issued_before + issued)
        if on_batch is not None:
            on_batch()

    _count, issued = redevance_calls_issue(actor=actor, month=month, run=run, batch_size=BATCH_SIZE, on_batch=progress)
    return issued


def rent_call_run_start(*, actor, month: date) -> RentCallRun:
    """Start the month-end rent calls as a background task; the page follows its progress."""
    _require(actor, "ledger.post")
    month = rules.month_start(month)
    with transaction.atomic():
        check_open(actor.organisation_id, month, "month")
        if RentCallRun.objects.filter(
            organisation_id=actor.organisation_id, month=month, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ).exists():
            raise ValidationError({"month": _("Les appels de ce mois sont déjà en cours d'émission.")})
        run = RentCallRun.objects.create(
            organisation_id=actor.organisation_id,
            month=month,
            total=leases_to_call(actor.organisation_id, month).count()
            + len(contracts_to_call(actor.organisation_id, month)),
            started_by=actor,
        )
        audit_record(actor=actor, action="ledger.rent_call_run", obj=run, detail={"month": f"{month:%Y-%m}"})
        transaction.on_commit(lambda: issue_rent_calls.enqueue(str(run.pk)))
    return run


def rent_call_run_execute(run_id) -> RentCallRun:
    """The body of the background task: issue the calls and record how the run ended. The run holds a lease
    (`habiter.core.background`) while it works: if its worker dies, another worker starts it again and it issues
    only the calls still missing; a duplicate of the task while the run goes on elsewhere does nothing."""
    run = RentCallRun.objects.select_related("started_by").get(pk=run_id)
    key = f"ledger.rent_calls:{run.pk}"
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        background.lease_release(key)
        return run
    if not background.lease_acquire(key, issue_rent_calls, [str(run.pk)]):
        return run
    try:
        rent_calls_issue(actor=run.started_by, month=run.month, run=run, on_batch=lambda: background.lease_renew(key))
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(getattr(error, "messages", [])) or _("Action non autorisée.")
        with transaction.atomic():
            RentCallRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=message, finished_at=timezone.now()
            )
            background.lease_release(key)
    else:
        with transaction.atomic():
            RentCallRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
            background.lease_release(key)
    run.refresh_from_db()
    return run


@task
def issue_rent_calls(run_id: str) -> int:
    """The background task of a `RentCallRun` (defined here, beside the service that enqueues it, so that neither
    module imports the other; `habiter.ledger.tasks` names it too); returns the number of calls issued."""
    return rent_call_run_execute(run_id).issued


# --- payments ------------------------------------------------------------------------------------------------


def payment_record(
    *,
    actor,
    lease_id,
    amount: Decimal,
    received_on: date,
    source: str,
    reference: str = "",
    chosen_call_id=None,
    confirmed: bool = False,
    bank_line=None,
    idempotency_key: str = "",
) -> Payment:
    """Record money received for a lease: posted to the ledger (debit the account it waits on — the hand-entered
    payments' until its bank line is matched, or the paying third party's —, credit the tenant) and allocated to
    the month the payer chose (`chosen_call_id`, one of the lease's open calls: Code civil art. 1342-10), then to
    the oldest unpaid calls. Back-dated payments are allowed in open months only. The association cannot advance
    rent on a lease it lets itself: the payment would receipt a month the household did not pay. An amount over
    twelve months of rent and charges is refused until `confirmed`. `bank_line`: the matched line it comes from.
    `idempotency_key`: the one-time key of the form or API request; if a payment already carries it,
    PaymentAlreadyRecorded and nothing is recorded (a double click, a retried request)."""
    _require(actor, "ledger.post")
    idempotency_key = (idempotency_key or "").strip()[:64]
    _already_recorded(actor, idempotency_key)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")})
    if amount > rules.MAX_AMOUNT:
        raise ValidationError({"amount": _("Montant trop grand : 9 999 999 999,99 € au plus.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Le montant s'exprime au centime près.")})
    if source not in SOURCE_ACCOUNTS:
        raise ValidationError({"source": _("Provenance inconnue.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Un encaissement ne peut pas être daté dans le futur.")})
    reference = (reference or "").strip()
    duplicate = DuplicatePaymentReference(
        {"reference": _("Un encaissement de ce bail porte déjà la référence « %(ref)s ».") % {"ref": reference}}
    )
    try:
        with transaction.atomic():
            lease = (
                Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
                .select_related("household", "dwelling")
                .first()
            )
            if lease is None:
                raise Lease.DoesNotExist
            if lease.status not in CALLABLE_STATUSES:
                raise ValidationError(_("Seul un bail signé reçoit des encaissements."))
            # an owner's direct lease after a slide: the owner collects its rent, unless the association called some
            # of it (a mandate then in force), whose payments it still records
            if (
                not queries.lease_billed_in_month(lease, received_on)
                and not RentCall.objects.filter(lease=lease, cancelled_on__isnull=True).exists()
            ):
                raise ValidationError(OWNER_LEASE_MESSAGE)
            if source == PaymentSource.ASSOCIATION and lease.landlord_id is None:
                raise ValidationError(
                    {
                        "source": _(
                            "L'association est elle-même le bailleur de ce logement : une avance de l'association "
                            "donnerait une quittance pour un loyer que le ménage n'a pas payé. Proposez plutôt un "
                            "plan d'apurement ou une aide du FSL."
                        )
                    }
                )
            if not confirmed and amount > LARGE_PAYMENT_MONTHS * lease.total_due:
                raise LargePaymentNeedsConfirmation(
                    {
                        "amount": _(
                            "%(amount)s € : c'est plus de douze mois de loyer et de charges de ce bail "
                            "(%(monthly)s € par mois). Vérifiez le montant, puis confirmez-le."
                        )
                        % {"amount": euros(amount), "monthly": euros(lease.total_due)}
                    },
                    code="large_payment",
                )
            account = tenant_account(lease, lock=True)
            if (
                reference
                and Payment.objects.filter(lease=lease, reference=reference, reversed_on__isnull=True).exists()
            ):
                raise duplicate
            chosen = None
            if chosen_call_id:
                chosen = _open_calls(lease).filter(pk=chosen_call_id).first()
                if chosen is None:
                    raise ValidationError(
                        {"chosen_call_id": _("Le mois choisi n'est pas un loyer de ce bail restant à payer.")}
                    )
            check_open(lease.organisation_id, received_on, "received_on")
            entry = post_entry(
                actor=actor,
                organisation_id=lease.organisation_id,
                booked_on=received_on,
                label=_("Encaissement %(source)s — %(tenant)s")
                % {"source": PaymentSource(source).label, "tenant": lease.household.name},
                lines=[
                    (organisation_account(lease.organisation_id, SOURCE_ACCOUNTS[source]), amount),
                    (account, -amount),
                ],
                source_type=PAYMENT,
                source_id=reference,
            )
            payment = Payment(
                organisation_id=lease.organisation_id,
                lease=lease,
                amount=amount,
                received_on=received_on,
                source=source,
                reference=reference,
                chosen_call=chosen,
                transaction=entry,
                bank_line=bank_line,
                recorded_by=actor,
                idempotency_key=idempotency_key,
            )
            payment.full_clean(validate_constraints=False)
            payment.save()
            allocate_payments(lease)
            caf_unpaid_follow(actor=actor, leases=[lease], on=received_on)
            audit_record(
                actor=actor,
                action="ledger.payment_record",
                obj=payment,
                household_id=lease.household_id,
                detail={"amount": str(amount), "source": source}
                | ({"chosen_period": f"{chosen.period:%Y-%m}"} if chosen else {}),
            )
    except IntegrityError as error:
        if "ledger_payment_reference_once_per_lease" in str(error):
            raise duplicate from None
        if "ledger_payment_idempotency_key_once" in str(error) or "idempotency_key" in str(error):
            # the same key recorded by a request that committed while this one was running
            _already_recorded(actor, idempotency_key)
        raise
    return payment


def _already_recorded(actor, idempotency_key: str) -> None:
    if not idempotency_key:
        return
    payment = Payment.objects.filter(organisation_id=actor.organisation_id, idempotency_key=idempotency_key).first()
    if payment is not None:
        raise PaymentAlreadyRecorded(payment)
