"""End to end, in Chromium: a technician finds the ticket assigned to them on their home page, opens it, sets
the cost and closes it; a rental manager reads a dwelling's letting status and the captation board. axe-core on
every page; screenshots at desktop and phone widths."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing import services
from habiter.housing.models import MaintenanceTicket
from habiter.housing.tests.factories import an_image, make_dwelling, make_prospect, make_ticket

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rental_manager(organisation):
    return UserFactory(
        username="n.haddad",
        first_name="Nadia",
        last_name="Haddad",
        organisation=organisation,
        role=Role.RENTAL_MANAGER,
        password=PASSWORD,
    )


@pytest.fixture
def technician(organisation):
    return UserFactory(
        username="m.blanc",
        first_name="Marc",
        last_name="Blanc",
        organisation=organisation,
        role=Role.TECHNICIAN,
        password=PASSWORD,
    )


@pytest.fixture
def assigned_ticket(rental_manager, technician):
    dwelling = make_dwelling(rental_manager, "MRS-004", address="8 rue des Muettes", floor=1, energy_class="E")
    ticket = make_ticket(
        rental_manager,
        dwelling,
        title="Fuite sous l'évier de la cuisine",
        description="Le locataire a coupé l'arrivée d'eau.",
        urgency="urgent",
        reported_on=timezone.localdate() - timedelta(days=2),
        photos=[an_image()],
    )
    make_ticket(rental_manager, dwelling, title="Volet roulant bloqué")  # not assigned: not on the home page
    return services.ticket_update(
        actor=rental_manager, ticket_id=ticket.pk, status="assigned", technician_id=technician.pk
    )


def test_a_technician_closes_their_ticket_with_its_cost(page, technician, assigned_ticket):
    log_in(page, "m.blanc")
    panel = page.get_by_role("region", name="Mes interventions techniques à faire")
    expect(panel).to_contain_text("Fuite sous l'évier de la cuisine")
    expect(panel).not_to_contain_text("Volet roulant bloqué")
    expect(page.get_by_role("link", name="Logements", exact=True)).to_have_count(0)  # no stock, no owners
    check_page(page, "technician-home", phone=True)

    panel.get_by_role("link", name="Fuite sous l'évier de la cuisine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fuite sous l'évier de la cuisine")
    expect(page.get_by_role("img", name="Photo 1 de la demande")).to_be_visible()
    check_page(page, "ticket-detail", phone=True)

    page.get_by_label("Coût (€)").fill("12O")  # a letter O typed for a zero
    page.get_by_label("Statut").select_option(label="Terminée")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_text("Montant invalide : un nombre en euros, par exemple 612,40.")).to_be_visible()
    check_page(page, "ticket-detail-error")

    page.get_by_label("Coût (€)").fill("125,50")
    page.get_by_label("Statut").select_option(label="Terminée")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_role("status")).to_contain_text("Demande mise à jour.")
    expect(page.locator(".lead")).to_contain_text("Terminée")
    expect(page.locator("dl.facts")).to_contain_text("125,50 €")
    check_page(page, "ticket-closed", phone=True)
    ticket = MaintenanceTicket.objects.get(pk=assigned_ticket.pk)
    assert ticket.status == "done" and str(ticket.cost) == "125.50" and ticket.closed_on == timezone.localdate()

    page.goto("/")
    expect(page.get_by_role("region", name="Mes interventions techniques à faire")).to_contain_text(
        "Aucune intervention ouverte ne vous est attribuée."
    )


def test_a_rental_manager_reads_the_dwelling_and_the_board(page, rental_manager):
    make_dwelling(rental_manager, "AUB-002", city="Aubagne", energy_class="G")
    dwelling = make_dwelling(rental_manager, "AIX-001", city="Aix-en-Provence", energy_class="F")
    make_dwelling(rental_manager, "MRS-008", energy_class="")
    prospect = make_prospect(rental_manager, dwelling, on_date=date(2026, 1, 5))
    services.prospect_move(
        actor=rental_manager, prospect_id=prospect.pk, to_stage="contacted", on_date=timezone.localdate()
    )
    log_in(page, "n.haddad")
    page.get_by_role("link", name="Logement", exact=True).click()
    check_page(page, "dwelling-list", phone=True)
    page.get_by_role("link", name="AIX-001").click()
    expect(page.get_by_role("region", name="Peut-il être loué ?")).to_contain_text("Oui, jusqu'au 31/12/2027.")
    expect(page.get_by_role("region", name="Peut-il être loué ?")).to_contain_text("Loyer gelé")
    check_page(page, "dwelling-detail", phone=True)
    page.get_by_role("link", name="Captation", exact=True).first.click()
    expect(page.get_by_role("region", name="Contacté (1)")).to_contain_text("AIX-001")
    check_page(page, "prospect-board", phone=True)
