"""End to end, in Chromium: each role logs in and lands on a home page that lists its work of the day, with a menu
of at most seven entries grouped by activity; one browser, one login after another; a screenshot of each page."""

import pytest
from playwright.sync_api import expect

from habiter.community.tests.factories import charter_signed
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.tests.factories import make_ticket
from habiter.leases.tests.factories import make_dwelling

from .support import PASSWORD, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_PANEL = {
    Role.DIRECTOR: "Pilotage",
    Role.TEAM_LEAD: "Votre espace",
    Role.SOCIAL_WORKER: "Votre espace",
    Role.RENTAL_MANAGER: "Logements : à faire",
    Role.ACCOUNTANT: "Comptabilité : à faire",
    Role.TECHNICIAN: "Mes interventions techniques à faire",
    Role.RECEPTIONIST: "Accueil du public",
    Role.VOLUNTEER: "Accueil du public",
    Role.HOST: "Votre espace",
    Role.LAWYER: "Mes prochaines permanences juridiques",
}


def test_every_role_lands_on_a_home_page_with_its_work(page, organisation, team):
    users = {
        role: UserFactory(
            username=f"home.{role.value}",
            organisation=organisation,
            team=team if role in (Role.TEAM_LEAD, Role.SOCIAL_WORKER) else None,
            role=role,
            password=PASSWORD,
        )
        for role in Role
    }
    charter_signed(users[Role.VOLUNTEER])  # W23: held on the charter's page otherwise
    dwelling = make_dwelling(organisation, reference="MRS-12")
    make_ticket(users[Role.RENTAL_MANAGER], dwelling, title="Fuite sous l'évier")

    for role, user in users.items():
        page.context.clear_cookies()
        log_in(page, user.username)
        expect(page.get_by_role("region", name=EXPECTED_PANEL[role])).to_be_visible()
        menu = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
        assert 1 <= menu.count() <= 7, role
        expect(menu.first).to_have_text("Tableau de bord")
        assert_accessible(page, f"home {role.value}")
        screenshot(page, f"home-{role.value}")
    expect(page.get_by_role("region", name="Logements : à faire")).to_have_count(0)  # the lawyer, last
