"""The early warning on the to-do list: the ledger's arrears at the CAF threshold or two months of rent, and the
typed-in debt of an open case; one click opens a case prefilled from the lease, once."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from habiter.core.models import AuditEvent, User
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease
from habiter.people.tests.factories import make_household

from .. import queries, services
from ..models import PreventionCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 20), tick=False):
        yield


def _lease_in_arrears(world, household=None, months=(1, 2, 3), paid=Decimal("0")):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, household or world.own_household, start=date(2025, 1, 1))
    for month in months:
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, month, 1))
    if paid:
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=paid, received_on=date(2026, 1, 10), source="tenant"
        )
    return lease


def test_the_referent_and_the_team_lead_see_arrears_reaching_the_caf_threshold(world):
    lease = _lease_in_arrears(world)  # 3 × 550 € unpaid
    for role in ("social_worker", "team_lead"):
        (warning,) = queries.early_warnings(world.users[role], date(2026, 3, 20))
        assert warning.lease == lease and warning.debt == Decimal("1650.00") and warning.caf_reached
        assert warning.report_by is not None
    for role in ("director", "rental_manager", "accountant", "receptionist"):
        assert queries.early_warnings(world.users[role], date(2026, 3, 20)) == []
    assert queries.early_warnings(User.objects.get(username="a.colleague"), date(2026, 3, 20)) == []
    assert queries.early_warnings(world.outsider, date(2026, 3, 20)) == []


def test_less_than_two_months_of_arrears_is_no_warning(world):
    _lease_in_arrears(world, months=(1, 2), paid=Decimal("100.00"))  # 1 000 € < 2 × 550 €
    assert queries.early_warnings(world.users["social_worker"], date(2026, 3, 20)) == []


def test_a_typed_in_debt_of_an_open_case_warns_until_the_caf_is_told(world):
    worker = world.users["social_worker"]
    case = services.case_open(
        actor=worker,
        household_id=world.own_household.pk,
        dwelling_address="8 rue Longue, Marseille",
        landlord_name="M. Martin",
        landlord_kind="natural_person",
        lease_signed_on=date(2024, 1, 10),
        debt=Decimal("900.00"),
        monthly_amount=Decimal("450.00"),
        first_unpaid_on=date(2026, 1, 5),
    )
    (warning,) = queries.early_warnings(worker, date(2026, 3, 20))
    assert warning.case == case and warning.report_by == date(2026, 3, 5)
    services.case_step_add(actor=worker, case_id=case.pk, step="caf_told", on_date=date(2026, 3, 1))
    assert queries.early_warnings(worker, date(2026, 3, 20)) == []


def test_one_click_opens_a_prefilled_case_once(client, world):
    lease = _lease_in_arrears(world)
    worker = world.users["social_worker"]
    client.force_login(worker)
    home = client.get(reverse("core:home")).content.decode()
    assert "Impayés : alerte précoce" in home and "Ouvrir un dossier de prévention" in home
    url = reverse("evictions:case_open_from_lease", args=[lease.pk])
    response = client.post(url)
    case = PreventionCase.objects.get(household=world.own_household)
    assert response.url == reverse("evictions:case_detail", args=[case.pk])
    assert case.debt == Decimal("1650.00") and case.monthly_amount == Decimal("550.00")
    assert case.first_unpaid_on == date(2026, 1, 1) and case.landlord_kind == "association"
    assert lease.dwelling.address in case.dwelling_address
    assert AuditEvent.objects.filter(action="prevention_case.open", object_id=str(case.pk)).exists()
    again = client.post(url, follow=True)
    assert "déjà ouvert" in again.content.decode()
    assert PreventionCase.objects.filter(household=world.own_household).count() == 1
    assert queries.early_warnings(worker, date(2026, 3, 20))[0].case == case  # now followed on the case


def test_one_click_is_refused_out_of_scope_and_without_debt(client, world):
    lease = _lease_in_arrears(world)
    client.force_login(User.objects.get(username="a.colleague"))
    assert client.post(reverse("evictions:case_open_from_lease", args=[lease.pk])).status_code == 404
    paid = _lease_in_arrears(world, make_household(world.users["social_worker"], name="Soldé"), months=())
    client.force_login(world.users["social_worker"])
    response = client.post(reverse("evictions:case_open_from_lease", args=[paid.pk]), follow=True)
    assert "ne doit rien" in response.content.decode()
    assert not PreventionCase.objects.exists()


def test_the_to_do_list_costs_the_same_whatever_the_number_of_warnings(client, world, django_assert_max_num_queries):
    worker = world.users["social_worker"]
    client.force_login(worker)
    _lease_in_arrears(world)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("core:home"))
    for n in range(4):
        _lease_in_arrears(world, make_household(worker, name=f"Impayé {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        home = client.get(reverse("core:home")).content.decode()
    assert home.count("Ouvrir un dossier de prévention") == 5


def _case_with_typed_debt(world):
    return services.case_open(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        dwelling_address="8 rue Longue, Marseille",
        landlord_name="M. Martin",
        landlord_kind="natural_person",
        lease_signed_on=date(2024, 1, 10),
        debt=Decimal("900.00"),
        monthly_amount=Decimal("450.00"),
        first_unpaid_on=date(2025, 11, 5),  # typed: would say report by 05/01/2026
    )


def test_an_open_case_reads_the_caf_date_the_ledger_recorded(world):
    # rent 500 + charges 50: January to March 2026 unpaid, 2 × 550 = 1 100 € reached on February's due date 05/02,
    # to report by 05/04; the debt and dates typed on the case are not used once the household has a lease here
    lease = _lease_in_arrears(world)
    case = _case_with_typed_debt(world)
    (warning,) = queries.early_warnings(world.users["social_worker"], date(2026, 3, 20))
    assert warning.case == case and warning.lease == lease
    assert (warning.debt, warning.report_by) == (Decimal("1650.00"), date(2026, 4, 5))


def test_an_open_case_under_the_ledger_threshold_has_no_caf_warning(world):
    _lease_in_arrears(world, months=(1, 2), paid=Decimal("100.00"))  # 1 000 € < 1 100 €: the typed 900 € ignored
    _case_with_typed_debt(world)
    assert queries.early_warnings(world.users["social_worker"], date(2026, 3, 20)) == []


def test_the_case_page_shows_the_ledger_date(client, world):
    _lease_in_arrears(world)
    case = _case_with_typed_debt(world)
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("evictions:case_detail", args=[case.pk])).content.decode()
    assert "Impayé au sens de la CAF (comptabilité)" in page
    assert "seuil atteint le 05/02/2026 : à signaler à la CAF avant le 05/04/2026" in page
