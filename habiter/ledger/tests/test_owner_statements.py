"""Owners under a management mandate: works paid on their behalf, monthly statements (comptes rendus de gestion)
with the fee and its VAT, and payouts by SEPA credit transfer."""

import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from sepaxml import validation

from habiter.core.models import AuditEvent
from habiter.housing.models import Owner
from habiter.leases.tests.factories import make_owner
from habiter.ledger import rules
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, OwnerStatement, PayoutBatch, StatementLineKind, Transaction
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease

D = Decimal
ON = date(2026, 3, 10)
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def owner(world):
    return make_owner(world.organisation, name="Odile Vidal")


@pytest.fixture
def lease(manager, world, owner):
    return make_mandate_lease(manager, world.own_household, owner=owner, fee_rate="8.00", start=date(2025, 12, 1))


def _pay(manager, lease, amount, day, source="tenant"):
    return rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D(amount), received_on=day, source=source
    )


def _balance(account):
    return rules.cents(sum((line.amount for line in account.lines.all()), D(0)))


def _bank(world, manager):
    return owners_services.bank_details_save(
        actor=world.users["accountant"],
        holder_name="Association A",
        iban="FR14 2004 1010 0505 0001 3M02 606",
        bic="PSSTFRPPMAR",
    )


# --- pure rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collected", "rate", "fee"),
    [
        ("650.01", "8.00", "52.00"),
        ("333.33", "7.50", "25.00"),
        ("100.00", "0", "0.00"),
        ("-40.00", "8", "-3.20"),
        ("-333.33", "7.50", "-25.00"),
    ],
)
def test_the_fee_is_the_mandate_rate_of_the_rents_collected_to_the_cent(collected, rate, fee):
    assert rules.mandate_fee(D(collected), D(rate)) == D(fee)


def test_the_vat_is_on_the_total_fee_and_the_amount_due_what_is_left():
    amounts = rules.statement_amounts([(D("333.33"), D("7.50")), (D("200.00"), D("6.25"))], D("40.00"), D("0.20"))
    assert (amounts.collected, amounts.fee, amounts.vat, amounts.works) == (D("533.33"), D("37.50"), D("7.50"), D(40))
    assert amounts.amount_due == D("448.33")


# --- works -----------------------------------------------------------------------------------------------------


def test_works_are_charged_to_the_owner_and_paid_from_the_bank(manager, owner):
    work = owners_services.owner_work_record(
        actor=manager,
        owner_id=owner.pk,
        invoice_date=date(2026, 1, 15),
        supplier="Plomberie Martin",
        label="Remplacement du chauffe-eau",
        amount=D("120.00"),
    )
    account = entries_services.owner_account(owner)
    assert account.kind == AccountKind.OWNER and _balance(account) == D("120.00")
    assert [line.amount for line in work.transaction.lines.order_by("amount")] == [D("-120.00"), D("120.00")]
    assert AuditEvent.objects.filter(action="ledger.owner_work_record").exists()
    entries_services.transaction_reverse(actor=manager, transaction_id=work.transaction_id, on=date(2026, 1, 20))
    assert _balance(account) == 0


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("amount", {"amount": D("0")}, "positif"),
        ("amount", {"amount": D("1.005")}, "centime"),
        ("supplier", {"supplier": " "}, "fournisseur"),
        ("invoice_date", {"invoice_date": date(2099, 1, 1)}, "futur"),
    ],
)
def test_a_works_invoice_is_refused_in_french_on_bad_input(manager, owner, field, data, message):
    values = {"invoice_date": date(2026, 1, 15), "supplier": "X", "label": "Y", "amount": D("10.00")} | data
    with pytest.raises(ValidationError) as error:
        owners_services.owner_work_record(actor=manager, owner_id=owner.pk, **values)
    assert message in " ".join(error.value.message_dict[field])
    assert not Transaction.objects.filter(source_type=owners_services.OWNER_WORKS).exists()


def test_a_social_worker_records_no_works_and_another_organisations_owner_is_not_found(world, manager):
    foreign = make_owner(world.other_organisation)
    values = {"invoice_date": date(2026, 1, 15), "supplier": "X", "label": "Y", "amount": D("10.00")}
    with pytest.raises(PermissionDenied):
        owners_services.owner_work_record(actor=world.users["social_worker"], owner_id=foreign.pk, **values)
    with pytest.raises(Owner.DoesNotExist):
        owners_services.owner_work_record(actor=manager, owner_id=foreign.pk, **values)
    with pytest.raises(Owner.DoesNotExist):
        owners_services.owner_statement_issue(actor=manager, owner_id=foreign.pk, month=date(2026, 1, 1), on=ON)


# --- statements ------------------------------------------------------------------------------------------------


def test_a_statement_accounts_for_rents_collected_fee_vat_and_works(world, manager, owner, lease):
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
    _pay(manager, lease, "450.01", date(2026, 1, 8))
    _pay(manager, lease, "200.00", date(2026, 1, 20), source="caf")
    _pay(manager, lease, "99.00", date(2026, 2, 2))  # next month's
    owners_services.owner_work_record(
        actor=manager,
        owner_id=owner.pk,
        invoice_date=date(2026, 1, 15),
        supplier="Plomberie Martin",
        label="Fuite",
        amount=D("120.00"),
    )
    statement, created = owners_services.owner_statement_issue(
        actor=manager, owner_id=owner.pk, month=date(2026, 1, 9), on=ON
    )
    assert created and statement.month == date(2026, 1, 1)
    assert (statement.collected, statement.fee, statement.vat_rate, statement.vat, statement.works) == (
        D("650.01"),
        D("52.00"),
        D("0.2000"),
        D("10.40"),
        D("120.00"),
    )
    assert statement.amount_due == D("467.61")
    assert sorted(line.kind for line in statement.lines.all()) == [StatementLineKind.COLLECTED] * 2 + [
        StatementLineKind.WORKS
    ]
    # the owner's account: credited 550.00 by the January call, debited the fee and its VAT (62.40) and the works
    # (120.00); the tenant paid 199.01 more than called (99.00 of it in February, for the next statement)
    assert _balance(entries_services.owner_account(owner)) == -D("367.60")
    assert _balance(entries_services.organisation_account(world.organisation.pk, AccountKind.FEES)) == -D("52.00")
    assert _balance(entries_services.organisation_account(world.organisation.pk, AccountKind.VAT_COLLECTED)) == -D(
        "10.40"
    )
    assert statement.fee_transaction.booked_on == date(2026, 1, 31)
    assert entries_queries.ledger_sum(world.organisation.pk) == 0
    assert AuditEvent.objects.filter(action="ledger.owner_statement_issue").count() == 1

    entries = Transaction.objects.count()
    again, created = owners_services.owner_statement_issue(
        actor=manager, owner_id=owner.pk, month=date(2026, 1, 1), on=ON
    )
    assert again == statement and not created and Transaction.objects.count() == entries


def test_late_entries_and_reversals_go_into_the_next_statement(world, manager, owner, lease):
    first = _pay(manager, lease, "300.00", date(2026, 1, 8))
    january, _ = owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 1, 1), on=ON)
    _pay(manager, lease, "50.00", date(2026, 1, 28))  # back-dated into the month already reported
    entries_services.transaction_reverse(actor=manager, transaction_id=first.transaction_id, on=date(2026, 2, 3))
    february, _ = owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 2, 1), on=ON)
    assert january.collected == D("300.00")
    # January: 300.00 − 24.00 fee − 4.80 VAT = 271.20; February: the 300.00 reversed and 50.00 collected give the
    # fee back on 250.00 (20.00 and its VAT 4.00), and the owner owes 250.00 − 24.00 = 226.00
    assert (january.fee, january.vat, january.amount_due) == (D("24.00"), D("4.80"), D("271.20"))
    assert (february.collected, february.fee, february.vat) == (D("-250.00"), D("-20.00"), D("-4.00"))
    assert (february.carried, february.amount_due) == (D("0.00"), D("-226.00"))
    # no call was issued: the owner's account holds the fees taken (28.80) less the fees given back (24.00)
    assert _balance(entries_services.owner_account(owner)) == D("4.80")
    with pytest.raises(ValidationError, match="déjà émis"):
        owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2025, 12, 1), on=ON)
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


def test_a_statement_is_refused_for_a_month_not_ended_a_closed_month_or_an_owner_without_mandate(
    world, manager, owner, lease
):
    with pytest.raises(ValidationError, match="une fois ce mois terminé"):
        owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 3, 1), on=ON)
    entries_services.period_close(actor=world.users["accountant"], month=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="01/2026 est clôturé"):
        owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 1, 1), on=ON)
    with pytest.raises(ValidationError, match="pas confié de mandat"):
        owners_services.owner_statement_issue(
            actor=manager, owner_id=make_owner(world.organisation).pk, month=date(2026, 2, 1), on=ON
        )
    assert not OwnerStatement.objects.exists()


def test_a_statement_entry_cannot_be_reversed(manager, owner, lease):
    _pay(manager, lease, "300.00", date(2026, 1, 8))
    statement, _ = owners_services.owner_statement_issue(
        actor=manager, owner_id=owner.pk, month=date(2026, 1, 1), on=ON
    )
    with pytest.raises(ValidationError, match="ne se contre-passe pas"):
        entries_services.transaction_reverse(actor=manager, transaction_id=statement.fee_transaction_id, on=ON)


# --- payouts ---------------------------------------------------------------------------------------------------


def _issued(manager, owner, lease, amount="550.00", month=date(2026, 1, 1)):
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=month)  # 500.00 rent + 50.00 charges
    _pay(manager, lease, amount, month.replace(day=8))
    return owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=month, on=ON)[0]


def test_a_payout_posts_once_and_gives_a_valid_sepa_file(world, manager, owner, lease):
    _bank(world, manager)
    statement = _issued(manager, owner, lease)
    batch = owners_services.payout_batch_create(actor=manager, statement_ids=[statement.pk], execution_date=ON, on=ON)
    statement.refresh_from_db()
    assert statement.payout == batch and batch.total == statement.amount_due == D("497.20")
    assert _balance(entries_services.owner_account(owner)) == 0
    assert entries_queries.ledger_sum(world.organisation.pk) == 0

    document = ElementTree.fromstring(bytes(batch.xml))  # noqa: S314 (our own file)
    validation.try_valid_xml(bytes(batch.xml), "pain.001.001.03")
    assert document.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS) == "497.20"
    assert document.findtext(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630006000011234567890189"
    assert document.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Association A"
    assert document.findtext(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", namespaces=NS) == "Odile Vidal"

    entries = Transaction.objects.count()
    with pytest.raises(ValidationError, match="déjà reversé"):
        owners_services.payout_batch_create(actor=manager, statement_ids=[statement.pk], execution_date=ON, on=ON)
    assert Transaction.objects.count() == entries and PayoutBatch.objects.count() == 1


def test_a_payout_is_refused_without_bank_details_or_a_valid_owner_iban(world, manager, owner, lease):
    statement = _issued(manager, owner, lease)
    with pytest.raises(ValidationError, match="coordonnées bancaires de l'association manquent"):
        owners_services.payout_batch_create(actor=manager, statement_ids=[statement.pk], execution_date=ON, on=ON)
    _bank(world, manager)
    Owner.objects.filter(pk=owner.pk).update(iban="")
    with pytest.raises(ValidationError, match=r"Odile Vidal ne peut pas être payé \(IBAN manquant\)"):
        owners_services.payout_batch_create(actor=manager, statement_ids=[statement.pk], execution_date=ON, on=ON)
    assert not PayoutBatch.objects.exists()
    with pytest.raises(OwnerStatement.DoesNotExist):
        owners_services.payout_batch_create(
            actor=manager, statement_ids=[statement.pk, OwnerStatement().pk], execution_date=ON, on=ON
        )


@pytest.mark.parametrize(
    ("balance", "tenants_owe", "awaiting", "due"),
    [
        ("0", "0", "0", "0"),  # everything paid out
        ("-650.00", "650.00", "0", "0.00"),  # a month called, nothing paid: nothing is in the association's hands
        ("-650.00", "250.00", "0", "400.00"),  # 400.00 paid of it
        ("-616.40", "250.00", "366.40", "0.00"),  # its statement took the fee and VAT (33.60) and awaits payout
        ("-250.00", "250.00", "0", "0.00"),  # paid out: the credit left is what the tenant still owes
        ("-283.60", "650.00", "0", "-366.40"),  # the 400.00 reversed, the fee given back: the owner owes 366.40
        ("200.00", "-30.00", "0", "-170.00"),  # works exceeded the rents, the tenant paid 30.00 in advance
    ],
)
def test_what_is_due_to_the_owner_is_the_accounts_credit_less_what_tenants_owe_and_payouts_settle(
    balance, tenants_owe, awaiting, due
):
    assert rules.owner_due(D(balance), D(tenants_owe), D(awaiting)) == D(due)


@pytest.mark.parametrize(
    ("due", "collected", "works", "carried"),
    [
        ("400.00", "400.00", "0", "0.00"),  # all due is this statement's collection
        ("-400.00", "-400.00", "0", "0.00"),  # a reversal not yet reported
        ("-366.40", "0", "0", "-366.40"),  # what the last statement left the owner owing
        ("-120.00", "0", "120.00", "0.00"),  # this month's works are the new statement's own
        ("30.00", "0", "0", "30.00"),  # the association holds more than any statement says
    ],
)
def test_the_balance_brought_forward_is_what_is_due_without_what_the_statement_reports(due, collected, works, carried):
    assert rules.statement_carried(D(due), D(collected), D(works)) == D(carried)


def test_what_an_owner_still_owes_is_brought_forward_and_taken_from_the_next_payout(world, manager, owner, lease):
    """January's works exceed its rents: the owner owes the difference; February brings it forward, so that its
    payout pays only what is left, and the owner's account ends at zero; March brings nothing forward."""
    _bank(world, manager)
    owners_services.owner_work_record(
        actor=manager, owner_id=owner.pk, invoice_date=date(2026, 1, 15), supplier="X", label="Toiture", amount=D("700")
    )
    january = _issued(manager, owner, lease, amount="500.00")
    assert january.carried == 0 and january.amount_due == D("-248.00")  # 500 − 40 fee − 8 VAT − 700 works
    february = _issued(manager, owner, lease, amount="500.00", month=date(2026, 2, 1))
    assert february.carried == D("-248.00")
    assert february.amount_due == D("204.00")  # −248 + 500 − 40 − 8
    owners_services.payout_batch_create(actor=manager, statement_ids=[february.pk], execution_date=ON, on=ON)
    # 2 × 550.00 called, 2 × 48.00 fees, 700.00 works, 204.00 paid out: the owner's account keeps the 100.00 the
    # tenant still owes for January and February, which no statement has collected
    assert _balance(entries_services.owner_account(owner)) == -D("100.00")
    march = owners_services.owner_statement_issue(
        actor=manager, owner_id=owner.pk, month=date(2026, 3, 1), on=date(2026, 4, 2)
    )[0]
    assert (march.carried, march.amount_due) == (0, 0)
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


def test_a_statement_awaiting_its_payout_is_not_brought_forward_again(world, manager, owner, lease):
    january = _issued(manager, owner, lease)
    february = _issued(manager, owner, lease, month=date(2026, 2, 1))
    assert february.carried == 0 and february.amount_due == january.amount_due  # each paid by its own payout
    assert _balance(entries_services.owner_account(owner)) == -(january.amount_due + february.amount_due)


def test_a_statement_with_nothing_due_is_not_paid(world, manager, owner, lease):
    _bank(world, manager)
    owners_services.owner_work_record(
        actor=manager, owner_id=owner.pk, invoice_date=date(2026, 1, 15), supplier="X", label="Y", amount=D("900.00")
    )
    statement = _issued(manager, owner, lease)
    assert statement.amount_due < 0
    with pytest.raises(ValidationError, match="pas de solde à reverser"):
        owners_services.payout_batch_create(actor=manager, statement_ids=[statement.pk], execution_date=ON, on=ON)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"iban": "FR76 0000"}, "iban"), ({"bic": "12"}, "bic"), ({"holder_name": ""}, "holder_name")],
)
def test_bank_details_are_checked_and_kept_by_accountants(world, data, field):
    values = {"holder_name": "Association A", "iban": "FR1420041010050500013M02606", "bic": "PSSTFRPPMAR"} | data
    with pytest.raises(ValidationError) as error:
        owners_services.bank_details_save(actor=world.users["accountant"], **values)
    assert field in error.value.message_dict
    with pytest.raises(PermissionDenied):
        owners_services.bank_details_save(actor=world.users["rental_manager"], **values)
