"""End to end, in Chromium: a rental manager records the tenant's security deposit, then, after the move-out, returns
it with a justified deduction, sees the legal deadline and confirms before anything is posted; the organisation's
list of deposits. axe-core on every page; screenshots at desktop and phone widths."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.models import Building
from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.models import Deposit, DepositMovement
from habiter.ledger.tests.factories import make_signed_lease

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(organisation):
    return UserFactory(
        username="r.garcia", first_name="Rémi", last_name="Garcia", organisation=organisation,
        role=Role.RENTAL_MANAGER, password=PASSWORD,
    )  # fmt: skip


@pytest.fixture
def lease(manager, organisation, durand_household):
    building = Building.objects.create(
        organisation=organisation, name="Résidence Consolat", address="9 rue Consolat", postal_code="13001",
        city="Marseille",
    )  # fmt: skip
    dwelling = make_dwelling(
        organisation, reference="MRS-D-03", address="9 rue Consolat", postal_code="13001", building=building
    )
    return make_signed_lease(
        manager, durand_household, dwelling=dwelling, start=date(2025, 1, 1), rent="500.00", deposit=Decimal("500.00")
    )


def test_a_deposit_is_received_then_returned_with_a_deduction_after_the_move_out(page, manager, lease):
    today = timezone.localdate()
    log_in(page, "r.garcia")
    page.goto(f"/comptabilite/baux/{lease.pk}/")
    page.get_by_role("link", name="Enregistrer le dépôt reçu").click()
    page.get_by_label("Montant reçu (€)").fill("500,00")
    page.get_by_label("Reçu le").fill("2025-01-02")
    check_page(page, "deposit-receive", phone=True)
    page.get_by_role("button", name="Enregistrer le dépôt reçu").click()
    expect(page.locator("section").filter(has_text="Dépôt de garantie").first).to_contain_text("500,00 €")

    moved_out = today - timedelta(days=10)
    lease_services.lease_end(actor=manager, lease_id=lease.pk, end_date=moved_out, moved_out_on=moved_out)
    page.reload()
    page.get_by_role("link", name="Restituer le dépôt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Restitution du dépôt de garantie")
    page.get_by_label("Date de la restitution").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Clés rendues le").fill(f"{moved_out:%Y-%m-%d}")
    page.get_by_label("Non : délai de deux mois").check()
    page.locator("select[name='retenues-0-reason']").select_option("repairs")
    page.locator("input[name='retenues-0-description']").fill("Porte de placard cassée (devis joint)")
    page.locator("input[name='retenues-0-amount']").fill("80,00")
    page.get_by_label("Provision gardée jusqu'à l'arrêté des comptes de l'immeuble (€)").fill("100,00")
    page.get_by_role("button", name="Calculer la restitution").click()
    figures = page.locator("section").filter(has_text="À confirmer")
    expect(figures).to_contain_text("320,00 €")  # 500 − 80 of repairs − 100 kept until the building's accounts
    assert not DepositMovement.objects.filter(kind="returned").exists()  # nothing posted before confirming
    check_page(page, "deposit-return", phone=True)
    page.get_by_role("button", name="Confirmer la restitution").click()
    expect(page.get_by_role("status")).to_be_visible()
    deposit = Deposit.objects.get(lease=lease)
    assert deposit.returned_on == today

    page.get_by_role("link", name="Restituer la provision").click()
    page.get_by_label("Comptes de l'immeuble arrêtés le").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Date de la restitution").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Charges dues par le locataire selon les comptes (€)").fill("25,00")
    page.get_by_label("Justification").fill("Régularisation des charges de l'année")
    check_page(page, "deposit-release", phone=True)
    page.get_by_role("button", name="Restituer la provision").click()
    expect(page.get_by_role("status")).to_contain_text("Provision du dépôt de garantie restituée.")
    assert DepositMovement.objects.get(deposit=deposit, kind="released").refunded == Decimal("75.00")

    page.goto("/comptabilite/depots/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dépôts de garantie")
    check_page(page, "deposit-list", phone=True)
