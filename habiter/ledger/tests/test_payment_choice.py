"""A payment goes to the month the payer chooses (Code civil art. 1342-10), the oldest unpaid month being only the
default; the choice is kept, so a reallocation after a reversal honours it. Figures computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.tests.api_client import RoleApi
from habiter.ledger import rules
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Payment, PaymentAllocation, RentCall
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(date(2025, 3, 20), tick=False):
        yield


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    """500 € + 50 € a month from January 2025: January, February and March called, nothing paid."""
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="500.00", charges="50.00")
    for month in (1, 2, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    return lease


def _paid(lease) -> dict:
    paid = {call.period.month: D("0.00") for call in RentCall.objects.filter(lease=lease)}
    for allocation in PaymentAllocation.objects.filter(rent_call__lease=lease, payment__reversed_on__isnull=True):
        paid[allocation.rent_call.period.month] += allocation.amount
    return paid


def test_the_chosen_call_is_settled_first_then_the_oldest():
    payments = [rules.OpenItem("p", D("600.00"), chosen="feb")]
    calls = [rules.OpenItem("jan", D("550.00")), rules.OpenItem("feb", D("550.00")), rules.OpenItem("mar", D("550.00"))]
    # 550 to February (chosen), the 50 left to January (oldest)
    assert rules.allocate(payments, calls) == [("p", "feb", D("550.00")), ("p", "jan", D("50.00"))]
    # without a choice, the oldest first: 550 to January, 50 to February
    unchosen = [rules.OpenItem("p", D("600.00"))]
    assert rules.allocate(unchosen, calls) == [("p", "jan", D("550.00")), ("p", "feb", D("50.00"))]


def test_a_payment_goes_to_the_month_chosen_and_the_choice_survives_a_reversal(manager, lease):
    march = RentCall.objects.get(lease=lease, period=date(2025, 3, 1))
    february = RentCall.objects.get(lease=lease, period=date(2025, 2, 1))
    first = rent_services.payment_record(
        actor=manager,
        lease_id=lease.pk,
        amount=D("550.00"),
        received_on=date(2025, 3, 10),
        source="tenant",
        chosen_call_id=march.pk,
    )
    assert _paid(lease) == {1: D("0.00"), 2: D("0.00"), 3: D("550.00")}
    second = rent_services.payment_record(
        actor=manager,
        lease_id=lease.pk,
        amount=D("600.00"),
        received_on=date(2025, 3, 12),
        source="tenant",
        chosen_call_id=february.pk,
    )
    # February 550.00 (chosen), the 50.00 left to January (the oldest)
    assert _paid(lease) == {1: D("50.00"), 2: D("550.00"), 3: D("550.00")}
    # the March payment is reversed: the reallocation keeps February for the second payment
    entries_services.transaction_reverse(actor=manager, transaction_id=first.transaction_id, on=date(2025, 3, 15))
    assert _paid(lease) == {1: D("50.00"), 2: D("550.00"), 3: D("0.00")}
    second.refresh_from_db()
    assert second.chosen_call == february


def test_a_month_already_paid_or_of_another_lease_cannot_be_chosen(manager, lease, world):
    other = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    other_call, _created = rent_services.rent_call_issue(actor=manager, lease_id=other.pk, period=date(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        rent_services.payment_record(
            actor=manager,
            lease_id=lease.pk,
            amount=D("550.00"),
            received_on=date(2025, 3, 10),
            source="tenant",
            chosen_call_id=other_call.pk,
        )
    assert "Le mois choisi" in " ".join(refused.value.messages)
    assert not Payment.objects.filter(lease=lease).exists()


def test_the_payment_form_offers_the_open_months(client, manager, lease):
    client.force_login(manager)
    url = reverse("ledger:payment_create", args=[lease.pk])
    page = client.get(url)
    assert "Mois réglé" in page.content.decode() and "03/2025" in page.content.decode()
    march = RentCall.objects.get(lease=lease, period=date(2025, 3, 1))
    done = client.post(
        url,
        {
            "amount": "550,00",
            "received_on": "2025-03-10",
            "source": "tenant",
            "reference": "",
            "chosen_call_id": str(march.pk),
        },
    )
    assert done.status_code == 302
    assert _paid(lease) == {1: D("0.00"), 2: D("0.00"), 3: D("550.00")}


def test_the_api_records_the_month_chosen(world, lease):
    march = RentCall.objects.get(lease=lease, period=date(2025, 3, 1))
    payload = {
        "lease_id": str(lease.pk),
        "amount": "550.00",
        "received_on": "2025-03-10",
        "source": "tenant",
        "rent_call_id": str(march.pk),
    }
    response = RoleApi(world).post("accountant", "/api/v1/payments", payload)
    assert response.status_code == 201, response.content
    assert [(a["period"], a["amount"]) for a in response.json()["allocations"]] == [("2025-03", "550.00")]
