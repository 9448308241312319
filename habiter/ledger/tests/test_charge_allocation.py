"""What a tenant pays settles the charge regularisation balance it is asked (R16–R17) as well as the rents, by due
date: a worked case with hand-computed figures. Lease: rent 500.00 + provisions 80.00 = 580.00 a month, payment
day the 5th, every 2025 month called and paid; actual charges for 2025 1 260.00 against 12 × 80.00 = 960.00 called,
a balance of 300.00 due, posted on 20/02/2026."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from habiter.ledger.charges import queries as charges_queries
from habiter.ledger.charges import services as charges_services
from habiter.ledger.models import ChargeInstalment, Payment, RentCall
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
pytestmark = pytest.mark.django_db


def _pay(world, lease, amount, on):
    with time_machine.travel(on, tick=False):
        return rent_services.payment_record(
            actor=world.users["accountant"],
            lease_id=lease.pk,
            amount=D(amount),
            received_on=on,
            source="tenant",
            confirmed=True,
        )


def _call(world, month):
    with time_machine.travel(date(month.year, month.month, 1), tick=False):
        rent_services.rent_calls_issue(actor=world.users["accountant"], month=month)


def _posted(world, *, spread: bool, charges: str = "1260.00", call_january: bool = False):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="500.00", charges="80.00")
    assert lease.payment_day == 5
    with time_machine.travel(date(2026, 1, 2), tick=False):
        for month in range(1, 13):
            rent_services.rent_calls_issue(actor=world.users["accountant"], month=date(2025, month, 1))
    _pay(world, lease, "6960.00", date(2026, 1, 3))  # 12 × 580.00: all of 2025
    assert not RentCall.objects.filter(lease=lease, settled=False).exists()
    if call_january:
        _call(world, date(2026, 1, 1))
    with time_machine.travel(date(2026, 1, 15), tick=False):
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            dwelling_id=lease.dwelling_id,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D(charges)},
        )
    line = regularisation.lines.get()
    assert (line.provisions, line.share) == (D("960.00"), D(charges))
    with time_machine.travel(date(2026, 1, 20), tick=False):
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    with time_machine.travel(date(2026, 2, 20), tick=False):
        charges_services.charge_regularisation_post(
            actor=manager, regularisation_id=regularisation.pk, spread_line_ids=[line.pk] if spread else []
        )
    return lease, line


def _paid(instalment):
    return sum(instalment.allocations.values_list("amount", flat=True), D("0.00"))


def _call_paid(lease, month):
    call = RentCall.objects.get(lease=lease, period=month, cancelled_on__isnull=True)
    return sum(call.allocations.values_list("amount", flat=True), D("0.00")), call.settled


def test_spread_instalments_are_settled_with_the_rents_by_due_date(world):
    lease, line = _posted(world, spread=True)
    instalments = list(ChargeInstalment.objects.filter(line=line).order_by("number"))
    assert [(i.due_date, i.amount) for i in instalments[:3]] == [
        (date(2026, 3, 5), D("25.00")),
        (date(2026, 4, 5), D("25.00")),
        (date(2026, 5, 5), D("25.00")),
    ]
    _call(world, date(2026, 3, 1))
    # March: 580.00 + 25.00 asked, 605.00 paid — the call and the first instalment settled, nothing left over
    payment = _pay(world, lease, "605.00", date(2026, 3, 5))
    assert _call_paid(lease, date(2026, 3, 1)) == (D("580.00"), True)
    assert _paid(instalments[0]) == D("25.00")
    payment.refresh_from_db()
    assert payment.fully_allocated
    # April: only the rent paid — the rent first (same due date), the second instalment stays owed
    _call(world, date(2026, 4, 1))
    _pay(world, lease, "580.00", date(2026, 4, 5))
    assert _call_paid(lease, date(2026, 4, 1)) == (D("580.00"), True)
    assert _paid(instalments[1]) == D("0.00")
    # May: 630.00 — April's instalment (due 05/04) first, then May's rent (05/05), then May's instalment
    _call(world, date(2026, 5, 1))
    _pay(world, lease, "630.00", date(2026, 5, 5))
    assert _paid(instalments[1]) == D("25.00")
    assert _call_paid(lease, date(2026, 5, 1)) == (D("580.00"), True)
    assert _paid(instalments[2]) == D("25.00")
    # June's instalment is not asked before June is called: nothing is allocated to it in advance
    assert _paid(instalments[3]) == D("0.00")


def test_a_balance_not_spread_is_asked_at_once_with_the_next_rent(world):
    lease, line = _posted(world, spread=False)
    assert not line.__class__.objects.get(pk=line.pk).spread
    (instalment,) = ChargeInstalment.objects.filter(line=line)
    assert (instalment.number, instalment.due_date, instalment.amount) == (1, date(2026, 3, 5), D("300.00"))
    _call(world, date(2026, 3, 1))
    call = RentCall.objects.get(lease=lease, period=date(2026, 3, 1))
    notice = charges_queries.notice_charge_lines(call)
    assert [i.amount for i in notice["charge_instalments"]] == [D("300.00")] and notice["to_pay"] == D("880.00")
    # 700.00 received: the March rent (580.00) then 120.00 of the balance; 180.00 still owed
    _pay(world, lease, "700.00", date(2026, 3, 6))
    assert _call_paid(lease, date(2026, 3, 1)) == (D("580.00"), True)
    assert _paid(instalment) == D("120.00")
    _pay(world, lease, "180.00", date(2026, 3, 20))
    assert _paid(instalment) == D("300.00")


def test_money_received_in_advance_settles_the_balance_once_it_is_asked(world):
    lease, line = _posted(world, spread=False)
    _pay(world, lease, "880.00", date(2026, 2, 25))  # before March is called: an advance, allocated to nothing
    (instalment,) = ChargeInstalment.objects.filter(line=line)
    assert _paid(instalment) == D("0.00")
    _call(world, date(2026, 3, 1))  # the March run allocates the waiting money: the rent, then the balance
    assert _call_paid(lease, date(2026, 3, 1)) == (D("580.00"), True)
    assert _paid(instalment) == D("300.00")


def test_a_refund_settles_the_calls_still_open_then_waits_for_the_next(world):
    # actual charges 720.00 against 960.00 of provisions: 240.00 refunded to the tenant, who has not paid January
    lease, line = _posted(world, spread=False, charges="720.00", call_january=True)
    line.refresh_from_db()
    assert line.balance == D("-240.00")
    assert not ChargeInstalment.objects.filter(line=line).exists()
    credit = Payment.objects.get(lease=lease, source="regularisation")
    assert (credit.amount, credit.received_on, credit.transaction_id) == (
        D("240.00"),
        date(2026, 2, 20),
        line.transaction_id,
    )
    # January (580.00) gets the 240.00: 340.00 still owed, as the tenant's account says
    assert _call_paid(lease, date(2026, 1, 1)) == (D("240.00"), False)
    assert sum(lease.ledger_account.lines.values_list("amount", flat=True), D("0.00")) == D("340.00")
    _pay(world, lease, "340.00", date(2026, 2, 25))
    assert _call_paid(lease, date(2026, 1, 1)) == (D("580.00"), True)


def test_a_refund_with_nothing_open_is_an_advance_on_the_next_call(world):
    lease, line = _posted(world, spread=False, charges="720.00")
    credit = Payment.objects.get(lease=lease, source="regularisation")
    assert not credit.allocations.exists()
    _call(world, date(2026, 3, 1))
    assert _call_paid(lease, date(2026, 3, 1)) == (D("240.00"), False)
