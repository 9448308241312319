"""The ledger's services on the database: balanced and append-only entries, closed months, rent calls, payments,
allocation, receipts and the month-end task."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from habiter.core.models import AuditEvent
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    Account,
    AccountKind,
    AppendOnly,
    Line,
    PaymentAllocation,
    PeriodClose,
    RentCall,
    RentCallRun,
    RentReceipt,
    RunStatus,
    Transaction,
)
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    return make_signed_lease(manager, world.own_household, start=date(2025, 1, 15), rent="500.00", charges="62.00")


def _bank_and_income(organisation_id):
    return (
        entries_services.organisation_account(organisation_id, AccountKind.BANK),
        entries_services.organisation_account(organisation_id, AccountKind.RENT_INCOME),
    )


def _pdf_text(content: bytes) -> str:
    import io

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- double entry --------------------------------------------------------------------------------------------


def test_a_balanced_entry_is_posted_and_audited(manager):
    bank, income = _bank_and_income(manager.organisation_id)
    entry = entries_services.transaction_post(
        actor=manager, booked_on=date(2026, 1, 5), label="Don", lines=[(bank.pk, "120.00"), (income.pk, "-120.00")]
    )
    assert sorted(entry.lines.values_list("amount", flat=True)) == [D("-120.00"), D("120.00")]
    assert AuditEvent.objects.filter(action="ledger.transaction_post", object_id=str(entry.pk)).exists()
    assert entries_queries.ledger_sum(manager.organisation_id) == 0


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        (["100.00", "-99.99"], "n'est pas équilibrée"),
        (["100.00"], "au moins deux lignes"),
        (["100.00", "0", "-100.00"], "jamais nulle"),
        (["100.001", "-100.001"], "au centime"),
    ],
)
def test_an_entry_that_does_not_balance_is_refused_in_french(manager, amounts, message):
    bank, income = _bank_and_income(manager.organisation_id)
    accounts = [bank, income, bank]
    with pytest.raises(ValidationError, match=message):
        entries_services.transaction_post(
            actor=manager,
            booked_on=date(2026, 1, 5),
            label="Erreur",
            lines=[(accounts[i].pk, amount) for i, amount in enumerate(amounts)],
        )
    assert not Transaction.objects.exists()


def test_a_social_worker_may_not_post(world):
    bank, income = _bank_and_income(world.organisation.pk)
    with pytest.raises(PermissionDenied):
        entries_services.transaction_post(
            actor=world.users["social_worker"],
            booked_on=date(2026, 1, 5),
            label="Non",
            lines=[(bank.pk, "1.00"), (income.pk, "-1.00")],
        )


def test_an_account_of_another_organisation_is_unknown(manager, world):
    bank, _income = _bank_and_income(manager.organisation_id)
    foreign = entries_services.organisation_account(world.other_organisation.pk, AccountKind.BANK)
    with pytest.raises(ValidationError, match="Compte inconnu"):
        entries_services.transaction_post(
            actor=manager, booked_on=date(2026, 1, 5), label="x", lines=[(bank.pk, "1.00"), (foreign.pk, "-1.00")]
        )


def test_entries_are_append_only_in_python(manager):
    bank, income = _bank_and_income(manager.organisation_id)
    entry = entries_services.transaction_post(
        actor=manager, booked_on=date(2026, 1, 5), label="Don", lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
    )
    line = entry.lines.first()
    for attempt in (
        entry.save,
        entry.delete,
        line.save,
        line.delete,
        lambda: Transaction.objects.filter(pk=entry.pk).update(label="changé"),
        lambda: Line.objects.filter(transaction=entry).delete(),
    ):
        with pytest.raises(AppendOnly):
            attempt()


def test_a_reversal_negates_the_lines_and_is_linked(manager):
    bank, income = _bank_and_income(manager.organisation_id)
    entry = entries_services.transaction_post(
        actor=manager, booked_on=date(2026, 1, 5), label="Don", lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
    )
    reversal = entries_services.transaction_reverse(actor=manager, transaction_id=entry.pk, on=date(2026, 1, 6))
    assert reversal.reversal_of == entry
    assert {(line.account_id, line.amount) for line in reversal.lines.all()} == {
        (bank.pk, D("-10.00")),
        (income.pk, D("10.00")),
    }
    assert Account.objects.filter(pk=bank.pk).with_balance().get().balance == 0
    with pytest.raises(ValidationError, match="déjà contre-passée"):
        entries_services.transaction_reverse(actor=manager, transaction_id=entry.pk, on=date(2026, 1, 6))
    with pytest.raises(ValidationError, match="ne se contre-passe pas"):
        entries_services.transaction_reverse(actor=manager, transaction_id=reversal.pk, on=date(2026, 1, 6))


def test_with_balance_is_one_query_and_respects_the_date(manager, django_assert_num_queries):
    bank, income = _bank_and_income(manager.organisation_id)
    for day in (date(2026, 1, 5), date(2026, 2, 5)):
        entries_services.transaction_post(
            actor=manager, booked_on=day, label="Don", lines=[(bank.pk, "10.00"), (income.pk, "-10.00")]
        )
    with django_assert_num_queries(1):
        balances = {a.kind: a.balance for a in Account.objects.filter(organisation=manager.organisation).with_balance()}
    assert balances == {"bank": D("20.00"), "rent_income": D("-20.00")}
    assert Account.objects.with_balance(on=date(2026, 1, 31)).get(pk=bank.pk).balance == D("10.00")


# --- closed months -------------------------------------------------------------------------------------------


def test_a_closed_month_refuses_entries_dated_in_it(world, lease):
    accountant = world.users["accountant"]
    call, _ = rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 2, 1))
    entries_services.period_close(actor=accountant, month=date(2026, 2, 1))
    with pytest.raises(ValidationError, match="clôturé"):
        rent_services.payment_record(
            actor=accountant, lease_id=lease.pk, amount=D("100.00"), received_on=date(2026, 2, 20), source="tenant"
        )
    with pytest.raises(ValidationError, match="clôturé"):
        entries_services.transaction_reverse(actor=accountant, transaction_id=call.transaction_id, on=date(2026, 2, 15))
    # a back-dated payment in an open month is fine
    rent_services.payment_record(
        actor=accountant, lease_id=lease.pk, amount=D("100.00"), received_on=date(2026, 3, 2), source="tenant"
    )
    with pytest.raises(ValidationError, match="déjà clôturé"):
        entries_services.period_close(actor=accountant, month=date(2026, 2, 14))


def test_months_close_in_order(world, lease):
    accountant = world.users["accountant"]
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 1, 1))
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2026, 2, 1))
    with pytest.raises(ValidationError, match=r"Le mois 01/2026 n'est pas clôturé"):
        entries_services.period_close(actor=accountant, month=date(2026, 3, 1))
    assert not PeriodClose.objects.exists()
    entries_services.period_close(actor=accountant, month=date(2026, 1, 1))
    with pytest.raises(ValidationError, match=r"Le mois 02/2026 n'est pas clôturé"):
        entries_services.period_close(actor=accountant, month=date(2026, 3, 1))
    entries_services.period_close(actor=accountant, month=date(2026, 2, 1))
    entries_services.period_close(actor=accountant, month=date(2026, 4, 1))  # March holds no entry: nothing to wait for
    assert PeriodClose.objects.filter(month=date(2026, 4, 1)).exists()


def test_only_accountants_and_directors_close_a_month(world):
    with pytest.raises(PermissionDenied):
        entries_services.period_close(actor=world.users["rental_manager"], month=date(2026, 1, 1))


def test_the_current_month_cannot_be_closed(world):
    from django.utils import timezone

    with pytest.raises(ValidationError, match="mois terminé"):
        entries_services.period_close(actor=world.users["director"], month=timezone.localdate())


# --- rent calls ----------------------------------------------------------------------------------------------


def test_the_first_month_is_prorated_and_split(manager, lease):
    call, created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    assert created
    # 17 days of 31 from the 15th: 500 × 17/31 = 274.19; 62 × 17/31 = 34.00
    assert (call.rent, call.service_charges, call.total) == (D("274.19"), D("34.00"), D("308.19"))
    assert call.due_date == date(2025, 1, 15)  # the 5th precedes the start: due on the first day
    lines = {line.account.kind: line.amount for line in call.transaction.lines.select_related("account")}
    assert lines == {"tenant": D("308.19"), "rent_income": D("-274.19"), "charge_provisions": D("-34.00")}


def test_a_prorated_call_whose_parts_do_not_add_up_in_binary_is_accepted(manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 15), rent="480.00", charges="35.50")
    call, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    assert (call.rent, call.service_charges, call.total) == (D("263.23"), D("19.47"), D("282.70"))


def test_a_full_month_is_due_on_the_payment_day(manager, lease):
    call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 3, 1))
    assert (call.rent, call.service_charges, call.due_date) == (D("500.00"), D("62.00"), date(2025, 3, 5))


def test_issuing_a_month_twice_returns_the_first_call(manager, lease):
    first, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 3, 1))
    again, created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 3, 20))
    assert again == first and not created
    assert RentCall.objects.count() == 1 and Transaction.objects.count() == 1


def test_a_month_before_the_lease_has_nothing_to_call(manager, lease):
    with pytest.raises(ValidationError, match="ne court pas"):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2024, 12, 1))


def test_the_last_month_is_prorated(manager, world):
    from habiter.leases import services as lease_services

    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="600.00", charges="30.00")
    lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=date(2025, 6, 10))
    call, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 6, 1))
    assert (call.rent, call.service_charges) == (D("200.00"), D("10.00"))


def test_the_month_end_task_issues_every_running_lease_once(manager, world, django_capture_on_commit_callbacks):
    leases = [make_signed_lease(manager, world.own_household, start=date(2025, 1, 1)) for _ in range(3)]
    make_signed_lease(manager, world.other_team_household, start=date(2026, 5, 1))  # not yet running in March
    with django_capture_on_commit_callbacks(execute=True):
        run = rent_services.rent_call_run_start(actor=manager, month=date(2026, 3, 1))
    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.issued) == (RunStatus.DONE, 3, 3, 3)
    assert set(RentCall.objects.values_list("lease_id", flat=True)) == {lease.pk for lease in leases}
    with django_capture_on_commit_callbacks(execute=True):
        again = rent_services.rent_call_run_start(actor=manager, month=date(2026, 3, 1))
    again.refresh_from_db()
    assert (again.status, again.issued) == (RunStatus.DONE, 0)
    assert RentCall.objects.count() == 3


def test_a_running_month_cannot_be_started_twice(manager):
    RentCallRun.objects.create(organisation=manager.organisation, month=date(2026, 3, 1), started_by=manager)
    with pytest.raises(ValidationError, match="déjà en cours"):
        rent_services.rent_call_run_start(actor=manager, month=date(2026, 3, 1))


# --- payments and allocation ---------------------------------------------------------------------------------


def _calls(manager, lease, *months):
    return [rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, m, 1))[0] for m in months]


def test_a_payment_settles_the_oldest_calls_first(manager, lease):
    january, february, march = _calls(manager, lease, 1, 2, 3)
    payment = rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("700.00"), received_on=date(2025, 3, 10), source="tenant"
    )
    allocated = {a.rent_call_id: a.amount for a in payment.allocations.all()}
    assert allocated == {january.pk: D("308.19"), february.pk: D("391.81")}
    balance = rent_queries.lease_balance(lease, date(2025, 3, 31))
    assert (balance.due, balance.paid, balance.balance) == (D("1432.19"), D("700.00"), D("732.19"))
    assert balance.oldest_unpaid_period == date(2025, 2, 1)
    assert march.allocations.count() == 0


def test_a_caf_payment_is_owed_by_the_caf_and_credits_the_tenant(manager, lease):
    _calls(manager, lease, 3)
    payment = rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("250.00"), received_on=date(2025, 3, 10), source="caf"
    )
    kinds = {line.account.kind: line.amount for line in payment.transaction.lines.select_related("account")}
    assert kinds == {"caf": D("250.00"), "tenant": D("-250.00")}


def test_an_advance_is_allocated_to_the_next_call(manager, lease):
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("100.00"), received_on=date(2025, 1, 2), source="tenant"
    )
    (january,) = _calls(manager, lease, 1)
    assert january.allocations.get().amount == D("100.00")


def test_the_same_reference_twice_on_a_lease_is_refused(manager, lease):
    kwargs = {"actor": manager, "lease_id": lease.pk, "received_on": date(2025, 3, 10), "source": "tenant"}
    rent_services.payment_record(amount=D("10.00"), reference="VIR-42", **kwargs)
    with pytest.raises(rent_services.DuplicatePaymentReference, match="VIR-42"):
        rent_services.payment_record(amount=D("11.00"), reference="VIR-42", **kwargs)
    assert lease.payments.count() == 1
    rent_services.payment_record(amount=D("12.00"), reference="", **kwargs)
    rent_services.payment_record(amount=D("13.00"), reference="", **kwargs)


@pytest.mark.parametrize(
    ("amount", "message"), [(D("0"), "positif"), (D("-5.00"), "positif"), (D("1.005"), "centime"), (5.0, "positif")]
)
def test_a_bad_amount_is_refused(manager, lease, amount, message):
    with pytest.raises(ValidationError, match=message):
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=amount, received_on=date(2025, 3, 10), source="tenant"
        )


def test_reversing_a_payment_reallocates_and_restores_the_balance(manager, lease):
    january, february = _calls(manager, lease, 1, 2)
    before = rent_queries.lease_balance(lease, date(2025, 3, 31)).balance
    first = rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("308.19"), received_on=date(2025, 2, 1), source="tenant"
    )
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("100.00"), received_on=date(2025, 2, 10), source="tenant"
    )
    entries_services.transaction_reverse(actor=manager, transaction_id=first.transaction_id, on=date(2025, 3, 1))
    first.refresh_from_db()
    assert first.reversed_on == date(2025, 3, 1) and not first.allocations.exists()
    assert {a.rent_call_id: a.amount for a in PaymentAllocation.objects.all()} == {january.pk: D("100.00")}
    assert rent_queries.lease_balance(lease, date(2025, 3, 31)).balance == before - D("100.00")


def test_reversing_a_rent_call_cancels_it_and_the_month_can_be_called_again(manager, lease):
    (march,) = _calls(manager, lease, 3)
    entries_services.transaction_reverse(actor=manager, transaction_id=march.transaction_id, on=date(2025, 3, 2))
    march.refresh_from_db()
    assert march.cancelled_on == date(2025, 3, 2)
    assert rent_queries.lease_balance(lease, date(2025, 3, 31)).balance == 0
    again, created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 3, 1))
    assert created and again != march


# --- receipts ------------------------------------------------------------------------------------------------


def test_a_fully_paid_period_gets_a_numbered_quittance_with_copied_details(
    manager, lease, django_capture_on_commit_callbacks
):
    january, february = _calls(manager, lease, 1, 2)
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("400.00"), received_on=date(2025, 2, 3), source="tenant"
    )
    with django_capture_on_commit_callbacks(execute=True):
        quittance = rent_services.receipt_issue(actor=manager, rent_call_id=january.pk, on=date(2025, 2, 4))
        recu = rent_services.receipt_issue(actor=manager, rent_call_id=february.pk, on=date(2025, 2, 4))
    assert (quittance.kind, quittance.number, quittance.paid) == ("quittance", 1, D("308.19"))
    assert (recu.kind, recu.number, recu.paid) == ("recu", 1, D("91.81"))
    assert quittance.period_start == date(2025, 1, 15) and quittance.period_end == date(2025, 1, 31)
    assert "12 rue des Lilas" in quittance.dwelling_address and quittance.tenant_names == "Noël Lefèvre"
    assert rent_services.receipt_issue(actor=manager, rent_call_id=january.pk) == quittance  # once per period
    quittance.refresh_from_db()
    text = _pdf_text(bytes(quittance.pdf))
    assert "Quittance de loyer" in text and "274,19" in text and "34,00" in text
    recu_text = _pdf_text(rent_services.receipt_pdf(recu.pk))
    assert "pas une quittance" in recu_text
    assert AuditEvent.objects.filter(action="ledger.quittance_issue").count() == 1


def test_quittance_numbers_follow_without_gaps(manager, lease):
    calls = _calls(manager, lease, 2, 3, 4)
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("1686.00"), received_on=date(2025, 4, 3), source="tenant"
    )
    numbers = [rent_services.receipt_issue(actor=manager, rent_call_id=c.pk).number for c in calls]
    assert numbers == [1, 2, 3]


def test_an_unpaid_period_has_no_document(manager, lease):
    (march,) = _calls(manager, lease, 3)
    with pytest.raises(ValidationError, match="ni quittance ni reçu"):
        rent_services.receipt_issue(actor=manager, rent_call_id=march.pk)
    assert not RentReceipt.objects.exists()


def test_the_notice_never_says_it_is_a_receipt(manager, lease, client):
    (march,) = _calls(manager, lease, 3)
    client.force_login(manager)
    from django.urls import reverse

    response = client.get(reverse("ledger:rent_call_notice", args=[march.pk]))
    text = _pdf_text(response.content)
    assert "Avis d'échéance" in text and "n'est pas une quittance" in text
    assert "500,00" in text and "62,00" in text and "562,00" in text


# --- CAF threshold -------------------------------------------------------------------------------------------


def test_the_caf_threshold_is_reached_at_two_months_of_rent(manager, world):
    # R40 test vector: rent 280 + charges 20, benefit paid to the tenant: threshold 2 × 300 = 600 €
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="280.00", charges="20.00")
    _calls(manager, lease, 1, 2, 3)
    balance = rent_queries.lease_balance(lease, date(2025, 1, 10))
    assert not balance.caf.reached and balance.caf.threshold == D("600.00")
    balance = rent_queries.lease_balance(lease, date(2025, 2, 10))
    assert balance.caf.reached and balance.caf.constituted_on == date(2025, 2, 5)
    assert balance.caf.report_by == date(2025, 4, 5)


def test_in_tiers_payant_the_threshold_is_net_of_the_benefit(manager, world):
    # R40 test vector: the same rent with 50 € of benefit paid to the landlord: threshold 2 × (300 − 50) = 500 €
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="280.00", charges="20.00")
    _calls(manager, lease, 1)
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("50.00"), received_on=date(2025, 1, 6), source="caf"
    )
    _calls(manager, lease, 2, 3)  # the threshold is the one in force when February's call falls due
    balance = rent_queries.lease_balance(lease, date(2025, 2, 10))
    assert balance.caf.threshold == D("500.00") and balance.caf.reached
