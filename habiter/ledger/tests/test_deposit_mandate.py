"""The deposit of a lease under a management mandate (decision record 0013): the owner is the landlord, the
association holds the deposit as mandatary on 467500, apart from its own deposits (165000); at the return the
retentions are the owner's money (credited to the owner's account, shown on the statement), unpaid rent kept from
the deposit is rent collected for the owner (the fee is taken on it), and the late penalty is the owner's debt.
Worked examples, figures computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from habiter.housing.models import Building
from habiter.leases import services as lease_services
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_owner
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, DeductionReason, Deposit, Line, Payment, StatementLineKind
from habiter.ledger.owners import queries as owners_queries
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease

D = Decimal
REPAIRS, UNPAID = DeductionReason.REPAIRS, DeductionReason.UNPAID_RENT


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


def _balance(account) -> Decimal:
    return sum(account.lines.values_list("amount", flat=True), D("0.00"))


def _income(organisation_id) -> Decimal:
    """The association's income accounts (class 7) all together, debit positive."""
    lines = Line.objects.filter(transaction__organisation_id=organisation_id, account__code__startswith="7")
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _codes(entry) -> list:
    return sorted((line.account.code, line.amount) for line in entry.lines.select_related("account"))


def _org(organisation_id, kind):
    return entries_services.organisation_account(organisation_id, kind)


def _mandate_lease(world, owner, *, start, rent="600.00", charges="50.00", **dwelling_fields):
    lease = make_mandate_lease(
        world.users["rental_manager"],
        world.own_household,
        owner=owner,
        fee_rate="7.00",
        start=start,
        rent=rent,
        charges=charges,
        **dwelling_fields,
    )
    Lease.objects.filter(pk=lease.pk).update(deposit=D("600.00"))
    return Lease.objects.get(pk=lease.pk)


def _end(world, lease, on):
    lease_services.lease_end(actor=world.users["rental_manager"], lease_id=lease.pk, end_date=on, moved_out_on=on)
    return Lease.objects.get(pk=lease.pk)


def test_a_mandate_deposit_returned_with_a_repair_and_unpaid_rent_is_the_owners_money(world, accountant):
    """Rent 600.00 + charges 50.00 under a 7 % mandate, VAT 20 %. Deposit 600.00 received on 2 March on 467500.
    March: called 650.00, paid 570.00; the statement takes 39.90 + 7.98 and owes 522.12. The tenant leaves on
    31 March; on 20 April the deposit is returned: 120.00 kept for a broken door, 80.00 of unpaid rent settled,
    400.00 refunded. April's statement: 80.00 collected, fee 5.60 (7 % of 80.00) + VAT 1.12, retentions 120.00:
    193.28 due to the owner. Class 7 holds the fees only (39.90 + 5.60 = 45.50)."""
    organisation_id = world.organisation.pk
    owner = make_owner(world.organisation, name="Odile Vidal", iban="FR7630006000011234567890189")
    lease = _mandate_lease(world, owner, start=date(2026, 3, 1))
    owner_account = entries_services.owner_account(owner)
    tenant_account = entries_services.tenant_account(lease)
    mandate_deposits = _org(organisation_id, AccountKind.MANDATE_DEPOSITS_HELD)
    own_deposits = _org(organisation_id, AccountKind.DEPOSITS_HELD)
    to_bank = _org(organisation_id, AccountKind.TO_BANK)
    from_bank = _org(organisation_id, AccountKind.FROM_BANK)

    with time_machine.travel(date(2026, 3, 5), tick=False):
        receipt = deposits_services.deposit_receive(actor=accountant, lease_id=lease.pk, received_on=date(2026, 3, 2))
        rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 3, 1))
        rent_services.payment_record(
            actor=accountant, lease_id=lease.pk, amount=D("570.00"), received_on=date(2026, 3, 5), source="tenant"
        )
    # received: D 511200 600.00 / C 467500 600.00 — held for the owner, not on the association's own 165000
    assert mandate_deposits.code == "467500"
    assert _codes(receipt.transaction) == [("467500", D("-600.00")), (to_bank.code, D("600.00"))]
    assert _balance(own_deposits) == 0
    # the deposit is never part of what is due to the owner: the 650.00 called less the 80.00 unpaid
    assert owners_queries.owner_position(owner).due == D("570.00")

    with time_machine.travel(date(2026, 4, 2), tick=False):
        march, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 3, 1)
        )
    assert (march.collected, march.fee, march.vat, march.deposits, march.amount_due) == (
        D("570.00"),
        D("39.90"),
        D("7.98"),
        D("0.00"),
        D("522.12"),
    )

    lease = _end(world, lease, date(2026, 3, 31))
    with time_machine.travel(date(2026, 4, 20), tick=False):
        movement = deposits_services.deposit_return(
            actor=accountant,
            deposit_id=lease.security_deposit.pk,
            returned_on=date(2026, 4, 20),
            keys_returned_on=date(2026, 3, 31),
            inventory_matches=False,
            deductions=[(REPAIRS, "Porte d'entrée cassée", D("120.00")), (UNPAID, "Solde de mars", D("80.00"))],
        )
    assert (movement.amount, movement.refunded, movement.penalty) == (D("600.00"), D("400.00"), D("0.00"))
    # the unpaid rent, an entry of its own: D 467500 80.00 / C tenant 80.00
    payment = Payment.objects.get(pk=movement.payment_id)
    assert payment.source == "deposit" and payment.amount == D("80.00") and payment.fully_allocated
    assert _codes(payment.transaction) == sorted([("467500", D("80.00")), (tenant_account.code, D("-80.00"))])
    # the rest: D 467500 520.00 / C owner 120.00 (the door: the owner's money, not 758800) / C 580000 400.00
    assert _codes(movement.transaction) == sorted(
        [("467500", D("520.00")), (owner_account.code, D("-120.00")), (from_bank.code, D("-400.00"))]
    )
    assert _balance(mandate_deposits) == 0 and _balance(tenant_account) == 0
    assert not Line.objects.filter(account__code__in=("758800", "658100", "165000")).exists()
    assert _income(organisation_id) == D("-39.90")  # March's fee only

    with time_machine.travel(date(2026, 5, 4), tick=False):
        april, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 4, 1)
        )
    # 0.00 carried + 80.00 collected − 5.60 fee − 1.12 VAT + 120.00 retained = 193.28
    assert (april.carried, april.collected, april.fee, april.vat, april.works, april.deposits) == (
        D("0.00"),
        D("80.00"),
        D("5.60"),
        D("1.12"),
        D("0.00"),
        D("120.00"),
    )
    assert april.amount_due == D("193.28")
    lines = {line.kind: line for line in owners_queries.statement_lines(april)}
    assert lines[StatementLineKind.COLLECTED].amount == D("80.00")
    assert lines[StatementLineKind.COLLECTED].fee_rate == D("7.00")
    assert "dépôt de garantie" in lines[StatementLineKind.COLLECTED].label
    assert lines[StatementLineKind.DEPOSIT].amount == D("120.00")
    fees, vat = _org(organisation_id, AccountKind.FEES), _org(organisation_id, AccountKind.VAT_COLLECTED)
    assert _codes(april.fee_transaction) == sorted(
        [(owner_account.code, D("6.72")), (fees.code, D("-5.60")), (vat.code, D("-1.12"))]
    )
    # class 7: the two fees, 39.90 + 5.60, nothing of the owner's 120.00 nor of the 80.00 of rent
    assert _income(organisation_id) == D("-45.50")
    # the owner's account: credit 650.00 + 120.00 − 47.88 − 6.72 = 715.40, the two statements awaiting payout
    assert _balance(owner_account) == D("-715.40")
    assert march.amount_due + april.amount_due == D("715.40")
    assert owners_queries.owner_position(owner).due == 0
    assert entries_queries.ledger_sum(organisation_id) == 0


def test_a_late_return_under_a_mandate_is_charged_to_the_owner(world, accountant):
    """DOMAIN R21 test vector: rent 600.00, keys handed back 10 January 2026, check-out not matching (deadline
    10 March), deposit returned 15 April: 2 started months late, penalty 2 × 60.00 = 120.00. Under the mandate it
    is the landlord's, so the owner's: D 467500 600.00 / D owner 120.00 / C 580000 720.00; April's statement
    deducts it (−120.00) and nothing reaches 658100."""
    organisation_id = world.organisation.pk
    owner = make_owner(world.organisation, name="Paul Roux")
    lease = _mandate_lease(world, owner, start=date(2025, 12, 1))
    owner_account = entries_services.owner_account(owner)
    from_bank = _org(organisation_id, AccountKind.FROM_BANK)
    with time_machine.travel(date(2025, 12, 2), tick=False):
        deposits_services.deposit_receive(actor=accountant, lease_id=lease.pk, received_on=date(2025, 12, 2))
    lease = _end(world, lease, date(2026, 1, 10))
    with time_machine.travel(date(2026, 4, 15), tick=False):
        movement = deposits_services.deposit_return(
            actor=accountant,
            deposit_id=lease.security_deposit.pk,
            returned_on=date(2026, 4, 15),
            keys_returned_on=date(2026, 1, 10),
            inventory_matches=False,
        )
    assert (movement.deadline, movement.penalty, movement.refunded) == (date(2026, 3, 10), D("120.00"), D("600.00"))
    assert _codes(movement.transaction) == sorted(
        [("467500", D("600.00")), (owner_account.code, D("120.00")), (from_bank.code, D("-720.00"))]
    )
    assert not Line.objects.filter(account__code="658100").exists()
    with time_machine.travel(date(2026, 5, 4), tick=False):
        april, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2026, 4, 1)
        )
    assert (april.carried, april.collected, april.fee, april.deposits, april.amount_due) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("-120.00"),
        D("-120.00"),
    )
    assert _income(organisation_id) == 0
    assert entries_queries.ledger_sum(organisation_id) == 0


def test_a_buildings_provision_under_a_mandate_is_released_to_the_owners_account(world, accountant):
    """Deposit 600.00 in a building: 120.00 (20 %) kept at the return on 1 February, 480.00 refunded. The accounts,
    approved 20 April, settle 35.00 of charges (the owner's: the building's charges are the landlord's to recover);
    released 1 June, one started month after 20 May: penalty 60.00, charged to the owner; refund 85.00 + 60.00."""
    organisation_id = world.organisation.pk
    owner = make_owner(world.organisation, name="Rose Martin")
    building = Building.objects.create(
        organisation=world.organisation, name="Résidence Consolat", address="9 rue Consolat", postal_code="13001",
        city="Marseille",
    )  # fmt: skip
    lease = _mandate_lease(world, owner, start=date(2025, 6, 1), building=building)
    owner_account = entries_services.owner_account(owner)
    from_bank = _org(organisation_id, AccountKind.FROM_BANK)
    with time_machine.travel(date(2025, 6, 2), tick=False):
        deposits_services.deposit_receive(actor=accountant, lease_id=lease.pk, received_on=date(2025, 6, 2))
    lease = _end(world, lease, date(2026, 1, 10))
    deposit = lease.security_deposit
    with time_machine.travel(date(2026, 6, 1), tick=False):
        deposits_services.deposit_return(
            actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 2, 1),
            keys_returned_on=date(2026, 1, 10), inventory_matches=True, provision=D("120.00"),
        )  # fmt: skip
        released = deposits_services.deposit_provision_release(
            actor=accountant, deposit_id=deposit.pk, released_on=date(2026, 6, 1),
            accounts_approved_on=date(2026, 4, 20), charges=D("35.00"), description="Régularisation 2025",
        )  # fmt: skip
    assert (released.refunded, released.penalty) == (D("85.00"), D("60.00"))
    assert _codes(released.transaction) == sorted(
        [
            ("467500", D("120.00")),
            (owner_account.code, D("-35.00")),
            (owner_account.code, D("60.00")),
            (from_bank.code, D("-145.00")),
        ]
    )
    assert _balance(owner_account) == D("25.00")  # the owner bears 60.00 − 35.00
    assert deposits_services.held_amount(Deposit.objects.get(pk=deposit.pk)) == 0
    assert not Line.objects.filter(account__code__in=("758800", "658100", "165000")).exists()
    assert entries_queries.ledger_sum(organisation_id) == 0
