"""Reads of rent shared by pages, API and panels: calls, payments, documents, balances and arrears, repayment plans
and letters, always scoped to the acting user.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _lazy

from habiter.core.legal_queries import legal_parameters
from habiter.leases.models import Lease, LeaseStatus
from habiter.leases.queries import leases_billed_by_association
from habiter.ledger import rules
from habiter.ledger.entries.queries import balance_leases, ledger_leases
from habiter.ledger.models import (
    ArrearsLetter,
    CafUnpaidEpisode,
    Line,
    Payment,
    PaymentAllocation,
    PaymentSource,
    RentCall,
    RentCallRun,
    RentReceipt,
    RepaymentPlan,
    RepaymentPlanChange,
    RepaymentPlanStatus,
    Transaction,
    money_sum,
)

# The leases whose rent the ledger may call: signed ones, and the last months of an ended or slid one.
CALLABLE_STATUSES = (LeaseStatus.SIGNED, LeaseStatus.SLID, LeaseStatus.ENDED)
# A CAF payment received within this many days marks the lease as in tiers payant (the benefit is paid to the
# landlord), so the CAF threshold is computed on the rent net of that benefit (R40). A management choice.
TIERS_PAYANT_WINDOW_DAYS = 62


def billed_in_month(leases, month: date):
    """`leases` narrowed to those whose rent the association bills during `month`: not the direct lease between an
    owner and the household after a slide, which is the owner's (no call, notice or receipt from the association),
    unless that owner's management mandate on the dwelling is in force on the month's first or last day (a mandate
    starting or ending within the month)."""
    first, last = rules.month_start(month), rules.month_end(month)
    billed_first = leases_billed_by_association(on=first, statuses=CALLABLE_STATUSES).values("pk")
    billed_last = leases_billed_by_association(on=last, statuses=CALLABLE_STATUSES).values("pk")
    return leases.filter(Q(pk__in=billed_first) | Q(pk__in=billed_last))


def lease_billed_in_month(lease, month: date) -> bool:
    """Whether the association bills `lease`'s rent of `month` (see `billed_in_month`). One query."""
    return billed_in_month(Lease.objects.filter(pk=lease.pk), month).exists()


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


def open_calls_of(lease):
    """The lease's calls still to pay, oldest first, each with `paid`: the months a payment may be assigned to."""
    return (
        RentCall.objects.filter(lease=lease, cancelled_on__isnull=True, settled=False)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .order_by("period", "created_at")
    )


def payments_of(lease):
    return (
        Payment.objects.filter(lease=lease)
        .select_related("transaction", "recorded_by")
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("rent_call", "charge_instalment"))
        )
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
    return RentReceipt.objects.filter(lease__in=ledger_leases(user)).select_related("lease").get(pk=receipt_id)


def rent_call_for(user, rent_call_id) -> RentCall:
    return (
        RentCall.objects.filter(lease__in=ledger_leases(user))
        .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
        .select_related("plan_instalment__plan")
        .get(pk=rent_call_id)
    )


def lease_of_transaction(entry):
    """The lease whose rent call or payment `entry` records, if any."""
    lease_id = RentCall.objects.filter(transaction=entry).values_list("lease_id", flat=True).first()
    return lease_id or Payment.objects.filter(transaction=entry).values_list("lease_id", flat=True).first()


def runs_of(user):
    if not user.has_perm("ledger.view_ledger"):
        return RentCallRun.objects.none()
    return RentCallRun.objects.filter(organisation_id=user.organisation_id).select_related("started_by")


# --- balances ------------------------------------------------------------------------------------------------


@dataclass
class Balance:
    due: Decimal
    paid: Decimal
    balance: Decimal
    oldest_unpaid_period: date | None
    caf: rules.CafStatus
    aged: dict = field(default_factory=dict)


def territory_of(dwelling) -> str:
    return "dom" if getattr(dwelling, "territory", "") == "dom" else "metropole"


def caf_episodes_on(lease_ids, on: date) -> dict:
    """The impayé au sens de la CAF of each lease that is open on `on` — reached by then and not yet cleared —, as
    recorded by the rent services when it happened (`services.caf_unpaid_follow`): one query."""
    episodes = (
        CafUnpaidEpisode.objects.filter(lease_id__in=lease_ids, reached_on__lte=on)
        .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=on))
        .order_by("lease_id", "reached_on", "created_at")
    )
    return {episode.lease_id: episode for episode in episodes}


def households_in_ledger(household_ids) -> set:
    """For the apps built on the ledger (a prevention case): which of the households have a lease in the ledger (a
    rent call issued). One query."""
    return set(
        RentCall.objects.filter(lease__household_id__in=household_ids)
        .order_by()
        .values_list("lease__household_id", flat=True)
        .distinct()
    )


def caf_episodes_of_households(household_ids, on: date) -> tuple[set, dict]:
    """For the apps built on the ledger (a prevention case): which of the households have a lease in the ledger
    (`households_in_ledger`), and the impayé au sens de la CAF open on `on` on their leases, as recorded — the
    household's earliest report-by date first. Two queries."""
    in_ledger = households_in_ledger(household_ids)
    episodes: dict = {}
    for episode in (
        CafUnpaidEpisode.objects.filter(lease__household_id__in=household_ids, reached_on__lte=on)
        .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=on))
        .select_related("lease", "lease__dwelling")
        .order_by("report_by", "created_at")
    ):
        episodes.setdefault(episode.lease.household_id, []).append(episode)
    return in_ledger, episodes


def caf_status(episode, monthly_due, on: date, *, aid, territory: str, params) -> rules.CafStatus:
    """What pages and the API show of the CAF threshold: the recorded episode's dates and threshold when one is open
    on `on`; otherwise the threshold in force, not reached (no query)."""
    if episode is not None:
        return rules.CafStatus(True, episode.threshold, episode.reached_on, episode.report_by)
    threshold = rules.caf_threshold(monthly_due, on, aid=aid, territory=territory, params=params)
    return rules.CafStatus(False, threshold, None, None)


def household_debt(household_id, on: date) -> Decimal:
    """For the apps built on the ledger (closing a prevention case): what the household owes on `on` on its leases
    in the ledger, each lease's balance counted when positive. Decimal 0 out of the ledger."""
    leases = Lease.objects.filter(household_id=household_id, rent_calls__isnull=False).distinct()
    return sum((max(lease_balance(lease, on).balance, Decimal(0)) for lease in leases), Decimal(0))


def lease_balance(lease, on: date) -> Balance:
    """What the lease's tenant owes on `on`: calls minus payments booked until then (reversals included), the
    oldest period still unpaid, arrears by age and the CAF unpaid-rent status (R40–R42) as recorded."""
    sums = Line.objects.filter(account__lease=lease, transaction__booked_on__lte=on).aggregate(
        due=money_sum("amount", filter=Q(transaction__source_type="rent_call")),
        # a deposit return settles unpaid rent like a payment (deposits.services.deposit_return)
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
    aid = tiers_payant_aid({lease.pk}, on).get(lease.pk, rules.ZERO)
    caf = caf_status(
        caf_episodes_on({lease.pk}, on).get(lease.pk),
        lease.rent + lease.charges,
        on,
        aid=aid,
        territory=territory_of(lease.dwelling),
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


def balance_before_entry(lines, booked) -> Decimal:
    """The sum of `lines` (one account's) just before the entry `booked` was posted: booked before it, or the same
    day by another transaction written earlier. What an occupant owed (positive) or had in credit (negative)."""
    sums = (
        lines.filter(
            Q(transaction__booked_on__lt=booked.booked_on)
            | Q(transaction__booked_on=booked.booked_on, transaction__created_at__lt=booked.created_at)
        )
        .exclude(transaction_id=booked.pk)
        .aggregate(balance=money_sum("amount"))
    )
    return rules.cents(sums["balance"]) + rules.ZERO  # never « -0,00 »


def balance_before_call(call) -> Decimal:
    """What the tenant owed (positive) or had in credit (negative) just before `call` was posted."""
    return balance_before_entry(Line.objects.filter(account__lease_id=call.lease_id), call.transaction)


def month_is_prorated(lease, period: date) -> bool:
    """The lease starts after the 1st of the month or ends before its last day: the month is called pro rata."""
    next_month = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    starts_within = period < lease.start_date < next_month
    ends_within = lease.end_date is not None and period <= lease.end_date < next_month - timedelta(days=1)
    return starts_within or ends_within


def tiers_payant_aid(lease_ids, on: date) -> dict:
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


def arrears(user, on: date, params=None, *, referent_only=False, with_plans=True) -> list[ArrearsRow]:
    """Every lease in the user's scope with calls still unpaid on `on` (only their own households' with
    `referent_only`), aged, with the CAF status as recorded and, unless `with_plans` is false, the repayment plan in
    progress: four queries whatever the number of leases (five without the legal parameters `params`, one fewer
    without the plans), one when nothing is unpaid."""
    leases = balance_leases(user)
    if referent_only:
        leases = leases.filter(household__referent_id=user.pk)
    calls = (
        RentCall.objects.filter(lease__in=leases, cancelled_on__isnull=True, settled=False, due_date__lte=on)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))  # only the calls still open come back from the database
        .select_related("lease", "lease__household", "lease__dwelling")
        .order_by("lease__dwelling__reference", "lease_id", "period")
    )
    by_lease: dict = {}
    for call in calls:
        left = rules.cents(call.due - call.paid)
        by_lease.setdefault(call.lease_id, (call.lease, []))[1].append((call.due_date, left))
    if not by_lease:
        return []
    aid = tiers_payant_aid(set(by_lease), on)
    plans = active_plans(set(by_lease)) if with_plans else {}
    episodes = caf_episodes_on(set(by_lease), on)
    params = legal_parameters() if params is None else params
    rows = []
    for lease_id, (lease, unpaid) in by_lease.items():
        rows.append(
            ArrearsRow(
                lease=lease,
                unpaid=unpaid,
                aged=rules.aged(unpaid, on),
                total=sum((left for _due, left in unpaid), rules.ZERO),
                caf=caf_status(
                    episodes.get(lease_id),
                    lease.rent + lease.charges,
                    on,
                    aid=aid.get(lease_id, rules.ZERO),
                    territory=territory_of(lease.dwelling),
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


OWNER_LEASE_MESSAGE = _lazy(
    "Ce bail direct lie le ménage au propriétaire depuis le glissement : c'est au propriétaire d'appeler le "
    "loyer, l'association n'émet pour lui ni appel, ni avis d'échéance, ni quittance, ni encaissement."
)
