"""Reads of the bank statements and the queue of operations to match, with the leases each most likely pays, and
the entries that wait on 511200 or 580000 for the bank line that clears them."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q

from habiter.ledger import rules
from habiter.ledger.entries.queries import ledger_leases
from habiter.ledger.models import (
    AccountKind,
    BankCsvMapping,
    BankLine,
    BankLineState,
    BankStatement,
    Line,
    Payment,
    PaymentSource,
    RedevancePayment,
    RedevancePaymentSource,
    RentCall,
    Transaction,
    money_sum,
)
from habiter.ledger.rent.services import CALLABLE_STATUSES, PAYMENT
from habiter.people.models import Relation

from . import matching

ADULTS = (Relation.HEAD, Relation.SPOUSE)


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


def redevance_payments_of_line(line):
    """The redevance payments a bank line recorded (`bank.redevances`), reversed ones included, oldest first."""
    return (
        RedevancePayment.objects.filter(bank_line=line)
        .select_related("contract__resident", "contract__place__residence")
        .order_by("created_at", "pk")
    )


def payments_standing(line) -> bool | None:
    """For a line matched to several payments (a transfer split across leases or residence contracts, or linked to
    payments recorded by hand): True while a payment it recorded still stands, False once every one is reversed —
    then, and only then, it may go back to the queue and be matched whole again without counting a payment twice.
    None when the line recorded no payment (entries it cleared: `bank_line_unclear` undoes those). One query."""
    recorded, standing = (
        BankLine.objects.filter(pk=line.pk)
        .annotate(
            recorded=Exists(RedevancePayment.objects.filter(bank_line=OuterRef("pk")))
            | Exists(Payment.objects.filter(bank_line=OuterRef("pk"))),
            standing=Exists(RedevancePayment.objects.filter(bank_line=OuterRef("pk"), reversed_on__isnull=True))
            | Exists(Payment.objects.filter(bank_line=OuterRef("pk"), reversed_on__isnull=True)),
        )
        .values_list("recorded", "standing")
        .get()
    )
    return standing if recorded else None


LINK_DAYS = 5  # a payment recorded by hand is offered for a bank line of the same amount up to 5 days apart


def hand_payments_for(user, line) -> list[Payment]:
    """The payments recorded by hand that this bank line may be: same amount, within `LINK_DAYS` days, not yet
    matched to a line nor reversed, from the tenant or a third party (one query)."""
    if not user.has_perm("ledger.view_ledger") or line.amount <= 0:
        return []
    return list(
        _hand_payments(
            user.organisation_id,
            [line.amount],
            line.booked_on - timedelta(days=LINK_DAYS),
            line.booked_on + timedelta(days=LINK_DAYS),
        )
    )


def _hand_payments(organisation_id, amounts, first_day, last_day):
    """The payments recorded by hand not yet matched to a bank line nor reversed, from the tenant or a third party,
    of one of `amounts`, received between the two days."""
    return (
        Payment.objects.filter(
            organisation_id=organisation_id,
            amount__in=amounts,
            received_on__gte=first_day,
            received_on__lte=last_day,
            bank_line__isnull=True,
            matched_line__isnull=True,
            reversed_on__isnull=True,
        )
        .exclude(source__in=(PaymentSource.DEPOSIT, PaymentSource.REGULARISATION, PaymentSource.ASSOCIATION))
        .select_related("lease__household", "lease__dwelling")
        .order_by("received_on", "created_at")
    )


def hand_payment_twin(organisation_id, lease_id, amount, day) -> Payment | None:
    """The payment recorded by hand for the lease that a bank line of `amount` on `day` most likely is (same amount,
    within `LINK_DAYS` days, not yet matched): matching the line to the lease would count its money twice."""
    return (
        _hand_payments(organisation_id, [amount], day - timedelta(days=LINK_DAYS), day + timedelta(days=LINK_DAYS))
        .filter(lease_id=lease_id)
        .first()
    )


def hand_redevance_payments_for(user, line) -> list[RedevancePayment]:
    """The APL-foyer payments typed by hand that this bank line — the CAF's transfer — may be, a sum of several of
    them most often (the CAF pays for the residents of a residence at once): from the CAF, received within
    `LINK_DAYS` days of the line, not linked to a bank line nor reversed, each no larger than the line; oldest first
    (one query)."""
    if not user.has_perm("ledger.view_ledger") or line.amount <= 0:
        return []
    return list(
        RedevancePayment.objects.filter(
            organisation_id=user.organisation_id,
            source=RedevancePaymentSource.CAF,
            amount__lte=line.amount,
            received_on__gte=line.booked_on - timedelta(days=LINK_DAYS),
            received_on__lte=line.booked_on + timedelta(days=LINK_DAYS),
            bank_line__isnull=True,
            reversed_on__isnull=True,
        )
        .select_related("contract__resident", "contract__place__residence")
        .order_by("received_on", "created_at", "pk")
    )


def with_hand_payments(user, lines) -> list:
    """Each line of the queue with `hand_payments`: the payments recorded by hand it may be (as `hand_payments_for`),
    offered before a new payment is recorded (one query for the whole page)."""
    for line in lines:
        line.hand_payments = []
    incoming = [line for line in lines if line.amount > 0]
    if not user.has_perm("ledger.view_ledger") or not incoming:
        return lines
    payments = list(
        _hand_payments(
            user.organisation_id,
            {line.amount for line in incoming},
            min(line.booked_on for line in incoming) - timedelta(days=LINK_DAYS),
            max(line.booked_on for line in incoming) + timedelta(days=LINK_DAYS),
        )
    )
    for line in incoming:
        line.hand_payments = [
            payment
            for payment in payments
            if payment.amount == line.amount and abs((payment.received_on - line.booked_on).days) <= LINK_DAYS
        ]
    return lines


BANK_LINE = "bank_line"  # source type of the entry that brings a matched or cleared line's money into the bank
# the accounts where money waits for its bank line: received (511200) and paid out (580000)
WAITING_KINDS = (AccountKind.TO_BANK, AccountKind.FROM_BANK)
# entries on a waiting account that are not cleared by `bank_line_clear`: a payment's (its bank line is linked to
# it, `bank_line_link`) and the bank lines' own entries
NOT_CLEARED_HERE = (PAYMENT, BANK_LINE)
CLEARING_DAYS = 10  # an entry waiting for the bank is offered for a line up to 10 days apart


def pending_clearings(organisation_id):
    """The entries of the organisation that wait on 511200 or 580000 for a bank line, each with `waiting`: its
    amount on those accounts (positive for money received, negative for money paid out). Not a payment's, not yet
    cleared, and not an entry cancelled by its reversal before either was cleared: the two net out, no money moved
    (a reversal of an entry already cleared waits for the bank line that brings the money back)."""
    on_waiting = Line.objects.filter(account__organisation_id=organisation_id, account__kind__in=WAITING_KINDS).values(
        "transaction_id"
    )
    return (
        Transaction.objects.filter(organisation_id=organisation_id, pk__in=on_waiting, bank_clearing__isnull=True)
        .exclude(source_type__in=NOT_CLEARED_HERE)
        .exclude(reversed_by__isnull=False, reversed_by__bank_clearing__isnull=True)
        .exclude(reversal_of__isnull=False, reversal_of__bank_clearing__isnull=True)
        .annotate(waiting=money_sum("lines__amount", filter=Q(lines__account__kind__in=WAITING_KINDS)))
        .exclude(waiting=0)
    )


def clearings_for(user, line) -> list[Transaction]:
    """The entries waiting for the bank that this line may clear: of its sign (money in or out), no larger than it,
    dated within `CLEARING_DAYS` days of it; those of exactly its amount first, then the closest in time."""
    if not user.has_perm("ledger.view_ledger") or not line.amount:
        return []
    entries = pending_clearings(user.organisation_id).filter(
        booked_on__gte=line.booked_on - timedelta(days=CLEARING_DAYS),
        booked_on__lte=line.booked_on + timedelta(days=CLEARING_DAYS),
    )
    if line.amount > 0:
        entries = entries.filter(waiting__gt=0, waiting__lte=line.amount)
    else:
        entries = entries.filter(waiting__lt=0, waiting__gte=line.amount)
    entries = list(entries.order_by("booked_on", "created_at"))
    for entry in entries:
        entry.waiting = rules.cents(entry.waiting)
    return sorted(entries, key=lambda entry: (entry.waiting != line.amount, abs(entry.booked_on - line.booked_on)))


def cleared_entries(line) -> list:
    """The entries a cleared bank line brought to the bank, oldest first."""
    return list(line.clearings.select_related("entry").order_by("entry__booked_on", "created_at"))


def bank_statement_lines(statement):
    return statement.lines.select_related("payment__lease__household", "payment__lease__dwelling").order_by(
        "booked_on", "created_at", "id"
    )


def match_candidates(user) -> list[matching.Candidate]:
    """Every lease the user may record a payment for, with what is left to pay on its open calls: three queries
    whatever the number of leases, so the whole queue is ranked at a constant cost."""

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
