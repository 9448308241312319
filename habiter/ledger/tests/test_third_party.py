"""Money through the bank: a third party's transfer debits the bank and is split across the tenants it pays for in
one step through its clearing account; a payment recorded by hand waits on 511 until its bank line is linked to it,
so the same money is never counted twice; the bank account moves only with the bank's own lines."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.bank import services as bank_services
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Account, BankLine, BankLineState, Line, Payment
from habiter.ledger.rent import services as rent_services
from habiter.people.tests.factories import make_household

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 2, 15), tick=False):
        yield


def _balance(organisation_id, code):
    account = Account.objects.get(organisation_id=organisation_id, code=code)
    return sum(Line.objects.filter(account=account).values_list("amount", flat=True), D("0.00"))


def _tenant_balance(lease):
    lines = Line.objects.filter(account=entries_services.tenant_account(lease))
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _line(world, amount, *, booked_on=date(2026, 1, 12), reference="BQ-CAF-0112", label="CAF DES BOUCHES DU RHONE"):
    return BankLine.objects.create(
        organisation=world.organisation, booked_on=booked_on, amount=D(amount), label=label, bank_reference=reference
    )


@pytest.fixture
def three_tenants(world):
    manager = world.users["rental_manager"]
    leases = []
    for name, rent in (("Martin", "400.00"), ("Nguyen", "350.00"), ("Diallo", "300.00")):
        household = make_household(world.users["social_worker"], name=name)
        lease = make_signed_lease(
            manager, household, dwelling=make_dwelling(world.organisation), start=date(2025, 12, 1), rent=rent
        )
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
        leases.append(lease)
    return leases


def test_one_caf_transfer_is_split_across_three_tenants(world, three_tenants):
    # The CAF pays 900.00 on 12/01/2026 for three tenants: 350.00 + 300.00 + 250.00 of housing benefit.
    accountant, org = world.users["accountant"], world.organisation.pk
    martin, nguyen, diallo = three_tenants
    line = _line(world, "900.00")
    payments = bank_services.bank_line_split(
        actor=accountant,
        line_id=line.pk,
        source="caf",
        parts=[(martin.pk, D("350.00")), (nguyen.pk, D("300.00")), (diallo.pk, D("250.00"))],
    )
    assert [p.amount for p in payments] == [D("350.00"), D("300.00"), D("250.00")]
    assert {p.source for p in payments} == {"caf"} and {p.bank_line_id for p in payments} == {line.pk}
    # the bank gets the 900.00 once; the CAF's clearing account goes through 0; each tenant owes the rest
    assert _balance(org, "512000") == D("900.00")
    assert _balance(org, "467200") == D("0.00")
    # 450.00, 400.00 and 350.00 called (rent + 50.00 charges), less the CAF's share
    owed = [_tenant_balance(lease) for lease in three_tenants]
    assert owed == [D("100.00"), D("100.00"), D("100.00")]
    line.refresh_from_db()
    assert line.state == BankLineState.MATCHED and line.source == "caf" and line.payment is None


def test_a_wrong_split_goes_back_to_the_queue_once_every_payment_is_reversed(world, three_tenants):
    # 900.00 split 450 / 250 / 200 by mistake; the right shares are 350 / 300 / 250
    accountant, org = world.users["accountant"], world.organisation.pk
    martin, nguyen, diallo = three_tenants
    line = _line(world, "900.00")
    wrong = bank_services.bank_line_split(
        actor=accountant,
        line_id=line.pk,
        source="caf",
        parts=[(martin.pk, D("450.00")), (nguyen.pk, D("250.00")), (diallo.pk, D("200.00"))],
    )
    entries_services.transaction_reverse(actor=accountant, transaction_id=wrong[0].transaction_id, on=date(2026, 2, 15))
    # two payments still stand: matched whole again, they would be counted twice
    with pytest.raises(ValidationError, match="contre-passez d'abord chacun d'eux"):
        bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    for payment in wrong[1:]:
        entries_services.transaction_reverse(
            actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 2, 15)
        )
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED
    bank_services.bank_line_split(
        actor=accountant,
        line_id=line.pk,
        source="caf",
        parts=[(martin.pk, D("350.00")), (nguyen.pk, D("300.00")), (diallo.pk, D("250.00"))],
    )
    # the bank entry is kept and not posted twice: 512 holds 900.00 once, the CAF's account is back to 0
    assert _balance(org, "512000") == D("900.00") and _balance(org, "467200") == D("0.00")
    assert [_tenant_balance(lease) for lease in three_tenants] == [D("100.00"), D("100.00"), D("100.00")]


def test_a_split_that_does_not_add_up_saves_nothing(world, three_tenants):
    accountant, org = world.users["accountant"], world.organisation.pk
    martin, nguyen, _diallo = three_tenants
    line = _line(world, "900.00")
    with pytest.raises(ValidationError, match="650,00 € : elle doit égaler les 900,00 €"):
        bank_services.bank_line_split(
            actor=accountant, line_id=line.pk, source="caf", parts=[(martin.pk, D("350.00")), (nguyen.pk, D("300.00"))]
        )
    with pytest.raises(ValidationError, match="deux fois"):
        bank_services.bank_line_split(
            actor=accountant, line_id=line.pk, source="caf", parts=[(martin.pk, D("450.00")), (martin.pk, D("450.00"))]
        )
    assert not Payment.objects.exists()
    assert not Account.objects.filter(organisation_id=org, code="512000", lines__isnull=False).exists()
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED and line.transaction is None


def test_a_hand_entered_payment_and_its_bank_line_are_counted_once(world, three_tenants):
    # Martin's cheque of 450.00 is recorded by hand on 08/01; the statement shows it on 12/01.
    accountant, org = world.users["accountant"], world.organisation.pk
    martin = three_tenants[0]
    cheque = rent_services.payment_record(
        actor=accountant, lease_id=martin.pk, amount=D("450.00"), received_on=date(2026, 1, 8), source="tenant"
    )
    assert _balance(org, "511200") == D("450.00")
    assert not Line.objects.filter(account__code="512000").exists()
    line = _line(world, "450.00", reference="BQ-0112-CHQ", label="REMISE CHEQUE 0001234")
    bank_services.bank_line_link(actor=accountant, line_id=line.pk, payment_ids=[cheque.pk])
    assert (_balance(org, "511200"), _balance(org, "512000")) == (D("0.00"), D("450.00"))
    assert Payment.objects.filter(lease=martin).count() == 1
    cheque.refresh_from_db()
    assert cheque.bank_line_id == line.pk
    with pytest.raises(ValidationError):
        bank_services.bank_line_link(actor=accountant, line_id=line.pk, payment_ids=[cheque.pk])


def test_a_link_that_does_not_add_up_or_mixes_payers_is_refused(world, three_tenants):
    accountant = world.users["accountant"]
    martin, nguyen, _diallo = three_tenants
    cheque = rent_services.payment_record(
        actor=accountant, lease_id=martin.pk, amount=D("450.00"), received_on=date(2026, 1, 8), source="tenant"
    )
    caf = rent_services.payment_record(
        actor=accountant, lease_id=nguyen.pk, amount=D("50.00"), received_on=date(2026, 1, 8), source="caf"
    )
    with pytest.raises(ValidationError, match="égaler les 500,00"):
        bank_services.bank_line_link(actor=accountant, line_id=_line(world, "500.00").pk, payment_ids=[cheque.pk])
    with pytest.raises(ValidationError, match="une seule provenance"):
        bank_services.bank_line_link(
            actor=accountant, line_id=_line(world, "500.00", reference="X2").pk, payment_ids=[cheque.pk, caf.pk]
        )


def test_the_bank_entry_of_a_line_is_not_reversed_but_its_payment_is(world, three_tenants):
    accountant = world.users["accountant"]
    line = _line(world, "450.00", reference="BQ-0112-VIR", label="VIR MARTIN LOYER")
    payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=three_tenants[0].pk)
    line.refresh_from_db()
    with pytest.raises(ValidationError, match="relevé bancaire"):
        entries_services.transaction_reverse(actor=accountant, transaction_id=line.transaction_id, on=date(2026, 1, 20))
    entries_services.transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 1, 20))
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    # matched again: the money is in the bank once, the new payment comes from the waiting account
    again = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=three_tenants[1].pk)
    org = world.organisation.pk
    assert (_balance(org, "512000"), _balance(org, "511200")) == (D("450.00"), D("0.00"))
    assert again.lease_id == three_tenants[1].pk


def test_an_amount_over_twelve_months_of_rent_asks_for_confirmation(world, three_tenants):
    accountant = world.users["accountant"]
    diallo = three_tenants[2]  # 300.00 + 50.00 a month: twelve months make 4 200.00
    with pytest.raises(rent_services.LargePaymentNeedsConfirmation, match="200,01 € : c.est plus de douze mois"):
        rent_services.payment_record(
            actor=accountant, lease_id=diallo.pk, amount=D("4200.01"), received_on=date(2026, 1, 8), source="tenant"
        )
    assert not Payment.objects.exists()
    rent_services.payment_record(
        actor=accountant, lease_id=diallo.pk, amount=D("4200.00"), received_on=date(2026, 1, 8), source="tenant"
    )
    rent_services.payment_record(
        actor=accountant,
        lease_id=diallo.pk,
        amount=D("4200.01"),
        received_on=date(2026, 1, 9),
        source="tenant",
        confirmed=True,
    )
    assert Payment.objects.count() == 2


def test_the_association_does_not_advance_rent_on_a_lease_it_lets(world, three_tenants):
    with pytest.raises(ValidationError, match="elle-même le bailleur"):
        rent_services.payment_record(
            actor=world.users["accountant"],
            lease_id=three_tenants[0].pk,
            amount=D("100.00"),
            received_on=date(2026, 1, 8),
            source="association",
        )
