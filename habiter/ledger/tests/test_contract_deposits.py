"""The deposit of a residence contract through the ledger (decision record 0037, DOMAIN-2 W6): received while the
contract is in force on 165000, returned once after the exit less the unpaid redevance kept from it (which settles
the oldest calls), a receipt recorded by mistake cancelled by a reversal; every entry balanced and never changed,
closed months and other roles refused, in French, saving nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.leases import services as lease_services
from habiter.ledger.deposits import contracts, queries
from habiter.ledger.deposits import services as deposit_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    Account,
    AccountKind,
    AppendOnly,
    DeductionReason,
    Deposit,
    DepositDeduction,
    DepositMovement,
    Line,
    RedevanceCall,
    RedevancePayment,
    Transaction,
)
from habiter.ledger.redevance import queries as redevance_queries
from habiter.ledger.redevance import services as redevance_services
from habiter.residences import services as residence_services
from habiter.residences.models import ResidenceContract
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal
UNPAID = DeductionReason.UNPAID_REDEVANCE


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


@pytest.fixture
def director(world):
    return world.users["director"]


def make_contract(director, world, *, deposit="150.00", label="3", start=date(2026, 2, 1), keeps_unpaid=True):
    """A resident's contract from 1 February 2026 in a residence asking 150.00 € of deposit, returned within 15 days
    of the exit, the unpaid redevance kept from it (unless `keeps_unpaid` is False), with a redevance of 350.00 € +
    50.00 € of charges a month."""
    with time_machine.travel(start, tick=False):
        residence = make_residence(
            director,
            f"Résidence {label}",
            hosts=[world.users["host"]],
            deposit_amount=D(deposit),
            deposit_keeps_unpaid=keeps_unpaid,
            deposit_return_days=15,
        )
        make_house_rules(director, residence, date(2025, 1, 6))
        place = make_place(director, residence, label)
        contract = make_active_contract(director, place, world.own_household.members.first(), start, start)
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=start,
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": D("350.00")},
                {"kind": "charges", "label": "", "amount": D("50.00")},
            ],
        )
    return contract


@pytest.fixture
def contract(director, world):
    return make_contract(director, world)


def _receive(actor, contract, on=date(2026, 2, 1), **kw):
    with time_machine.travel(on, tick=False):
        return contracts.contract_deposit_receive(actor=actor, contract_id=contract.pk, received_on=on, **kw)


def _leave(director, contract, on=date(2026, 9, 30)):
    with time_machine.travel(on, tick=False):
        residence_services.contract_exit(
            actor=director, contract_id=contract.pk, left_on=on, exit_destination="social_housing"
        )


def _september_unpaid_40(accountant, contract):
    """September 2026 called in full (350.00 + 50.00 = 400.00), 360.00 paid by the resident: 40.00 still owed."""
    with time_machine.travel(date(2026, 9, 30), tick=False):
        call, _created = redevance_services.redevance_call_issue(
            actor=accountant, contract_id=contract.pk, period=date(2026, 9, 1)
        )
        redevance_services.redevance_payment_record(
            actor=accountant,
            contract_id=contract.pk,
            amount=D("360.00"),
            received_on=date(2026, 9, 5),
            source="resident",
        )
    return call


def _return(actor, deposit, on=date(2026, 10, 2), deductions=()):
    with time_machine.travel(on, tick=False):
        return contracts.contract_deposit_return(
            actor=actor, deposit_id=deposit.pk, returned_on=on, deductions=list(deductions)
        )


def _balance(account) -> Decimal:
    return sum((line.amount for line in Line.objects.filter(account=account)), D("0.00"))


def _lines(entry) -> dict:
    return {line.account.code[:3] if line.account.kind == AccountKind.RESIDENT else line.account.code: line.amount
            for line in entry.lines.select_related("account")}  # fmt: skip


def _written():
    return (
        Transaction.objects.count(),
        DepositMovement.objects.count(),
        DepositDeduction.objects.count(),
        RedevancePayment.objects.count(),
        Deposit.objects.filter(returned_on__isnull=False).count(),
    )


def _refused(message, action):
    before = _written()
    with pytest.raises(ValidationError) as error:
        action()
    assert message in str(error.value)
    assert _written() == before


# --- the worked example --------------------------------------------------------------------------------------


def test_150_received_40_of_redevance_kept_at_the_exit_and_110_returned(accountant, director, world, contract):
    receipt = _receive(accountant, contract)
    # the whole deposit of the contract by default, waiting on 511200 for its bank line, held on 165000
    assert receipt.amount == D("150.00")
    assert _lines(receipt.transaction) == {"511200": D("150.00"), "165000": D("-150.00")}
    assert receipt.transaction.source_type == "deposit_receipt"
    held_account = Account.objects.get(organisation=world.organisation, code="165000")
    assert held_account.kind == AccountKind.DEPOSITS_HELD
    assert _balance(held_account) == D("-150.00")  # a liability: the resident's money
    deposit = Deposit.objects.get(residence_contract=contract)
    assert deposit.lease_id is None and deposit_services.held_amount(deposit) == D("150.00")
    # never income nor redevance: the resident's account is untouched
    assert not Account.objects.filter(residence_contract=contract).exists()
    assert AuditEvent.objects.filter(action="ledger.deposit_receive", object_id=str(receipt.pk)).exists()

    call = _september_unpaid_40(accountant, contract)
    assert call.total == D("400.00")
    _leave(director, contract)
    movement = _return(accountant, deposit, deductions=[(UNPAID, "Redevance de septembre 2026", D("40.00"))])

    assert (movement.kind, movement.amount, movement.refunded, movement.penalty) == (
        "returned",
        D("150.00"),
        D("110.00"),
        D("0.00"),
    )
    assert movement.deadline is None and movement.keys_returned_on is None  # loi 89's deadline does not apply
    # two balanced entries: 40.00 from 165000 to the resident's 411, then 110.00 from 165000 to 580000
    kept = movement.redevance_payment.transaction
    assert _lines(kept) == {"165000": D("40.00"), "411": D("-40.00")}
    assert _lines(movement.transaction) == {"165000": D("110.00"), "580000": D("-110.00")}
    assert kept.booked_on == movement.transaction.booked_on == date(2026, 10, 2)
    # −150.00 + 40.00 + 110.00: nothing held any more
    assert _balance(held_account) == D("0.00")
    resident = Account.objects.get(residence_contract=contract)
    assert _balance(resident) == D("0.00")  # 400.00 called − 360.00 paid − 40.00 kept
    payment = movement.redevance_payment
    assert (payment.source, payment.amount, payment.received_on) == ("deposit", D("40.00"), date(2026, 10, 2))
    call.refresh_from_db()
    assert call.settled
    assert redevance_queries.contract_balance(contract, date(2026, 10, 2)).overdue == D("0.00")
    assert [(d.reason, d.amount) for d in movement.deductions.all()] == [(UNPAID, D("40.00"))]
    deposit.refresh_from_db()
    assert deposit.returned_on == date(2026, 10, 2)
    summary = queries.contract_deposit(contract)
    assert summary.held == D("0.00") and summary.returned and not summary.may_return and not summary.may_receive
    assert AuditEvent.objects.filter(action="ledger.deposit_return", object_id=str(movement.pk)).exists()
    assert entries_queries.ledger_sum(contract.organisation_id) == 0


def test_without_deduction_the_whole_deposit_is_refunded_in_one_entry(accountant, director, world, contract):
    _receive(accountant, contract)
    _leave(director, contract)
    movement = _return(accountant, Deposit.objects.get(residence_contract=contract))
    assert movement.refunded == D("150.00") and movement.redevance_payment is None
    assert _lines(movement.transaction) == {"165000": D("150.00"), "580000": D("-150.00")}
    assert Transaction.objects.filter(source_type="deposit_return").count() == 1


def test_repairs_go_to_retentions_and_a_deposit_kept_whole_refunds_nothing(accountant, director, world, contract):
    _receive(accountant, contract)
    _september_unpaid_40(accountant, contract)
    _leave(director, contract)
    movement = _return(
        accountant,
        Deposit.objects.get(residence_contract=contract),
        deductions=[(UNPAID, "Septembre", D("40.00")), (DeductionReason.REPAIRS, "Porte du placard", D("110.00"))],
    )
    # 150.00 − 40.00 − 110.00 = 0.00 refunded: nothing waits on 580000
    assert movement.refunded == D("0.00")
    assert _lines(movement.transaction) == {"165000": D("110.00"), "758800": D("-110.00")}


def test_a_deposit_paid_in_two_parts_never_exceeds_the_contracts(accountant, contract):
    _receive(accountant, contract, amount=D("100.00"))
    _refused(
        "Le dépôt de garantie de ce contrat est de 150.00 € ; 100.00 € sont déjà reçus.",
        lambda: _receive(accountant, contract, on=date(2026, 2, 3), amount=D("50.01")),
    )
    _receive(accountant, contract, on=date(2026, 2, 3), amount=D("50.00"))
    assert queries.contract_deposit(contract).held == D("150.00")
    _refused("déjà reçu (150.00 €)", lambda: _receive(accountant, contract, on=date(2026, 2, 4)))


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"received_on": date(2026, 2, 2)}, "ne peut pas être daté dans le futur"),
        ({"received_on": date(2026, 2, 1), "amount": D("-5")}, "Le montant doit être positif"),
        ({"received_on": date(2026, 2, 1), "amount": D("1.001")}, "au centime près"),
    ],
)
def test_a_wrong_receipt_is_refused_in_french(accountant, contract, kwargs, message):
    with time_machine.travel(date(2026, 2, 1), tick=False):
        _refused(
            message, lambda: contracts.contract_deposit_receive(actor=accountant, contract_id=contract.pk, **kwargs)
        )


def test_a_contract_not_in_force_receives_no_deposit(accountant, director, world, contract):
    with time_machine.travel(date(2026, 2, 1), tick=False):
        residence = make_residence(director, "Les Tilleuls", deposit_amount=D("150.00"))
        make_house_rules(director, residence, date(2025, 1, 6))
        to_sign = residence_services.contract_create(
            actor=director,
            place_id=make_place(director, residence, "7").pk,
            resident_id=world.own_household.members.first().pk,
            starts_on=date(2026, 2, 1),
        )
    _refused("Seul un contrat de résidence en vigueur", lambda: _receive(accountant, to_sign))
    _leave(director, contract)
    _refused("Seul un contrat de résidence en vigueur", lambda: _receive(accountant, contract, on=date(2026, 10, 1)))


def test_a_contract_without_deposit_receives_none(accountant, director, world):
    free = make_contract(director, world, deposit="0.00", label="9")
    _refused("ne prévoit pas de dépôt de garantie", lambda: _receive(accountant, free))


def test_the_return_waits_for_the_exit_and_never_precedes_it(accountant, director, contract):
    _receive(accountant, contract)
    deposit = Deposit.objects.get(residence_contract=contract)
    _refused("Le résident n'est pas sorti", lambda: _return(accountant, deposit, on=date(2026, 9, 1)))
    _leave(director, contract)
    with time_machine.travel(date(2026, 10, 2), tick=False):
        _refused(
            "ne peut pas précéder la sortie du résident",
            lambda: contracts.contract_deposit_return(
                actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 9, 29)
            ),
        )


def test_unpaid_redevance_above_the_debt_or_deductions_above_the_deposit_are_refused(accountant, director, contract):
    _receive(accountant, contract)
    _september_unpaid_40(accountant, contract)
    _leave(director, contract)
    deposit = Deposit.objects.get(residence_contract=contract)
    _refused(
        "La retenue pour redevances impayées (40.01 €) dépasse ce que doit le résident (40.00 €).",
        lambda: _return(accountant, deposit, deductions=[(UNPAID, "Septembre", D("40.01"))]),
    )
    _refused(
        "Les retenues (150.01 €) dépassent le dépôt détenu (150.00 €).",
        lambda: _return(
            accountant,
            deposit,
            deductions=[(UNPAID, "Septembre", D("40.00")), (DeductionReason.REPAIRS, "Vitre", D("110.01"))],
        ),
    )
    # a residence contract has no rent, and a deduction says what it is for
    _refused(
        "Motif de retenue inconnu.",
        lambda: _return(accountant, deposit, deductions=[(DeductionReason.UNPAID_RENT, "Loyer", D("40.00"))]),
    )
    _refused("Chaque retenue se justifie", lambda: _return(accountant, deposit, deductions=[(UNPAID, " ", D("1"))]))
    _return(accountant, deposit, deductions=[(UNPAID, "Septembre", D("40.00"))])
    _refused("Ce dépôt de garantie est déjà restitué.", lambda: _return(accountant, deposit, on=date(2026, 10, 3)))
    _refused("Seul un contrat de résidence en vigueur", lambda: _receive(accountant, contract, on=date(2026, 10, 3)))


def test_unpaid_redevance_is_kept_only_where_the_contract_says_so(accountant, director, world):
    """W6: the residence's policy, copied on the contract, says whether the unpaid redevance may be kept from the
    deposit; where it may not, the deduction is refused and nothing is written, and the deposit is returned whole."""
    contract = make_contract(director, world, label="8", keeps_unpaid=False)
    assert not contract.deposit_keeps_unpaid and contract.deposit_return_days == 15
    deposit = _receive(accountant, contract).deposit
    _september_unpaid_40(accountant, contract)
    _leave(director, contract)
    contract.refresh_from_db()
    assert contract.deposit_return_by == date(2026, 10, 15)  # 30 September + 15 days
    with time_machine.travel(date(2026, 10, 2), tick=False):
        _refused(
            "Le contrat de ce résident ne prévoit pas de retenir les redevances impayées sur le dépôt de garantie : "
            "elles se recouvrent autrement.",
            lambda: contracts.contract_deposit_return(
                actor=accountant,
                deposit_id=deposit.pk,
                returned_on=date(2026, 10, 2),
                deductions=[("unpaid_redevance", "Septembre", D("40.00"))],
            ),
        )
        assert not DepositMovement.objects.filter(deposit=deposit, kind="returned").exists()
        movement = contracts.contract_deposit_return(
            actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 10, 2)
        )
    assert movement.amount == D("150.00") and movement.refunded == D("150.00")


def test_a_lease_deposit_keeps_no_redevance_and_each_service_handles_its_own_deposits(
    accountant, director, world, contract
):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 9, 1), rent="600.00", deposit=D("600.00"))
    deposit_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    lease_services.lease_end(
        actor=manager, lease_id=lease.pk, end_date=date(2026, 1, 10), moved_out_on=date(2026, 1, 10)
    )
    lease_deposit = Deposit.objects.get(lease=lease)
    with pytest.raises(ValidationError, match="Motif de retenue inconnu"):
        deposit_services.deposit_return(
            actor=manager,
            deposit_id=lease_deposit.pk,
            returned_on=date(2026, 1, 20),
            keys_returned_on=date(2026, 1, 10),
            inventory_matches=True,
            deductions=[(UNPAID, "Redevance", D("10.00"))],
        )
    _receive(accountant, contract)
    _leave(director, contract)
    contract_deposit = Deposit.objects.get(residence_contract=contract)
    with pytest.raises(Deposit.DoesNotExist):
        _return(accountant, lease_deposit)
    with pytest.raises(Deposit.DoesNotExist):
        deposit_services.deposit_return(
            actor=accountant,
            deposit_id=contract_deposit.pk,
            returned_on=date(2026, 10, 2),
            keys_returned_on=date(2026, 9, 30),
            inventory_matches=True,
        )
    assert not DepositMovement.objects.filter(kind="returned").exists()


def test_a_deposit_is_of_a_lease_or_of_a_contract_never_both_nor_none(accountant, world, contract):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Deposit.objects.create(organisation=world.organisation)
    lease = make_signed_lease(world.users["rental_manager"], world.own_household, start=date(2025, 9, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        Deposit.objects.create(organisation=world.organisation, lease=lease, residence_contract=contract)


# --- a correction is a reversal ------------------------------------------------------------------------------


def test_a_receipt_recorded_by_mistake_is_cancelled_by_a_reversal_then_recorded_again(accountant, contract):
    wrong = _receive(accountant, contract, amount=D("15.00"))
    with time_machine.travel(date(2026, 2, 5), tick=False):
        cancel = deposit_services.deposit_receipt_cancel(actor=accountant, movement_id=wrong.pk, on=date(2026, 2, 5))
        with pytest.raises(ValidationError, match="Ce reçu est déjà annulé."):
            deposit_services.deposit_receipt_cancel(actor=accountant, movement_id=wrong.pk, on=date(2026, 2, 5))
    assert cancel.kind == "cancelled" and cancel.amount == D("15.00")
    assert cancel.transaction.reversal_of_id == wrong.transaction_id
    assert _lines(cancel.transaction) == {"511200": D("-15.00"), "165000": D("15.00")}
    # the original stays as recorded
    wrong.transaction.refresh_from_db()
    assert _lines(wrong.transaction) == {"511200": D("15.00"), "165000": D("-15.00")}
    assert queries.contract_deposit(contract).held == D("0.00")
    assert AuditEvent.objects.filter(
        action="ledger.deposit_receipt_cancel", object_id=str(cancel.pk), household_id=contract.household_id
    ).exists()
    _receive(accountant, contract, on=date(2026, 2, 5))
    assert queries.contract_deposit(contract).held == D("150.00")


def test_the_deposit_entries_are_balanced_never_changed_nor_reversed_by_hand(accountant, director, contract):
    _receive(accountant, contract)
    _september_unpaid_40(accountant, contract)
    _leave(director, contract)
    movement = _return(
        accountant, Deposit.objects.get(residence_contract=contract), deductions=[(UNPAID, "Sept.", D("40"))]
    )
    deposit_entries = Transaction.objects.filter(source_type__in=("deposit_receipt", "deposit_return"))
    assert deposit_entries.count() == 3
    for entry in deposit_entries:
        assert sum((line.amount for line in entry.lines.all()), D("0.00")) == 0
    with pytest.raises(AppendOnly):
        movement.transaction.save()
    with pytest.raises(AppendOnly):
        Line.objects.filter(transaction=movement.transaction).update(amount=D("1.00"))
    with pytest.raises(AppendOnly):
        movement.transaction.delete()
    with time_machine.travel(date(2026, 10, 3), tick=False):
        for entry in deposit_entries:
            with pytest.raises(ValidationError, match="ne se contre-passe pas"):
                entries_services.transaction_reverse(actor=accountant, transaction_id=entry.pk, on=date(2026, 10, 3))
        with pytest.raises(ValidationError, match="ses reçus ne s'annulent plus"):
            deposit_services.deposit_receipt_cancel(
                actor=accountant,
                movement_id=DepositMovement.objects.get(kind="received").pk,
                on=date(2026, 10, 3),
            )
    assert RedevanceCall.objects.get(contract=contract).settled


# --- closed months -------------------------------------------------------------------------------------------


def _close_up_to(accountant, month):
    while earlier := entries_services.earliest_open_month_before(accountant.organisation_id, month):
        entries_services.period_close(actor=accountant, month=earlier)
    entries_services.period_close(actor=accountant, month=month)


@time_machine.travel(date(2026, 4, 20), tick=False)
def test_receipt_cancel_and_return_are_refused_in_a_closed_month(accountant, director, contract):
    receipt = contracts.contract_deposit_receive(
        actor=accountant, contract_id=contract.pk, received_on=date(2026, 2, 2), amount=D("100.00")
    )
    _close_up_to(accountant, date(2026, 2, 1))
    closed = "Le mois de 02/2026 est clôturé"
    _refused(
        closed,
        lambda: contracts.contract_deposit_receive(
            actor=accountant, contract_id=contract.pk, received_on=date(2026, 2, 27), amount=D("50.00")
        ),
    )
    _refused(
        closed,
        lambda: deposit_services.deposit_receipt_cancel(actor=accountant, movement_id=receipt.pk, on=date(2026, 2, 27)),
    )
    contracts.contract_deposit_receive(
        actor=accountant, contract_id=contract.pk, received_on=date(2026, 3, 2), amount=D("50.00")
    )
    residence_services.contract_exit(
        actor=director, contract_id=contract.pk, left_on=date(2026, 3, 31), exit_destination="family"
    )
    _close_up_to(accountant, date(2026, 3, 1))
    deposit = Deposit.objects.get(residence_contract=contract)
    _refused(
        "Le mois de 03/2026 est clôturé",
        lambda: contracts.contract_deposit_return(
            actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 3, 31)
        ),
    )
    movement = contracts.contract_deposit_return(actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 4, 2))
    assert movement.refunded == D("150.00")  # 100.00 + 50.00


# --- who may -------------------------------------------------------------------------------------------------


def test_the_director_receives_too(director, contract):
    assert _receive(director, contract).amount == D("150.00")


@pytest.mark.parametrize("role", ["host", "social_worker", "team_lead", "volunteer", "receptionist", "technician"])
def test_other_roles_may_neither_receive_return_nor_cancel(accountant, director, world, contract, role):
    user = world.users[role]
    receipt = _receive(accountant, contract)
    before = _written()
    with pytest.raises(PermissionDenied):
        _receive(user, contract, on=date(2026, 2, 2), amount=D("1.00"))
    with pytest.raises(PermissionDenied):
        deposit_services.deposit_receipt_cancel(actor=user, movement_id=receipt.pk, on=date(2026, 2, 1))
    _leave(director, contract)
    with pytest.raises(PermissionDenied):
        _return(user, Deposit.objects.get(residence_contract=contract))
    assert _written() == before


def test_another_organisations_accountant_reaches_nothing(accountant, director, world, contract):
    outsider = UserFactory(organisation=world.other_organisation, role="accountant")
    receipt = _receive(accountant, contract)
    before = _written()
    with pytest.raises(ResidenceContract.DoesNotExist):
        _receive(outsider, contract, on=date(2026, 2, 2))
    with pytest.raises(DepositMovement.DoesNotExist):
        deposit_services.deposit_receipt_cancel(actor=outsider, movement_id=receipt.pk, on=date(2026, 2, 1))
    _leave(director, contract)
    with pytest.raises(Deposit.DoesNotExist):
        _return(outsider, Deposit.objects.get(residence_contract=contract))
    assert _written() == before
