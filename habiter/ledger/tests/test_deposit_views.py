"""Pages of the security deposits: receipt, return in two steps (figures, then confirmation), the lease's account,
the organisation's list at a constant number of queries; out of reach is a 404; what users type is escaped."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.core.dates import add_months
from habiter.leases import services as lease_services
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.models import Deposit, DepositMovement, Payment

from .factories import make_signed_lease

D = Decimal
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _ended(manager, household, *, out=date(2026, 1, 10)):
    lease = make_signed_lease(manager, household, start=date(2025, 9, 1), rent="600.00", deposit=D("600.00"))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=out, moved_out_on=out)
    return lease


def _return_data(**extra):
    data = {
        "returned_on": "2026-04-15",
        "keys_returned_on": "2026-01-10",
        "inventory_matches": "no",
        "retenues-TOTAL_FORMS": "1",
        "retenues-INITIAL_FORMS": "0",
        "retenues-0-reason": "repairs",
        "retenues-0-description": HOSTILE,
        "retenues-0-amount": "100,00",
    }
    return data | extra


def test_the_deposit_received_through_the_form_shows_on_the_account(client, manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 9, 1), deposit=D("500.00"))
    client.force_login(manager)
    url = reverse("ledger:deposit_receive", args=[lease.pk])
    assert 'value="500,00"' in client.get(url).content.decode()
    refused = client.post(url, {"amount": "500,01", "received_on": "2025-09-02"})
    assert refused.status_code == 200 and "Le dépôt de garantie de ce bail est de" in refused.content.decode()
    response = client.post(url, {"amount": "500,00", "received_on": "2025-09-02"})
    assert response.status_code == 302
    page = " ".join(client.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode().split())
    assert "Dépôt de garantie" in page and "<strong>500,00 €</strong>" in page and "02/09/2025 · Reçu" in page
    assert "Enregistrer le dépôt reçu" not in page  # all of it is received


def test_the_return_shows_the_figures_then_posts_on_confirmation(client, manager, world):
    lease = _ended(manager, world.own_household)
    deposit = Deposit.objects.get(lease=lease)
    client.force_login(manager)
    url = reverse("ledger:deposit_return", args=[deposit.pk])
    form_page = " ".join(client.get(url).content.decode().split())
    assert "10/03/2026" in form_page  # no inspection: keys on the move-out, two months
    preview = client.post(url, _return_data())
    content = " ".join(preview.content.decode().split())
    assert preview.status_code == 200 and "À confirmer" in content
    # DOMAIN R21: returned 2026-04-15, deadline 2026-03-10 → 2 started months × 60 €
    assert "120,00 €" in content and "620,00 €" in content
    assert HOSTILE not in content and "&lt;script&gt;" in content
    assert not DepositMovement.objects.filter(kind="returned").exists()
    done = client.post(url, _return_data(confirm="1"))
    assert done.status_code == 302
    movement = DepositMovement.objects.get(kind="returned")
    assert (movement.refunded, movement.penalty) == (D("500.00"), D("120.00"))
    page = client.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page and "restitué le 15/04/2026" in page
    again = client.post(url, _return_data(confirm="1"))
    assert again.status_code == 200 and "déjà restitué" in again.content.decode()
    assert DepositMovement.objects.filter(kind="returned").count() == 1


def test_an_incomplete_deduction_is_refused_with_nothing_saved(client, manager, world):
    lease = _ended(manager, world.own_household)
    client.force_login(manager)
    url = reverse("ledger:deposit_return", args=[lease.security_deposit.pk])
    response = client.post(url, _return_data(**{"retenues-0-description": "", "confirm": "1"}))
    assert response.status_code == 200 and "Justifiez la retenue." in response.content.decode()
    assert not DepositMovement.objects.filter(kind="returned").exists() and not Payment.objects.exists()


def test_the_lease_account_says_the_days_left_or_late(client, manager, world):
    lease = _ended(manager, world.own_household, out=date(2026, 1, 10))
    client.force_login(manager)
    page = " ".join(client.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode().split())
    assert "à restituer au plus tard le 10/03/2026" in page and "en retard de" in page
    assert "Restituer le dépôt" in page


@pytest.mark.parametrize("role", ["volunteer", "social_worker", "team_lead", "receptionist"])
def test_other_roles_get_404(client, manager, world, role):
    lease = _ended(manager, world.own_household)
    client.force_login(world.users[role])
    for url in (
        reverse("ledger:deposit_list"),
        reverse("ledger:deposit_receive", args=[lease.pk]),
        reverse("ledger:deposit_return", args=[lease.security_deposit.pk]),
    ):
        assert client.get(url).status_code == 404
    url = reverse("ledger:deposit_return", args=[lease.security_deposit.pk])
    assert client.post(url, _return_data(confirm="1")).status_code == 404
    assert Deposit.objects.get(lease=lease).returned_on is None


def test_another_organisations_deposit_is_not_found(client, world):
    from habiter.core.models import Role
    from habiter.core.tests.factories import UserFactory

    foreign = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    lease = _ended(foreign, world.other_org_household)
    client.force_login(world.users["accountant"])
    url = reverse("ledger:deposit_return", args=[lease.security_deposit.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _return_data(confirm="1")).status_code == 404
    assert Deposit.objects.get(lease=lease).returned_on is None
    assert lease.household.name not in client.get(reverse("ledger:deposit_list")).content.decode()


def test_the_deposit_list_costs_the_same_whatever_the_number_of_deposits(client, manager, world):
    client.force_login(manager)
    url = reverse("ledger:deposit_list")
    _ended(manager, world.own_household)
    client.get(url)  # the session and the per-process caches are warm from here on
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    # Moved out two months ago, less a few days: each return falls due within the coming days (due soon, not late).
    two_months_ago = add_months(timezone.localdate(), -2)
    for index in range(3):
        household = world.other_team_household if index % 2 else world.own_household
        _ended(manager, household, out=two_months_ago + timedelta(days=2 + index))
        running = make_signed_lease(manager, household, start=date(2025, 9, 1), deposit=D("300.00"))
        deposits_services.deposit_receive(actor=manager, lease_id=running.pk, received_on=date(2025, 9, 2))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(one)
    assert response.context["total_held"] == D("3300.00")
    assert [row.late for row in response.context["rows"]][:2] == [True, False]
    assert [row.due_soon for row in response.context["rows"]][1:4] == [True, True, True]
    assert "1 restitution en retard." in " ".join(response.content.decode().split())


def test_a_buildings_provision_through_the_pages(client, manager, world):
    from habiter.housing.models import Building

    lease = _ended(manager, world.own_household)
    building = Building.objects.create(
        organisation=world.organisation,
        name="Résidence",
        address="9 rue Consolat",
        postal_code="13001",
        city="Marseille",
    )
    lease.dwelling.building = building
    lease.dwelling.save(update_fields=["building"])
    deposit = Deposit.objects.get(lease=lease)
    client.force_login(manager)
    url = reverse("ledger:deposit_return", args=[deposit.pk])
    data = _return_data(provision="120,00", no_new_address="on") | {"retenues-0-reason": "", "retenues-0-amount": ""}
    data["retenues-0-description"] = ""
    figures = client.post(url, data).content.decode()
    assert "Provision gardée jusqu&#x27;à l&#x27;arrêté des comptes" in figures or "Provision gardée" in figures
    assert "480,00 €" in figures  # 600 − 120, no penalty: the tenant gave no new address
    assert client.post(url, data | {"confirm": "1"}).status_code == 302
    account = client.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode()
    assert "Restituer la provision" in account
    release = reverse("ledger:deposit_release", args=[deposit.pk])
    refused = client.post(release, {"accounts_approved_on": "2026-05-02", "released_on": "2026-05-10", "charges": "30"})
    assert refused.status_code == 200 and "justifie" in refused.content.decode()
    response = client.post(
        release,
        {"accounts_approved_on": "2026-05-02", "released_on": "2026-05-10", "charges": "30", "description": HOSTILE},
    )
    assert response.status_code == 302
    movement = DepositMovement.objects.get(deposit=deposit, kind="released")
    assert (movement.refunded, movement.penalty) == (D("90.00"), D("0.00"))
    account = client.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode()
    assert "Restituer la provision" not in account and "<script>alert" not in account


def test_a_wrong_receipt_is_cancelled_after_a_confirmation_page(client, manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 9, 1), deposit=D("500.00"))
    receipt = deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2), amount=D("50.00")
    )
    client.force_login(manager)
    account = reverse("ledger:lease_account", args=[lease.pk])
    url = reverse("ledger:deposit_receipt_cancel", args=[receipt.pk])
    assert url in client.get(account).content.decode()
    page = client.get(url).content.decode()
    assert "Annuler ce reçu" in page and not DepositMovement.objects.filter(kind="cancelled").exists()
    assert client.post(url, {"on": "2025-09-03"}).status_code == 302
    assert DepositMovement.objects.filter(deposit__lease=lease, kind="cancelled").count() == 1
    assert client.get(url).status_code == 200  # the form again; posting twice is refused in French
    again = client.post(url, {"on": "2025-09-04"})
    assert again.status_code == 200 and "déjà annulé" in again.content.decode()
    client.force_login(world.users["social_worker"])
    assert client.get(url).status_code == 404


def test_the_deposit_list_explains_the_deadlines_and_the_penalty_from_the_legal_parameters(client, manager, world):
    from habiter.core.models import LegalParameter

    client.force_login(manager)
    url = reverse("ledger:deposit_list")
    page = " ".join(client.get(url).content.decode().split())
    assert "dans un délai de 1 mois après la remise des clés" in page and "de 2 mois sinon" in page
    assert "majoré de 10 % du loyer mensuel" in page
    # The law changes: the table changes, and so does the page (no figure is written in the template).
    LegalParameter.objects.filter(key="deposit_late_penalty_rate", territory="metropole").update(value="0.15")
    page = " ".join(client.get(url).content.decode().split())
    assert "majoré de 15 % du loyer mensuel" in page
    lease = _ended(manager, world.own_household)
    page = client.get(reverse("ledger:deposit_return", args=[lease.security_deposit.pk])).content.decode()
    assert "1 mois si l'état des lieux de sortie est conforme" in page and "2 mois sinon" in page
