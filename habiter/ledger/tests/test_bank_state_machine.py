"""A Hypothesis state machine of money through the bank, on the database: rent calls on three leases, bank lines
matched to one lease or split across several (a CAF transfer), payments recorded by hand then linked to their bank
line, reversals of payments, deposits received and refunded, works paid for an owner, the bank lines that clear
those (one line for one or several entries), and months closed. After every step: every transaction balances; the
bank account (512) is exactly the sum of the bank lines brought into it; the third parties' clearing accounts and
the waiting accounts (511200 for money received, 580000 for money paid out) hold only what is not yet matched;
nothing is ever posted inside a closed month."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_dwelling, make_owner
from habiter.ledger.bank import services as bank_services
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import BankClearing, BankLine, Deposit, Line, Payment, PeriodClose, RentCall, Transaction
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services
from habiter.people.tests.factories import make_household

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal
START = date(2025, 1, 1)


def _sum(queryset) -> Decimal:
    return sum(queryset.values_list("amount", flat=True), D("0.00"))


def _machine(world):
    manager, accountant = world.users["rental_manager"], world.users["accountant"]
    org = world.organisation.pk

    class Bank(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.leases = [
                make_signed_lease(
                    manager,
                    make_household(world.users["social_worker"], name=f"Locataire {n}"),
                    dwelling=make_dwelling(world.organisation),
                    start=START,
                    rent=rent,
                )
                for n, rent in enumerate(("400.00", "350.00", "300.00"))
            ]
            self.lines = 0  # bank lines made
            self.hand = []  # (payment id, amount, day) recorded by hand, not yet linked nor reversed
            self.active = []  # payment ids in force
            self.closed = set()  # first days of the months closed
            self.owner = make_owner(world.organisation)
            self.waiting = []  # (entry id, amount on 511200 or 580000, day) waiting for a bank line to clear them
            self.deposits = 0
            self.works = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def _is_closed(self, day) -> bool:
            return day.replace(day=1) in self.closed

        def _open_day(self, day_index) -> date:
            day = START + timedelta(days=day_index)
            while self._is_closed(day):
                day += timedelta(days=31)
            return day

        def _line(self, amount, day, label="VIR") -> BankLine:
            self.lines += 1
            return BankLine.objects.create(
                organisation_id=org, booked_on=day, amount=amount, label=label, bank_reference=f"SM-{self.lines}"
            )

        @rule(lease=st.integers(0, 2), month=st.integers(1, 10))
        def issue_call(self, lease, month):
            period = date(2025, month, 1)
            called = RentCall.objects.filter(lease=self.leases[lease], period=period, cancelled_on__isnull=True)
            if self._is_closed(period) and not called.exists():
                with pytest.raises(ValidationError):
                    rent_services.rent_call_issue(actor=accountant, lease_id=self.leases[lease].pk, period=period)
                return
            rent_services.rent_call_issue(actor=accountant, lease_id=self.leases[lease].pk, period=period)

        @rule(lease=st.integers(0, 2), cents=st.integers(1, 90_000), day=st.integers(0, 300))
        def tenant_transfer(self, lease, cents, day):
            line = self._line(D(cents) / 100, self._open_day(day))
            payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=self.leases[lease].pk)
            self.active.append(payment.pk)

        @rule(shares=st.lists(st.integers(1, 60_000), min_size=1, max_size=3), day=st.integers(0, 300))
        def caf_transfer(self, shares, day):
            parts = [(self.leases[n].pk, D(cents) / 100) for n, cents in enumerate(shares)]
            line = self._line(sum(amount for _lease, amount in parts), self._open_day(day), label="VIR CAF")
            payments = bank_services.bank_line_split(actor=accountant, line_id=line.pk, source="caf", parts=parts)
            self.active += [payment.pk for payment in payments]

        @rule(lease=st.integers(0, 2), cents=st.integers(1, 90_000), day=st.integers(0, 300))
        def hand_payment(self, lease, cents, day):
            received = self._open_day(day)
            payment = rent_services.payment_record(
                actor=accountant,
                lease_id=self.leases[lease].pk,
                amount=D(cents) / 100,
                received_on=received,
                source="tenant",
            )
            self.hand.append((payment.pk, payment.amount, received))
            self.active.append(payment.pk)

        @precondition(lambda self: self.hand)
        @rule(data=st.data(), shift=st.integers(-5, 5))
        def bank_line_of_a_hand_payment(self, data, shift):
            payment_id, amount, received = data.draw(st.sampled_from(self.hand))
            day = received + timedelta(days=shift)
            line = self._line(amount, day, label="REMISE CHEQUE")
            if self._is_closed(day):
                # the month is closed: its bank entry cannot be dated in it (reconcile before closing)
                with pytest.raises(ValidationError):
                    bank_services.bank_line_link(actor=accountant, line_id=line.pk, payment_ids=[payment_id])
                # the refused line stays in the queue, unmatched, as a bank line is never deleted
                return
            bank_services.bank_line_link(actor=accountant, line_id=line.pk, payment_ids=[payment_id])
            self.hand.remove((payment_id, amount, received))

        @precondition(lambda self: self.active)
        @rule(data=st.data())
        def reverse_payment(self, data):
            payment_id = data.draw(st.sampled_from(self.active))
            payment = Payment.objects.get(pk=payment_id)
            on = self._open_day((max(payment.received_on, START) - START).days)
            entries_services.transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=on)
            self.active.remove(payment_id)
            self.hand = [item for item in self.hand if item[0] != payment_id]

        @rule(cents=st.integers(1, 90_000), day=st.integers(0, 300))
        def works_paid(self, cents, day):
            self.works += 1
            invoice_date = self._open_day(day)
            supplier = f"Entreprise {self.works}"
            owners_services.owner_work_record(
                actor=accountant,
                owner_id=self.owner.pk,
                invoice_date=invoice_date,
                supplier=supplier,
                label="Fuite",
                amount=D(cents) / 100,
            )
            paid = Transaction.objects.get(
                organisation_id=org, source_type="owner_works_payment", label__startswith=f"Règlement {supplier} "
            )
            self.waiting.append((paid.pk, -D(cents) / 100, invoice_date))

        @rule(cents=st.integers(100, 60_000), received=st.integers(0, 150), later=st.integers(0, 150))
        def deposit_received_then_refunded(self, cents, received, later):
            self.deposits += 1
            amount = D(cents) / 100
            lease = make_signed_lease(
                manager,
                make_household(world.users["social_worker"], name=f"Sortant {self.deposits}"),
                dwelling=make_dwelling(world.organisation),
                start=START,
                rent=amount,
                deposit=amount,
            )
            received_on = self._open_day(received)
            receipt = deposits_services.deposit_receive(actor=accountant, lease_id=lease.pk, received_on=received_on)
            self.waiting.append((receipt.transaction_id, amount, received_on))
            moved_out = self._open_day((received_on - START).days + later)
            lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=moved_out, moved_out_on=moved_out)
            refund = deposits_services.deposit_return(
                actor=accountant,
                deposit_id=Deposit.objects.get(lease=lease).pk,
                returned_on=moved_out,
                keys_returned_on=moved_out,
                inventory_matches=True,
            )
            assert refund.refunded == amount and refund.penalty == 0
            self.waiting.append((refund.transaction_id, -amount, moved_out))

        @precondition(lambda self: self.waiting)
        @rule(data=st.data(), shift=st.integers(0, 5))
        def bank_line_clears_waiting_entries(self, data, shift):
            first = data.draw(st.sampled_from(self.waiting))
            same_sign = [item for item in self.waiting if (item[1] > 0) == (first[1] > 0) and item != first]
            others = data.draw(st.lists(st.sampled_from(same_sign), unique=True, max_size=2)) if same_sign else []
            items = [first, *others]
            day = max(item[2] for item in items) + timedelta(days=shift)
            line = self._line(sum(item[1] for item in items), day, label="VIR SEPA")
            if self._is_closed(day):
                with pytest.raises(ValidationError):
                    bank_services.bank_line_clear(actor=accountant, line_id=line.pk, entry_ids=[i[0] for i in items])
                return
            bank_services.bank_line_clear(actor=accountant, line_id=line.pk, entry_ids=[item[0] for item in items])
            for item in items:
                self.waiting.remove(item)
            # a cleared entry is never cleared a second time
            again = self._line(first[1], day, label="VIR SEPA")
            with pytest.raises(ValidationError):
                bank_services.bank_line_clear(actor=accountant, line_id=again.pk, entry_ids=[first[0]])

        @rule(month=st.integers(1, 6))
        def close_month(self, month):
            first = date(2025, month, 1)
            if first in self.closed:
                return
            try:
                entries_services.period_close(actor=accountant, month=first)
            except ValidationError:
                return  # the service may refuse (an earlier month still open, say): then nothing is closed
            self.closed.add(first)

        @precondition(lambda self: self.closed)
        @rule(data=st.data(), lease=st.integers(0, 2), day=st.integers(0, 27))
        def nothing_is_posted_in_a_closed_month(self, data, lease, day):
            inside = data.draw(st.sampled_from(sorted(self.closed))) + timedelta(days=day)
            count = Transaction.objects.filter(organisation_id=org).count()
            with pytest.raises(ValidationError):
                rent_services.payment_record(
                    actor=accountant,
                    lease_id=self.leases[lease].pk,
                    amount=D("10.00"),
                    received_on=inside,
                    source="tenant",
                )
            line = self._line(D("10.00"), inside)
            with pytest.raises(ValidationError):
                bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=self.leases[lease].pk)
            # the refused line stays in the queue, unmatched, as a bank line is never deleted
            assert Transaction.objects.filter(organisation_id=org).count() == count

        @invariant()
        def every_transaction_balances(self):
            assert entries_queries.ledger_sum(org) == 0

        @invariant()
        def the_bank_is_the_sum_of_the_lines_brought_into_it(self):
            brought = _sum(BankLine.objects.filter(organisation_id=org, transaction__isnull=False))
            assert _sum(Line.objects.filter(account__organisation_id=org, account__code="512000")) == brought

        @invariant()
        def the_waiting_accounts_hold_only_what_is_not_matched(self):
            # each payment in force debits its waiting account (511200 for the tenant's, 467200 for the CAF's), each
            # bank line brought into the bank credits it once: what is left is paid but not yet on the statement
            # (a debit) or on the statement but no longer given to a tenant, its payment reversed (a credit)
            # the deposits received and not yet cleared by their bank line wait on 511200 too
            received = sum((amount for _pk, amount, _day in self.waiting if amount > 0), D("0.00"))
            for source, code, others in (("tenant", "511200", received), ("caf", "467200", D("0.00"))):
                lines = _sum(BankLine.objects.filter(organisation_id=org, source=source, transaction__isnull=False))
                paid = _sum(Payment.objects.filter(organisation_id=org, source=source, reversed_on__isnull=True))
                balance = _sum(Line.objects.filter(account__organisation_id=org, account__code=code))
                assert balance == paid - lines + others
            unlinked = sum((amount for _pk, amount, _day in self.hand), D("0.00"))
            assert unlinked == _sum(
                Payment.objects.filter(
                    organisation_id=org, source="tenant", reversed_on__isnull=True, bank_line__isnull=True
                )
            )

        @invariant()
        def what_is_paid_out_waits_on_580_until_its_bank_line(self):
            paid_out = sum((amount for _pk, amount, _day in self.waiting if amount < 0), D("0.00"))
            assert _sum(Line.objects.filter(account__organisation_id=org, account__code="580000")) == paid_out

        @invariant()
        def each_clearing_line_is_the_total_of_its_entries(self):
            for line in BankLine.objects.filter(organisation_id=org, clearings__isnull=False).distinct():
                assert _sum(BankClearing.objects.filter(bank_line=line)) == line.amount

        @invariant()
        def no_entry_is_dated_in_a_closed_month_after_it_closed(self):
            for close in PeriodClose.objects.filter(organisation_id=org):
                late = Transaction.objects.filter(
                    organisation_id=org, booked_on__gte=close.month, created_at__gt=close.created_at
                ).filter(booked_on__lte=(close.month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
                assert not late.exists()

    return Bank


@pytest.mark.one_pass("postgresql")
def test_random_money_through_the_bank_keeps_the_books_right(world):
    with time_machine.travel(date(2025, 12, 15), tick=False):
        run_state_machine_as_test(
            _machine(world),
            settings=settings(
                max_examples=12, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
            ),
        )
