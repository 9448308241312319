"""A Hypothesis state machine of random rent calls, payments and reversals on two leases, one where the association
is the landlord and one under a management mandate, on the database. After every step: the ledger sums to zero,
each tenant's balance is calls − payments, allocation never exceeds a call or a payment and settles as much as it
can; a reversal restores the balance as it was without the reversed item; the association's income accounts (7…)
hold the rent of its own lease only, never a mandant's, which is on the owner's account, and the charges called on
its own lease are provisions (419100) until the annual regularisation."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Line, Payment, PaymentAllocation, RentCall
from habiter.ledger.owners import queries as owners_queries
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease, make_signed_lease

pytestmark = pytest.mark.django_db
END = date(2025, 12, 31)


def _machine(manager, accountant, household):
    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # each example in its own savepoint, rolled back at teardown: examples do not see each other's rows
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.leases = {
                "own": make_signed_lease(manager, household, start=date(2025, 1, 10), rent="480.00", charges="35.50"),
                "mandate": make_mandate_lease(
                    manager, household, start=date(2025, 2, 1), rent="610.00", charges="40.00"
                ),
            }
            self.owner = self.leases["mandate"].mandate.owner
            # keyed by what the test chose (lease, month, payment number), never by the random primary keys: the
            # order Hypothesis samples from must not change between two runs of the same example
            self.calls = {}  # (lease, month) -> (call id, total, transaction id), for the calls in force
            self.payments = {}  # payment number -> (lease, payment id, amount, transaction id), those in force
            self.references = 0
            self.income_before, self.provisions_before = self.income(), self.provisions()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def balance(self, which):
            return rent_queries.lease_balance(self.leases[which], END).balance

        def income(self):
            lines = Line.objects.filter(
                transaction__organisation_id=manager.organisation_id, account__code__startswith="7"
            ).values_list("amount", flat=True)
            return sum(lines, Decimal(0))

        def provisions(self):
            lines = Line.objects.filter(
                transaction__organisation_id=manager.organisation_id, account__code="419100"
            ).values_list("amount", flat=True)
            return sum(lines, Decimal(0))

        @rule(which=st.sampled_from(["own", "mandate"]), month=st.integers(1, 12))
        def issue_call(self, which, month):
            try:
                call, created = rent_services.rent_call_issue(
                    actor=accountant, lease_id=self.leases[which].pk, period=date(2025, month, 1)
                )
            except ValidationError:
                assert which == "mandate" and month == 1  # the mandate lease starts in February
                return
            if created:
                assert (which, month) not in self.calls
                self.calls[which, month] = (call.pk, call.total, call.transaction_id)
            assert self.calls[which, month][0] == call.pk

        @rule(
            which=st.sampled_from(["own", "mandate"]),
            cents=st.integers(1, 120_000),
            day=st.integers(0, 364),
            source=st.sampled_from(["tenant", "caf", "fsl", "visale"]),  # no advance: the association lets it
        )
        def pay(self, which, cents, day, source):
            self.references += 1
            payment = rent_services.payment_record(
                actor=accountant,
                lease_id=self.leases[which].pk,
                amount=Decimal(cents) / 100,
                received_on=date.fromordinal(date(2025, 1, 1).toordinal() + day),
                source=source,
                reference=f"R{self.references}",
            )
            self.payments[self.references] = (which, payment.pk, payment.amount, payment.transaction_id)

        @precondition(lambda self: self.payments)
        @rule(data=st.data())
        def reverse_payment(self, data):
            key = data.draw(st.sampled_from(sorted(self.payments)))
            which, _pk, amount, transaction_id = self.payments.pop(key)
            before = self.balance(which)
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=END)
            assert self.balance(which) == before + amount

        @precondition(lambda self: self.calls)
        @rule(data=st.data())
        def reverse_call(self, data):
            key = data.draw(st.sampled_from(sorted(self.calls)))
            _pk, total, transaction_id = self.calls.pop(key)
            before = self.balance(key[0])
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=END)
            assert self.balance(key[0]) == before - total

        @invariant()
        def ledger_sums_to_zero(self):
            assert entries_queries.ledger_sum(manager.organisation_id) == 0

        @invariant()
        def balance_is_calls_minus_payments(self):
            for which in self.leases:
                calls = sum((t for (w, _m), (_pk, t, _tx) in self.calls.items() if w == which), Decimal(0))
                payments = sum((a for w, _pk, a, _tx in self.payments.values() if w == which), Decimal(0))
                assert self.balance(which) == calls - payments

        @invariant()
        def income_is_the_associations_own_rent_never_a_mandants(self):
            """The own lease's rent is income and its charges provisions (419100) until regularised; the mandate
            lease's rent and charges are the owner's."""
            own = RentCall.objects.filter(lease=self.leases["own"], cancelled_on__isnull=True)
            rent = sum(own.values_list("rent", flat=True), Decimal(0))
            charges = sum(own.values_list("service_charges", flat=True), Decimal(0))
            mandate = sum((t for (w, _m), (_pk, t, _tx) in self.calls.items() if w == "mandate"), Decimal(0))
            assert self.income() - self.income_before == -rent
            assert self.provisions() - self.provisions_before == -charges
            assert owners_queries.owner_balance(self.owner) == -mandate

        @invariant()
        def allocation_is_bounded_and_complete(self):
            for which, lease in self.leases.items():
                per_call, per_payment = {}, {}
                for a in PaymentAllocation.objects.filter(payment__lease=lease):
                    per_call[a.rent_call_id] = per_call.get(a.rent_call_id, 0) + a.amount
                    per_payment[a.payment_id] = per_payment.get(a.payment_id, 0) + a.amount
                calls = {pk: total for (w, _m), (pk, total, _tx) in self.calls.items() if w == which}
                payments = {pk: amount for w, pk, amount, _tx in self.payments.values() if w == which}
                assert set(per_call) <= set(calls) and set(per_payment) <= set(payments)
                assert all(per_call[k] <= calls[k] for k in per_call)
                assert all(per_payment[k] <= payments[k] for k in per_payment)
                calls, payments = sum(calls.values(), Decimal(0)), sum(payments.values(), Decimal(0))
                assert sum(per_call.values(), Decimal(0)) == min(calls, payments)

        @invariant()
        def open_item_flags_agree_with_the_allocations(self):
            for call in RentCall.objects.filter(lease__in=self.leases.values(), cancelled_on__isnull=True).annotate(
                paid=Sum("allocations__amount")
            ):
                assert call.settled == ((call.paid or 0) >= call.total)
            for payment in Payment.objects.filter(lease__in=self.leases.values(), reversed_on__isnull=True).annotate(
                allocated=Sum("allocations__amount")
            ):
                assert payment.fully_allocated == ((payment.allocated or 0) >= payment.amount)

    return Ledger


@pytest.mark.one_pass("postgresql")
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
