"""Reads of the redevance of residence contracts through the ledger, scoped to the acting user: the accountant
reads every contract of the organisation; the contract page (a host, a director, the household's social worker)
reads the balance of a contract it has already opened through `residences.queries.contracts_for`."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When

from habiter.ledger import rules
from habiter.ledger.models import (
    Account,
    Line,
    RedevanceAllocation,
    RedevanceCall,
    RedevanceCallLine,
    RedevancePayment,
    RedevancePaymentSource,
    RedevanceReceipt,
    money_sum,
)
from habiter.ledger.rent.queries import balance_before_entry
from habiter.residences.models import ContractStatus, RedevanceKind, RedevanceLine, ResidenceContract

# the contracts whose redevance is called: signed ones (an « à signer » contract owes nothing yet)
CALLED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.NOTICE, ContractStatus.ENDED)


def ledger_contracts(user):
    """The residence contracts whose account the user may open: every contract of the organisation for ledger
    users, none for anyone else."""
    if not user.has_perm("ledger.view_ledger"):
        return ResidenceContract.objects.none()
    return ResidenceContract.objects.filter(organisation_id=user.organisation_id)


def contracts_to_pay(user):
    """The residence contracts a ledger user may record money for (signed ones, `CALLED_STATUSES`): running
    contracts first, then ended ones (a late APL-foyer), each by residence and place."""
    return (
        ledger_contracts(user)
        .filter(status__in=CALLED_STATUSES)
        .select_related("resident", "place__residence")
        .annotate(
            ended=Case(When(status=ContractStatus.ENDED, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("ended", "place__residence__name", "place__label", "-starts_on", "pk")
    )


def contract_for_ledger(user, contract_id) -> ResidenceContract:
    return (
        ledger_contracts(user)
        .select_related("household", "resident", "place__residence", "organisation")
        .get(pk=contract_id)
    )


def redevance_call_for(user, call_id) -> RedevanceCall:
    return RedevanceCall.objects.select_related(
        "contract__resident", "contract__place__residence", "organisation", "transaction"
    ).get(pk=call_id, contract__in=ledger_contracts(user).values("pk"))


def notice_context(call) -> dict:
    """What the avis d'échéance of a redevance call prints (one query for the lines, one for the balance): the call's
    typed lines, the total, the due date, and the resident's balance just before the call was posted
    (`rent.queries.balance_before_entry`).
    The APL-foyer is not deducted: the CAF pays it to the manager, and the quittance shows what it paid."""
    previous = balance_before_entry(
        Line.objects.filter(account__residence_contract_id=call.contract_id), call.transaction
    )
    contract = call.contract
    return {
        "call": call,
        "contract": contract,
        "residence": contract.place.residence,
        "organisation": call.organisation,
        "lines": list(call.lines.order_by("pk")),
        "previous_balance": previous,
        "previous_credit": -previous if previous < 0 else rules.ZERO,
    }


def redevance_receipt_for(user, receipt_id) -> RedevanceReceipt:
    return RedevanceReceipt.objects.select_related("contract").get(
        pk=receipt_id, contract__in=ledger_contracts(user).values("pk")
    )


def contract_end(contract) -> date | None:
    return rules.redevance_end(contract.notice_by, contract.ends_on, contract.left_on)


def contracts_to_call(organisation_id, month: date) -> list[ResidenceContract]:
    """The signed contracts of the organisation running during `month` (to the end of the resident's notice, or to
    the day they left: `rules.redevance_end`), with what the call needs."""
    first, last = rules.month_start(month), rules.month_end(month)
    contracts = (
        ResidenceContract.objects.filter(
            organisation_id=organisation_id, status__in=CALLED_STATUSES, starts_on__lte=last
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first) | Q(ends_on__gte=first))
        .select_related("household", "place__residence")
        .order_by("starts_on", "id")
    )
    return [c for c in contracts if (end := contract_end(c)) is None or end >= first]


def redevance_sets_of(contracts, until: date) -> dict:
    """Each contract's sets of lines starting on or before `until`, as `rules.redevance_call_amounts` reads them:
    one query for the batch."""
    by_contract: dict = {}
    kinds = list(RedevanceKind.values)
    lines = RedevanceLine.objects.filter(contract__in=contracts, valid_from__lte=until)
    for line in sorted(lines, key=lambda line: (line.valid_from, kinds.index(line.kind), line.created_at)):
        by_contract.setdefault(line.contract_id, {}).setdefault(line.valid_from, []).append(
            (line.kind, line.label, line.amount)
        )
    result = {}
    for contract_id, sets in by_contract.items():
        starts = sorted(sets)
        result[contract_id] = [
            (start, (starts[index + 1] - timedelta(days=1)) if index + 1 < len(starts) else None, sets[start])
            for index, start in enumerate(starts)
        ]
    return result


def calls_of(contract):
    """The contract's calls in force with their lines and what is paid of each, newest first."""
    return (
        RedevanceCall.objects.filter(contract=contract, cancelled_on__isnull=True)
        .annotate(paid=money_sum("allocations__amount", filter=Q(allocations__payment__reversed_on__isnull=True)))
        .prefetch_related("lines", Prefetch("receipts", queryset=RedevanceReceipt.objects.order_by("-number")))
        .order_by("-period")
    )


def payments_of(contract):
    return (
        RedevancePayment.objects.filter(contract=contract)
        .annotate(allocated=money_sum("allocations__amount"))
        .select_related("recorded_by")
        .order_by("-received_on", "-created_at")
    )


@dataclass(frozen=True)
class RedevanceBalance:
    """What the resident owes on a day (positive) or has paid in advance (negative), what is overdue, and what the
    CAF paid of it (APL-foyer in tiers payant)."""

    balance: Decimal
    overdue: Decimal
    caf_paid: Decimal
    resident_paid: Decimal
    unpaid_terms: bool

    @property
    def advance(self) -> Decimal:
        return -self.balance


def contract_balance(contract, on: date) -> RedevanceBalance | None:
    """The balance of the contract's resident account on `on` (the sum of its lines), the calls due and unpaid, the
    money received by source and whether R75's unpaid-terms ground is met (`rules.foyer_unpaid_terms`); None when
    the contract has no account yet (nothing called nor paid)."""
    account = Account.objects.filter(residence_contract=contract).first()
    if account is None:
        return None
    balance = Line.objects.filter(account=account, transaction__booked_on__lte=on).aggregate(total=money_sum("amount"))
    calls = list(
        RedevanceCall.objects.filter(contract=contract, cancelled_on__isnull=True, due_date__lte=on)
        .annotate(paid=money_sum("allocations__amount", filter=Q(allocations__payment__reversed_on__isnull=True)))
        .order_by("period")
    )
    received = dict(
        RedevancePayment.objects.filter(contract=contract, reversed_on__isnull=True, received_on__lte=on)
        .values("source")
        .annotate(total=money_sum("amount"))
        .values_list("source", "total")
    )
    overdue = sum((rules.cents(call.total - call.paid) for call in calls if call.paid < call.total), rules.ZERO)
    last = calls[-1] if calls else None
    monthly_base = rules.ZERO
    if last is not None:
        monthly_base = sum(
            (
                line.monthly
                for line in last.lines.all()
                if line.kind in (rules.REDEVANCE_RENT_KIND, rules.REDEVANCE_CHARGES_KIND)
            ),
            rules.ZERO,
        )
    total = rules.cents(balance["total"]) + rules.ZERO  # never « -0,00 »
    return RedevanceBalance(
        balance=total,
        overdue=overdue,
        caf_paid=rules.cents(received.get(RedevancePaymentSource.CAF, rules.ZERO)),
        resident_paid=rules.cents(received.get(RedevancePaymentSource.RESIDENT, rules.ZERO)),
        unpaid_terms=rules.foyer_unpaid_terms(
            [(call.total, rules.cents(call.paid)) for call in calls], overdue, monthly_base
        ),
    )


@dataclass(frozen=True)
class RedevanceArrearsRow:
    contract: ResidenceContract
    overdue: Decimal
    oldest_due: date
    unpaid_terms: bool


def redevance_arrears(user, on: date) -> list[RedevanceArrearsRow]:
    """The contracts whose calls due on or before `on` are not fully paid, most owed first (the arrears page), with
    R75's unpaid-terms ground; three queries whatever the number of contracts (one when none is in arrears)."""
    open_calls = (
        RedevanceCall.objects.filter(
            contract__in=ledger_contracts(user).values("pk"), cancelled_on__isnull=True, settled=False, due_date__lte=on
        )
        .annotate(paid=money_sum("allocations__amount", filter=Q(allocations__payment__reversed_on__isnull=True)))
        .filter(paid__lt=F("total"))
        .select_related("contract__household", "contract__resident", "contract__place__residence")
    )
    by_contract: dict = {}
    for call in open_calls:
        by_contract.setdefault(call.contract_id, []).append(call)
    if not by_contract:
        return []
    terms: dict = {}
    for call in (
        RedevanceCall.objects.filter(contract__in=list(by_contract), cancelled_on__isnull=True, due_date__lte=on)
        .annotate(paid=money_sum("allocations__amount", filter=Q(allocations__payment__reversed_on__isnull=True)))
        .order_by("period")
    ):
        terms.setdefault(call.contract_id, []).append(call)
    base_kinds = (rules.REDEVANCE_RENT_KIND, rules.REDEVANCE_CHARGES_KIND)
    monthly_base: dict = {}
    for contract_id, monthly in RedevanceCallLine.objects.filter(
        call_id__in=[calls[-1].pk for calls in terms.values()], kind__in=base_kinds
    ).values_list("call__contract_id", "monthly"):
        monthly_base[contract_id] = monthly_base.get(contract_id, rules.ZERO) + monthly
    rows = []
    for contract_id, calls in by_contract.items():
        overdue = sum((rules.cents(c.total - c.paid) for c in calls), rules.ZERO)
        rows.append(
            RedevanceArrearsRow(
                contract=calls[0].contract,
                overdue=overdue,
                oldest_due=min(c.due_date for c in calls),
                unpaid_terms=rules.foyer_unpaid_terms(
                    [(c.total, rules.cents(c.paid)) for c in terms.get(contract_id, ())],
                    overdue,
                    monthly_base.get(contract_id, rules.ZERO),
                ),
            )
        )
    return sorted(rows, key=lambda row: (-row.overdue, row.oldest_due))


def household_redevance_events(household_id):
    """The calls and payments of the household's residence contracts, for its timeline (two queries)."""
    calls = RedevanceCall.objects.filter(contract__household_id=household_id, cancelled_on__isnull=True).select_related(
        "contract__place__residence"
    )
    payments = RedevancePayment.objects.filter(contract__household_id=household_id).select_related(
        "contract__place__residence"
    )
    return list(calls), list(payments)


def allocations_of_call(call):
    return RedevanceAllocation.objects.filter(call=call, payment__reversed_on__isnull=True).select_related("payment")
