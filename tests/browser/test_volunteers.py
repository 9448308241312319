"""End to end, in Chromium: a volunteer whose association has a charter in force cannot use Habiter before signing
it — after the login, every page leads back to the charter —; she signs, reaches her own page and logs her hours,
whose yearly total shows. axe-core on every page; screenshots at desktop width and on a phone."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.community import volunteers
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def charter_and_mission(organisation, volunteer):
    director = UserFactory(organisation=organisation, role=Role.DIRECTOR, first_name="Claire", last_name="Fabre")
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)):
        volunteers.charter_publish(
            actor=director, published_on=date(2026, 3, 1), text=volunteers.default_charter_text()
        )
        profile = volunteers.volunteer_create(
            actor=director, user_id=volunteer.pk, referent_id=director.pk, data={"started_on": date(2026, 1, 5)}
        )
        mission = volunteers.mission_add(
            actor=director,
            volunteer_id=profile.pk,
            data={"kind": "reception_desk", "title": "Accueil du Point Info Logement", "starts_on": date(2026, 1, 5)},
        )
        volunteers.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2026, 3, 3), hours=Decimal(3))
    return mission


def test_a_volunteer_cannot_use_habiter_before_signing_the_charter_then_logs_hours(page, charter_and_mission):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill("j.benard")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Charte du bénévole")
        expect(page.get_by_role("main")).to_contain_text("vous ne voyez jamais le dossier d'un ménage")
        check_page(page, "volunteer-charter", phone=True)
        for path in ("/", "/instances/mon-benevolat/", "/accueil/visites/"):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_have_text("Charte du bénévole")

        page.get_by_role("button", name="Je signe la charte").click()
        expect(page.get_by_role("status")).to_contain_text("Merci : la charte est signée.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon bénévolat")
        expect(page.get_by_role("main")).to_contain_text("Total de l'année : 3 h")
        page.get_by_label("Date", exact=False).first.fill("2026-03-10")
        page.get_by_role("textbox", name="Heures").fill("2,5")
        page.get_by_label("Précision").fill("Permanence du mardi")
        page.get_by_role("button", name="Enregistrer les heures").click()
        expect(page.get_by_role("status")).to_contain_text("Heures enregistrées.")
        expect(page.get_by_role("main")).to_contain_text("Total de l'année : 5,50 h")
        expect(page.get_by_role("main")).to_contain_text("Permanence du mardi")
        check_page(page, "volunteer-own-page", phone=True)


def test_the_mecenat_fields_show_only_for_a_skills_sponsorship(page, organisation, volunteer, director):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)):
        log_in(page, "c.fabre")
        page.goto("/instances/benevoles/nouveau/")
        sponsorship = page.get_by_role("group", name="Mécénat de compétences")
        expect(sponsorship).to_be_hidden()  # bénévolat, the default
        page.get_by_label("Compte du bénévole").select_option(label="Jeanne Bénard")
        page.get_by_label("Bénévole depuis le").fill("2026-03-01")
        page.get_by_label("Engagement").select_option(
            label="Mécénat de compétences (mis à disposition par son employeur)"
        )
        expect(sponsorship).to_be_visible()
        sponsorship.get_by_label("Employeur (mécénat de compétences)").fill("Banque Rhône-Alpes")
        sponsorship.get_by_label("Convention de mécénat du").fill("2026-03-01")
        sponsorship.get_by_label("Convention de mécénat au").fill("2026-12-31")
        sponsorship.get_by_label("Coût horaire pour l'employeur (€)").fill("38,50")
        check_page(page, "volunteer-form-sponsorship", phone=True)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Fiche de Jeanne Bénard créée.")).to_be_visible()
        expect(page.get_by_text("coût horaire pour l'employeur : 38,50 €")).to_be_visible()

        page.get_by_role("link", name="Modifier", exact=True).click()
        expect(page.get_by_role("group", name="Mécénat de compétences")).to_be_visible()
        page.get_by_label("Engagement").select_option(label="Bénévolat")
        expect(page.get_by_role("group", name="Mécénat de compétences")).to_be_hidden()
        check_page(page, "volunteer-form-volunteering", phone=True)
