"""A Hypothesis state machine of random rent calls, payments, works, reversals, owner statements and payouts on
one mandate lease, and the deposit of a second mandate lease of the same owner returned once with a random
retention, early or late, on the database. After every step: the ledger sums to zero, the tenant's balance is
calls − payments, every statement is collected − fee − VAT − works + deposits with each payment, works invoice,
reversal and deposit return counted in exactly one statement, the owner's account is what the calls, statements'
fees, works, deposits' retentions and penalties and payouts put on it, and the association's income accounts (7…)
hold the fees only, never a mandant's money (rent or retention), nor its expenses (6…) a mandant's penalty."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from habiter.leases import services as lease_services
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_owner
from habiter.ledger import rules
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import DeductionReason, Line, OwnerStatement
from habiter.ledger.owners import queries as owners_queries
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease

pytestmark = pytest.mark.django_db
START, END = date(2025, 1, 1), date(2025, 12, 31)
ON = date(2026, 3, 10)  # the day statements and payouts are made: every month of 2025 has ended
RATE = Decimal("8.00")
VAT = Decimal("0.20")


def _day(offset: int) -> date:
    return min(START + timedelta(days=offset), END)


def _machine(world):
    manager, accountant = world.users["rental_manager"], world.users["accountant"]

    class Owners(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # each example in its own savepoint, rolled back at teardown: examples do not see each other's rows
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            owners_services.bank_details_save(
                actor=accountant, holder_name="Association A", iban="FR1420041010050500013M02606", bic="PSSTFRPPMAR"
            )
            self.owner = make_owner(world.organisation, name="Odile Vidal")
            self.lease = make_mandate_lease(
                manager, world.own_household, owner=self.owner, fee_rate=str(RATE), start=START, rent="480.00"
            )
            # keyed by what the test chose (month, numbers), never by the random primary keys
            self.calls = {}  # month -> (total, transaction id)
            self.payments = {}  # number -> (amount, transaction id, received on)
            self.works = {}  # number -> (amount, transaction id, invoice date)
            self.count = 0
            # every movement the statements must account for: [kind, day, amount, accounted for]
            self.movements = []
            self.statements = []  # (month, statement id), in the order issued
            self.floor = None  # the first statement's month: nothing before it is ever reported
            self.paid_out = Decimal(0)
            self.income_before = self.income()
            self.expenses_before = self.income("6")
            self.deposit_returned = False
            # what the statements' own figures (collected − fee − VAT − works) owe the owner, less what was paid out
            self.position = Decimal(0)

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def income(self, account_class="7"):
            lines = Line.objects.filter(
                transaction__organisation_id=world.organisation.pk, account__code__startswith=account_class
            ).values_list("amount", flat=True)
            return sum(lines, Decimal(0))

        @rule(month=st.integers(1, 12))
        def issue_call(self, month):
            call, created = rent_services.rent_call_issue(
                actor=accountant, lease_id=self.lease.pk, period=date(2025, month, 1)
            )
            if created:
                self.calls[month] = (call.total, call.transaction_id)

        @rule(cents=st.integers(1, 90_000), offset=st.integers(0, 364), source=st.sampled_from(["tenant", "caf"]))
        def pay(self, cents, offset, source):
            self.count += 1
            amount, day = Decimal(cents) / 100, _day(offset)
            payment = rent_services.payment_record(
                actor=accountant, lease_id=self.lease.pk, amount=amount, received_on=day, source=source
            )
            self.payments[self.count] = (payment.amount, payment.transaction_id, day)
            self.movements.append(["collected", day, payment.amount, False])

        @rule(cents=st.integers(1, 60_000), offset=st.integers(0, 364))
        def record_works(self, cents, offset):
            self.count += 1
            amount, day = Decimal(cents) / 100, _day(offset)
            work = owners_services.owner_work_record(
                actor=manager,
                owner_id=self.owner.pk,
                invoice_date=day,
                supplier="Artisan",
                label="Travaux",
                amount=amount,
            )
            self.works[self.count] = (work.amount, work.transaction_id, day)
            self.movements.append(["works", day, work.amount, False])

        @precondition(lambda self: not self.deposit_returned)
        @rule(retained=st.integers(0, 48_000), offset=st.integers(31, 364))
        def return_deposit(self, retained, offset):
            """A second lease of the owner, January only: its 480.00 deposit received on 2 January, returned after
            the keys (31 January, check-out not matching: due 31 March) with a retention, late after March."""
            self.deposit_returned = True
            lease = make_mandate_lease(
                manager, world.other_team_household, owner=self.owner, fee_rate=str(RATE), start=START, rent="480.00"
            )
            Lease.objects.filter(pk=lease.pk).update(deposit=Decimal("480.00"))
            deposits_services.deposit_receive(actor=accountant, lease_id=lease.pk, received_on=START + timedelta(1))
            moved_out = date(2025, 1, 31)
            lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=moved_out, moved_out_on=moved_out)
            retained, day = Decimal(retained) / 100, _day(offset)
            movement = deposits_services.deposit_return(
                actor=accountant,
                deposit_id=lease.security_deposit.pk,
                returned_on=day,
                keys_returned_on=moved_out,
                inventory_matches=False,
                deductions=[(DeductionReason.REPAIRS, "Réparations", retained)] if retained else [],
            )
            assert movement.refunded == Decimal("480.00") - retained
            # what the owner gains: the retention, less the late penalty the owner bears as the landlord
            self.movements.append(["deposits", day, retained - movement.penalty, False])

        @precondition(lambda self: self.payments)
        @rule(data=st.data(), later=st.integers(0, 60))
        def reverse_payment(self, data, later):
            key = data.draw(st.sampled_from(sorted(self.payments)))
            amount, transaction_id, day = self.payments.pop(key)
            on = min(day + timedelta(days=later), END)
            before = rent_queries.lease_balance(self.lease, END).balance
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=on)
            assert rent_queries.lease_balance(self.lease, END).balance == before + amount
            self.movements.append(["collected", on, -amount, False])

        @precondition(lambda self: self.calls)
        @rule(data=st.data())
        def reverse_call(self, data):
            month = data.draw(st.sampled_from(sorted(self.calls)))
            total, transaction_id = self.calls.pop(month)
            before = owners_queries.owner_balance(self.owner)
            entries_services.transaction_reverse(actor=accountant, transaction_id=transaction_id, on=END)
            # the owner's credit for the call is reversed with it
            assert owners_queries.owner_balance(self.owner) == before + total

        @precondition(lambda self: self.works)
        @rule(data=st.data(), later=st.integers(0, 60))
        def reverse_works(self, data, later):
            key = data.draw(st.sampled_from(sorted(self.works)))
            amount, transaction_id, day = self.works.pop(key)
            on = min(day + timedelta(days=later), END)
            before = owners_queries.owner_balance(self.owner)
            entries_services.transaction_reverse(actor=manager, transaction_id=transaction_id, on=on)
            assert owners_queries.owner_balance(self.owner) == before - amount
            self.movements.append(["works", on, -amount, False])

        @precondition(lambda self: not self.statements or self.statements[-1][0] < 12)
        @rule(skip=st.integers(0, 2))
        def issue_statement(self, skip):
            last = self.statements[-1][0] if self.statements else 0
            month = min(last + 1 + skip, 12)
            period = date(2025, month, 1)
            self.floor = self.floor or period
            expected = {"collected": Decimal(0), "works": Decimal(0), "deposits": Decimal(0)}
            for movement in self.movements:
                kind, day, amount, done = movement
                if not done and self.floor <= day <= rules.month_end(period):
                    expected[kind] += amount
                    movement[3] = True
            awaiting = sum(
                OwnerStatement.objects.filter(owner=self.owner, payout__isnull=True, amount_due__gt=0).values_list(
                    "amount_due", flat=True
                ),
                Decimal(0),
            )
            statement, created = owners_services.owner_statement_issue(
                actor=accountant, owner_id=self.owner.pk, month=period, on=ON
            )
            assert created
            # brought forward: what the earlier statements left, less what their own payouts will settle
            assert statement.carried == self.position - awaiting
            fee = rules.mandate_fee(expected["collected"], RATE)
            vat = rules.half_up(fee * VAT)
            assert (statement.collected, statement.works, statement.deposits, statement.fee, statement.vat) == (
                expected["collected"],
                expected["works"],
                expected["deposits"],
                fee,
                vat,
            )
            net = statement.collected - statement.fee - statement.vat - statement.works + statement.deposits
            assert statement.amount_due == statement.carried + net
            self.position += net
            again, created = owners_services.owner_statement_issue(
                actor=accountant, owner_id=self.owner.pk, month=period, on=ON
            )
            assert again.pk == statement.pk and not created
            self.statements.append((month, statement.pk))

        @precondition(lambda self: self.statements)
        @rule()
        def pay_out(self):
            payable = list(
                OwnerStatement.objects.filter(owner=self.owner, payout__isnull=True, amount_due__gt=0).order_by("month")
            )
            if not payable:
                return
            batch = owners_services.payout_batch_create(
                actor=accountant, statement_ids=[s.pk for s in payable], execution_date=ON, on=ON
            )
            assert batch.total == sum((s.amount_due for s in payable), Decimal(0))
            assert bytes(batch.xml).count(b"<CdtTrfTxInf>") == len(payable)
            self.paid_out += batch.total
            self.position -= batch.total

        @invariant()
        def ledger_sums_to_zero(self):
            assert entries_queries.ledger_sum(world.organisation.pk) == 0

        @invariant()
        def tenant_balance_is_calls_minus_payments(self):
            calls = sum((total for total, _tx in self.calls.values()), Decimal(0))
            payments = sum((amount for amount, _tx, _day in self.payments.values()), Decimal(0))
            assert rent_queries.lease_balance(self.lease, END).balance == calls - payments

        @invariant()
        def owner_account_is_calls_fees_works_and_payouts(self):
            issued = list(OwnerStatement.objects.filter(owner=self.owner))
            called = sum((total for total, _tx in self.calls.values()), Decimal(0))
            charged = sum((s.fee + s.vat for s in issued), Decimal(0))
            works = sum((amount for kind, _day, amount, _done in self.movements if kind == "works"), Decimal(0))
            deposits = sum((amount for kind, _day, amount, _done in self.movements if kind == "deposits"), Decimal(0))
            assert owners_queries.owner_balance(self.owner) == -called + charged + works - deposits + self.paid_out
            assert all(s.amount_due == s.carried + s.collected - s.fee - s.vat - s.works + s.deposits for s in issued)

        @invariant()
        def income_is_the_fees_never_the_mandants_money(self):
            fees = sum(OwnerStatement.objects.filter(owner=self.owner).values_list("fee", flat=True), Decimal(0))
            assert self.income() - self.income_before == -fees
            # a late penalty under the mandate is the owner's, never the association's expense
            assert self.income("6") == self.expenses_before

        @invariant()
        def the_statements_say_what_the_owner_is_owed(self):
            """Nothing is lost or counted twice: what the owner is owed is the amounts due awaiting their payout,
            or, when the last statement left the owner owing, that amount (the next statement brings it forward)."""
            latest = OwnerStatement.objects.filter(owner=self.owner).order_by("-month").first()
            awaiting = OwnerStatement.objects.filter(owner=self.owner, payout__isnull=True, amount_due__gt=0)
            owed = sum(awaiting.values_list("amount_due", flat=True), Decimal(0))
            assert self.position == owed + (min(latest.amount_due, Decimal(0)) if latest else Decimal(0))

    return Owners


@pytest.mark.one_pass("postgresql")
def test_random_payments_works_statements_and_payouts_keep_the_owner_right(world):
    run_state_machine_as_test(
        _machine(world),
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
