"""End to end, in Chromium: the host sees today's contracts work on their home page, opens a contract to sign, then
the residence's occupancy and funding figures of last year, and its places on a day of last year picked in the
calendar; axe-core on every page; screenshots."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.residences import services
from habiter.residences.tests.factories import make_active_contract, make_place, make_residence

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def house(organisation, durand_household, director, host):
    residence = make_residence(director, "Les Pléiades", hosts=[host], opened_on=date(2014, 12, 1))
    services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=date(2022, 1, 3), text="Article 1 — Le calme."
    )
    person = durand_household.members.first()
    today = timezone.localdate()
    last_year = today.year - 1
    places = [make_place(director, residence, f"{n}") for n in range(1, 4)]
    make_active_contract(director, places[0], person, date(last_year, 1, 5), date(last_year, 1, 5))
    leaving = make_active_contract(director, places[1], person, date(last_year, 3, 2), date(last_year, 3, 2))
    services.contract_notice(actor=host, contract_id=leaving.pk, notice_on=today - timedelta(days=1))
    services.contract_create(actor=director, place_id=places[2].pk, resident_id=person.pk, starts_on=today)
    return residence


def test_the_host_sees_today_s_work_then_the_year_s_figures(page, house):
    log_in(page, "t.garcia")
    panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
    expect(panel).to_contain_text("1 contrat à signer")
    expect(panel).to_contain_text("1 préavis qui finit dans les 15 jours")
    check_page(page, "host-home-contracts", phone=True)

    panel.get_by_role("link", name="Occupation et financement").click()
    last_year = timezone.localdate().year - 1
    page.get_by_role("link", name=f"Année {last_year}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Occupation et financement des résidences — {last_year}"
    )
    check_page(page, "occupancy-summary", phone=True)
    page.get_by_role("link", name="Les Pléiades").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Les Pléiades — {last_year}")
    expect(page.get_by_text("montant à confirmer")).to_be_visible()
    check_page(page, "occupancy-figures", phone=True)


def test_the_host_picks_a_day_and_sees_the_places_free_reserved_or_occupied_then(page, house):
    log_in(page, "t.garcia")
    page.goto(f"/residences/{house.pk}/")
    places = page.get_by_role("region", name="3 places")
    expect(places).to_contain_text("Aujourd'hui")
    # 2 February of last year: the first resident under contract since 5 January, the second not yet come (2 March),
    # the third place's contract not yet prepared
    day = date(timezone.localdate().year - 1, 2, 2)
    page.get_by_label("Occupation des places le").fill(day.isoformat())
    page.get_by_role("button", name="Afficher ce jour").click()
    expect(page).to_have_url(re.compile(rf"/residences/{house.pk}/\?le={day.isoformat()}$"))
    expect(places.get_by_role("status")).to_contain_text("Statut des places le 2 février")
    rows = places.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Occupée")
    expect(rows.nth(1)).to_contain_text("Libre")
    expect(rows.nth(2)).to_contain_text("Libre")
    expect(places.get_by_role("link", name="Déclarer la vacance au SIAO")).to_have_count(0)  # another day: read only
    check_page(page, "residence-places-on-a-day", phone=True)
    places.get_by_role("link", name="Revenir à aujourd'hui").click()
    expect(rows.nth(2)).to_contain_text("Réservée")
