"""Reads of the ledger shared by pages, API and panels, always scoped to the acting user.

Balances are sums of ledger lines computed by the database in one aggregate query per page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from habiter.core.legal_queries import legal_parameters
from habiter.housing.models import Owner
from habiter.leases.models import Lease
from habiter.leases.queries import leases_visible_to
from habiter.people.models import Relation

from . import fec, matching, rules
from .models import (
    Account,
    AccountKind,
    ArrearsLetter,
    BankCsvMapping,
    BankDetails,
    BankLine,
    BankLineState,
    BankStatement,
    Deposit,
    DepositMovementKind,
    Line,
    OwnerStatement,
    OwnerWork,
    Payment,
    PaymentAllocation,
    PaymentSource,
    PayoutBatch,
    PeriodClose,
    RentCall,
    RentCallRun,
    RentReceipt,
    RepaymentPlan,
    RepaymentPlanChange,
    RepaymentPlanStatus,
    Transaction,
    money_sum,
)

# A CAF payment received within this many days marks the lease as in tiers payant (the benefit is paid to the
# landlord), so the CAF threshold is computed on the rent net of that benefit (R40). A management choice.
TIERS_PAYANT_WINDOW_DAYS = 62
ADULTS = (Relation.HEAD, Relation.SPOUSE)


def ledger_leases(user):
    """The leases whose account the user may open: every lease of the organisation for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        return Lease.objects.none()
    return leases_visible_to(user)


def balance_leases(user):
    """The leases whose balance the user may see: ledger users all, team roles their households'."""
    if not user.has_perm("ledger.view_balance"):
        return Lease.objects.none()
    return leases_visible_to(user)


def lease_for_ledger(user, lease_id) -> Lease:
    return ledger_leases(user).select_related("household", "dwelling", "landlord", "organisation").get(pk=lease_id)


def lease_for_balance(user, lease_id) -> Lease:
    return balance_leases(user).select_related("household", "dwelling").get(pk=lease_id)


def accounts_with_balance(user):
    if not user.has_perm("ledger.view_ledger"):
        return Account.objects.none()
    return Account.objects.filter(organisation_id=user.organisation_id).with_balance().order_by("code")


def account_for_page(user, account_id) -> Account:
    return accounts_with_balance(user).select_related("lease").get(pk=account_id)


def account_lines(account):
    return (
        Line.objects.filter(account=account)
        .annotate(credit=-F("amount"))
        .select_related("transaction")
        .order_by("-transaction__booked_on", "-transaction__created_at", "-id")
    )


def ledger_sum(organisation_id) -> Decimal:
    """The sum of every line of the organisation: zero when every transaction balances."""
    total = Line.objects.filter(transaction__organisation_id=organisation_id).aggregate(total=money_sum("amount"))
    return rules.cents(total["total"])


def rent_calls_of(lease, *, year: int | None = None):
    """The lease's calls in force, each with `paid` (what is allocated to it), and its documents."""
    calls = RentCall.objects.filter(lease=lease, cancelled_on__isnull=True)
    if year:
        calls = calls.filter(period__year=year)
    return (
        calls.annotate(paid=money_sum("allocations__amount"))
        .prefetch_related(Prefetch("receipts", queryset=RentReceipt.objects.order_by("-issued_on", "-number")))
        .order_by("period")
    )


def payments_of(lease):
    return (
        Payment.objects.filter(lease=lease)
        .select_related("transaction", "recorded_by")
        .prefetch_related(Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("rent_call")))
        .annotate(reversed=Exists(Transaction.objects.filter(reversal_of=OuterRef("transaction_id"))))
        .order_by("-received_on", "-created_at")
    )


def receipts_of(lease):
    return (
        RentReceipt.objects.filter(lease=lease)
        .select_related("rent_call")
        .defer("pdf")
        .order_by("-issued_on", "-number")
    )


def receipt_for(user, receipt_id) -> RentReceipt:
    return RentReceipt.objects.filter(lease__in=ledger_leases(user)).get(pk=receipt_id)


def rent_call_for(user, rent_call_id) -> RentCall:
    return (
        RentCall.objects.filter(lease__in=ledger_leases(user))
        .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
        .select_related("plan_instalment__plan")
        .get(pk=rent_call_id)
    )


def transaction_for(user, transaction_id) -> Transaction:
    if not user.has_perm("ledger.view_ledger"):
        raise Transaction.DoesNotExist
    return Transaction.objects.get(organisation_id=user.organisation_id, pk=transaction_id)


def lease_of_transaction(entry):
    """The lease whose rent call or payment `entry` records, if any."""
    lease_id = RentCall.objects.filter(transaction=entry).values_list("lease_id", flat=True).first()
    return lease_id or Payment.objects.filter(transaction=entry).values_list("lease_id", flat=True).first()


def runs_of(user):
    if not user.has_perm("ledger.view_ledger"):
        return RentCallRun.objects.none()
    return RentCallRun.objects.filter(organisation_id=user.organisation_id).select_related("started_by")


def closed_months(user):
    return PeriodClose.objects.filter(organisation_id=user.organisation_id).select_related("closed_by")


# --- balances ------------------------------------------------------------------------------------------------


@dataclass
class Balance:
    due: Decimal
    paid: Decimal
    balance: Decimal
    oldest_unpaid_period: date | None
    caf: rules.CafStatus
    aged: dict = field(default_factory=dict)


def _territory(dwelling) -> str:
    return "dom" if getattr(dwelling, "territory", "") == "dom" else "metropole"


def lease_balance(lease, on: date) -> Balance:
    """What the lease's tenant owes on `on`: calls minus payments booked until then (reversals included), the
    oldest period still unpaid, arrears by age and the CAF unpaid-rent status (R40–R42)."""
    sums = Line.objects.filter(account__lease=lease, transaction__booked_on__lte=on).aggregate(
        due=money_sum("amount", filter=Q(transaction__source_type="rent_call")),
        # a deposit return settles unpaid rent like a payment (deposits.deposit_return)
        paid=money_sum("amount", filter=Q(transaction__source_type__in=("payment", "deposit_return"))),
        balance=money_sum("amount"),
    )
    unpaid = [
        (call.due_date, rules.cents(call.due - call.paid), call.period)
        for call in RentCall.objects.filter(lease=lease, cancelled_on__isnull=True, period__lte=on)
        .annotate(paid=money_sum("allocations__amount"))
        .order_by("period")
        if call.paid < call.due
    ]
    aid = _tiers_payant_aid({lease.pk}, on).get(lease.pk, rules.ZERO)
    caf = rules.caf_unpaid_status(
        [(due, left) for due, left, _p in unpaid],
        lease.rent + lease.charges,
        on,
        aid=aid,
        territory=_territory(lease.dwelling),
        params=legal_parameters(),
    )
    return Balance(
        due=rules.cents(sums["due"]),
        paid=rules.cents(-sums["paid"]),
        balance=rules.cents(sums["balance"]),
        oldest_unpaid_period=unpaid[0][2] if unpaid else None,
        caf=caf,
        aged=rules.aged([(due, left) for due, left, _p in unpaid], on),
    )


def _tiers_payant_aid(lease_ids, on: date) -> dict:
    """The latest CAF payment of each lease received in the window before `on`: the benefit paid to the landlord."""
    aid = {}
    for lease_id, amount in (
        Payment.objects.filter(
            lease_id__in=lease_ids,
            source=PaymentSource.CAF,
            reversed_on__isnull=True,
            received_on__lte=on,
            received_on__gte=on - timedelta(days=TIERS_PAYANT_WINDOW_DAYS),
        )
        .order_by("received_on", "created_at")
        .values_list("lease_id", "amount")
    ):
        aid[lease_id] = amount
    return aid


def period_rows(lease, year: int):
    """Per month of `year`: what was due and paid, the status and the latest document."""
    rows = []
    for call in rent_calls_of(lease, year=year):
        receipts = list(call.receipts.all())
        quittance = next((r for r in receipts if r.kind == "quittance"), None)
        rows.append(
            {
                "call": call,
                "period": call.period,
                "due": call.due,
                "paid": rules.cents(call.paid),
                "status": rules.period_status(call.due, rules.cents(call.paid)),
                "document": quittance or (receipts[0] if receipts else None),
            }
        )
    return rows


@dataclass
class ArrearsRow:
    lease: Lease
    unpaid: list
    aged: dict
    total: Decimal
    caf: rules.CafStatus
    plan: "PlanFollowUp | None" = None


def arrears(user, on: date, params=None) -> list[ArrearsRow]:
    """Every lease in the user's scope with calls still unpaid on `on`, aged, with the CAF status: three queries
    whatever the number of leases (four without the legal parameters `params`)."""
    calls = (
        RentCall.objects.filter(
            lease__in=balance_leases(user), cancelled_on__isnull=True, settled=False, due_date__lte=on
        )
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))  # only the calls still open come back from the database
        .select_related("lease", "lease__household", "lease__dwelling")
        .order_by("lease__dwelling__reference", "lease_id", "period")
    )
    by_lease: dict = {}
    for call in calls:
        left = rules.cents(call.due - call.paid)
        by_lease.setdefault(call.lease_id, (call.lease, []))[1].append((call.due_date, left))
    aid = _tiers_payant_aid(set(by_lease), on)
    plans = active_plans(set(by_lease))
    params = legal_parameters() if params is None else params
    rows = []
    for lease_id, (lease, unpaid) in by_lease.items():
        rows.append(
            ArrearsRow(
                lease=lease,
                unpaid=unpaid,
                aged=rules.aged(unpaid, on),
                total=sum((left for _due, left in unpaid), rules.ZERO),
                caf=rules.caf_unpaid_status(
                    unpaid,
                    lease.rent + lease.charges,
                    on,
                    aid=aid.get(lease_id, rules.ZERO),
                    territory=_territory(lease.dwelling),
                    params=params,
                ),
            )
        )
        rows[-1].plan = plan_follow_up(plans[lease_id], rows[-1].total, on) if lease_id in plans else None
    return sorted(rows, key=lambda r: (not r.caf.reached, -r.total))


def household_balances(user, household, on: date, *, lease=None):
    """The household's leases (or only `lease`) with their balance, for the household and lease pages (one query)."""
    leases = balance_leases(user).filter(household=household)
    if lease is not None:
        leases = leases.filter(pk=lease.pk)
    return list(
        leases.select_related("dwelling")
        .annotate(
            balance=money_sum(
                "ledger_account__lines__amount", filter=Q(ledger_account__lines__transaction__booked_on__lte=on)
            )
        )
        .order_by("-start_date")
    )


def export_lines(user, start: date, end: date):
    """The organisation's posted lines booked from `start` to `end`, as FEC lines, in one streamed query.

    Entries are numbered in the order they were booked (date, then time of entry): the FEC's EcritureNum is a
    continuous sequence over the exported period."""
    if not user.has_perm("ledger.export"):
        return
    lines = (
        Line.objects.filter(
            transaction__organisation_id=user.organisation_id,
            transaction__booked_on__gte=start,
            transaction__booked_on__lte=end,
        )
        .select_related("account", "transaction")
        .order_by("transaction__booked_on", "transaction__created_at", "transaction_id", "id")
    )
    number, current = 0, None
    for line in lines.iterator(chunk_size=2000):
        entry = line.transaction
        if entry.pk != current:
            number, current = number + 1, entry.pk
        journal_code, journal_label = fec.journal_of(entry.source_type)
        account_number, account_label, auxiliary_number, auxiliary_label = fec.split_account(
            line.account.code, line.account.name
        )
        yield fec.FecLine(
            journal_code=journal_code,
            journal_label=journal_label,
            entry_number=f"{number:06d}",
            entry_date=entry.booked_on,
            account_number=account_number,
            account_label=account_label,
            auxiliary_number=auxiliary_number,
            auxiliary_label=auxiliary_label,
            piece_ref=entry.source_id or str(entry.pk),
            piece_date=entry.booked_on,
            label=entry.label,
            amount=line.amount,
            validated_on=timezone.localdate(entry.created_at),
        )


# --- bank statements -----------------------------------------------------------------------------------------


def bank_mappings(user):
    if not user.has_perm("ledger.view_ledger"):
        return BankCsvMapping.objects.none()
    return BankCsvMapping.objects.filter(organisation_id=user.organisation_id)


def bank_statements(user):
    if not user.has_perm("ledger.view_ledger"):
        return BankStatement.objects.none()
    return BankStatement.objects.filter(organisation_id=user.organisation_id).select_related("imported_by")


def bank_lines(user):
    if not user.has_perm("ledger.view_ledger"):
        return BankLine.objects.none()
    return BankLine.objects.filter(organisation_id=user.organisation_id)


def bank_queue(user):
    """The lines waiting to be matched, oldest first."""
    return bank_lines(user).filter(state=BankLineState.UNMATCHED).order_by("booked_on", "created_at", "id")


def bank_line_for(user, line_id) -> BankLine:
    return (
        bank_lines(user)
        .select_related("payment", "payment__lease", "payment__lease__household", "payment__lease__dwelling")
        .select_related("handled_by")
        .get(pk=line_id)
    )


def bank_statement_lines(statement):
    return statement.lines.select_related("payment__lease__household", "payment__lease__dwelling").order_by(
        "booked_on", "created_at", "id"
    )


def bank_balance_on(organisation_id, on: date) -> Decimal:
    """The ledger's bank account (512) balance at the end of `on`."""
    account = Account.objects.filter(organisation_id=organisation_id, kind=AccountKind.BANK).with_balance(on).first()
    return rules.cents(account.balance) if account else rules.ZERO


def match_candidates(user) -> list[matching.Candidate]:
    """Every lease the user may record a payment for, with what is left to pay on its open calls: three queries
    whatever the number of leases, so the whole queue is ranked at a constant cost."""
    from .services import CALLABLE_STATUSES

    leases = list(
        ledger_leases(user)
        .filter(status__in=CALLABLE_STATUSES)
        .select_related("household", "dwelling")
        .prefetch_related("household__members")
        .order_by("dwelling__reference", "start_date")
    )
    left: dict = {}
    with_instalment: dict = {}
    for lease_id, total, paid, instalment in (
        RentCall.objects.filter(lease__in=[lease.pk for lease in leases], cancelled_on__isnull=True)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .order_by("period")
        .values_list("lease_id", "due", "paid", "instalment")
    ):
        left.setdefault(lease_id, []).append(rules.cents(total - paid))
        if instalment:  # the notice asked the month's rent and a repayment-plan instalment together
            with_instalment.setdefault(lease_id, []).append(rules.cents(total - paid + instalment))
    return [
        matching.Candidate(
            lease_id=lease.pk,
            title=f"{lease.dwelling.reference} — {lease.household.name}",
            references=(lease.dwelling.reference,),
            names=(lease.household.name, *(p.last_name for p in lease.household.members.all() if p.relation in ADULTS)),
            open_amounts=tuple(left.get(lease.pk, ())),
            with_instalment=tuple(with_instalment.get(lease.pk, ())),
        )
        for lease in leases
    ]


def queue_with_suggestions(lines, candidates) -> list:
    """Each line with `suggestions`: the best candidate leases, best first (no query)."""
    for line in lines:
        line.suggestions = matching.suggest(line.label, line.counterparty, line.amount, candidates)
    return lines


# --- owners under a management mandate ------------------------------------------------------------------------


def mandate_owners(user):
    """The owners who gave the organisation a management mandate, for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        return Owner.objects.none()
    return Owner.objects.filter(organisation_id=user.organisation_id, mandates__isnull=False).distinct()


def owner_for_ledger(user, owner_id) -> Owner:
    """An owner of the organisation (with or without a mandate: works may come first), for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        raise Owner.DoesNotExist
    return Owner.objects.get(organisation_id=user.organisation_id, pk=owner_id)


def statements_of_month(user, month: date):
    """Each mandate owner with `statement`: the month's statement when issued, else None; two queries."""
    owners = list(mandate_owners(user).order_by("name", "id"))
    issued = {
        s.owner_id: s
        for s in OwnerStatement.objects.filter(
            organisation_id=user.organisation_id, month=month, owner__in=owners
        ).select_related("payout")
    }
    for owner in owners:
        owner.statement = issued.get(owner.pk)
    return owners


def statements(user):
    if not user.has_perm("ledger.view_ledger"):
        return OwnerStatement.objects.none()
    return OwnerStatement.objects.filter(organisation_id=user.organisation_id).select_related("owner", "payout")


def statement_for(user, statement_id) -> OwnerStatement:
    return statements(user).select_related("organisation", "issued_by").get(pk=statement_id)


def statement_lines(statement):
    return statement.lines.select_related("lease__dwelling", "lease__household").order_by("kind", "booked_on", "id")


def fee_by_lease(lines):
    """The collected lines of a statement grouped by lease: (lease, collected, rate, fee), as the fee was
    computed at issue."""
    groups: dict = {}
    for line in lines:
        if line.lease_id is None:
            continue
        lease, collected, rate = groups.get(line.lease_id, (line.lease, rules.ZERO, line.fee_rate))
        groups[line.lease_id] = (lease, collected + line.amount, rate)
    return [(lease, collected, rate, rules.mandate_fee(collected, rate)) for lease, collected, rate in groups.values()]


def payable_statements(user):
    """Issued statements with an amount due that no payout has paid yet."""
    return statements(user).filter(payout__isnull=True, amount_due__gt=0).order_by("owner_name", "month")


def payout_batches(user):
    if not user.has_perm("ledger.view_ledger"):
        return PayoutBatch.objects.none()
    return (
        PayoutBatch.objects.filter(organisation_id=user.organisation_id)
        .select_related("created_by")
        .defer("xml")
        .order_by("-created_at")
    )


def payout_batch_for(user, batch_id) -> PayoutBatch:
    if not user.has_perm("ledger.view_ledger"):
        raise PayoutBatch.DoesNotExist
    return PayoutBatch.objects.filter(organisation_id=user.organisation_id).get(pk=batch_id)


def works_of(owner):
    return (
        OwnerWork.objects.filter(owner=owner)
        .select_related("transaction")
        .annotate(reversed=Exists(Transaction.objects.filter(reversal_of=OuterRef("transaction_id"))))
        .order_by("-invoice_date", "-created_at")
    )


def owner_balance(owner) -> Decimal:
    """The owner's account balance: negative when the association holds money due to the owner."""
    total = Line.objects.filter(account__owner=owner, account__kind=AccountKind.OWNER).aggregate(
        total=money_sum("amount")
    )
    return rules.cents(total["total"])


def bank_details(user) -> BankDetails | None:
    return BankDetails.objects.filter(organisation_id=user.organisation_id).first()


def owner_of_work_transaction(entry):
    """The owner whose works invoice `entry` records, if it records one."""
    return OwnerWork.objects.filter(transaction=entry).values_list("owner_id", flat=True).first()


# --- arrears of one lease, repayment plans and letters ---------------------------------------------------------


def lease_unpaid_calls(lease, on: date) -> list[tuple[date, date, Decimal]]:
    """The lease's calls due on or before `on` and not fully paid, oldest first, as (period, due date, left):
    rent and charges only, a plan's instalment being part of the older calls' debt. One query."""
    calls = (
        RentCall.objects.filter(lease=lease, cancelled_on__isnull=True, settled=False, due_date__lte=on)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .order_by("period", "created_at")
        .values_list("period", "due_date", "due", "paid")
    )
    return [(period, due_date, rules.cents(due - paid)) for period, due_date, due, paid in calls]


def lease_arrears_total(lease, on: date) -> Decimal:
    return sum((left for _period, _due, left in lease_unpaid_calls(lease, on)), rules.ZERO)


@dataclass
class PlanFollowUp:
    plan: RepaymentPlan
    repaid: Decimal
    left: Decimal
    instalments: list  # rules.InstalmentState, in order
    respected: bool
    grace_days: int


def plan_follow_up(plan, arrears_now: Decimal, on: date) -> PlanFollowUp:
    """Where the plan stands on `on`, from its prefetched instalments and the lease's arrears (no query)."""
    grace = settings.REPAYMENT_PLAN_GRACE_DAYS
    repaid = rules.plan_repaid(plan.debt, plan.arrears_at_start, arrears_now)
    states = rules.plan_follow_up([(i.due_date, i.amount) for i in plan.instalments.all()], repaid, on, grace)
    respected = plan.status != RepaymentPlanStatus.ACTIVE or not any(state.late for state in states)
    return PlanFollowUp(plan, repaid, plan.debt - repaid, states, respected, grace)


def active_plans(lease_ids) -> dict:
    """The plan in progress of each lease, with its instalments: two queries."""
    plans = RepaymentPlan.objects.filter(lease_id__in=lease_ids, status=RepaymentPlanStatus.ACTIVE).prefetch_related(
        "instalments"
    )
    return {plan.lease_id: plan for plan in plans}


def plans_of(lease):
    return (
        RepaymentPlan.objects.filter(lease=lease)
        .select_related("created_by")
        .prefetch_related("instalments")
        .order_by("-agreed_on", "-created_at")
    )


def plan_for(user, plan_id) -> RepaymentPlan:
    """A plan of a lease whose account the user may open."""
    return (
        RepaymentPlan.objects.filter(lease__in=ledger_leases(user))
        .select_related("lease", "lease__household", "lease__dwelling", "created_by")
        .prefetch_related("instalments", "changes__changed_by")
        .get(pk=plan_id)
    )


def letters_of(lease):
    return ArrearsLetter.objects.filter(lease=lease).select_related("sent_by").order_by("-sent_on", "-created_at")


def letter_for(user, letter_id) -> ArrearsLetter:
    return (
        ArrearsLetter.objects.filter(lease__in=ledger_leases(user))
        .select_related("lease", "lease__dwelling", "lease__landlord", "organisation", "sent_by")
        .get(pk=letter_id)
    )


def letter_unpaid_rows(letter) -> list[dict]:
    """The unpaid periods copied onto a letter, as dates and Decimals."""
    return [
        {
            "period": date.fromisoformat(row["period"]),
            "due_date": date.fromisoformat(row["due_date"]),
            "left": Decimal(row["left"]),
        }
        for row in letter.unpaid
    ]


def household_arrears_history(user, household):
    """The household's repayment plans (with their status changes) and arrears letters, for the timeline of users
    who may see its balance: two queries for the plans, one for the letters."""
    leases = balance_leases(user).filter(household=household)
    plans = (
        RepaymentPlan.objects.filter(lease__in=leases)
        .annotate(instalment_count=Count("instalments"))
        .select_related("lease__dwelling", "created_by")
        .prefetch_related(Prefetch("changes", queryset=RepaymentPlanChange.objects.select_related("changed_by")))
    )
    letters = ArrearsLetter.objects.filter(lease__in=leases).select_related("lease__dwelling", "sent_by")
    return list(plans), list(letters)


# --- security deposits ----------------------------------------------------------------------------------------

DEPOSIT_DUE_SOON_DAYS = 15  # a return whose deadline is this close shows as due soon on the deposits list


def deposits_of(user):
    """The deposits the user may see (ledger users: the organisation's), each with `held`: receipts minus the return
    and the release of a building's provision."""
    return _with_held(Deposit.objects.filter(lease__in=ledger_leases(user)))


def deposits_of_lease(lease):
    """The deposit of a lease the caller already may open, with `held` (none before its first receipt)."""
    return _with_held(Deposit.objects.filter(lease=lease))


def _with_held(deposits):
    return (
        deposits.annotate(
            received=money_sum("movements__amount", filter=Q(movements__kind=DepositMovementKind.RECEIVED)),
            released=money_sum(
                "movements__amount",
                filter=Q(
                    movements__kind__in=(
                        DepositMovementKind.RETURNED,
                        DepositMovementKind.RELEASED,
                        DepositMovementKind.CANCELLED,
                    )
                ),
            ),
        )
        .annotate(held=F("received") - F("released"))
        .select_related("lease__household", "lease__dwelling")
    )


def deposit_for(user, deposit_id):
    return deposits_of(user).get(pk=deposit_id)


@dataclass
class DepositRow:
    """A deposit on the list or a lease's account: what is held and, after the move-out and until its return,
    the legal deadline and the days left (negative: late)."""

    deposit: object
    lease: Lease
    held: Decimal
    keys_returned_on: date | None = None
    inventory_matches: bool | None = None
    deadline: date | None = None
    days_left: int | None = None

    @property
    def late(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.late else 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= DEPOSIT_DUE_SOON_DAYS


def deposit_rows(deposits, on: date) -> list[DepositRow]:
    """`DepositRow`s of deposits annotated with `held` (from `deposits_of`), in three more queries whatever their
    number (the inspections, their rooms, the legal parameters): late returns first, then due soonest, then the
    deposits held, then those returned."""
    from .deposits import return_facts

    deposits = list(deposits)
    waiting = [d.lease for d in deposits if d.returned_on is None and d.lease.moved_out_on]
    facts = return_facts(waiting) if waiting else {}
    params = legal_parameters() if waiting else None
    rows = []
    for deposit in deposits:
        row = DepositRow(deposit, deposit.lease, rules.cents(deposit.held))
        found = facts.get(deposit.lease_id)
        if found is not None:
            row.keys_returned_on, row.inventory_matches = found.keys_returned_on, found.inventory_matches
            row.deadline = found.deadline(deposit.lease, params)
            row.days_left = (row.deadline - on).days if row.deadline else None
        rows.append(row)
    return sorted(
        rows,
        key=lambda r: (
            r.deposit.returned_on is not None,
            r.days_left is None,
            r.days_left if r.days_left is not None else 0,
            r.lease.household.name,
        ),
    )


def deposit_movements(deposit):
    return deposit.movements.select_related("recorded_by").prefetch_related("deductions").order_by("booked_on")
