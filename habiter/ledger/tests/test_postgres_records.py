"""What PostgreSQL itself refuses on the records kept beside the ledger's entries (migrations 0023, 0025 and 0027): no
DELETE (but a clearing's, once its bank line's entry is reversed), no UPDATE of a column outside each table's short
list of columns the application keeps up to date, and no ledger line on another organisation's account."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from habiter.leases.tests.factories import make_owner
from habiter.ledger.bank import services as bank_services
from habiter.ledger.deposits import services as deposit_services
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    AccountKind,
    BankClearing,
    BankLine,
    Line,
    OwnerStatement,
    OwnerStatementLine,
    PayoutBatch,
    PeriodClose,
    Transaction,
)
from habiter.ledger.rent import receipts
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Les déclencheurs de la comptabilité n'existent que sous PostgreSQL (DATABASE_URL=postgres://…).",
)


def _entry(actor, label="Pièce"):
    """A balanced entry on the actor's organisation's accounts (never committed: the test's transaction is rolled
    back, so the balance check at commit does not run either)."""
    bank = entries_services.organisation_account(actor.organisation_id, AccountKind.BANK)
    income = entries_services.organisation_account(actor.organisation_id, AccountKind.RENT_INCOME)
    return entries_services.transaction_post(
        actor=actor, booked_on=date(2026, 1, 5), label=label, lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
    )


@pytest.fixture
def records(world):
    """One row of every protected table, by table name."""
    manager = world.users["rental_manager"]
    accountant = world.users["accountant"]
    organisation = world.organisation
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), deposit=Decimal("500.00"))
    call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    payment = rent_services.payment_record(
        actor=accountant, lease_id=lease.pk, amount=Decimal("550.00"), received_on=date(2025, 1, 3), source="tenant"
    )
    receipt = receipts.receipt_issue(actor=manager, rent_call_id=call.pk, on=date(2025, 1, 31))
    movement = deposit_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 1, 2), amount=Decimal("500.00")
    )
    bank_line = BankLine.objects.create(
        organisation=organisation, booked_on=date(2025, 1, 3), amount=Decimal("550.00"), label="VIR", bank_reference="1"
    )
    # the deposit received waits on 511200: a bank line of its amount clears it
    cleared_by = BankLine.objects.create(
        organisation=organisation, booked_on=date(2025, 1, 2), amount=Decimal("500.00"), label="DG", bank_reference="2"
    )
    clearing = BankClearing.objects.create(
        organisation=organisation,
        bank_line=cleared_by,
        entry=movement.transaction,
        amount=Decimal("500.00"),
        cleared_by=accountant,
    )
    closing = PeriodClose.objects.create(organisation=organisation, month=date(2024, 12, 1), closed_by=manager)
    owner = make_owner(organisation)
    statement = OwnerStatement.objects.create(
        organisation=organisation,
        owner=owner,
        month=date(2025, 1, 1),
        owner_name=owner.name,
        collected=Decimal("500.00"),
        fee=Decimal("40.00"),
        vat_rate=Decimal("0.2000"),
        vat=Decimal("8.00"),
        works=Decimal("0.00"),
        amount_due=Decimal("452.00"),
        issued_on=date(2025, 2, 1),
        issued_by=manager,
    )
    statement_line = OwnerStatementLine.objects.create(
        statement=statement,
        kind="collected",
        transaction=_entry(accountant),
        booked_on=date(2025, 1, 3),
        label="Loyer",
        amount=Decimal("500.00"),
    )
    return {
        "ledger_payment": payment.pk,
        "ledger_rentreceipt": receipt.pk,
        "ledger_depositmovement": movement.pk,
        "ledger_bankline": bank_line.pk,
        "ledger_periodclose": closing.pk,
        "ledger_ownerstatement": statement.pk,
        "ledger_ownerstatementline": statement_line.pk,
        "ledger_bankclearing": clearing.pk,
    }


def _execute(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _value(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names from the test
        return cursor.fetchone()[0]


TABLES = [
    "ledger_payment",
    "ledger_rentreceipt",
    "ledger_depositmovement",
    "ledger_bankline",
    "ledger_periodclose",
    "ledger_ownerstatement",
    "ledger_ownerstatementline",
    "ledger_bankclearing",
]

# table -> an assignment of a column frozen once the row is written
FROZEN = {
    "ledger_payment": "amount = amount + 1",
    "ledger_rentreceipt": "paid = paid + 1",
    "ledger_depositmovement": "amount = amount + 1",
    "ledger_bankline": "label = 'changé'",
    "ledger_periodclose": "updated_at = updated_at + interval '1 second'",
    "ledger_ownerstatement": "owner_name = 'changé'",
    "ledger_ownerstatementline": "amount = amount + 1",
    "ledger_bankclearing": "amount = amount + 1",
}


@pytest.mark.parametrize("table", TABLES)
def test_the_database_refuses_deleting_a_record(records, table):
    with pytest.raises(DatabaseError, match="ne se suppriment pas"):
        _execute(f"DELETE FROM {table} WHERE id = %s", [records[table]])  # noqa: S608 - names from the test
    assert _value(table, "id", records[table]) == records[table]


@pytest.mark.parametrize("table", TABLES)
def test_the_database_refuses_changing_a_frozen_column(records, table):
    with pytest.raises(DatabaseError, match="seules ces colonnes se modifient"):
        _execute(f"UPDATE {table} SET {FROZEN[table]} WHERE id = %s", [records[table]])  # noqa: S608


@pytest.mark.parametrize("table", TABLES)
def test_an_update_that_changes_nothing_passes(records, table):
    """A full `save()` of an unchanged row rewrites every column with its own value."""
    assert _execute(f"UPDATE {table} SET id = id WHERE id = %s", [records[table]]) == 1  # noqa: S608


@pytest.mark.parametrize(
    ("table", "assignment", "column", "expected"),
    [
        (
            "ledger_payment",
            "fully_allocated = false, reversed_on = '2025-02-01', updated_at = now()",
            "reversed_on",
            date(2025, 2, 1),
        ),
        ("ledger_rentreceipt", "pdf = '\\x25504446'::bytea", "pdf", b"%PDF"),
        (
            "ledger_bankline",
            "state = 'ignored', ignored_reason = 'doublon', updated_at = now()",
            "ignored_reason",
            "doublon",
        ),
    ],
)
def test_the_columns_the_application_keeps_up_to_date_still_change(records, table, assignment, column, expected):
    assert _execute(f"UPDATE {table} SET {assignment} WHERE id = %s", [records[table]]) == 1  # noqa: S608
    value = _value(table, column, records[table])
    assert (bytes(value) if isinstance(value, memoryview) else value) == expected


def test_a_statement_is_attached_to_its_payout_batch(records, world):
    manager = world.users["rental_manager"]
    batch = PayoutBatch.objects.create(
        organisation=world.organisation,
        reference="LOT-1",
        execution_date=date(2025, 2, 5),
        total=Decimal("452.00"),
        transaction=_entry(world.users["accountant"], label="Reversement"),
        xml=b"<xml/>",
        created_by=manager,
    )
    _execute(
        "UPDATE ledger_ownerstatement SET payout_id = %s WHERE id = %s", [batch.pk, records["ledger_ownerstatement"]]
    )
    assert OwnerStatement.objects.get(pk=records["ledger_ownerstatement"]).payout_id == batch.pk


def test_a_line_on_another_organisations_account_is_refused(world):
    manager = world.users["rental_manager"]
    entry = Transaction.objects.create(
        organisation_id=manager.organisation_id, booked_on=date(2026, 1, 5), label="x", created_by=manager
    )
    foreign = entries_services.organisation_account(world.other_organisation.pk, AccountKind.BANK)
    bank = entries_services.organisation_account(manager.organisation_id, AccountKind.BANK)
    income = entries_services.organisation_account(manager.organisation_id, AccountKind.RENT_INCOME)
    with pytest.raises(DatabaseError, match="n'appartient pas à l'association de l'écriture"):
        with transaction.atomic():
            Line.objects.create(transaction=entry, account=foreign, amount=Decimal("10.00"))
    Line.objects.create(transaction=entry, account=bank, amount=Decimal("10.00"))
    Line.objects.create(transaction=entry, account=income, amount=Decimal("-10.00"))
    assert Line.objects.filter(transaction=entry).count() == 2


def test_a_clearing_goes_only_once_its_bank_lines_entry_is_reversed(world):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), deposit=Decimal("500.00"))
    movement = deposit_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 1, 2), amount=Decimal("500.00")
    )
    line = BankLine.objects.create(
        organisation=world.organisation,
        booked_on=date(2025, 1, 2),
        amount=Decimal("500.00"),
        label="DG",
        bank_reference="PG-1",
    )
    [clearing] = bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=[movement.transaction_id])
    with pytest.raises(DatabaseError, match="ne se suppriment pas"):
        _execute("DELETE FROM ledger_bankclearing WHERE id = %s", [clearing.pk])
    bank_services.bank_line_unclear(actor=manager, line_id=line.pk)
    assert not BankClearing.objects.filter(pk=clearing.pk).exists()
    assert Transaction.objects.filter(source_type="bank_line", reversal_of__isnull=False).count() == 1
