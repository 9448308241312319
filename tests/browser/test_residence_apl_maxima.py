"""End to end, in Chromium: the host opens the page « Maxima APL-foyer » from the residence's page, reads the T1
maximum of 2026 revised with the IRL from the convention's 2024 value, records the T1 bis maximum read on the
convention, is refused a second value for the same year, and corrects the T1 value after confirming. axe-core on
every page; screenshots at desktop and phone widths."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.residences import services
from habiter.residences.models import AplMaximum
from habiter.residences.tests.factories import make_place, make_residence

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def residence(organisation, director, host):
    residence = make_residence(
        director,
        "Les Pléiades",
        hosts=[host],
        city="Aix-en-Provence",
        postal_code="13090",
        apl_convention_reference="Convention APL n° 13-2019-042",
        agrement_reference="Arrêté préfectoral 13-2012-ILGLS-018",
    )
    make_place(director, residence, "7", typology="T1")
    make_place(director, residence, "8", typology="T1 bis")
    services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2024, amount=Decimal("430.00"))
    )
    return residence


def _year(table, year: int):
    """The row of `year` in a typology's table (its header cell names the year)."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=str(year)))


def test_the_host_records_and_corrects_the_maxima_of_the_convention(page, residence):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        log_in(page, "t.garcia")
        page.goto(f"/residences/{residence.pk}/")
        page.get_by_role("link", name="Maxima APL-foyer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Maxima APL-foyer")
        t1 = page.get_by_role("table", name="T1", exact=True)
        # 430,00 € (2024) × 145,17 / 140,59 = 444,01 € (2025) × 146,68 / 145,17 = 448,63 € (2026), IRL of Q2
        row_2026 = _year(t1, 2026)
        expect(row_2026).to_contain_text("448,63 €")
        expect(row_2026).to_contain_text("Révisé avec l'IRL du 2e trimestre à partir de la valeur de 2024 (430,00 €)")
        expect(_year(t1, 2027)).to_contain_text("il manque un IRL du 2e trimestre")
        check_page(page, "apl-maxima", phone=True)

        page.get_by_label("Typologie").select_option("T1 bis")
        page.get_by_label("Année de la valeur").fill("2026")
        page.get_by_label("Maximum mensuel (€)").fill("455,20")
        page.get_by_role("button", name="Enregistrer le maximum").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Maximum de la convention pour un T1 bis en 2026 enregistré : 455,20 €."
        )
        t1_bis = page.get_by_role("table", name="T1 bis")
        expect(_year(t1_bis, 2026)).to_contain_text("455,20 €")
        expect(_year(t1_bis, 2026)).to_contain_text("Lu sur la convention")
        check_page(page, "apl-maxima-recorded", phone=True)

        page.get_by_label("Typologie").select_option("T1 bis")
        page.get_by_label("Année de la valeur").fill("2026")
        page.get_by_label("Maximum mensuel (€)").fill("456,00")
        page.get_by_role("button", name="Enregistrer le maximum").click()
        expect(page.locator("main")).to_contain_text("Cette typologie a déjà un maximum pour cette année.")
        check_page(page, "apl-maxima-duplicate")

        page.get_by_role("link", name="Corriger T1 2024").click()
        page.get_by_label("Maximum mensuel (€)").fill("432,50")
        page.get_by_role("button", name="Corriger le maximum").click()
        expect(page.locator("main")).to_contain_text("430,00 € (À confirmer)")
        check_page(page, "apl-maximum-correct-confirm")
        page.get_by_role("button", name="Confirmer la correction").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Maximum de la convention pour un T1 en 2024 corrigé : 432,50 €."
        )
        # 432,50 × 145,17 / 140,59 = 446,59 € (2025) × 146,68 / 145,17 = 451,24 € (2026)
        t1 = page.get_by_role("table", name="T1", exact=True)
        expect(_year(t1, 2026)).to_contain_text("451,24 €")
        check_page(page, "apl-maxima-corrected", phone=True)

    assert sorted(AplMaximum.objects.values_list("typology", "year", "amount", "status")) == [
        ("T1", 2024, Decimal("432.50"), "CONFIRMED"),
        ("T1 bis", 2026, Decimal("455.20"), "CONFIRMED"),
    ]
