"""A payment recorded by hand and the bank line that shows the same money are counted once: matching the line to the
lease (one click in the queue, a lease chosen by hand, or a part of a split) is refused while a payment of the same
lease, of the same amount, within 5 days, waits for its line; the pages offer to link them first. Worked examples
with figures computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
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
    with time_machine.travel(date(2026, 4, 15), tick=False):
        yield


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


def _balance(organisation_id, code):
    lines = Line.objects.filter(account__organisation_id=organisation_id, account__code=code)
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _tenant_balance(lease):
    lines = Line.objects.filter(account=entries_services.tenant_account(lease))
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _line(world, amount, booked_on=date(2026, 3, 5), reference="BQ-0305", label="VIR M MARTIN LOYER MARS"):
    return BankLine.objects.create(
        organisation=world.organisation, booked_on=booked_on, amount=D(amount), label=label, bank_reference=reference
    )


def _lease(world, name, rent):
    """A lease from 1 March 2026 at `rent` plus 50.00 of charges, its March rent called."""
    manager = world.users["rental_manager"]
    household = make_household(world.users["social_worker"], name=name)
    lease = make_signed_lease(
        manager, household, dwelling=make_dwelling(world.organisation), start=date(2026, 3, 1), rent=rent
    )
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 3, 1))
    return lease


@pytest.fixture
def martin(world):
    return _lease(world, "Martin", "400.00")


def _by_hand(actor, lease, amount="450.00", on=date(2026, 3, 3), source="tenant"):
    return rent_services.payment_record(actor=actor, lease_id=lease.pk, amount=D(amount), received_on=on, source=source)


def test_the_tenants_450_entered_by_hand_and_its_bank_line_make_one_payment(world, accountant, martin):
    # Martin owes 450.00 for March (400.00 + 50.00 of charges). His transfer of 450.00 is entered by hand on 03/03;
    # the statement shows it on 05/03. Matching the line to his lease would record a second 450.00: refused.
    org = world.organisation.pk
    assert _tenant_balance(martin) == D("450.00")
    cheque = _by_hand(accountant, martin)
    assert _tenant_balance(martin) == D("0.00") and _balance(org, "511200") == D("450.00")
    line = _line(world, "450.00")

    with pytest.raises(ValidationError) as refused:
        bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=martin.pk)
    [message] = refused.value.messages
    assert "Un encaissement de 450,00 € du 03/03/2026 est déjà saisi pour Martin" in message
    assert "« C'est cet encaissement »" in message
    line.refresh_from_db()
    assert (line.state, line.transaction_id) == (BankLineState.UNMATCHED, None)
    assert Payment.objects.filter(lease=martin).count() == 1
    assert _balance(org, "512000") == D("0.00")

    bank_services.bank_line_link(actor=accountant, line_id=line.pk, payment_ids=[cheque.pk])
    assert Payment.objects.filter(lease=martin).count() == 1
    # 512 debited once with 450.00, 511200 back to 0.00, Martin owes nothing
    assert Line.objects.filter(account__code="512000", amount__gt=0).count() == 1
    assert (_balance(org, "512000"), _balance(org, "511200")) == (D("450.00"), D("0.00"))
    assert _tenant_balance(martin) == D("0.00")


def test_a_second_payment_of_the_same_amount_is_recorded_when_the_accountant_says_so(world, accountant, martin):
    # Martin also paid 450.00 by transfer for April in advance: the accountant ticks « Autre versement ».
    org = world.organisation.pk
    _by_hand(accountant, martin)
    line = _line(world, "450.00")
    payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=martin.pk, second_payment=True)
    assert payment.amount == D("450.00") and Payment.objects.filter(lease=martin).count() == 2
    assert (_balance(org, "512000"), _balance(org, "511200")) == (D("450.00"), D("450.00"))
    assert _tenant_balance(martin) == D("-450.00")  # 450.00 paid in advance
    event = AuditEvent.objects.get(action="ledger.bank_line_match", object_id=str(line.pk))
    assert event.detail["second_payment"] is True


@pytest.mark.parametrize(
    ("amount", "on"),
    [
        ("450.00", date(2026, 2, 25)),  # 8 days before the line
        ("450.00", date(2026, 3, 13)),  # 8 days after
        ("449.00", date(2026, 3, 3)),  # another amount
    ],
)
def test_a_payment_8_days_away_or_of_another_amount_is_not_a_candidate(world, accountant, martin, amount, on):
    _by_hand(accountant, martin, amount=amount, on=on)
    line = _line(world, "450.00")
    payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=martin.pk)
    assert payment.bank_line_id == line.pk and Payment.objects.filter(lease=martin).count() == 2


@pytest.mark.parametrize("on", [date(2026, 2, 28), date(2026, 3, 10)])
def test_a_payment_5_days_away_is_a_candidate(world, accountant, martin, on):
    _by_hand(accountant, martin, on=on)
    with pytest.raises(ValidationError, match="déjà saisi pour Martin"):
        bank_services.bank_line_match(actor=accountant, line_id=_line(world, "450.00").pk, lease_id=martin.pk)


def test_another_tenants_payment_or_one_already_matched_or_reversed_is_not_a_candidate(world, accountant, martin):
    nguyen = _lease(world, "Nguyen", "400.00")
    _by_hand(accountant, nguyen)
    linked = _by_hand(accountant, martin)
    bank_services.bank_line_link(
        actor=accountant, line_id=_line(world, "450.00", reference="BQ-0304").pk, payment_ids=[linked.pk]
    )
    reversed_one = _by_hand(accountant, martin, on=date(2026, 3, 4))
    entries_services.transaction_reverse(
        actor=accountant, transaction_id=reversed_one.transaction_id, on=date(2026, 3, 4)
    )
    payment = bank_services.bank_line_match(actor=accountant, line_id=_line(world, "450.00").pk, lease_id=martin.pk)
    assert payment.amount == D("450.00")


def test_a_split_part_already_entered_by_hand_is_refused_and_nothing_is_saved(world, accountant, martin):
    # The CAF's 200.00 for Martin was entered by hand on 03/03; its transfer of 500.00 on 05/03 also pays 300.00
    # for Nguyen. Splitting it with a new 200.00 for Martin would count his twice.
    org = world.organisation.pk
    nguyen = _lease(world, "Nguyen", "350.00")
    _by_hand(accountant, martin, amount="200.00", source="caf")
    line = _line(world, "500.00", label="CAF DES BOUCHES DU RHONE")
    parts = [(martin.pk, D("200.00")), (nguyen.pk, D("300.00"))]
    with pytest.raises(ValidationError, match="Un encaissement de 200,00 € du 03/03/2026 est déjà saisi pour Martin"):
        bank_services.bank_line_split(actor=accountant, line_id=line.pk, source="caf", parts=parts)
    assert Payment.objects.count() == 1
    assert not Account.objects.filter(organisation_id=org, code="512000", lines__isnull=False).exists()
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED

    payments = bank_services.bank_line_split(
        actor=accountant, line_id=line.pk, source="caf", parts=parts, second_payment=True
    )
    assert [p.amount for p in payments] == [D("200.00"), D("300.00")]


def test_the_queue_offers_the_hand_payment_before_the_one_click_match(client, world, accountant, martin):
    cheque = _by_hand(accountant, martin)
    line = _line(world, "450.00")
    other = _line(world, "450.00", booked_on=date(2026, 3, 20), reference="BQ-0320")
    client.force_login(accountant)
    page = client.get(reverse("ledger:bank_queue")).content.decode()
    link = reverse("ledger:bank_line_link", args=[line.pk])
    assert f'action="{link}"' in page and f'value="{cheque.pk}"' in page
    assert f'action="{reverse("ledger:bank_line_match", args=[line.pk])}"' not in page
    # the line of 20/03 is 17 days away: no hand payment offered, the one-click match stays
    assert f'action="{reverse("ledger:bank_line_link", args=[other.pk])}"' not in page

    done = client.post(link, {"payment": str(cheque.pk)})
    assert done.status_code == 302
    assert Payment.objects.filter(lease=martin).count() == 1


def test_the_line_page_refuses_the_match_in_french_then_records_a_second_payment_when_ticked(
    client, world, accountant, martin
):
    _by_hand(accountant, martin)
    line = _line(world, "450.00")
    client.force_login(accountant)
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    assert page.index("Encaissements déjà saisis du même montant") < page.index("Baux proposés")
    assert "Autre versement que celui déjà saisi" in page
    url = reverse("ledger:bank_line_match", args=[line.pk])
    refused = client.post(url, {"lease": str(martin.pk), "source": "tenant"}, follow=True)
    assert "est déjà saisi pour Martin" in refused.content.decode()
    assert Payment.objects.filter(lease=martin).count() == 1
    client.post(url, {"lease": str(martin.pk), "source": "tenant", "second_payment": "on"})
    assert Payment.objects.filter(lease=martin).count() == 2
