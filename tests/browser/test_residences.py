"""End to end, in Chromium: the host finds on their home page a SIAO candidate whose interview is to fix, takes them
through the interview, the commission's admission, the notification to the SIAO and the entry; the residence page
then shows the place occupied by them and the delay from vacancy to entry. axe-core on every page; screenshots."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.residences import services
from habiter.residences.models import ResidenceStay
from habiter.residences.tests.factories import make_place, make_residence

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oriented(organisation, durand_household, director, host):
    residence = make_residence(director, "Les Pléiades", hosts=[host], city="Aix-en-Provence", postal_code="13090")
    make_place(director, residence, "14")
    place = make_place(director, residence, "15")
    today = timezone.localdate()
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=today - timedelta(days=10))
    services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO13-2026-0451",
        candidate_name="M. Paul Durand",
        received_on=today - timedelta(days=5),
        household_id=durand_household.pk,
    )
    return place


def test_a_host_takes_a_siao_candidate_from_orientation_to_entry(page, oriented):
    log_in(page, "t.garcia")
    panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
    expect(panel).to_contain_text("1 entretien à fixer ou à venir")
    check_page(page, "host-home", phone=True)
    panel.get_by_role("link", name="M. Paul Durand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orientation SIAO : M. Paul Durand")
    check_page(page, "orientation-new", phone=True)

    page.get_by_role("button", name="Enregistrer").click()  # the interview, today
    expect(page.get_by_role("status")).to_contain_text("Étape enregistrée.")
    decision = page.get_by_role("region", name="Décision de la commission d'admission")
    decision.get_by_label("Refusé").check()
    decision.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Un refus dit son motif : choisissez-le dans la liste.")).to_be_visible()
    check_page(page, "orientation-refusal-without-reason")
    decision = page.get_by_role("region", name="Décision de la commission d'admission")
    decision.get_by_label("Admis", exact=True).check()
    decision.get_by_label("Compte rendu").fill("Projet clair, envie de vie collective.")
    decision.get_by_role("button", name="Enregistrer").click()
    notification = page.get_by_role("region", name="Notification de la décision au SIAO")
    notification.get_by_role("button", name="Enregistrer").click()
    entry = page.get_by_role("region", name="Entrée dans la place")
    entry.get_by_label("Résident").select_option(index=1)
    entry.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("section").first).to_contain_text("Entré·e le")
    check_page(page, "orientation-entered", phone=True)

    page.get_by_role("link", name="Vacance de la place 15 (Les Pléiades)").click()
    expect(page.get_by_text("10 jours après la déclaration")).to_be_visible()
    page.get_by_role("link", name="Les Pléiades").first.click()
    row = page.get_by_role("row").filter(has_text="Paul Durand")
    expect(row).to_contain_text("Occupée")
    expect(page.get_by_role("region", name="Vacances déclarées au SIAO")).to_contain_text("pourvue en 10 jours")
    check_page(page, "residence-detail", phone=True)
    assert ResidenceStay.objects.get(place=oriented).entered_on == timezone.localdate()

    # the host says where Paul Durand lived before entering and his main resource, for the annual report
    row.get_by_role("link", name="Situation à l'entrée").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Situation à l'entrée de")
    page.get_by_label("Situation de logement avant l'entrée").select_option(
        label="Hébergé en structure (CHRS, centre d'hébergement, hébergement d'urgence)"
    )
    page.get_by_label("Ressource principale à l'entrée").select_option(label="AAH (allocation aux adultes handicapés)")
    check_page(page, "stay-entry-situation", phone=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Situation à l'entrée de")
    stay = ResidenceStay.objects.get(place=oriented)
    assert (stay.situation_before_entry, stay.main_resource) == ("shelter", "aah")
