"""The redevance of a residence contract through the ledger (docs/adr/0030): the worked example of a resident who
enters on the 11th of a 30-day month, with the APL-foyer paid by the CAF to the manager, every figure by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.ledger import rules
from habiter.ledger.entries.services import transaction_reverse
from habiter.ledger.models import (
    Account,
    AccountKind,
    Line,
    RedevanceCall,
    RedevancePayment,
    RentCallRun,
    money_sum,
)
from habiter.ledger.redevance import queries, services
from habiter.ledger.rent.services import rent_calls_issue
from habiter.residences import services as residence_services
from habiter.residences.models import ResidenceContract
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db
D = Decimal


def _balance(organisation, code) -> Decimal:
    account = Account.objects.get(organisation=organisation, code=code)
    return rules.cents(Line.objects.filter(account=account).aggregate(total=money_sum("amount"))["total"])


@pytest.fixture
def contract(world):
    director = world.users["director"]
    with time_machine.travel(date(2026, 6, 11), tick=False):
        residence = make_residence(director, hosts=[world.users["host"]])
        make_house_rules(director, residence, date(2025, 1, 6))
        place = make_place(director, residence, "3", typology="T1")
        contract = make_active_contract(
            director, place, world.own_household.members.first(), date(2026, 6, 11), date(2026, 6, 11)
        )
        # 380.00 a month = équivalence de loyer 300.00 + charges 50.00 + services 30.00
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2026, 6, 11),
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": D("300.00")},
                {"kind": "charges", "label": "", "amount": D("50.00")},
                {"kind": "prestation_obligatoire", "label": "Ménage des parties communes", "amount": D("30.00")},
            ],
        )
    return contract


def test_the_worked_example_entry_on_the_11th_with_the_apl_foyer(world, contract):
    accountant, organisation = world.users["accountant"], world.organisation

    with time_machine.travel(date(2026, 6, 11), tick=False):
        june, created = services.redevance_call_issue(
            actor=accountant, contract_id=contract.pk, period=date(2026, 6, 1)
        )
    # June has 30 days; the contract runs from the 11th to the 30th: 20 days, each line prorated 20/30:
    #   300.00 × 20 / 30 = 200.00 ; 50.00 × 20 / 30 = 33.333… → 33.33 ; 30.00 × 20 / 30 = 20.00
    #   200.00 + 33.33 + 20.00 = 253.33 (= 380.00 × 20 / 30 = 253.333… rounded)
    assert created
    assert (june.rent_equivalent, june.charges, june.services, june.total) == (
        D("200.00"),
        D("33.33"),
        D("20.00"),
        D("253.33"),
    )
    assert june.due_date == date(2026, 6, 11)
    assert [(line.kind, line.monthly, line.amount) for line in june.lines.order_by("id")] == [
        ("equivalence_loyer", D("300.00"), D("200.00")),
        ("charges", D("50.00"), D("33.33")),
        ("prestation_obligatoire", D("30.00"), D("20.00")),
    ]
    # asking again returns the same call
    assert services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, 6, 15)) == (
        june,
        False,
    )

    # the resident pays the rest, the CAF pays the APL-foyer to the manager (tiers payant)
    with time_machine.travel(date(2026, 6, 30), tick=False):
        services.redevance_payment_record(
            actor=accountant,
            contract_id=contract.pk,
            amount=D("43.33"),
            received_on=date(2026, 6, 20),
            source="resident",
        )
        services.redevance_payment_record(
            actor=accountant, contract_id=contract.pk, amount=D("210.00"), received_on=date(2026, 6, 30), source="caf"
        )
        figures = queries.contract_balance(contract, date(2026, 6, 30))
    # 253.33 − 43.33 − 210.00 = 0.00
    assert (figures.balance, figures.overdue, figures.caf_paid, figures.resident_paid) == (
        D("0.00"),
        D("0.00"),
        D("210.00"),
        D("43.33"),
    )
    june.refresh_from_db()
    assert june.settled

    # the accountant's month-end run issues July's redevance with the leases' rents
    with time_machine.travel(date(2026, 7, 1), tick=False):
        issued = rent_calls_issue(actor=accountant, month=date(2026, 7, 1))
    july = RedevanceCall.objects.get(contract=contract, period=date(2026, 7, 1))
    assert issued == 1
    assert (july.total, july.due_date) == (D("380.00"), date(2026, 7, 1))

    with time_machine.travel(date(2026, 7, 10), tick=False):
        # 380.00 − 210.00 (the APL-foyer to come) = 170.00
        services.redevance_payment_record(
            actor=accountant,
            contract_id=contract.pk,
            amount=D("170.00"),
            received_on=date(2026, 7, 5),
            source="resident",
        )
        figures = queries.contract_balance(contract, date(2026, 7, 10))
        # 253.33 + 380.00 − 43.33 − 210.00 − 170.00 = 210.00, July's APL-foyer not yet paid
        assert (figures.balance, figures.overdue) == (D("210.00"), D("210.00"))
        assert [(row.contract.pk, row.overdue) for row in queries.redevance_arrears(accountant, date(2026, 7, 10))] == [
            (contract.pk, D("210.00"))
        ]
        # June is fully paid: its quittance, the APL-foyer shown apart
        quittance = services.redevance_receipt_issue(actor=accountant, call_id=june.pk)
        assert (quittance.kind, quittance.total_due, quittance.paid, quittance.paid_by_caf) == (
            "quittance",
            D("253.33"),
            D("253.33"),
            D("210.00"),
        )
        assert (quittance.period_start, quittance.period_end) == (date(2026, 6, 11), date(2026, 6, 30))
        # July: a reçu for the 170.00 paid, not a quittance
        recu = services.redevance_receipt_issue(actor=accountant, call_id=july.pk)
        assert (recu.kind, recu.paid) == ("recu", D("170.00"))

    with time_machine.travel(date(2026, 7, 31), tick=False):
        services.redevance_payment_record(
            actor=accountant, contract_id=contract.pk, amount=D("210.00"), received_on=date(2026, 7, 31), source="caf"
        )
        assert queries.contract_balance(contract, date(2026, 7, 31)).balance == D("0.00")

    # the ledger: the resident's 411 account is nil; the redevance is the association's income
    resident = Account.objects.get(residence_contract=contract)
    assert (resident.kind, resident.code[:3]) == (AccountKind.RESIDENT, "411")
    assert _balance(organisation, resident.code) == D("0.00")
    assert _balance(organisation, "706300") == D("-500.00")  # 200.00 + 300.00
    assert _balance(organisation, "708400") == D("-83.33")  # 33.33 + 50.00
    assert _balance(organisation, "706400") == D("-50.00")  # 20.00 + 30.00
    assert _balance(organisation, "467200") == D("420.00")  # 210.00 + 210.00 from the CAF
    assert _balance(organisation, "511200") == D("213.33")  # 43.33 + 170.00 from the resident
    assert AuditEvent.objects.filter(action="ledger.redevance_call_issue").count() == 2
    assert AuditEvent.objects.filter(action="ledger.redevance_payment_record").count() == 4


def test_a_reversed_payment_is_set_aside_and_the_calls_owed_again(world, contract):
    accountant = world.users["accountant"]
    with time_machine.travel(date(2026, 6, 20), tick=False):
        june, _created = services.redevance_call_issue(
            actor=accountant, contract_id=contract.pk, period=date(2026, 6, 1)
        )
        payment = services.redevance_payment_record(
            actor=accountant,
            contract_id=contract.pk,
            amount=D("253.33"),
            received_on=date(2026, 6, 20),
            source="resident",
        )
        june.refresh_from_db()
        assert june.settled
        transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 6, 20))
        payment.refresh_from_db()
        june.refresh_from_db()
        assert payment.reversed_on == date(2026, 6, 20)
        assert not june.settled
        # 253.33 called, 253.33 paid then reversed: 253.33 owed
        assert queries.contract_balance(contract, date(2026, 6, 20)).balance == D("253.33")
        # a reversed call is cancelled and may be issued again
        transaction_reverse(actor=accountant, transaction_id=june.transaction_id, on=date(2026, 6, 20))
        june.refresh_from_db()
        assert june.cancelled_on == date(2026, 6, 20)
        assert queries.contract_balance(contract, date(2026, 6, 20)).balance == D("0.00")
        again, created = services.redevance_call_issue(
            actor=accountant, contract_id=contract.pk, period=date(2026, 6, 1)
        )
        assert created and again.total == D("253.33")


def test_the_last_month_is_prorated_to_the_end_of_the_residents_notice(world, contract):
    director, accountant = world.users["director"], world.users["accountant"]
    with time_machine.travel(date(2026, 8, 3), tick=False):
        contract = residence_services.contract_notice(
            actor=director, contract_id=contract.pk, notice_on=date(2026, 8, 3)
        )
    assert contract.ends_on is not None
    end = contract.ends_on
    with time_machine.travel(end, tick=False):
        call, _created = services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=end)
    days_in_month = rules.month_end(end).day
    expected = sum(
        (rules.cents(amount * end.day / days_in_month) for amount in (D("300.00"), D("50.00"), D("30.00"))),
        D("0.00"),
    )
    assert call.total == expected


def test_who_may_call_and_record(world, contract):
    with time_machine.travel(date(2026, 6, 20), tick=False):
        for role in ("host", "social_worker"):
            with pytest.raises(PermissionDenied):
                services.redevance_call_issue(actor=world.users[role], contract_id=contract.pk, period=date(2026, 6, 1))
        # an accountant of another organisation does not find the contract
        foreign = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
        with pytest.raises(ResidenceContract.DoesNotExist):
            services.redevance_payment_record(
                actor=foreign,
                contract_id=contract.pk,
                amount=D("10.00"),
                received_on=date(2026, 6, 20),
                source="resident",
            )


def test_a_contract_to_sign_owes_nothing_and_a_payment_is_refused(world):
    director, accountant = world.users["director"], world.users["accountant"]
    with time_machine.travel(date(2026, 6, 11), tick=False):
        residence = make_residence(director)
        make_house_rules(director, residence, date(2025, 1, 6))
        place = make_place(director, residence, "4")
        draft = residence_services.contract_create(
            actor=director,
            place_id=place.pk,
            resident_id=world.own_household.members.first().pk,
            starts_on=date(2026, 6, 11),
        )
        with pytest.raises(ValidationError):
            services.redevance_call_issue(actor=accountant, contract_id=draft.pk, period=date(2026, 6, 1))
        with pytest.raises(ValidationError):
            services.redevance_payment_record(
                actor=accountant, contract_id=draft.pk, amount=D("10.00"), received_on=date(2026, 6, 11), source="caf"
            )
    assert not RedevancePayment.objects.exists()
    assert not RentCallRun.objects.exists()


def test_unpaid_terms_of_r75():
    # three consecutive monthly terms wholly unpaid
    assert rules.foyer_unpaid_terms([(D("380.00"), D("0.00"))] * 3, D("1140.00"), D("350.00"))
    # two only, and a debt under twice the monthly logement + charges (2 × 350.00 = 700.00)
    assert not rules.foyer_unpaid_terms([(D("380.00"), D("0.00"))] * 2, D("699.99"), D("350.00"))
    # partial payments, but a debt of at least 700.00
    assert rules.foyer_unpaid_terms(
        [(D("380.00"), D("100.00")), (D("380.00"), D("100.00")), (D("380.00"), D("40.00"))], D("700.00"), D("350.00")
    )
    # an unpaid month between two paid ones breaks the run
    assert not rules.foyer_unpaid_terms(
        [(D("380.00"), D("0.00")), (D("380.00"), D("0.00")), (D("380.00"), D("380.00")), (D("380.00"), D("0.00"))],
        D("380.00"),
        D("350.00"),
    )


def test_the_redevance_end_follows_who_gave_notice():
    # the resident owes the whole notice, even when leaving before its end
    assert rules.redevance_end("resident", date(2026, 9, 2), date(2026, 8, 20)) == date(2026, 9, 2)
    # the manager terminated: only the actual occupation
    assert rules.redevance_end("manager", date(2026, 9, 2), date(2026, 8, 20)) == date(2026, 8, 20)
    assert rules.redevance_end("", None, None) is None


def test_the_cafs_monthly_transfer_pays_the_apl_foyer_of_several_residents_at_once(world, contract):
    director, accountant = world.users["director"], world.users["accountant"]
    with time_machine.travel(date(2026, 7, 1), tick=False):
        place = make_place(director, contract.place.residence, "4")
        other = make_active_contract(
            director, place, world.other_team_household.members.first(), date(2026, 7, 1), date(2026, 7, 1)
        )
        residence_services.redevance_set(
            actor=director,
            contract_id=other.pk,
            valid_from=date(2026, 7, 1),
            lines=[{"kind": "equivalence_loyer", "label": "", "amount": D("320.00")}],
        )
        rent_calls_issue(actor=accountant, month=date(2026, 7, 1))
    with time_machine.travel(date(2026, 7, 6), tick=False):
        payments = services.redevance_payments_record(
            actor=accountant,
            received_on=date(2026, 7, 6),
            source="caf",
            amounts=[(contract.pk, D("210.00")), (other.pk, D("190.00"))],
            reference="CAF-072026",
        )
        assert [p.amount for p in payments] == [D("210.00"), D("190.00")]
        # 380.00 − 210.00 = 170.00 ; 320.00 − 190.00 = 130.00
        assert queries.contract_balance(contract, date(2026, 7, 6)).balance == D("170.00")
        assert queries.contract_balance(other, date(2026, 7, 6)).balance == D("130.00")
        assert _balance(world.organisation, "467200") == D("400.00")
        # a contract of another organisation, or none, refuses the whole transfer
        with pytest.raises(ResidenceContract.DoesNotExist):
            services.redevance_payments_record(
                actor=accountant,
                received_on=date(2026, 7, 6),
                source="caf",
                amounts=[(contract.pk, D("1.00")), (world.other_org_household.pk, D("1.00"))],
            )
    assert RedevancePayment.objects.count() == 2


def test_three_unpaid_terms_open_the_managers_ground_of_r633_3(world, contract):
    accountant = world.users["accountant"]
    with time_machine.travel(date(2026, 8, 10), tick=False):
        for month in (6, 7, 8):
            services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, month, 1))
        services.redevance_payment_record(
            actor=accountant, contract_id=contract.pk, amount=D("253.33"), received_on=date(2026, 7, 20), source="caf"
        )
        # June paid; July and August unpaid: 380.00 × 2 = 760.00 ≥ 2 × (300.00 + 50.00) = 700.00
        [row] = queries.redevance_arrears(accountant, date(2026, 8, 10))
        assert (row.overdue, row.oldest_due, row.unpaid_terms) == (D("760.00"), date(2026, 7, 1), True)
        assert queries.contract_balance(contract, date(2026, 8, 10)).unpaid_terms
        # before August fell due, one term only and 380.00 < 700.00
        [row] = queries.redevance_arrears(accountant, date(2026, 7, 31))
        assert (row.overdue, row.unpaid_terms) == (D("380.00"), False)
