"""What PostgreSQL itself guarantees, tested with committed transactions: ledger rows refuse UPDATE and DELETE,
every transaction balances at commit, closed months refuse entries, and concurrent payments or receipts keep
the balance right and the numbers without gaps."""

import io
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, Line, PaymentAllocation, PeriodClose, RentReceipt, Transaction
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Les déclencheurs de la comptabilité n'existent que sous PostgreSQL (DATABASE_URL=postgres://…).",
    ),
]


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _entry(manager):
    bank = entries_services.organisation_account(manager.organisation_id, AccountKind.BANK)
    income = entries_services.organisation_account(manager.organisation_id, AccountKind.RENT_INCOME)
    return entries_services.transaction_post(
        actor=manager, booked_on=date(2026, 1, 5), label="Don", lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_line SET amount = amount * 2 WHERE transaction_id = %s",
        "DELETE FROM ledger_line WHERE transaction_id = %s",
        "UPDATE ledger_transaction SET label = 'changé' WHERE id = %s",
        "DELETE FROM ledger_transaction WHERE id = %s",
    ],
)
def test_ledger_rows_refuse_update_and_delete(manager, sql):
    entry = _entry(manager)
    with pytest.raises(DatabaseError, match="ne se modifient ni ne se suppriment"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert Line.objects.filter(transaction=entry).count() == 2


def test_an_unbalanced_transaction_is_refused_at_commit(manager):
    bank = entries_services.organisation_account(manager.organisation_id, AccountKind.BANK)
    with pytest.raises(IntegrityError, match="déséquilibrée"):
        with transaction.atomic():
            entry = Transaction.objects.create(
                organisation_id=manager.organisation_id, booked_on=date(2026, 1, 5), label="x", created_by=manager
            )
            Line.objects.create(transaction=entry, account=bank, amount=Decimal("10.00"))
    assert not Transaction.objects.filter(label="x").exists()


def test_a_transaction_without_lines_is_refused_at_commit(manager):
    with pytest.raises(IntegrityError, match="déséquilibrée"):
        with transaction.atomic():
            Transaction.objects.create(
                organisation_id=manager.organisation_id, booked_on=date(2026, 1, 5), label="vide", created_by=manager
            )


def test_a_balanced_transaction_commits(manager):
    entry = _entry(manager)
    assert Transaction.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_an_entry_in_a_closed_month(manager, world):
    PeriodClose.objects.create(organisation=world.organisation, month=date(2025, 12, 1), closed_by=manager)
    with pytest.raises(IntegrityError, match="clôturé"):
        with transaction.atomic():
            Transaction.objects.create(
                organisation_id=manager.organisation_id, booked_on=date(2025, 12, 24), label="y", created_by=manager
            )


def _in_threads(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_payments_at_the_same_moment_leave_the_right_balance(manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    for month in (1, 2, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    accountant = world.users["accountant"]

    def pay(amount, reference):
        return lambda: rent_services.payment_record(
            actor=accountant,
            lease_id=lease.pk,
            amount=Decimal(amount),
            received_on=date(2025, 3, 10),
            source="tenant",
            reference=reference,
        )

    errors = _in_threads(pay("400.00", "A"), pay("450.00", "B"), pay("300.00", "C"))
    assert not errors
    assert rent_queries.lease_balance(lease, date(2025, 3, 31)).balance == Decimal("1650.00") - Decimal("1150.00")
    allocations = PaymentAllocation.objects.filter(rent_call__lease=lease)
    per_call = {}
    for allocation in allocations:
        per_call[allocation.rent_call.period] = per_call.get(allocation.rent_call.period, 0) + allocation.amount
    assert per_call == {
        date(2025, 1, 1): Decimal("550.00"),
        date(2025, 2, 1): Decimal("550.00"),
        date(2025, 3, 1): Decimal("50.00"),
    }
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


def test_the_same_reference_at_the_same_moment_is_recorded_once(manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))

    def pay():
        rent_services.payment_record(
            actor=manager,
            lease_id=lease.pk,
            amount=Decimal("10.00"),
            received_on=date(2025, 3, 10),
            source="tenant",
            reference="VIR-1",
        )

    errors = _in_threads(pay, pay)
    assert len(errors) == 1 and isinstance(errors[0], rent_services.DuplicatePaymentReference)
    assert lease.payments.count() == 1


def test_receipt_numbers_have_no_gaps_under_concurrency(manager, world):
    calls = []
    for household in (world.own_household, world.other_team_household):
        for _n in range(2):
            lease = make_signed_lease(manager, household, start=date(2025, 1, 1))
            call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
            rent_services.payment_record(
                actor=manager,
                lease_id=lease.pk,
                amount=Decimal("550.00"),
                received_on=date(2025, 1, 3),
                source="tenant",
            )
            calls.append(call)
    errors = _in_threads(
        *[lambda c=call: rent_services.receipt_issue(actor=manager, rent_call_id=c.pk) for call in calls]
    )
    assert not errors
    assert sorted(RentReceipt.objects.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_the_ledger_benchmark_loads_balanced_history_and_reports(world, tmp_path):
    """`make bench`'s ledger part on a tiny scale: the generated history passes the database's balance check at
    commit, the month-end run issues one call per lease, the ORM and hand-written balances agree."""
    from django.core.management import call_command

    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Mesures\n", encoding="utf-8")
    call_command("bench_ledger", leases=4, years=1, report=str(report), stdout=io.StringIO())
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Mesures") and "4 baux actifs, 1 an d'historique" in text
    assert "Appels de loyer du mois (4 baux, service réel)" in text
    assert entries_queries.ledger_sum(Transaction.objects.values_list("organisation_id", flat=True).first()) == 0
    # 12 months × (3 call lines + 2 payment lines) per lease, one month in ten left unpaid at most
    assert Line.objects.count() >= 4 * 12 * 3
    with connection.cursor() as cursor:  # the balance triggers suspended during the load are back on
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE tgname IN ('ledger_line_balanced', 'ledger_transaction_balanced')"
        )
        assert dict(cursor.fetchall()) == {"ledger_line_balanced": "O", "ledger_transaction_balanced": "O"}
