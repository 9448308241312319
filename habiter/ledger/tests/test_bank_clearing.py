"""Money that waits for the bank: a deposit received waits on 511200, a deposit refunded, works paid and an owner's
payout wait on 580000, until the bank line that shows the money clears them (`bank_line_clear`). The bank account
(512) then moves by the line's amount, so its balance stays the sum of the matched bank lines. Worked examples with
figures computed by hand, then the refusals."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_owner
from habiter.ledger.bank import queries as bank_queries
from habiter.ledger.bank import services as bank_services
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    Account,
    BankClearing,
    BankLine,
    BankLineState,
    DeductionReason,
    Deposit,
    Line,
    Transaction,
)
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease, make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 4, 15), tick=False):
        yield


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _balance(organisation_id, code) -> Decimal:
    lines = Line.objects.filter(account__organisation_id=organisation_id, account__code=code)
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _matched_lines(organisation_id) -> Decimal:
    lines = BankLine.objects.filter(organisation_id=organisation_id, state=BankLineState.MATCHED)
    return sum(lines.values_list("amount", flat=True), D("0.00"))


def _line(organisation, amount, booked_on, reference, label="VIR SEPA"):
    return BankLine.objects.create(
        organisation=organisation, booked_on=booked_on, amount=D(amount), label=label, bank_reference=reference
    )


def _deposit_received(manager, household):
    """A lease at 600.00 of rent with its deposit of 600.00 received on 2 September 2025, ended on 10 January 2026."""
    lease = make_signed_lease(
        manager, household, start=date(2025, 9, 1), rent="600.00", charges="40.00", deposit=D("600.00")
    )
    receipt = deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    lease_services.lease_end(
        actor=manager, lease_id=lease.pk, end_date=date(2026, 1, 10), moved_out_on=date(2026, 1, 10)
    )
    return lease, receipt


def _refund_450(manager, lease):
    """The deposit returned on 20 January 2026 with 150.00 kept for repairs: 450.00 refunded, within the month
    after the keys (no penalty)."""
    return deposits_services.deposit_return(
        actor=manager,
        deposit_id=Deposit.objects.get(lease=lease).pk,
        returned_on=date(2026, 1, 20),
        keys_returned_on=date(2026, 1, 10),
        inventory_matches=True,
        deductions=[(DeductionReason.REPAIRS, "Porte de placard cassée", D("150.00"))],
    )


def test_a_deposit_refund_waits_on_580_until_its_bank_line_clears_it(world, manager):
    org = world.organisation.pk
    lease, receipt = _deposit_received(manager, world.own_household)
    refund = _refund_450(manager, lease)
    assert refund.refunded == D("450.00") and refund.penalty == D("0.00")
    # nothing has reached the bank yet: the receipt waits on 511, the refund on 580
    assert (_balance(org, "511200"), _balance(org, "580000")) == (D("600.00"), D("-450.00"))
    assert not Account.objects.filter(organisation_id=org, code="512000").exists()

    line = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122", label="VIR DUPONT RESTITUTION DG")
    assert [entry.pk for entry in bank_queries.clearings_for(manager, line)] == [refund.transaction_id]
    [clearing] = bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=[refund.transaction_id])

    assert (clearing.entry_id, clearing.amount, clearing.bank_line_id) == (refund.transaction_id, D("-450.00"), line.pk)
    line.refresh_from_db()
    assert line.state == BankLineState.MATCHED and line.payment_id is None
    assert {(row.account.code, row.amount) for row in line.transaction.lines.select_related("account")} == {
        ("512000", D("-450.00")),
        ("580000", D("450.00")),
    }
    assert line.transaction.booked_on == date(2026, 1, 22)
    assert _balance(org, "580000") == D("0.00")
    assert _balance(org, "512000") == D("-450.00") == _matched_lines(org)
    assert _balance(org, "511200") == D("600.00")  # the receipt still waits for its own bank line
    assert entries_queries.ledger_sum(org) == 0
    assert AuditEvent.objects.filter(action="ledger.bank_line_clear", object_id=str(line.pk)).exists()
    assert bank_queries.clearings_for(manager, line) == []

    # the receipt's bank line (a cheque paid in the next day) clears it in turn: 512 = 600.00 − 450.00
    paid_in = _line(world.organisation, "600.00", date(2025, 9, 3), "BQ-0903", label="REMISE CHEQUE")
    bank_services.bank_line_clear(actor=manager, line_id=paid_in.pk, entry_ids=[receipt.transaction_id])
    assert (_balance(org, "511200"), _balance(org, "580000")) == (D("0.00"), D("0.00"))
    assert _balance(org, "512000") == D("150.00") == _matched_lines(org)


def test_one_bank_line_clears_two_works_paid_the_same_day(world, manager):
    org = world.organisation.pk
    owner = make_owner(world.organisation, name="Odile Vidal")
    first, second = (
        owners_services.owner_work_record(
            actor=manager,
            owner_id=owner.pk,
            invoice_date=date(2026, 2, 3),
            supplier=supplier,
            label="Fuite",
            amount=D(amount),
        )
        for supplier, amount in (("Plomberie Martin", "80.00"), ("Serrurerie Roux", "120.00"))
    )
    assert _balance(org, "580000") == D("-200.00")
    line = _line(world.organisation, "-200.00", date(2026, 2, 5), "BQ-0205")
    # neither work alone is the line's amount: both are offered, none ticked in advance
    waiting = bank_queries.clearings_for(manager, line)
    assert sorted(entry.waiting for entry in waiting) == [D("-120.00"), D("-80.00")]

    payments = Transaction.objects.filter(organisation_id=org, source_type="owner_works_payment")
    clearings = bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=[t.pk for t in payments])
    assert sorted(c.amount for c in clearings) == [D("-120.00"), D("-80.00")]
    assert _balance(org, "580000") == D("0.00")
    assert _balance(org, "512000") == D("-200.00") == _matched_lines(org)
    assert {first.owner_id, second.owner_id} == {owner.pk}


def test_an_owner_payout_is_cleared_by_the_bank_line_of_its_sepa_batch(world, manager):
    org = world.organisation.pk
    owner = make_owner(world.organisation, name="Odile Vidal")
    lease = make_mandate_lease(manager, world.own_household, owner=owner, fee_rate="8.00", start=date(2025, 12, 1))
    owners_services.bank_details_save(
        actor=world.users["accountant"],
        holder_name="Association A",
        iban="FR14 2004 1010 0505 0001 3M02 606",
        bic="PSSTFRPPMAR",
    )
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))  # 500.00 + 50.00
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2026, 1, 8), source="tenant"
    )
    statement, _created = owners_services.owner_statement_issue(
        actor=manager, owner_id=owner.pk, month=date(2026, 1, 1), on=date(2026, 3, 10)
    )
    batch = owners_services.payout_batch_create(
        actor=manager, statement_ids=[statement.pk], execution_date=date(2026, 3, 12), on=date(2026, 3, 10)
    )
    # 550.00 collected − 44.00 fee (8 %) − 8.80 VAT (20 % of the fee) = 497.20, waiting on 580
    assert batch.total == D("497.20") and _balance(org, "580000") == D("-497.20")
    line = _line(world.organisation, "-497.20", date(2026, 3, 12), "BQ-0312", label="PRLV SEPA REV-20260310-001")
    bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=[batch.transaction_id])
    assert _balance(org, "580000") == D("0.00")
    assert _balance(org, "512000") == D("-497.20") == _matched_lines(org)
    # the tenant's payment still waits on 511 for its own bank line (bank_line_link), never offered here
    assert _balance(org, "511200") == D("550.00")
    incoming = _line(world.organisation, "550.00", date(2026, 1, 8), "BQ-0108")
    assert bank_queries.clearings_for(manager, incoming) == []


# --- refusals ------------------------------------------------------------------------------------------------------


@pytest.fixture
def refund(world, manager):
    lease, _receipt = _deposit_received(manager, world.own_household)
    return _refund_450(manager, lease)


def _refused(manager, line, entry_ids, match):
    before = (Transaction.objects.count(), BankClearing.objects.count())
    with pytest.raises(ValidationError, match=match):
        bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=entry_ids)
    assert (Transaction.objects.count(), BankClearing.objects.count()) == before
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED and line.transaction_id is None


def test_the_entries_must_add_up_to_the_line(world, manager, refund):
    line = _line(world.organisation, "-400.00", date(2026, 1, 22), "BQ-0122")
    _refused(manager, line, [refund.transaction_id], "font -450,00 € : elles doivent égaler les -400,00 €")


def test_an_entry_is_cleared_once(world, manager, refund):
    first = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122")
    bank_services.bank_line_clear(actor=manager, line_id=first.pk, entry_ids=[refund.transaction_id])
    second = _line(world.organisation, "-450.00", date(2026, 1, 23), "BQ-0123")
    _refused(manager, second, [refund.transaction_id], "déjà rapprochée d'une opération bancaire")
    with pytest.raises(ValidationError, match="plus à rapprocher"):
        bank_services.bank_line_clear(actor=manager, line_id=first.pk, entry_ids=[refund.transaction_id])
    assert _balance(world.organisation.pk, "512000") == D("-450.00")


def test_a_line_of_the_other_sign_or_an_entry_that_does_not_wait_is_refused(world, manager, refund):
    incoming = _line(world.organisation, "450.00", date(2026, 1, 22), "BQ-IN")
    _refused(manager, incoming, [refund.transaction_id], "pas des deux")
    call, _created = rent_services.rent_call_issue(
        actor=manager, lease_id=refund.deposit.lease_id, period=date(2025, 10, 1)
    )
    outgoing = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-OUT")
    _refused(manager, outgoing, [call.transaction_id], "n'attend pas d'opération bancaire")
    _refused(manager, outgoing, [], "Cochez au moins une écriture")


def test_a_line_in_a_closed_month_is_refused(world, manager, refund):
    line = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122")
    for month in (date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)):
        entries_services.period_close(actor=world.users["accountant"], month=month)
    _refused(manager, line, [refund.transaction_id], "clôturé")


def test_another_organisations_line_is_unknown_and_a_social_worker_may_not_clear(world, manager, refund):
    foreign = _line(world.other_organisation, "-450.00", date(2026, 1, 22), "BQ-0122")
    with pytest.raises(BankLine.DoesNotExist):
        bank_services.bank_line_clear(actor=manager, line_id=foreign.pk, entry_ids=[refund.transaction_id])
    outsider = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    own = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-OWN")
    # the other organisation's user does not see the line, nor can it clear our entries with a line of its own
    with pytest.raises(BankLine.DoesNotExist):
        bank_services.bank_line_clear(actor=outsider, line_id=own.pk, entry_ids=[refund.transaction_id])
    with pytest.raises(ValidationError, match="inconnue"):
        bank_services.bank_line_clear(actor=outsider, line_id=foreign.pk, entry_ids=[refund.transaction_id])
    with pytest.raises(PermissionDenied):
        bank_services.bank_line_clear(
            actor=world.users["social_worker"], line_id=own.pk, entry_ids=[refund.transaction_id]
        )
    assert not BankClearing.objects.exists()


def test_a_receipt_cancelled_before_its_bank_line_waits_no_more(world, manager):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 9, 1), rent="600.00", deposit=D("600.00"))
    receipt = deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    deposits_services.deposit_receipt_cancel(actor=manager, movement_id=receipt.pk, on=date(2025, 9, 5))
    assert _balance(world.organisation.pk, "511200") == D("0.00")
    line = _line(world.organisation, "600.00", date(2025, 9, 3), "BQ-0903")
    assert bank_queries.clearings_for(manager, line) == []
    _refused(manager, line, [receipt.transaction_id], "n'attend pas d'opération bancaire")


# --- the bank line's page ------------------------------------------------------------------------------------------


def test_the_line_page_offers_the_waiting_entries_and_clears_them_after_a_confirmation(client, world, manager, refund):
    line = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122")
    client.force_login(world.users["accountant"])
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    assert "Décaissements en attente du relevé" in page
    assert f'value="{refund.transaction_id}"' in page and "checked" in page
    assert '<td data-label="Montant" class="amount">-450,00 €</td>' in page

    url = reverse("ledger:bank_line_clear", args=[line.pk])
    asked = client.post(url, {"entries": [str(refund.transaction_id)]})
    assert asked.status_code == 200 and "Confirmer le rapprochement" in asked.content.decode()
    assert not BankClearing.objects.exists()

    done = client.post(url, {"entries": [str(refund.transaction_id)], "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("ledger:bank_queue")
    assert BankClearing.objects.get().bank_line_id == line.pk
    assert _balance(world.organisation.pk, "512000") == D("-450.00")
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    assert "écritures rapprochées" in page and "Rapprocher des écritures cochées" not in page


def test_an_entry_not_offered_is_refused_in_french_by_the_page(client, world, manager, refund):
    line = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122")
    client.force_login(world.users["accountant"])
    response = client.post(
        reverse("ledger:bank_line_clear", args=[line.pk]), {"entries": [str(line.pk)], "confirmed": "1"}, follow=True
    )
    assert "attend plus cette opération : rechargez la page" in response.content.decode()
    assert not BankClearing.objects.exists()


# --- undoing a clearing ---------------------------------------------------------------------------------------


def _cleared(world, manager, refund):
    line = _line(world.organisation, "-450.00", date(2026, 1, 22), "BQ-0122", label="VIR DUPONT RESTITUTION DG")
    bank_services.bank_line_clear(actor=manager, line_id=line.pk, entry_ids=[refund.transaction_id])
    line.refresh_from_db()
    return line


def test_a_clearing_is_undone_by_reversing_its_bank_entry_and_the_entries_wait_again(world, manager, refund):
    # The refund of 450.00 was cleared by the wrong line: undone, 580000 waits again for 450.00, the bank is back
    # at 0.00, both entries stay in the ledger, and the right line clears the refund afterwards.
    org = world.organisation.pk
    line = _cleared(world, manager, refund)
    bank_entry = line.transaction
    assert (_balance(org, "512000"), _balance(org, "580000")) == (D("-450.00"), D("0.00"))
    lines_before = Line.objects.count()

    bank_services.bank_line_unclear(actor=manager, line_id=line.pk)

    line.refresh_from_db()
    assert (line.state, line.transaction_id, line.source) == (BankLineState.UNMATCHED, None, "")
    assert not BankClearing.objects.exists()
    assert (_balance(org, "512000"), _balance(org, "580000")) == (D("0.00"), D("-450.00"))
    assert _balance(org, "512000") == _matched_lines(org)
    reversal = Transaction.objects.get(reversal_of=bank_entry)
    assert reversal.booked_on == date(2026, 1, 22)
    assert {(row.account.code, row.amount) for row in reversal.lines.select_related("account")} == {
        ("512000", D("450.00")),
        ("580000", D("-450.00")),
    }
    assert Line.objects.count() == lines_before + 2  # nothing updated nor deleted: two lines added
    assert Transaction.objects.filter(pk=bank_entry.pk).exists()
    assert entries_queries.ledger_sum(org) == 0
    event = AuditEvent.objects.get(action="ledger.bank_line_unclear", object_id=str(line.pk))
    assert event.detail["entries"] == [str(refund.transaction_id)] and event.detail["reversal"] == str(reversal.pk)
    assert [entry.pk for entry in bank_queries.clearings_for(manager, line)] == [refund.transaction_id]

    right = _line(world.organisation, "-450.00", date(2026, 1, 23), "BQ-0123")
    bank_services.bank_line_clear(actor=manager, line_id=right.pk, entry_ids=[refund.transaction_id])
    assert (_balance(org, "512000"), _balance(org, "580000")) == (D("-450.00"), D("0.00"))
    assert _balance(org, "512000") == _matched_lines(org)
    # and the first line may be cleared again later with its own entries, posting a new bank entry
    assert bank_queries.clearings_for(manager, line) == []


def test_undoing_is_refused_in_a_closed_month_for_a_line_not_cleared_and_for_others(world, manager, refund):
    line = _cleared(world, manager, refund)
    waiting = _line(world.organisation, "-10.00", date(2026, 1, 22), "BQ-WAIT")
    with pytest.raises(ValidationError, match="pas rapprochée d'écritures en attente"):
        bank_services.bank_line_unclear(actor=manager, line_id=waiting.pk)
    with pytest.raises(PermissionDenied):
        bank_services.bank_line_unclear(actor=world.users["social_worker"], line_id=line.pk)
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    with pytest.raises(BankLine.DoesNotExist):
        bank_services.bank_line_unclear(actor=outsider, line_id=line.pk)
    for month in (date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)):
        entries_services.period_close(actor=world.users["accountant"], month=month)
    before = (Transaction.objects.count(), BankClearing.objects.count())
    with pytest.raises(ValidationError, match="Le mois de 01/2026 est clôturé : aucune écriture ne peut y être datée"):
        bank_services.bank_line_unclear(actor=manager, line_id=line.pk)
    assert (Transaction.objects.count(), BankClearing.objects.count()) == before
    line.refresh_from_db()
    assert line.state == BankLineState.MATCHED
    assert not AuditEvent.objects.filter(action="ledger.bank_line_unclear").exists()


def test_a_line_matched_to_a_payment_is_not_undone_here(world, manager, refund):
    lease = make_signed_lease(manager, world.own_household, start=date(2026, 1, 15), rent="300.00")
    line = _line(world.organisation, "350.00", date(2026, 1, 22), "BQ-RENT")
    bank_services.bank_line_match(actor=manager, line_id=line.pk, lease_id=lease.pk)
    with pytest.raises(ValidationError, match="pas rapprochée d'écritures en attente"):
        bank_services.bank_line_unclear(actor=manager, line_id=line.pk)


def test_the_line_page_undoes_a_clearing_after_a_confirmation(client, world, manager, refund):
    line = _cleared(world, manager, refund)
    client.force_login(world.users["accountant"])
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    url = reverse("ledger:bank_line_unclear", args=[line.pk])
    assert f'action="{url}"' in page and "Défaire le rapprochement" in page

    asked = client.post(url)
    content = asked.content.decode()
    assert asked.status_code == 200 and "Confirmer : défaire le rapprochement" in content
    assert "22/01/2026 · -450,00 €" in content
    assert BankClearing.objects.count() == 1  # the confirmation page writes nothing

    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("ledger:bank_line", args=[line.pk])
    assert not BankClearing.objects.exists()
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    assert "Rapprocher des écritures cochées" in page and f'action="{url}"' not in page

    again = client.post(url, {"confirmed": "1"}, follow=True)
    assert "pas rapprochée d&#x27;écritures en attente" in again.content.decode()


def test_a_social_worker_may_not_undo_a_clearing_from_the_page(client, world, manager, refund):
    line = _cleared(world, manager, refund)
    client.force_login(world.users["social_worker"])
    response = client.post(reverse("ledger:bank_line_unclear", args=[line.pk]), {"confirmed": "1"})
    assert response.status_code in (403, 404)
    assert BankClearing.objects.count() == 1
