"""Security deposits on the database: received within the lease's deposit and the cap, returned once after the
move-out with the legal deadline and the late penalty (DOMAIN R19–R21), unpaid rent kept from it settling the
oldest calls, every entry balanced, refusals in French leaving nothing behind."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent
from habiter.housing.models import Building, Condition, Inspection, InspectionKind, InspectionRoom
from habiter.leases import services as lease_services
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.deposits import queries as deposits_queries
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    Account,
    AccountKind,
    DeductionReason,
    Deposit,
    DepositDeduction,
    DepositMovement,
    Line,
    Payment,
    RentCall,
    Transaction,
)
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
REPAIRS, UNPAID = DeductionReason.REPAIRS, DeductionReason.UNPAID_RENT


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _lease(manager, household, *, rent="600.00", deposit="600.00", start=date(2025, 9, 1), **kw):
    return make_signed_lease(manager, household, start=start, rent=rent, charges="40.00", deposit=D(deposit), **kw)


def _end(manager, lease, moved_out_on=date(2025, 12, 31)):
    lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=moved_out_on, moved_out_on=moved_out_on)
    return Lease.objects.get(pk=lease.pk)


def _balance(account) -> Decimal:
    return sum((line.amount for line in Line.objects.filter(account=account)), D("0.00"))


def _written():
    return (
        Transaction.objects.count(),
        DepositMovement.objects.count(),
        DepositDeduction.objects.count(),
        Payment.objects.count(),
    )


# --- receipt -------------------------------------------------------------------------------------------------------


def test_the_deposit_received_defaults_to_the_leases_and_is_held_not_rent(manager, world):
    lease = _lease(manager, world.own_household)
    call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 9, 1))
    movement = deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    assert movement.amount == D("600.00")
    lines = {line.account.kind: line.amount for line in movement.transaction.lines.select_related("account")}
    # the money waits on 511200 for its bank line: the bank account (512) moves only with the bank's lines
    assert lines == {AccountKind.TO_BANK: D("600.00"), AccountKind.DEPOSITS_HELD: D("-600.00")}
    assert entries_services.organisation_account(lease.organisation_id, AccountKind.DEPOSITS_HELD).code == "165000"
    # never allocated to rent: the call stays open and the tenant's account untouched by the deposit
    call.refresh_from_db()
    assert not call.settled and not Payment.objects.filter(lease=lease).exists()
    assert rent_queries.lease_balance(lease, date(2025, 9, 30)).balance == D("640.00")
    assert deposits_services.held_amount(Deposit.objects.get(lease=lease)) == D("600.00")
    assert AuditEvent.objects.filter(action="ledger.deposit_receive", object_id=str(movement.pk)).exists()
    assert entries_queries.ledger_sum(lease.organisation_id) == 0


def test_a_deposit_paid_in_two_parts_never_exceeds_the_leases(manager, world):
    lease = _lease(manager, world.own_household)
    deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2), amount=D("400.00")
    )
    before = _written()
    with pytest.raises(ValidationError) as error:
        deposits_services.deposit_receive(
            actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 3), amount=D("200.01")
        )
    assert "Le dépôt de garantie de ce bail est de 600.00 €" in str(error.value)
    assert "400.00 € sont déjà reçus" in str(error.value)
    assert _written() == before
    deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 3), amount=D("200.00")
    )
    assert deposits_services.held_amount(Deposit.objects.get(lease=lease)) == D("600.00")


def test_a_deposit_above_the_legal_cap_is_refused_even_if_the_lease_says_more(manager, world):
    lease = _lease(manager, world.own_household)
    Lease.objects.filter(pk=lease.pk).update(deposit=D("1200.00"))  # a lease written before the cap was checked
    with pytest.raises(ValidationError) as error:
        deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    assert "plafond légal : 600.00 €" in str(error.value)
    assert not DepositMovement.objects.exists() and not Transaction.objects.filter(source_type="deposit_receipt")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"received_on": date(2030, 1, 1)}, "ne peut pas être daté dans le futur"),
        ({"received_on": date(2025, 9, 2), "amount": D("-5")}, "Le montant doit être positif"),
        ({"received_on": date(2025, 9, 2), "amount": D("1.001")}, "au centime près"),
    ],
)
def test_a_wrong_receipt_is_refused_in_french(manager, world, kwargs, message):
    lease = _lease(manager, world.own_household)
    with pytest.raises(ValidationError) as error:
        deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, **kwargs)
    assert message in str(error.value)
    assert not DepositMovement.objects.exists()


def test_a_draft_lease_receives_no_deposit(manager, world):
    from habiter.leases.tests.factories import make_lease

    lease = make_lease(manager, world.own_household, deposit=D("500.00"))
    with pytest.raises(ValidationError, match="Seul un bail signé"):
        deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))


def test_only_ledger_users_record_deposits(world):
    lease = _lease(world.users["rental_manager"], world.own_household)
    for role in ("social_worker", "volunteer", "team_lead"):
        with pytest.raises(PermissionDenied):
            deposits_services.deposit_receive(actor=world.users[role], lease_id=lease.pk, received_on=date(2025, 9, 2))
    other = world.other_org_household
    with pytest.raises(Lease.DoesNotExist):
        deposits_services.deposit_receive(
            actor=world.users["accountant"], lease_id=_lease_of_other_org(world, other).pk, received_on=date(2025, 9, 2)
        )


def _lease_of_other_org(world, household):
    from habiter.core.models import Role
    from habiter.core.tests.factories import UserFactory

    foreign = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    return _lease(foreign, household)


# --- return: deadline and penalty (DOMAIN R20, R21) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("matches", "returned_on", "deadline", "penalty"),
    [
        # DOMAIN R21 test vector: rent 600 €, keys 2026-01-10, not conforming → 2026-03-10; returned 2026-04-15
        (False, date(2026, 4, 15), date(2026, 3, 10), D("120.00")),
        (False, date(2026, 3, 10), date(2026, 3, 10), D("0.00")),
        (False, date(2026, 3, 11), date(2026, 3, 10), D("60.00")),
        (False, date(2026, 4, 10), date(2026, 3, 10), D("60.00")),
        (False, date(2026, 4, 11), date(2026, 3, 10), D("120.00")),
        # conforming check-out: one month (R20)
        (True, date(2026, 2, 10), date(2026, 2, 10), D("0.00")),
        (True, date(2026, 2, 11), date(2026, 2, 10), D("60.00")),
        (True, date(2026, 4, 15), date(2026, 2, 10), D("180.00")),
    ],
)
def test_the_return_deadline_and_late_penalty(manager, world, matches, returned_on, deadline, penalty):
    lease = _lease(manager, world.own_household, start=date(2025, 6, 1))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 6, 2))
    lease = _end(manager, lease, date(2026, 1, 10))
    deposit = Deposit.objects.get(lease=lease)
    movement = deposits_services.deposit_return(
        actor=manager,
        deposit_id=deposit.pk,
        returned_on=returned_on,
        keys_returned_on=date(2026, 1, 10),
        inventory_matches=matches,
    )
    assert (movement.deadline, movement.penalty, movement.refunded) == (deadline, penalty, D("600.00"))
    lines = {line.account.kind: line.amount for line in movement.transaction.lines.select_related("account")}
    expected = {AccountKind.DEPOSITS_HELD: D("600.00"), AccountKind.FROM_BANK: -(D("600.00") + penalty)}
    if penalty:
        expected[AccountKind.DEPOSIT_PENALTIES] = penalty
    assert lines == expected
    assert _balance(entries_services.organisation_account(lease.organisation_id, AccountKind.DEPOSITS_HELD)) == 0
    assert entries_queries.ledger_sum(lease.organisation_id) == 0
    assert AuditEvent.objects.filter(action="ledger.deposit_return", object_id=str(movement.pk)).exists()


def test_unpaid_rent_kept_from_the_deposit_settles_the_oldest_calls(manager, world):
    lease = _lease(manager, world.own_household)
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    calls = [
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))[0]
        for month in (9, 10, 11)
    ]
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("640.00"), received_on=date(2025, 9, 5), source="tenant"
    )
    lease = _end(manager, lease, date(2025, 11, 30))
    movement = deposits_services.deposit_return(
        actor=manager,
        deposit_id=lease.security_deposit.pk,
        returned_on=date(2025, 12, 20),
        keys_returned_on=date(2025, 11, 30),
        inventory_matches=False,
        deductions=[
            (UNPAID, "Loyer d'octobre", D("400.00")),
            (REPAIRS, "Porte de placard cassée", D("80.00")),
        ],
    )
    assert (movement.amount, movement.refunded, movement.penalty) == (D("600.00"), D("120.00"), D("0.00"))
    payment = Payment.objects.get(pk=movement.payment_id)
    assert payment.source == "deposit" and payment.amount == D("400.00") and payment.fully_allocated
    for call in calls:
        call.refresh_from_db()
    # October is the oldest open call: it takes the 400 € first, fully settles only when covered
    assert [c.settled for c in calls] == [True, False, False]
    assert [(a.rent_call_id, a.amount) for a in payment.allocations.all()] == [(calls[1].pk, D("400.00"))]
    lines = {line.account.kind: line.amount for line in movement.transaction.lines.select_related("account")}
    assert lines == {
        AccountKind.DEPOSITS_HELD: D("600.00"),
        AccountKind.TENANT: D("-400.00"),
        AccountKind.DEPOSIT_RETENTIONS: D("-80.00"),
        AccountKind.FROM_BANK: D("-120.00"),  # the refund waits on 580000 for its bank line
    }
    assert rent_queries.lease_balance(lease, date(2025, 12, 31)).balance == D("880.00")
    assert rent_queries.lease_balance(lease, date(2025, 12, 31)).paid == D("1040.00")
    assert [d.description for d in movement.deductions.all()] == ["Loyer d'octobre", "Porte de placard cassée"]
    assert entries_queries.ledger_sum(lease.organisation_id) == 0


def test_no_penalty_when_nothing_is_left_to_return(manager, world):
    lease = _lease(manager, world.own_household)
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    lease = _end(manager, lease, date(2025, 10, 31))
    movement = deposits_services.deposit_return(
        actor=manager,
        deposit_id=lease.security_deposit.pk,
        returned_on=date(2026, 6, 1),
        keys_returned_on=date(2025, 10, 31),
        inventory_matches=False,
        deductions=[(REPAIRS, "Remise en peinture", D("600.00"))],
    )
    assert (movement.refunded, movement.penalty) == (D("0.00"), D("0.00"))
    assert entries_queries.ledger_sum(lease.organisation_id) == 0


@pytest.fixture
def ended(manager, world):
    lease = _lease(manager, world.own_household)
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 9, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("300.00"), received_on=date(2025, 9, 5), source="tenant"
    )
    return _end(manager, lease, date(2025, 10, 31))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deductions": [(REPAIRS, "Travaux", D("600.01"))]}, "dépassent le dépôt détenu (600.00 €)"),
        ({"deductions": [(UNPAID, "Septembre", D("340.01"))]}, "dépasse ce que doit le locataire (340.00 €)"),
        ({"deductions": [(REPAIRS, "   ", D("10.00"))]}, "Chaque retenue se justifie"),
        ({"deductions": [("gift", "Cadeau", D("10.00"))]}, "Motif de retenue inconnu"),
        ({"deductions": [(REPAIRS, "Vitre", D("0"))]}, "Le montant doit être positif"),
        ({"returned_on": date(2025, 10, 30)}, "ne peut pas précéder le départ"),
        ({"returned_on": date(2030, 1, 1)}, "ne peut pas être daté dans le futur"),
        ({"keys_returned_on": date(2025, 12, 1)}, "avant la restitution"),
    ],
)
def test_a_wrong_return_is_refused_in_french_and_nothing_is_saved(manager, ended, kwargs, message):
    before = _written()
    arguments = {
        "returned_on": date(2025, 11, 20),
        "keys_returned_on": date(2025, 10, 31),
        "inventory_matches": True,
    } | kwargs
    with pytest.raises(ValidationError) as error:
        deposits_services.deposit_return(actor=manager, deposit_id=ended.security_deposit.pk, **arguments)
    assert message in str(error.value)
    assert _written() == before
    assert Deposit.objects.get(lease=ended).returned_on is None
    assert not RentCall.objects.filter(lease=ended, settled=True).exists()


def test_a_deposit_is_returned_once_and_only_after_the_move_out(manager, world, ended):
    arguments = {"returned_on": date(2025, 11, 20), "keys_returned_on": date(2025, 10, 31), "inventory_matches": True}
    deposits_services.deposit_return(actor=manager, deposit_id=ended.security_deposit.pk, **arguments)
    with pytest.raises(ValidationError, match="déjà restitué"):
        deposits_services.deposit_return(actor=manager, deposit_id=ended.security_deposit.pk, **arguments)
    with pytest.raises(ValidationError, match="déjà restitué"):
        deposits_services.deposit_receive(
            actor=manager, lease_id=ended.pk, received_on=date(2025, 11, 21), amount=D("1")
        )
    running = _lease(manager, world.other_team_household)
    deposits_services.deposit_receive(actor=manager, lease_id=running.pk, received_on=date(2025, 9, 2))
    with pytest.raises(ValidationError, match="n'est pas parti"):
        deposits_services.deposit_return(actor=manager, deposit_id=running.security_deposit.pk, **arguments)
    assert DepositMovement.objects.filter(kind="returned").count() == 1


def test_deposit_entries_are_not_reversed_by_hand(manager, ended):
    receipt = DepositMovement.objects.get(deposit__lease=ended)
    with pytest.raises(ValidationError, match="ne se contre-passe pas"):
        entries_services.transaction_reverse(actor=manager, transaction_id=receipt.transaction_id, on=date(2025, 11, 1))
    assert not Transaction.objects.filter(reversal_of=receipt.transaction).exists()


def test_a_social_worker_cannot_return_a_deposit(world, ended):
    with pytest.raises(PermissionDenied):
        deposits_services.deposit_return(
            actor=world.users["social_worker"],
            deposit_id=ended.security_deposit.pk,
            returned_on=date(2025, 11, 20),
            keys_returned_on=date(2025, 10, 31),
            inventory_matches=True,
        )
    assert not Account.objects.filter(kind=AccountKind.DEPOSIT_PENALTIES).exists()


# --- what the inspections say ------------------------------------------------------------------------------------


def _inspection(manager, lease, kind, done_on, rooms, **kw):
    inspection = Inspection.objects.create(
        organisation_id=lease.organisation_id,
        dwelling=lease.dwelling,
        household=lease.household,
        kind=kind,
        done_on=done_on,
        inspector=manager,
        **kw,
    )
    for position, (name, condition) in enumerate(rooms.items()):
        InspectionRoom.objects.create(
            organisation_id=lease.organisation_id,
            inspection=inspection,
            position=position,
            name=name,
            condition=condition,
        )
    return inspection


@pytest.mark.parametrize(
    ("after", "matches", "deadline"),
    [
        ({"Séjour": Condition.GOOD, "Cuisine": Condition.FAIR}, True, date(2025, 12, 3)),
        ({"Séjour": Condition.POOR, "Cuisine": Condition.FAIR}, False, date(2026, 1, 3)),
    ],
)
def test_the_facts_come_from_the_check_out_compared_with_the_check_in(manager, world, after, matches, deadline):
    lease = _lease(manager, world.own_household)
    _inspection(manager, lease, InspectionKind.CHECK_IN, date(2025, 9, 1), {"Séjour": "good", "Cuisine": "fair"})
    _inspection(manager, lease, InspectionKind.CHECK_OUT, date(2025, 11, 2), after, keys_returned_on=date(2025, 11, 3))
    lease = _end(manager, lease, date(2025, 11, 2))
    facts = deposits_queries.return_facts([lease])[lease.pk]
    assert (facts.keys_returned_on, facts.inventory_matches) == (date(2025, 11, 3), matches)
    assert facts.deadline(lease, None) == deadline


def test_without_inspection_the_move_out_and_the_longer_deadline(manager, world):
    lease = _end(manager, _lease(manager, world.own_household), date(2025, 11, 2))
    facts = deposits_queries.return_facts([lease])[lease.pk]
    assert (facts.keys_returned_on, facts.inventory_matches, facts.check_out) == (date(2025, 11, 2), False, None)
    assert facts.deadline(lease, None) == date(2026, 1, 2)


# --- demo ----------------------------------------------------------------------------------------------------------


def test_the_demo_receives_deposits_returns_an_ended_leases_and_runs_once(manager, world):
    from habiter.ledger.demo import seed_deposits

    running = _lease(manager, world.own_household)
    ended = _end(manager, _lease(manager, world.other_team_household), date(2026, 1, 10))
    _lease(manager, world.own_household, deposit="0.00")
    seed_deposits(world.organisation, manager, date(2026, 11, 20))
    seed_deposits(world.organisation, manager, date(2026, 11, 20))
    assert deposits_services.held_amount(Deposit.objects.get(lease=running)) == D("600.00")
    returned = DepositMovement.objects.get(kind="returned")
    assert returned.deposit.lease_id == ended.pk and returned.booked_on == date(2026, 1, 30)
    assert DepositMovement.objects.count() == 3 and Deposit.objects.count() == 2
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


# --- R21: no penalty when the tenant gave no new address; R20: the provision of a building --------------------------


def test_no_penalty_when_the_delay_comes_from_a_missing_new_address(manager, world):
    lease = _lease(manager, world.own_household, start=date(2025, 6, 1))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 6, 2))
    lease = _end(manager, lease, date(2026, 1, 10))
    movement = deposits_services.deposit_return(
        actor=manager,
        deposit_id=lease.security_deposit.pk,
        returned_on=date(2026, 4, 15),
        keys_returned_on=date(2026, 1, 10),
        inventory_matches=False,
        no_new_address=True,
    )
    assert (movement.penalty, movement.refunded, movement.no_new_address) == (D("0.00"), D("600.00"), True)


def _building_lease(manager, world):
    building = Building.objects.create(
        organisation=world.organisation, name="Résidence Consolat", address="9 rue Consolat", postal_code="13001",
        city="Marseille",
    )  # fmt: skip
    dwelling = make_dwelling(world.organisation, building=building)
    lease = _lease(manager, world.own_household, start=date(2025, 6, 1), dwelling=dwelling)
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 6, 2))
    return _end(manager, lease, date(2026, 1, 10))


def test_a_buildings_provision_is_kept_then_returned_after_the_accounts(manager, world):
    lease = _building_lease(manager, world)
    deposit = lease.security_deposit
    held = entries_services.organisation_account(lease.organisation_id, AccountKind.DEPOSITS_HELD)
    with pytest.raises(ValidationError, match="120.00 €"):  # 20 % of 600 €
        deposits_services.deposit_return(
            actor=manager, deposit_id=deposit.pk, returned_on=date(2026, 2, 1), keys_returned_on=date(2026, 1, 10),
            inventory_matches=True, provision=D("120.01"),
        )  # fmt: skip
    movement = deposits_services.deposit_return(
        actor=manager, deposit_id=deposit.pk, returned_on=date(2026, 2, 1), keys_returned_on=date(2026, 1, 10),
        inventory_matches=True, provision=D("120.00"),
    )  # fmt: skip
    assert (movement.amount, movement.refunded, movement.provision) == (D("480.00"), D("480.00"), D("120.00"))
    assert _balance(held) == D("-120.00")  # still held for the tenant
    assert deposits_services.held_amount(Deposit.objects.get(pk=deposit.pk)) == D("120.00")
    with pytest.raises(ValidationError, match="Justification|justifie"):
        deposits_services.deposit_provision_release(
            actor=manager, deposit_id=deposit.pk, released_on=date(2026, 6, 1),
            accounts_approved_on=date(2026, 4, 20), charges=D("35.00"),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="dépasse la provision"):
        deposits_services.deposit_provision_release(
            actor=manager, deposit_id=deposit.pk, released_on=date(2026, 6, 1),
            accounts_approved_on=date(2026, 4, 20), charges=D("120.01"), description="Régularisation 2025",
        )  # fmt: skip
    released = deposits_services.deposit_provision_release(
        actor=manager, deposit_id=deposit.pk, released_on=date(2026, 6, 1), accounts_approved_on=date(2026, 4, 20),
        charges=D("35.00"), description="Régularisation des charges 2025",
    )  # fmt: skip
    # due within a month of the approval (20 May): returned 1 June, one started month late → 10 % of 600 €
    assert (released.deadline, released.refunded, released.penalty) == (date(2026, 5, 20), D("85.00"), D("60.00"))
    assert _balance(held) == 0 and entries_queries.ledger_sum(lease.organisation_id) == 0
    assert AuditEvent.objects.filter(action="ledger.deposit_provision_release").count() == 1
    with pytest.raises(ValidationError, match="Aucune provision"):
        deposits_services.deposit_provision_release(
            actor=manager, deposit_id=deposit.pk, released_on=date(2026, 6, 2), accounts_approved_on=date(2026, 4, 20)
        )


def test_no_provision_outside_a_building(manager, world):
    lease = _lease(manager, world.own_household, start=date(2025, 6, 1))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 6, 2))
    lease = _end(manager, lease, date(2026, 1, 10))
    before = _written()
    with pytest.raises(ValidationError, match="immeuble collectif"):
        deposits_services.deposit_return(
            actor=manager, deposit_id=lease.security_deposit.pk, returned_on=date(2026, 2, 1),
            keys_returned_on=date(2026, 1, 10), inventory_matches=True, provision=D("50.00"),
        )  # fmt: skip
    assert _written() == before
    with pytest.raises(ValidationError, match="pas encore restitué"):
        deposits_services.deposit_provision_release(
            actor=manager, deposit_id=lease.security_deposit.pk, released_on=date(2026, 2, 2),
            accounts_approved_on=date(2026, 2, 1),
        )  # fmt: skip


def test_a_receipt_recorded_by_mistake_is_cancelled_by_a_reversal_before_the_return(manager, world):
    lease = _lease(manager, world.own_household)
    wrong = deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2), amount=D("60.00")
    )
    held = entries_services.organisation_account(lease.organisation_id, AccountKind.DEPOSITS_HELD)
    cancel = deposits_services.deposit_receipt_cancel(actor=manager, movement_id=wrong.pk, on=date(2025, 9, 3))
    assert cancel.transaction.reversal_of_id == wrong.transaction_id and _balance(held) == 0
    assert deposits_services.held_amount(Deposit.objects.get(lease=lease)) == 0
    assert Transaction.objects.filter(pk=wrong.transaction_id).exists()  # the original stays, reversed
    with pytest.raises(ValidationError, match="déjà annulé"):
        deposits_services.deposit_receipt_cancel(actor=manager, movement_id=wrong.pk, on=date(2025, 9, 4))
    deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 4)
    )  # the right amount
    assert deposits_services.held_amount(Deposit.objects.get(lease=lease)) == D("600.00")
    assert entries_queries.ledger_sum(lease.organisation_id) == 0
    assert AuditEvent.objects.filter(action="ledger.deposit_receipt_cancel").count() == 1
    with pytest.raises(PermissionDenied):
        deposits_services.deposit_receipt_cancel(
            actor=world.users["social_worker"], movement_id=wrong.pk, on=date(2025, 9, 4)
        )


def test_a_receipt_is_no_longer_cancelled_once_the_deposit_is_returned(manager, ended):
    receipt = DepositMovement.objects.get(deposit__lease=ended, kind="received")
    deposits_services.deposit_return(
        actor=manager, deposit_id=receipt.deposit_id, returned_on=date(2025, 11, 5),
        keys_returned_on=date(2025, 10, 31), inventory_matches=True,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ne s'annulent plus"):
        deposits_services.deposit_receipt_cancel(actor=manager, movement_id=receipt.pk, on=date(2025, 11, 6))
