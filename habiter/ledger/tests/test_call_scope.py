"""Which leases and which days the rent calls cover: nothing for an owner's direct lease after a slide (unless a
management mandate is signed), and the rent to the end of the tenant's notice whatever the day the keys were handed
back (loi 89 art. 15). Expected figures are computed by hand in the comments."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.leases import services as lease_services
from habiter.leases.models import ReviewDecision
from habiter.leases.tests.factories import make_sliding_sublease
from habiter.ledger.entries.services import organisation_account, post_entry, tenant_account
from habiter.ledger.mailing import services as mailing_services
from habiter.ledger.models import AccountKind, Payment, RentCall, RentReceipt
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _slide(manager, household, on_date):
    sublease = make_sliding_sublease(manager, household, start=date(2025, 3, 1), rent="550.00")
    lease_services.sliding_review_record(
        actor=manager,
        lease_id=sublease.pk,
        held_on=date(2026, 2, 1),
        worker_opinion="favourable",
        landlord_opinion="favourable",
        decision=ReviewDecision.SLIDE,
    )
    direct = lease_services.lease_slide(actor=manager, lease_id=sublease.pk, on_date=on_date)
    sublease.refresh_from_db()
    return sublease, direct


# --- 3. after a slide the direct lease is the owner's ---------------------------------------------------------


@time_machine.travel(date(2026, 4, 20), tick=False)
def test_after_a_slide_the_association_calls_only_the_sublease_days(manager, world):
    sublease, direct = _slide(manager, world.own_household, date(2026, 3, 16))
    assert rent_services.rent_calls_issue(actor=manager, month=date(2026, 3, 1)) == 1
    # the sublease runs 1–15 March: 550.00 × 15 / 31 = 266.129… → 266.13; the direct lease is not called
    march = RentCall.objects.get(period=date(2026, 3, 1))
    assert (march.lease_id, march.rent, march.total) == (sublease.pk, D("266.13"), D("266.13"))
    assert rent_services.rent_calls_issue(actor=manager, month=date(2026, 4, 1)) == 0
    assert not RentCall.objects.filter(lease=direct).exists()
    with pytest.raises(ValidationError) as refused:
        rent_services.rent_call_issue(actor=manager, lease_id=direct.pk, period=date(2026, 4, 1))
    assert "propriétaire" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        rent_services.payment_record(
            actor=manager, lease_id=direct.pk, amount=D("550.00"), received_on=date(2026, 4, 5), source="tenant"
        )
    assert "propriétaire" in " ".join(refused.value.messages)
    assert not Payment.objects.filter(lease=direct).exists()
    # the sublease's own month is still the association's: paid and receipted
    rent_services.payment_record(
        actor=manager, lease_id=sublease.pk, amount=D("266.13"), received_on=date(2026, 4, 5), source="tenant"
    )
    assert rent_services.receipt_issue(actor=manager, rent_call_id=march.pk).kind == "quittance"


@time_machine.travel(date(2026, 4, 20), tick=False)
def test_no_notice_or_receipt_for_a_call_on_an_owners_lease(manager, world, client):
    _sublease, direct = _slide(manager, world.own_household, date(2026, 3, 1))
    # a call issued on the direct lease while a mandate was in force, then the mandate ended: April is no longer
    # the association's to call, to give notice of or to receipt
    mandate = lease_services.mandate_create(
        actor=manager,
        owner_id=direct.landlord_id,
        dwelling_id=direct.dwelling_id,
        fee_rate=D("8.00"),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        payout_iban="FR7630006000011234567890189",
    )
    assert mandate.pk
    march, created = rent_services.rent_call_issue(actor=manager, lease_id=direct.pk, period=date(2026, 3, 1))
    assert created and march.total == D("550.00")
    with pytest.raises(ValidationError):
        rent_services.rent_call_issue(actor=manager, lease_id=direct.pk, period=date(2026, 4, 1))
    # the March call stays the association's: its payment is recorded and receipted
    rent_services.payment_record(
        actor=manager, lease_id=direct.pk, amount=D("550.00"), received_on=date(2026, 4, 2), source="tenant"
    )
    assert rent_services.receipt_issue(actor=manager, rent_call_id=march.pk).kind == "quittance"
    # a call of April made before this correction is refused its notice, its e-mail and its receipt
    april = RentCall.objects.create(
        organisation_id=march.organisation_id,
        lease=direct,
        period=date(2026, 4, 1),
        rent=D("550.00"),
        service_charges=D("0.00"),
        total=D("550.00"),
        due_date=date(2026, 4, 5),
        transaction=_reuse_entry(manager, direct),
    )
    with pytest.raises(ValidationError):
        rent_services.receipt_issue(actor=manager, rent_call_id=april.pk)
    with pytest.raises(ValidationError):
        mailing_services.notice_send(actor=manager, rent_call_id=april.pk)
    client.force_login(manager)
    response = client.get(reverse("ledger:rent_call_notice", args=[april.pk]))
    assert response.status_code == 302 and response.headers["Content-Type"].startswith("text/html")
    assert RentReceipt.objects.filter(rent_call=april).count() == 0


def _reuse_entry(manager, lease):
    """A balanced entry standing for a call issued by an older version (the test needs only a transaction)."""
    return post_entry(
        actor=manager,
        organisation_id=lease.organisation_id,
        booked_on=date(2026, 4, 1),
        label="Appel de loyer 04/2026",
        lines=[
            (tenant_account(lease), D("550.00")),
            (organisation_account(lease.organisation_id, AccountKind.RENT_INCOME), D("-550.00")),
        ],
        source_type="rent_call",
    )


# --- 5. the rent runs to the end of the notice ---------------------------------------------------------------


def _ended(manager, world, **end):
    lease = make_signed_lease(manager, world.own_household, start=date(2026, 1, 1), rent="500.00", charges="30.00")
    lease_services.lease_end(actor=manager, lease_id=lease.pk, notice_given_on=date(2027, 3, 15), **end)
    lease.refresh_from_db()
    return lease


@time_machine.travel(date(2027, 6, 25), tick=False)
def test_the_rent_is_called_to_the_end_of_notice_after_the_keys_are_handed_back(manager, world):
    # notice received 15/03/2027, 3 months → rent owed to 15/06/2027; keys handed back on 30/04/2027
    lease = _ended(manager, world, moved_out_on=date(2027, 4, 30))
    assert (lease.status, lease.end_date) == ("ended", date(2027, 6, 15))
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 5, 1)) == 1
    may = RentCall.objects.get(lease=lease, period=date(2027, 5, 1))
    assert (may.rent, may.service_charges, may.total) == (D("500.00"), D("30.00"), D("530.00"))
    # June: 15 days of 30 → 500 × 15/30 = 250.00 and 30 × 15/30 = 15.00
    june, created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 6, 1))
    assert created
    assert (june.rent, june.service_charges, june.total) == (D("250.00"), D("15.00"), D("265.00"))
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 7, 1)) == 0


@time_machine.travel(date(2027, 6, 25), tick=False)
def test_the_june_quittance_runs_to_the_end_of_notice(manager, world):
    lease = _ended(manager, world, moved_out_on=date(2027, 4, 30))
    june, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 6, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("265.00"), received_on=date(2027, 6, 20), source="tenant"
    )
    receipt = rent_services.receipt_issue(actor=manager, rent_call_id=june.pk)
    assert (receipt.period_start, receipt.period_end, receipt.total_due) == (
        date(2027, 6, 1),
        date(2027, 6, 15),
        D("265.00"),
    )


@time_machine.travel(date(2027, 6, 25), tick=False)
def test_a_reletting_on_the_first_of_june_leaves_no_june_call(manager, world):
    lease = _ended(manager, world, moved_out_on=date(2027, 4, 30), relet_on=date(2027, 6, 1))
    assert lease.end_date == date(2027, 5, 31)
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 5, 1)) == 1
    assert RentCall.objects.get(lease=lease, period=date(2027, 5, 1)).total == D("530.00")
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 6, 1)) == 0
    with pytest.raises(ValidationError):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 6, 1))
