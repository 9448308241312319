"""The money of a lease under a management mandate (mandat de gestion, loi Hoguet): the rent and the charges called
are the owner's, on the owner's account (467), never the association's income; only the fee taken on what was
collected is. A worked month, figures computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from habiter.leases import services as lease_services
from habiter.leases.models import ReviewDecision
from habiter.leases.tests.factories import make_owner, make_sliding_sublease
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, Line
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease

D = Decimal


def _balance(account):
    return sum(account.lines.values_list("amount", flat=True), D("0.00"))


def _income(organisation_id):
    """The association's income accounts (class 7) all together, debit positive."""
    lines = Line.objects.filter(transaction__organisation_id=organisation_id, account__code__startswith="7")
    return sum(lines.values_list("amount", flat=True), D("0.00"))


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


def test_a_mandate_month_call_payment_statement_payout_then_a_reversal(world, accountant):
    """600.00 rent + 50.00 charges under a 7 % mandate, VAT 20 %. March: called 650.00, paid 400.00; the statement
    takes 28.00 + 5.60 and owes the owner 366.40, paid out. The 400.00 is then reversed: April's statement gives
    the fee back and leaves the owner owing 366.40."""
    organisation_id = world.organisation.pk
    owner = make_owner(world.organisation, name="Odile Vidal", iban="FR7630006000011234567890189")
    lease = make_mandate_lease(
        world.users["rental_manager"],
        world.own_household,
        owner=owner,
        fee_rate="7.00",
        start=date(2026, 1, 1),
        rent="600.00",
        charges="50.00",
    )
    owner_account = entries_services.owner_account(owner)
    tenant_account = entries_services.tenant_account(lease)
    owners_services.bank_details_save(
        actor=accountant, holder_name="Association A", iban="FR1420041010050500013M02606", bic="PSSTFRPPMAR"
    )

    with time_machine.travel(date(2026, 3, 9), tick=False):
        call, _created = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 3, 1))
        payment = rent_services.payment_record(
            actor=accountant, lease_id=lease.pk, amount=D("400.00"), received_on=date(2026, 3, 9), source="tenant"
        )
    # the call: D tenant 650.00 / C owner 650.00, nothing to rent income (706100) or charges (708300)
    assert sorted((line.account.code, line.amount) for line in call.transaction.lines.all()) == [
        (tenant_account.code, D("650.00")),
        (owner_account.code, D("-650.00")),
    ]
    assert _income(organisation_id) == 0

    with time_machine.travel(date(2026, 4, 3), tick=False):
        march, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 3, 1)
        )
    assert (march.collected, march.fee, march.vat, march.works, march.carried) == (
        D("400.00"),
        D("28.00"),
        D("5.60"),
        D("0.00"),
        D("0.00"),
    )
    assert march.amount_due == D("366.40")
    assert march.transfer_transaction is None  # no move of rents: the call already credited the owner
    # the statement's one entry: D owner 33.60 / C fees 28.00 / C VAT collected 5.60
    fees = entries_services.organisation_account(organisation_id, AccountKind.FEES)
    vat = entries_services.organisation_account(organisation_id, AccountKind.VAT_COLLECTED)
    assert sorted((line.account.code, line.amount) for line in march.fee_transaction.lines.all()) == sorted(
        [(owner_account.code, D("33.60")), (fees.code, D("-28.00")), (vat.code, D("-5.60"))]
    )
    # the owner's account: credit 650.00 − 33.60 = 616.40, of which 250.00 the tenant still owes
    assert _balance(owner_account) == D("-616.40")
    assert rent_queries.lease_balance(lease, date(2026, 3, 31)).balance == D("250.00")
    assert _income(organisation_id) == D("-28.00")  # the fee only

    with time_machine.travel(date(2026, 4, 6), tick=False):
        batch = owners_services.payout_batch_create(
            actor=accountant, statement_ids=[march.pk], execution_date=date(2026, 4, 7)
        )
    assert batch.total == D("366.40")
    assert _balance(owner_account) == D("-250.00")  # what the tenant still owes, not yet collected

    with time_machine.travel(date(2026, 4, 15), tick=False):
        entries_services.transaction_reverse(
            actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 4, 15)
        )
    with time_machine.travel(date(2026, 5, 4), tick=False):
        april, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 4, 1)
        )
    # the reversal is collected negatively and gives the fee and its VAT back: 0 − 400.00 + 28.00 + 5.60
    assert (april.collected, april.fee, april.vat, april.carried) == (
        D("-400.00"),
        D("-28.00"),
        D("-5.60"),
        D("0.00"),
    )
    assert april.amount_due == D("-366.40")
    assert sorted((line.account.code, line.amount) for line in april.fee_transaction.lines.all()) == sorted(
        [(owner_account.code, D("-33.60")), (fees.code, D("28.00")), (vat.code, D("5.60"))]
    )
    # the tenant owes the owner the whole 650.00 again; the owner's account keeps −283.60: the 650.00 owed less
    # the 366.40 paid out, which the owner now owes and the next statement brings forward
    assert rent_queries.lease_balance(lease, date(2026, 4, 30)).balance == D("650.00")
    assert _balance(owner_account) == D("-283.60")
    assert _income(organisation_id) == 0
    with time_machine.travel(date(2026, 6, 2), tick=False):
        may, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 5, 1)
        )
    assert (may.carried, may.collected, may.amount_due) == (D("-366.40"), D("0.00"), D("-366.40"))
    assert entries_queries.ledger_sum(organisation_id) == 0


def test_a_reversed_mandate_call_takes_its_credit_back_from_the_owner(world, accountant):
    owner = make_owner(world.organisation, name="Odile Vidal")
    lease = make_mandate_lease(world.users["rental_manager"], world.own_household, owner=owner, start=date(2026, 1, 1))
    with time_machine.travel(date(2026, 2, 2), tick=False):
        call, _created = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 2, 1))
        assert _balance(entries_services.owner_account(owner)) == D("-550.00")  # 500.00 rent + 50.00 charges
        entries_services.transaction_reverse(actor=accountant, transaction_id=call.transaction_id, on=date(2026, 2, 2))
    call.refresh_from_db()
    assert call.cancelled_on == date(2026, 2, 2)
    assert _balance(entries_services.owner_account(owner)) == 0
    assert rent_queries.lease_balance(lease, date(2026, 2, 28)).balance == 0


def test_after_a_slide_the_owners_lease_billed_under_a_mandate_is_the_owners_money(world, accountant):
    """A sublease of 550.00 slides on 1 March 2026: the household now rents from the owner, who signs an 8 % management
    mandate on the dwelling from the same day. March is called by the association (550.00) but credits the owner's
    account, never rent income; the tenant pays 550.00 on 9 March; the March statement reports 550.00 collected,
    a fee of 550.00 × 8 % = 44.00, VAT 44.00 × 20 % = 8.80, and owes the owner 550.00 − 52.80 = 497.20."""
    manager = world.users["rental_manager"]
    sublease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1), rent="550.00")
    lease_services.sliding_review_record(
        actor=manager,
        lease_id=sublease.pk,
        held_on=date(2026, 2, 1),
        worker_opinion="favourable",
        landlord_opinion="favourable",
        decision=ReviewDecision.SLIDE,
    )
    direct = lease_services.lease_slide(actor=manager, lease_id=sublease.pk, on_date=date(2026, 3, 1))
    lease_services.mandate_create(
        actor=manager,
        owner_id=direct.landlord_id,
        dwelling_id=direct.dwelling_id,
        fee_rate=D("8.00"),
        start_date=date(2026, 3, 1),
        payout_iban="FR7630006000011234567890189",
    )
    owner_account = entries_services.owner_account(direct.landlord)
    tenant_account = entries_services.tenant_account(direct)
    income_before = _income(world.organisation.pk)  # the sublease's months, the association's own

    with time_machine.travel(date(2026, 3, 9), tick=False):
        call, created = rent_services.rent_call_issue(actor=accountant, lease_id=direct.pk, period=date(2026, 3, 1))
        rent_services.payment_record(
            actor=accountant, lease_id=direct.pk, amount=D("550.00"), received_on=date(2026, 3, 9), source="tenant"
        )
    assert created
    assert sorted((line.account.code, line.amount) for line in call.transaction.lines.all()) == sorted(
        [(tenant_account.code, D("550.00")), (owner_account.code, D("-550.00"))]
    )
    assert _income(world.organisation.pk) == income_before

    with time_machine.travel(date(2026, 4, 3), tick=False):
        march, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=direct.landlord_id, month=date(2026, 3, 1)
        )
    assert (march.collected, march.fee, march.vat, march.amount_due) == (
        D("550.00"),
        D("44.00"),
        D("8.80"),
        D("497.20"),
    )
    assert [line.fee_rate for line in march.lines.filter(kind="collected")] == [D("8.00")]
    # only the fee is the association's income: 44.00 on the fees account, the VAT owed to the State
    assert _income(world.organisation.pk) - income_before == D("-44.00")
    assert _balance(owner_account) == D("-497.20")
