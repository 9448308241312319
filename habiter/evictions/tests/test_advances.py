"""The association's advances while the FSL decides: a ledger entry to the tenant's account, cleared by the FSL's
payment or the household's repayment; the ledger stays balanced; refused without an open rent account."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling, make_lease
from habiter.ledger.bank import services as bank_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Account, BankLine, Line, Transaction
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_mandate_lease, make_signed_lease
from habiter.people.tests.factories import make_household

from .. import queries, services
from ..models import Advance, FslApplication, FslFund

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 4, 20), tick=False):
        yield


@pytest.fixture
def lease(world):
    manager = world.users["rental_manager"]
    # under a management mandate: the owner is the landlord, the association may advance the rent
    lease = make_mandate_lease(manager, world.own_household, start=date(2025, 1, 1))  # 500 + 50 a month
    for month in (1, 2, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, month, 1))
    return lease


@pytest.fixture
def application(world):
    fund = FslFund.objects.create(organisation=world.organisation, department="13", name="FSL 13")
    return services.fsl_application_submit(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        fund_id=fund.pk,
        purpose="maintenance_arrears",
        aid_form="grant",
        amount_asked=D("1100.00"),
        submitted_on=date(2026, 3, 20),
    )


def _balance(account):
    return sum(Line.objects.filter(account=account).values_list("amount", flat=True), D("0"))


def test_an_advance_repaid_by_an_fsl_payment_in_the_ledger(world, lease, application):
    director = world.users["director"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("1100.00"), advanced_on=date(2026, 4, 1),
        fsl_application_id=application.pk,
    )  # fmt: skip
    tenant = entries_services.tenant_account(lease)
    receivable = services.advances_account(world.organisation.pk)
    assert rent_queries.lease_balance(lease, date(2026, 4, 20)).balance == D("550.00")  # 1 650 − 1 100
    assert _balance(receivable) == D("1100.00")
    # the advance pays the oldest rent like any payment: only the last month stays unpaid in the arrears
    assert [row.total for row in rent_queries.arrears(director, date(2026, 4, 20)) if row.lease.pk == lease.pk] == [
        D("550.00")
    ]
    assert entries_queries.ledger_sum(world.organisation.pk) == 0
    services.fsl_application_decide(
        actor=world.users["social_worker"], application_id=application.pk, decision="granted",
        decided_on=date(2026, 4, 10), amount_granted=D("1100.00"),
    )  # fmt: skip
    services.advance_settle(actor=director, advance_id=advance.pk, settled_by="fsl", settled_on=date(2026, 4, 15))
    advance.refresh_from_db()
    application.refresh_from_db()
    assert advance.settled_on == date(2026, 4, 15) and advance.settled_by == "fsl"
    assert application.paid_on == date(2026, 4, 15)  # the FSL's payment is the advance's settlement
    assert _balance(receivable) == 0
    assert _balance(tenant) == D("550.00")  # the tenant's balance is not touched twice
    # the FSL's money waits on 511200 for the bank line that shows it; the bank account (512) has not moved
    waiting = Account.objects.get(organisation=world.organisation, code="511200")
    assert _balance(waiting) == D("1100.00")
    assert not Account.objects.filter(organisation=world.organisation, code="512000").exists()
    assert entries_queries.ledger_sum(world.organisation.pk) == 0
    assert AuditEvent.objects.filter(action="fsl_advance.settle", object_id=str(advance.pk)).exists()
    with pytest.raises(ValidationError, match="déjà soldée"):
        services.advance_settle(
            actor=director, advance_id=advance.pk, settled_by="household", settled_on=date(2026, 4, 16)
        )


def test_an_advance_repaid_by_the_household(world, lease):
    director = world.users["director"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("300.00"), advanced_on=date(2026, 4, 1)
    )
    services.advance_settle(actor=director, advance_id=advance.pk, settled_by="household", settled_on=date(2026, 4, 18))
    assert _balance(services.advances_account(world.organisation.pk)) == 0
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


def test_two_household_repayments_are_cleared_by_the_bank_line_of_their_cheques(world, lease):
    """Each repayment waits on 511200; the bank line of the two cheques paid in together (120.00 + 180.00) clears
    both, and only then does the bank account (512) show 300.00."""
    director, accountant = world.users["director"], world.users["accountant"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("300.00"), advanced_on=date(2026, 4, 1)
    )
    for amount, day in (("120.00", 8), ("180.00", 10)):
        services.advance_repay(
            actor=director, advance_id=advance.pk, source="household", amount=D(amount), received_on=date(2026, 4, day)
        )
    entries = list(advance.repayments.values_list("transaction_id", flat=True))
    assert len(entries) == 2
    waiting = Account.objects.get(organisation=world.organisation, code="511200")
    assert _balance(waiting) == D("300.00")
    line = BankLine.objects.create(
        organisation=world.organisation,
        booked_on=date(2026, 4, 13),
        amount=D("300.00"),
        label="REMISE DE CHEQUES",
        bank_reference="BQ-0413",
    )
    bank_services.bank_line_clear(actor=accountant, line_id=line.pk, entry_ids=entries)
    bank = Account.objects.get(organisation=world.organisation, code="512000")
    assert (_balance(waiting), _balance(bank)) == (D("0.00"), D("300.00"))
    assert entries_queries.ledger_sum(world.organisation.pk) == 0


def test_an_advance_and_its_repayments_are_not_reversed_from_the_ledger(world, lease):
    """The advance would go on showing what the books no longer say: the ledger refuses, in French, and the
    entry stays as it was; other entries of the same lease are still reversed."""
    director, accountant = world.users["director"], world.users["accountant"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("300.00"), advanced_on=date(2026, 4, 1)
    )
    repayment = services.advance_repay(
        actor=director, advance_id=advance.pk, source="household", amount=D("100.00"), received_on=date(2026, 4, 10)
    )
    for entry_id in (advance.transaction_id, repayment.transaction_id):
        with pytest.raises(ValidationError) as refused:
            entries_services.transaction_reverse(actor=accountant, transaction_id=entry_id, on=date(2026, 4, 20))
        assert "avance FSL" in refused.value.messages[0]
    assert not Transaction.objects.filter(reversal_of_id__in=[advance.transaction_id, repayment.transaction_id])
    assert advance.amount - sum(advance.repayments.values_list("amount", flat=True)) == D("200.00")
    call = lease.rent_calls.order_by("period").last()
    assert entries_services.transaction_reverse(
        actor=accountant, transaction_id=call.transaction_id, on=date(2026, 4, 20)
    )


def test_the_reversal_form_says_why_an_advance_is_not_reversed(client, world, lease):
    advance = services.advance_record(
        actor=world.users["director"], lease_id=lease.pk, amount=D("300.00"), advanced_on=date(2026, 4, 1)
    )
    client.force_login(world.users["accountant"])
    url = reverse("ledger:transaction_reverse", args=[advance.transaction_id])
    response = client.post(url, {"on": "2026-04-20", "confirmed": "1"})
    assert response.status_code == 200
    assert "Corrigez l&#x27;avance depuis sa page" in response.content.decode()
    assert not Transaction.objects.filter(reversal_of_id=advance.transaction_id).exists()


def test_an_fsl_grant_below_the_advance_leaves_the_rest_to_the_household(world, lease, application):
    director = world.users["director"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("1100.00"), advanced_on=date(2026, 4, 1),
        fsl_application_id=application.pk,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="accordée"):  # not decided yet
        services.advance_settle(actor=director, advance_id=advance.pk, settled_by="fsl", settled_on=date(2026, 4, 15))
    FslApplication.objects.filter(pk=application.pk).update(
        decision="granted", decided_on=date(2026, 4, 10), amount_granted=D("800.00")
    )
    with pytest.raises(ValidationError, match="que 800,00 €"):
        services.advance_repay(
            actor=director, advance_id=advance.pk, source="fsl", amount=D("900.00"), received_on=date(2026, 4, 15)
        )
    services.advance_settle(actor=director, advance_id=advance.pk, settled_by="fsl", settled_on=date(2026, 4, 15))
    advance.refresh_from_db()
    assert advance.settled_on is None  # the FSL paid what it granted, 300 € are left
    assert queries.advance_for_page(director, advance.pk).left == D("300.00")
    assert [a.left for a in queries.outstanding_advances(director, date(2026, 4, 20))] == [D("300.00")]
    with pytest.raises(ValidationError, match="déjà servi"):  # the grant is used up
        services.advance_settle(actor=director, advance_id=advance.pk, settled_by="fsl", settled_on=date(2026, 4, 16))
    with pytest.raises(ValidationError, match="ne reste que 300,00 €"):
        services.advance_repay(
            actor=director, advance_id=advance.pk, source="household", amount=D("300.01"),
            received_on=date(2026, 4, 16),
        )  # fmt: skip
    services.advance_repay(
        actor=director, advance_id=advance.pk, source="household", amount=D("100.00"), received_on=date(2026, 4, 16)
    )
    services.advance_repay(actor=director, advance_id=advance.pk, source="household", received_on=date(2026, 4, 18))
    advance.refresh_from_db()
    assert advance.settled_on == date(2026, 4, 18) and advance.settled_by == "household"
    assert [(r.source, r.amount) for r in advance.repayments.all()] == [
        ("fsl", D("800.00")),
        ("household", D("100.00")),
        ("household", D("200.00")),
    ]
    assert _balance(services.advances_account(world.organisation.pk)) == 0
    assert entries_queries.ledger_sum(world.organisation.pk) == 0
    assert AuditEvent.objects.filter(action="fsl_advance.repay", object_id=str(advance.pk)).count() == 3


def test_a_refused_repayment_writes_nothing(world, lease):
    director = world.users["director"]
    advance = services.advance_record(
        actor=director, lease_id=lease.pk, amount=D("300.00"), advanced_on=date(2026, 4, 1)
    )
    lines = Line.objects.count()
    for bad in ({"amount": D("0")}, {"amount": D("1.001")}, {"received_on": date(2026, 3, 31)}, {"source": "x"}):
        with pytest.raises(ValidationError):
            services.advance_repay(
                actor=director,
                advance_id=advance.pk,
                **({"source": "household", "received_on": date(2026, 4, 2)} | bad),
            )
    assert Line.objects.count() == lines and not advance.repayments.exists()
    with pytest.raises(PermissionDenied):
        services.advance_repay(
            actor=world.users["social_worker"], advance_id=advance.pk, source="household", received_on=date(2026, 4, 2)
        )
    outside_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    with pytest.raises(Advance.DoesNotExist):
        services.advance_repay(
            actor=outside_director, advance_id=advance.pk, source="household", received_on=date(2026, 4, 2)
        )


def test_an_advance_to_a_household_with_no_open_rent_account_is_refused(world):
    manager = world.users["rental_manager"]
    household = make_household(world.users["social_worker"], name="Sans bail")
    draft = make_lease(manager, household, make_dwelling(world.organisation), start=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="pas de compte de loyer ouvert"):
        services.advance_record(
            actor=world.users["director"], lease_id=draft.pk, amount=D("100.00"), advanced_on=date(2026, 4, 1)
        )
    assert not Advance.objects.exists() and entries_queries.ledger_sum(world.organisation.pk) == 0


def test_who_records_advances(world, lease):
    for role in ("social_worker", "team_lead", "receptionist", "lawyer"):
        with pytest.raises(PermissionDenied):
            services.advance_record(
                actor=world.users[role], lease_id=lease.pk, amount=D("100.00"), advanced_on=date(2026, 4, 1)
            )
    outside_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    with pytest.raises(Advance.DoesNotExist):
        services.advance_record(
            actor=outside_director, lease_id=lease.pk, amount=D("100.00"), advanced_on=date(2026, 4, 1)
        )
    with pytest.raises(ValidationError):
        services.advance_record(
            actor=world.users["accountant"], lease_id=lease.pk, amount=D("0.001"), advanced_on=date(2026, 4, 1)
        )


def test_the_outstanding_list_shows_ages_and_costs_the_same(client, world, lease, django_assert_max_num_queries):
    director = world.users["director"]
    services.advance_record(actor=director, lease_id=lease.pk, amount=D("200.00"), advanced_on=date(2026, 3, 1))
    client.force_login(world.users["accountant"])
    url = reverse("evictions:advances")
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(3):
        other = make_mandate_lease(
            world.users["rental_manager"], make_household(world.users["social_worker"], name=f"M{n}")
        )
        services.advance_record(actor=director, lease_id=other.pk, amount=D("50.00"), advanced_on=date(2026, 4, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "50 jours" in page and "350,00" in page  # 1 March → 20 April; the total outstanding
    assert [a.age for a in queries.outstanding_advances(director, date(2026, 4, 20))] == [50, 19, 19, 19]


def test_the_advance_pages(client, world, lease, application):
    client.force_login(world.users["director"])
    url = reverse("evictions:advance_create", args=[lease.pk])
    page = client.get(url + f"?application={application.pk}").content.decode()
    assert "Avancer le loyer" in page
    response = client.post(url, {"amount": "1100,00", "advanced_on": "2026-04-01", "fsl_application": application.pk})
    assert response.status_code == 302, response.content.decode()[-3000:]
    advance = Advance.objects.get()
    assert response.url == reverse("evictions:advance_detail", args=[advance.pk])
    bad = client.post(url, {"amount": "-3", "advanced_on": "2026-04-01"})
    assert bad.status_code == 200 and Advance.objects.count() == 1
    FslApplication.objects.filter(pk=application.pk).update(
        decision="granted", decided_on=date(2026, 4, 10), amount_granted=D("1100.00")
    )
    detail = reverse("evictions:advance_detail", args=[advance.pk])
    too_much = client.post(detail, {"settled_by": "household", "settled_on": "2026-04-12", "amount": "1200,00"})
    assert too_much.status_code == 200 and "ne reste que 1\xa0100,00 €" in too_much.content.decode()
    response = client.post(detail, {"settled_by": "household", "settled_on": "2026-04-12", "amount": "400,00"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Remboursement enregistré." in page and "700,00 €" in page and "Remboursement par le ménage" in page
    response = client.post(detail, {"settled_by": "fsl", "settled_on": "2026-04-15"})  # the rest, from the grant
    assert response.status_code == 302
    assert Advance.objects.get().settled_by == "fsl"
    assert "Soldée le 15/04/2026" in client.get(detail).content.decode()


def test_no_advance_where_the_association_is_the_landlord(world):
    # it would receipt a month the household did not pay: the association lets the dwelling itself
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="elle-même le bailleur"):
        services.advance_record(
            actor=world.users["director"], lease_id=lease.pk, amount=D("100.00"), advanced_on=date(2026, 4, 1)
        )
    assert not Advance.objects.exists() and entries_queries.ledger_sum(world.organisation.pk) == 0
