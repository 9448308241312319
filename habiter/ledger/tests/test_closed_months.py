"""Closed months are closed, and the ledger's dates are plausible (issue 12, correction 11): every service that
posts, dates or reverses refuses, in French and saving nothing, a day in a closed month, before the ledger's opening
date, before 2000 or more than two years ahead; the opening date is set by directors and accountants, audited, and
never moved after an entry already posted."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent
from habiter.housing.models import Building
from habiter.leases import services as lease_services
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_dwelling, make_owner
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    AccountKind,
    DepositMovement,
    LedgerSettings,
    OwnerStatement,
    OwnerWork,
    Payment,
    PayoutBatch,
    RentCall,
    RentReceipt,
    Transaction,
)
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease, make_signed_lease

D = Decimal
TODAY = date(2026, 4, 20)
CLOSED = date(2026, 2, 10)  # a day of February 2026, closed below
CLOSED_MESSAGE = "Le mois de 02/2026 est clôturé"

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    return make_signed_lease(manager, world.own_household, start=date(2025, 9, 1), rent="600.00", charges="40.00")


def _close_up_to(accountant, month):
    """Close `month`, and first every earlier month holding entries: months close in order."""
    while earlier := entries_services.earliest_open_month_before(accountant.organisation_id, month):
        entries_services.period_close(actor=accountant, month=earlier)
    entries_services.period_close(actor=accountant, month=month)


def _close_february(accountant):
    _close_up_to(accountant, CLOSED)


def _written():
    return (
        Transaction.objects.count(),
        RentCall.objects.count(),
        Payment.objects.count(),
        RentReceipt.objects.count(),
        DepositMovement.objects.count(),
        OwnerWork.objects.count(),
        OwnerStatement.objects.count(),
        PayoutBatch.objects.count(),
    )


def _refused(message, action):
    before = _written()
    with pytest.raises(ValidationError, match=message):
        action()
    assert _written() == before


# --- the one check ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(1999, 12, 31), "pas une date plausible.*l'an 2000"),
        (date(2029, 4, 21), "trop loin.*20/04/2028"),
        (date(2026, 2, 27), CLOSED_MESSAGE),
    ],
)
def test_check_open_refuses_absurd_days_and_closed_months_in_french(accountant, day, message):
    _close_february(accountant)
    with pytest.raises(ValidationError, match=message) as refused:
        entries_services.check_open(accountant.organisation_id, day, "received_on")
    assert "received_on" in refused.value.error_dict


def test_check_open_costs_one_query(accountant, django_assert_num_queries):
    entries_services.ledger_opening_set(actor=accountant, opened_on=date(2025, 1, 1))
    with django_assert_num_queries(1):
        entries_services.check_open(accountant.organisation_id, date(2026, 3, 2))


def test_a_manual_entry_in_1999_three_years_ahead_or_in_a_closed_month_is_refused(accountant):
    _close_february(accountant)
    bank = entries_services.organisation_account(accountant.organisation_id, AccountKind.BANK)
    income = entries_services.organisation_account(accountant.organisation_id, AccountKind.RENT_INCOME)
    for day, message in ((date(1999, 6, 1), "l'an 2000"), (date(2029, 5, 1), "trop loin"), (CLOSED, CLOSED_MESSAGE)):
        _refused(
            message,
            lambda day=day: entries_services.transaction_post(
                actor=accountant, booked_on=day, label="Don", lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
            ),
        )


# --- rent: calls, payments, receipts, reversals ----------------------------------------------------------------


def test_rent_calls_one_lease_or_the_month_end_batch_are_refused_in_a_closed_month(accountant, lease):
    _close_february(accountant)
    _refused(CLOSED_MESSAGE, lambda: rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=CLOSED))
    _refused(CLOSED_MESSAGE, lambda: rent_services.rent_calls_issue(actor=accountant, month=CLOSED))
    _refused(CLOSED_MESSAGE, lambda: rent_services.rent_call_run_start(actor=accountant, month=CLOSED))
    _refused(
        "trop loin",
        lambda: rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2029, 6, 1)),
    )


def test_a_month_already_called_returns_its_call_once_closed_and_writes_nothing(accountant, lease):
    """Found by the bank's state machine: asking again for a call issued before the month closed is no error."""
    call, created = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=CLOSED)
    assert created
    _close_february(accountant)
    before = _written()
    again, created = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=CLOSED)
    assert (again, created) == (call, False) and _written() == before


def test_a_payment_in_a_closed_month_or_in_1999_is_refused(accountant, lease):
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 1, 1))
    _close_february(accountant)
    for day, message in ((CLOSED, CLOSED_MESSAGE), (date(1999, 1, 4), "l'an 2000")):
        _refused(
            message,
            lambda day=day: rent_services.payment_record(
                actor=accountant, lease_id=lease.pk, amount=D("100.00"), received_on=day, source="tenant"
            ),
        )


def test_a_receipt_cannot_be_dated_in_a_closed_month(accountant, lease):
    call, _ = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 1, 1))
    rent_services.payment_record(
        actor=accountant, lease_id=lease.pk, amount=call.total, received_on=date(2026, 1, 5), source="tenant"
    )
    _close_february(accountant)
    _refused(CLOSED_MESSAGE, lambda: rent_services.receipt_issue(actor=accountant, rent_call_id=call.pk, on=CLOSED))
    assert rent_services.receipt_issue(actor=accountant, rent_call_id=call.pk, on=TODAY).kind == "quittance"


def test_a_reversal_dated_in_a_closed_month_is_refused_but_one_dated_after_corrects_it(accountant, lease):
    call, _ = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 2, 1))
    _close_february(accountant)
    with pytest.raises(ValidationError) as refused:
        entries_services.transaction_reverse(actor=accountant, transaction_id=call.transaction_id, on=CLOSED)
    assert CLOSED_MESSAGE in refused.value.message_dict["on"][0]
    assert not Transaction.objects.filter(reversal_of_id=call.transaction_id).exists()
    # an entry of the closed month is corrected by a reversal dated in an open month
    reversal = entries_services.transaction_reverse(
        actor=accountant, transaction_id=call.transaction_id, on=date(2026, 3, 2)
    )
    assert reversal.booked_on == date(2026, 3, 2)
    assert RentCall.objects.get(pk=call.pk).cancelled_on == date(2026, 3, 2)


# --- deposits ----------------------------------------------------------------------------------------------------


def test_deposit_receipt_return_release_and_cancel_are_refused_in_a_closed_month(accountant, manager, world):
    building = Building.objects.create(
        organisation=world.organisation, name="Résidence Consolat", address="9 rue Consolat", postal_code="13001",
        city="Marseille",
    )  # fmt: skip
    lease = make_signed_lease(
        manager, world.own_household, start=date(2025, 6, 1), rent="600.00", charges="40.00",
        deposit=D("600.00"), dwelling=make_dwelling(world.organisation, building=building),
    )  # fmt: skip
    receipt = deposits_services.deposit_receive(
        actor=accountant, lease_id=lease.pk, received_on=date(2025, 6, 2), amount=D("300.00")
    )
    _close_february(accountant)
    _refused(
        CLOSED_MESSAGE,
        lambda: deposits_services.deposit_receive(
            actor=accountant, lease_id=lease.pk, received_on=CLOSED, amount=D("100.00")
        ),
    )
    _refused(
        CLOSED_MESSAGE,
        lambda: deposits_services.deposit_receipt_cancel(actor=accountant, movement_id=receipt.pk, on=CLOSED),
    )
    lease_services.lease_end(
        actor=manager, lease_id=lease.pk, end_date=date(2026, 1, 10), moved_out_on=date(2026, 1, 10)
    )
    deposit = Lease.objects.get(pk=lease.pk).security_deposit
    _refused(
        CLOSED_MESSAGE,
        lambda: deposits_services.deposit_return(
            actor=accountant,
            deposit_id=deposit.pk,
            returned_on=CLOSED,
            keys_returned_on=date(2026, 1, 10),
            inventory_matches=True,
            provision=D("60.00"),
        ),  # fmt: skip
    )
    deposits_services.deposit_return(
        actor=accountant, deposit_id=deposit.pk, returned_on=date(2026, 3, 2), keys_returned_on=date(2026, 1, 10),
        inventory_matches=True, provision=D("60.00"),
    )  # fmt: skip
    _close_up_to(accountant, date(2026, 3, 1))
    _refused(
        "Le mois de 03/2026 est clôturé",
        lambda: deposits_services.deposit_provision_release(
            actor=accountant,
            deposit_id=deposit.pk,
            released_on=date(2026, 3, 20),
            accounts_approved_on=date(2026, 3, 10),
        ),  # fmt: skip
    )


# --- owners: works, statements, payouts --------------------------------------------------------------------------


def test_owner_works_statements_and_payouts_are_refused_in_a_closed_month_or_too_far(accountant, manager, world):
    owner = make_owner(world.organisation, name="Odile Vidal")
    make_mandate_lease(manager, world.own_household, owner=owner, start=date(2025, 12, 1))
    _close_february(accountant)
    _refused(
        CLOSED_MESSAGE,
        lambda: owners_services.owner_work_record(
            actor=accountant,
            owner_id=owner.pk,
            invoice_date=CLOSED,
            supplier="Plomberie",
            label="Fuite",
            amount=D("80.00"),
        ),  # fmt: skip
    )
    _refused(
        "clôturé",
        lambda: owners_services.owner_statement_issue(actor=accountant, owner_id=owner.pk, month=CLOSED, on=TODAY),
    )
    owners_services.bank_details_save(
        actor=accountant, holder_name="Association A", iban="FR14 2004 1010 0505 0001 3M02 606", bic="PSSTFRPPMAR"
    )
    _refused(
        "trop loin",
        lambda: owners_services.payout_batch_create(
            actor=accountant, statement_ids=["x"], execution_date=date(2029, 5, 2), on=TODAY
        ),
    )
    _refused(
        CLOSED_MESSAGE,
        lambda: owners_services.payout_batch_create(
            actor=accountant, statement_ids=["x"], execution_date=TODAY, on=CLOSED
        ),
    )


# --- the ledger's opening date -----------------------------------------------------------------------------------


def test_the_opening_date_refuses_every_day_before_it_and_is_audited(accountant, lease):
    entries_services.ledger_opening_set(actor=accountant, opened_on=date(2026, 1, 1))
    assert entries_queries.opening_date(accountant.organisation_id) == date(2026, 1, 1)
    event = AuditEvent.objects.get(action="ledger.opening_set")
    assert event.detail == {"from": "", "to": "2026-01-01"}
    _refused(
        "ouverte depuis le 01/01/2026",
        lambda: rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2025, 12, 1)),
    )
    _refused(
        "ouverte depuis le 01/01/2026",
        lambda: rent_services.payment_record(
            actor=accountant, lease_id=lease.pk, amount=D("10.00"), received_on=date(2025, 12, 31), source="tenant"
        ),
    )
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 1, 1))


def test_the_opening_date_cannot_move_after_an_entry_already_posted(accountant, lease):
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2025, 11, 1))
    with pytest.raises(ValidationError, match="déjà datées avant le 01/12/2025.*01/11/2025"):
        entries_services.ledger_opening_set(actor=accountant, opened_on=date(2025, 12, 1))
    assert not LedgerSettings.objects.exists()
    entries_services.ledger_opening_set(actor=accountant, opened_on=date(2025, 11, 1))
    # moved earlier, then removed: no limit but the year 2000
    entries_services.ledger_opening_set(actor=accountant, opened_on=date(2025, 1, 1))
    entries_services.ledger_opening_set(actor=accountant, opened_on=None)
    assert entries_queries.opening_date(accountant.organisation_id) is None
    assert AuditEvent.objects.filter(action="ledger.opening_set").count() == 3
    with pytest.raises(ValidationError, match="l'an 2000"):
        entries_services.ledger_opening_set(actor=accountant, opened_on=date(1998, 1, 1))


def test_only_directors_and_accountants_set_the_opening_date(world):
    entries_services.ledger_opening_set(actor=world.users["director"], opened_on=date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        entries_services.ledger_opening_set(actor=world.users["rental_manager"], opened_on=date(2024, 1, 1))
    assert entries_queries.opening_date(world.organisation.pk) == date(2025, 1, 1)


def test_the_month_end_page_sets_the_opening_date(client, accountant):
    from django.urls import reverse

    client.force_login(accountant)
    page = client.get(reverse("ledger:month_end"))
    assert "Date d&#x27;ouverture de la comptabilité" in page.content.decode()
    response = client.post(reverse("ledger:ledger_opening"), {"opening-opened_on": "2025-01-01"}, follow=True)
    assert "Comptabilité ouverte le 01/01/2025" in response.content.decode()
    assert entries_queries.opening_date(accountant.organisation_id) == date(2025, 1, 1)
