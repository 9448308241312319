"""Repayment plans (plans d'apurement) and arrears letters on the database: instalments computed to the cent,
refusals in French with nothing saved, the month-end calls asking each instalment once without posting it, the
follow-up of the instalments, the one table of status changes, the letters and their PDF."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from pypdf import PdfReader

from habiter.core.models import AuditEvent
from habiter.ledger import rules
from habiter.ledger.bank import queries as bank_queries
from habiter.ledger.models import (
    ArrearsLetter,
    Instalment,
    Line,
    RentCall,
    RentReceipt,
    RepaymentPlan,
    RepaymentPlanChange,
)
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
ON = date(2025, 3, 20)  # February and March called and unpaid: 1 100,00 € of arrears


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    """500 € + 50 € due on the 5th; January paid, February and March unpaid."""
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="500.00", charges="50.00")
    for month in (1, 2, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2025, 1, 5), source="tenant"
    )
    return lease


def _plan(manager, lease, **kw):
    return rent_services.repayment_plan_create(
        actor=manager, lease_id=lease.pk, **({"start_month": date(2025, 4, 1), "count": 3, "on": ON} | kw)
    )


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- instalments: pure computation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("debt", "count", "monthly", "expected"),
    [
        ("1100.00", 3, None, ["366.66", "366.66", "366.68"]),
        ("100.00", 3, None, ["33.33", "33.33", "33.34"]),
        ("0.05", 5, None, ["0.01"] * 5),
        ("450.00", 1, None, ["450.00"]),
        ("1100.00", None, "300.00", ["300.00", "300.00", "300.00", "200.00"]),
        ("900.00", None, "300.00", ["300.00", "300.00", "300.00"]),
        ("10.01", None, "10.00", ["10.00", "0.01"]),
    ],
)
def test_instalments_sum_to_the_debt_and_the_last_takes_the_remainder(debt, count, monthly, expected):
    amounts = rules.instalment_amounts(D(debt), count=count, monthly=D(monthly) if monthly else None)
    assert amounts == [D(a) for a in expected]
    assert sum(amounts) == D(debt)


@pytest.mark.parametrize(
    ("debt", "count", "monthly", "message"),
    [
        ("0.00", 3, None, "montant positif"),
        ("-5.00", 3, None, "montant positif"),
        ("10.001", 3, None, "centime"),
        ("100.00", None, None, "soit le nombre d'échéances, soit le montant mensuel"),
        ("100.00", 2, "50.00", "soit le nombre d'échéances, soit le montant mensuel"),
        ("100.00", 0, None, "au moins une échéance"),
        ("0.05", 6, None, "inférieure à un centime"),
        ("100.00", None, "0.00", "positif"),
        ("100.00", None, "150.00", "dépasse la dette"),
    ],
)
def test_impossible_instalments_are_refused_in_french(debt, count, monthly, message):
    with pytest.raises(ValueError, match=message):
        rules.instalment_amounts(D(debt), count=count, monthly=D(monthly) if monthly else None)


@pytest.mark.parametrize(
    ("repaid", "on", "expected", "late"),
    [
        ("0.00", date(2025, 4, 1), ["upcoming", "upcoming"], [False, False]),
        ("0.00", date(2025, 4, 10), ["unpaid", "upcoming"], [False, False]),
        ("0.00", date(2025, 5, 5), ["unpaid", "unpaid"], [True, False]),  # 30 days after 5 April
        ("50.00", date(2025, 5, 4), ["partial", "upcoming"], [False, False]),
        ("100.00", date(2025, 5, 4), ["paid", "upcoming"], [False, False]),
        ("150.00", date(2025, 4, 10), ["paid", "upcoming"], [False, False]),  # ahead: the 2nd partly covered
        ("200.00", date(2025, 4, 10), ["paid", "paid"], [False, False]),
    ],
)
def test_the_follow_up_of_instalments(repaid, on, expected, late):
    states = rules.plan_follow_up([(date(2025, 4, 5), D("100.00")), (date(2025, 5, 5), D("100.00"))], D(repaid), on, 30)
    assert [s.status for s in states] == expected
    assert [s.late for s in states] == late


@pytest.mark.parametrize(
    ("at_start", "now", "repaid"),
    [
        ("1100.00", "1100.00", "0.00"),
        ("1100.00", "733.34", "366.66"),
        ("1100.00", "1650.00", "0.00"),
        ("1100.00", "0.00", "1000.00"),
    ],
)
def test_what_is_repaid_is_how_much_the_arrears_went_down_at_most_the_debt(at_start, now, repaid):
    assert rules.plan_repaid(D("1000.00"), D(at_start), D(now)) == D(repaid)


# --- creating a plan -----------------------------------------------------------------------------------------


def test_a_plan_covers_the_arrears_by_default_and_is_audited(manager, lease):
    plan = _plan(manager, lease)
    assert (plan.debt, plan.arrears_at_start, plan.status) == (D("1100.00"), D("1100.00"), "active")
    assert [(i.number, i.period, i.due_date, i.amount) for i in plan.instalments.all()] == [
        (1, date(2025, 4, 1), date(2025, 4, 5), D("366.66")),
        (2, date(2025, 5, 1), date(2025, 5, 5), D("366.66")),
        (3, date(2025, 6, 1), date(2025, 6, 5), D("366.68")),
    ]
    event = AuditEvent.objects.get(action="ledger.repayment_plan_create", object_id=str(plan.pk))
    assert event.household_id == lease.household_id


def test_a_plan_by_monthly_amount_on_part_of_the_debt(manager, lease):
    plan = _plan(manager, lease, count=None, monthly=D("250.00"), debt=D("600.00"))
    assert [i.amount for i in plan.instalments.all()] == [D("250.00"), D("250.00"), D("100.00")]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"debt": D("1100.01")}, "ne peut couvrir plus que l'impayé du bail \\(1100,00 €\\)"),
        ({"debt": D("0.00")}, "montant positif"),
        ({"debt": D("-1.00")}, "montant positif"),
        ({"start_month": date(2025, 3, 1)}, "déjà appelé"),
        ({"start_month": date(2025, 2, 1)}, "mois passé"),
        ({"count": 37}, "au plus 36 mois"),
        ({"count": None, "monthly": D("10.00")}, "au plus 36 mois"),
        ({"count": None}, "soit le nombre d'échéances"),
        ({"on": date(2025, 1, 4)}, "pas d'impayé"),
    ],
)
def test_a_plan_that_cannot_be_is_refused_in_french_and_nothing_is_saved(manager, lease, kw, message):
    with pytest.raises(ValidationError, match=message):
        _plan(manager, lease, **kw)
    assert not RepaymentPlan.objects.exists() and not Instalment.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.repayment_plan_create").exists()


def test_one_plan_in_progress_per_lease(manager, lease):
    _plan(manager, lease)
    with pytest.raises(ValidationError, match="déjà un plan d'apurement en cours"):
        _plan(manager, lease, start_month=date(2025, 5, 1))
    assert RepaymentPlan.objects.count() == 1


@pytest.mark.parametrize("role", ["social_worker", "team_lead", "volunteer", "receptionist"])
def test_only_who_records_payments_makes_a_plan(world, lease, role):
    with pytest.raises(PermissionDenied):
        _plan(world.users[role], lease)


def test_another_organisations_lease_is_unknown(world, lease):
    from habiter.core.tests.factories import UserFactory
    from habiter.leases.models import Lease

    foreign = UserFactory(organisation=world.other_organisation, role="rental_manager")
    with pytest.raises(Lease.DoesNotExist):
        _plan(foreign, lease)


# --- month-end -----------------------------------------------------------------------------------------------


def test_month_end_asks_the_instalment_once_without_posting_it(manager, lease):
    plan = _plan(manager, lease)
    assert rent_services.rent_calls_issue(actor=manager, month=date(2025, 4, 1)) == 1
    call = RentCall.objects.get(lease=lease, period=date(2025, 4, 1))
    assert (call.rent, call.service_charges, call.instalment, call.total) == (
        D("500.00"),
        D("50.00"),
        D("366.66"),
        D("916.66"),
    )
    assert call.plan_instalment == plan.instalments.get(number=1)
    # the ledger only receives the month's rent and charges: the instalment's debt is already on the account
    assert sorted(Line.objects.filter(transaction=call.transaction).values_list("amount", flat=True)) == [
        D("-500.00"),
        D("-50.00"),
        D("550.00"),
    ]
    assert rent_services.rent_calls_issue(actor=manager, month=date(2025, 4, 1)) == 0
    assert RentCall.objects.filter(lease=lease, period=date(2025, 4, 1)).count() == 1
    assert rent_queries.lease_balance(lease, date(2025, 4, 30)).balance == D("1650.00")
    # a transfer of what the notice asked (rent, charges and instalment) is suggested for this lease
    candidate = next(c for c in bank_queries.match_candidates(manager) if c.lease_id == lease.pk)
    assert candidate.with_instalment == (D("916.66"),)


def test_month_end_batch_query_count_does_not_grow_with_plans(manager, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(leases_count, month):
        for _ in range(leases_count):
            lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
            rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
            _plan(manager, lease, start_month=month, count=2, on=date(2025, 1, 20))
        with CaptureQueriesContext(connection) as queries_run:
            rent_services.rent_calls_issue(actor=manager, month=month)
        return len(queries_run)

    assert run(1, date(2025, 2, 1)) == run(3, date(2025, 3, 1))


def test_a_settled_or_cancelled_plan_is_no_longer_asked(manager, lease):
    plan = _plan(manager, lease)
    rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="cancelled", reason="Relogement", on=ON)
    rent_services.rent_calls_issue(actor=manager, month=date(2025, 4, 1))
    call = RentCall.objects.get(lease=lease, period=date(2025, 4, 1))
    assert (call.instalment, call.total, call.plan_instalment) == (D("0.00"), D("550.00"), None)


def test_the_instalment_is_never_receipted_as_rent(manager, lease):
    _plan(manager, lease)
    rent_services.rent_calls_issue(actor=manager, month=date(2025, 4, 1))
    call = RentCall.objects.get(lease=lease, period=date(2025, 4, 1))
    # the tenant pays the month's rent and the instalment; payments go to the oldest unpaid rent first
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("916.66"), received_on=date(2025, 4, 5), source="tenant"
    )
    february = RentCall.objects.get(lease=lease, period=date(2025, 2, 1))
    receipt = rent_services.receipt_issue(actor=manager, rent_call_id=february.pk, on=date(2025, 4, 6))
    assert (receipt.kind, receipt.total_due, receipt.paid) == ("quittance", D("550.00"), D("550.00"))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("1100.00"), received_on=date(2025, 4, 7), source="tenant"
    )
    receipt = rent_services.receipt_issue(actor=manager, rent_call_id=call.pk, on=date(2025, 4, 8))
    assert (receipt.kind, receipt.rent, receipt.service_charges, receipt.total_due) == (
        "quittance",
        D("500.00"),
        D("50.00"),
        D("550.00"),
    )
    text = _pdf_text(rent_services.receipt_pdf(receipt.pk))
    assert "550,00" in text and "916,66" not in text and "366,66" not in text
    assert RentReceipt.objects.filter(kind="quittance").count() == 2


# --- follow-up and status --------------------------------------------------------------------------------------


def _follow(plan, on):
    plan = rent_queries.plans_of(plan.lease).get(pk=plan.pk)
    return rent_queries.plan_follow_up(plan, rent_queries.lease_arrears_total(plan.lease, on), on)


def test_a_plan_followed_then_not_respected(manager, lease):
    plan = _plan(manager, lease)
    for month in (4, 5):
        rent_services.rent_calls_issue(actor=manager, month=date(2025, month, 1))
    # April: rent and instalment paid; May: only the rent
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("916.66"), received_on=date(2025, 4, 5), source="tenant"
    )
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2025, 5, 5), source="tenant"
    )
    follow = _follow(plan, date(2025, 5, 20))
    assert [s.status for s in follow.instalments] == ["paid", "unpaid", "upcoming"]
    assert follow.repaid == D("366.66") and follow.respected
    follow = _follow(plan, date(2025, 6, 4))
    assert [s.late for s in follow.instalments] == [False, True, False] and not follow.respected
    with override_settings(REPAYMENT_PLAN_GRACE_DAYS=45):
        assert _follow(plan, date(2025, 6, 4)).respected


def test_unpaid_rent_is_not_counted_as_repaid(manager, lease):
    plan = _plan(manager, lease)
    rent_services.rent_calls_issue(actor=manager, month=date(2025, 4, 1))
    # only the instalment is paid: the debt did not go down, the month's rent is unpaid instead
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("366.66"), received_on=date(2025, 4, 5), source="tenant"
    )
    follow = _follow(plan, date(2025, 4, 10))
    assert follow.repaid == D("0.00") and follow.instalments[0].status == "unpaid"


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        ("completed", "", "restent à rembourser"),
        ("broken", "", "Indiquez le motif"),
        ("cancelled", "  ", "Indiquez le motif"),
        ("active", "x", "n'est plus en cours"),
        ("lost", "x", "État inconnu"),
    ],
)
def test_status_changes_refused_in_french(manager, lease, status, reason, message):
    plan = _plan(manager, lease)
    with pytest.raises(ValidationError, match=message):
        rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status=status, reason=reason, on=ON)
    plan.refresh_from_db()
    assert plan.status == "active" and not RepaymentPlanChange.objects.exists()


def test_the_transition_table_is_followed_and_logged(manager, lease):
    plan = _plan(manager, lease)
    rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="broken", reason="Aucun versement", on=ON)
    with pytest.raises(ValidationError, match="n'est plus en cours"):
        rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="cancelled", reason="x", on=ON)
    change = RepaymentPlanChange.objects.get()
    assert (change.from_status, change.to_status, change.reason) == ("active", "broken", "Aucun versement")
    assert AuditEvent.objects.filter(action="ledger.repayment_plan_move", object_id=str(plan.pk)).count() == 1
    # a new plan may be agreed once the first is broken
    assert _plan(manager, lease, start_month=date(2025, 5, 1)).status == "active"


def test_a_repaid_plan_is_settled(manager, lease):
    plan = _plan(manager, lease)
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("1100.00"), received_on=date(2025, 3, 21), source="fsl"
    )
    rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="completed", on=date(2025, 3, 22))
    plan.refresh_from_db()
    assert plan.status == "completed"


# --- letters ---------------------------------------------------------------------------------------------------


def test_a_formal_notice_only_after_a_reminder(manager, lease):
    with pytest.raises(ValidationError, match="Envoyez d'abord une lettre de relance"):
        rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="formal_notice", on=ON)
    assert not ArrearsLetter.objects.exists()
    reminder = rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="reminder", on=ON)
    assert reminder.amount == D("1100.00")
    assert [row["left"] for row in rent_queries.letter_unpaid_rows(reminder)] == [D("550.00"), D("550.00")]
    notice = rent_services.arrears_letter_send(
        actor=manager, lease_id=lease.pk, kind="formal_notice", on=date(2025, 4, 2)
    )
    assert notice.kind == "formal_notice"
    assert AuditEvent.objects.filter(action="ledger.reminder_send").count() == 1
    assert AuditEvent.objects.filter(action="ledger.formal_notice_send").count() == 1


@pytest.mark.parametrize(
    ("kind", "on", "message"),
    [("reminder", date(2025, 1, 4), "pas d'impayé"), ("lost", ON, "Type de courrier inconnu")],
)
def test_letters_refused_in_french(manager, lease, kind, on, message):
    with pytest.raises(ValidationError, match=message):
        rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind=kind, on=on)
    assert not ArrearsLetter.objects.exists()


@pytest.mark.parametrize("role", ["social_worker", "team_lead", "volunteer"])
def test_only_who_records_payments_sends_letters(world, lease, role):
    with pytest.raises(PermissionDenied):
        rent_services.arrears_letter_send(actor=world.users[role], lease_id=lease.pk, kind="reminder", on=ON)
