"""End to end, in Chromium: the director opens « Temps des hôtes » from a pension de famille's page, types last year's
hosts' time, is refused a value typed in hours, corrects the year, then reads the boarding houses' annual report of
that year: its table « Encadrement » (ETP per ten places) and its residents by sex and age. axe-core on every page;
screenshots at desktop and phone widths."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.people.tests.factories import make_household
from habiter.residences.tests.factories import make_place, make_residence, make_stay

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def residence(organisation, director, host):
    residence = make_residence(
        director, "Les Pléiades", hosts=[host], city="Aix-en-Provence", postal_code="13090", opened_on=date(2024, 1, 2)
    )
    places = [make_place(director, residence, str(n)) for n in range(1, 9)]
    with time_machine.travel(datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)):
        for place, (first_name, sex, born) in zip(
            places,
            [("Rose", "f", date(1984, 11, 2)), ("Paul", "m", date(1958, 5, 5)), ("Alix", "", date(1990, 1, 1))],
            strict=False,
        ):
            household = make_household(
                director,
                members=[
                    {"first_name": first_name, "last_name": "Résident", "birth_date": born, "relation": "head"}
                    | {"sex": sex}
                ],
            )
            make_stay(director, place, household, date(2025, 3, 3))
    return residence


def test_the_director_types_the_hosts_time_and_reads_the_staffing_rate(page, residence):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        log_in(page, "c.fabre")
        page.goto(f"/residences/{residence.pk}/")
        section = page.get_by_role("region", name="Temps des hôtes")
        expect(section).to_contain_text("Aucun temps des hôtes saisi.")
        section.get_by_role("link", name="Saisir ou corriger").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Temps des hôtes")
        expect(page.get_by_label("Année")).to_have_value("2025")

        page.get_by_label("Temps des hôtes (ETP)").fill("35")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("main")).to_contain_text("pas un nombre d'heures")
        check_page(page, "hosting-staff-refused")

        page.get_by_label("Temps des hôtes (ETP)").fill("1,5")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text("Temps des hôtes de 2025 enregistré : 1,50 ETP.")
        page.get_by_label("Temps des hôtes (ETP)").fill("0,90")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Temps des hôtes de 2025 corrigé : 0,90 ETP (au lieu de 1,50 ETP)."
        )
        expect(page.get_by_role("table", name="Temps des hôtes par année")).to_contain_text("0,90")
        check_page(page, "hosting-staff", phone=True)

        page.goto("/pilotage/rapports/pension_famille/?annee=2025")
        # 8 places, 0.90 ETP: 0.90 × 10 / 8 = 1.125, rounded half up 1,13
        staffing = page.get_by_role("table", name="Encadrement")
        expect(staffing.get_by_role("row").filter(has_text="Les Pléiades")).to_contain_text("1,13")
        by_sex = page.get_by_role("table", name="Résidents par sexe et par âge")
        # Rose (41) and Alix (35, sex not said), Paul (67): one woman, one man, one not said
        all_ages = by_sex.get_by_role("row").filter(has_text="Tous âges").get_by_role("cell")
        expect(all_ages).to_have_text(["Tous âges", "1", "1", "1", "3"])
        check_page(page, "pension-famille-report", phone=True)
