"""A Hypothesis state machine of random rent calls, payments and reversals on one lease, on the database. After
every step: the ledger sums to zero, the tenant's balance is calls − payments, allocation never exceeds a call or
a payment and settles as much as it can; a reversal restores the balance as it was without the reversed item."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Payment, PaymentAllocation, RentCall
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
END = date(2025, 12, 31)


def _machine(manager, accountant, household):
    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # each example in its own savepoint, rolled back at teardown: examples do not see each other's rows
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.lease = make_signed_lease(manager, household, start=date(2025, 1, 10), rent="480.00", charges="35.50")
            # keyed by what the test chose (month, payment number), never by the random primary keys: the order
            # Hypothesis samples from must not change between two runs of the same example
            self.calls = {}  # month -> (call id, total, transaction id), for the calls in force
            self.payments = {}  # payment number -> (payment id, amount, transaction id), for the payments in force
            self.references = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def balance(self):
            return rent_queries.lease_balance(self.lease, END).balance

        @rule(month=st.integers(1, 12))
        def issue_call(self, month):
            call, created = rent_services.rent_call_issue(
                actor=accountant, lease_id=self.lease.pk, period=date(2025, month, 1)
            )
            if created:
                assert month not in self.calls
                self.calls[month] = (call.pk, call.total, call.transaction_id)
            assert self.calls[month][0] == call.pk

        @rule(
            cents=st.integers(1, 120_000),
            day=st.integers(0, 364),
            source=st.sampled_from(["tenant", "caf", "fsl", "visale"]),  # no advance: the association lets it
        )
        def pay(self, cents, day, source):
            self.references += 1
            payment = rent_services.payment_record(
                actor=accountant,
                lease_id=self.lease.pk,
                amount=Decimal(cents) / 100,
                received_on=date.fromordinal(date(2025, 1, 1).toordinal() + day),
                source=source,
                reference=f"R{self.references}",
            )
            self.payments[self.references] = (payment.pk, payment.amount, payment.transaction_id)

        @precondition(lambda self: self.payments)
        @rule(data=st.data())
        def reverse_payment(self, data):
            key = data.draw(st.sampled_from(sorted(self.payments)))
            _pk, amount, transaction_id = self.payments.pop(key)
            before = self.balance()
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=END)
            assert self.balance() == before + amount

        @precondition(lambda self: self.calls)
        @rule(data=st.data())
        def reverse_call(self, data):
            key = data.draw(st.sampled_from(sorted(self.calls)))
            _pk, total, transaction_id = self.calls.pop(key)
            before = self.balance()
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=END)
            assert self.balance() == before - total

        @invariant()
        def ledger_sums_to_zero(self):
            assert entries_queries.ledger_sum(manager.organisation_id) == 0

        @invariant()
        def balance_is_calls_minus_payments(self):
            calls = sum((total for _pk, total, _tx in self.calls.values()), Decimal(0))
            payments = sum((amount for _pk, amount, _tx in self.payments.values()), Decimal(0))
            assert self.balance() == calls - payments

        @invariant()
        def allocation_is_bounded_and_complete(self):
            per_call, per_payment = {}, {}
            for a in PaymentAllocation.objects.filter(payment__lease=self.lease):
                per_call[a.rent_call_id] = per_call.get(a.rent_call_id, 0) + a.amount
                per_payment[a.payment_id] = per_payment.get(a.payment_id, 0) + a.amount
            calls = {pk: total for pk, total, _tx in self.calls.values()}
            payments = {pk: amount for pk, amount, _tx in self.payments.values()}
            assert set(per_call) <= set(calls) and set(per_payment) <= set(payments)
            assert all(per_call[k] <= calls[k] for k in per_call)
            assert all(per_payment[k] <= payments[k] for k in per_payment)
            calls, payments = sum(calls.values(), Decimal(0)), sum(payments.values(), Decimal(0))
            assert sum(per_call.values(), Decimal(0)) == min(calls, payments)

        @invariant()
        def open_item_flags_agree_with_the_allocations(self):
            for call in RentCall.objects.filter(lease=self.lease, cancelled_on__isnull=True).annotate(
                paid=Sum("allocations__amount")
            ):
                assert call.settled == ((call.paid or 0) >= call.total)
            for payment in Payment.objects.filter(lease=self.lease, reversed_on__isnull=True).annotate(
                allocated=Sum("allocations__amount")
            ):
                assert payment.fully_allocated == ((payment.allocated or 0) >= payment.amount)

    return Ledger


def test_random_calls_payments_and_reversals_keep_the_ledger_right(world):
    machine = _machine(world.users["rental_manager"], world.users["accountant"], world.own_household)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
