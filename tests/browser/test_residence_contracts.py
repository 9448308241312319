"""End to end, in Chromium: the admitted candidate of a vacancy gets their contract from the admission; the host
notes the day the RI was initialled, confirms the entry into force, then logs a collective activity with that resident
and a volunteer; the house journal counts the participation. axe-core on every page; screenshots."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.residences import services
from habiter.residences.models import HouseActivity, IndividualSupport, ResidenceContract
from habiter.residences.tests.factories import make_place, make_residence

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admitted(organisation, durand_household, volunteer, director, host):
    residence = make_residence(director, "Les Pléiades", hosts=[host], city="Aix-en-Provence", postal_code="13090")
    services.house_rules_add(
        actor=director,
        residence_id=residence.pk,
        valid_from=date(2022, 1, 3),
        text="Article 1 — Chacun respecte le calme et l'intimité des autres.",
        guest_nights_per_month=14,
    )
    place = make_place(director, residence, "15")
    today = timezone.localdate()
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=today - timedelta(days=20))
    orientation = services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO13-2026-0451",
        candidate_name="M. Paul Durand",
        received_on=today - timedelta(days=15),
        household_id=durand_household.pk,
    )
    services.orientation_interview_add(
        actor=host,
        orientation_id=orientation.pk,
        held_on=today - timedelta(days=10),
        led_by_id=host.pk,
        attendance="came",
    )
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=today - timedelta(days=5)
    )
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=today - timedelta(days=4))
    return orientation


def test_the_admitted_candidate_gets_a_contract_then_takes_part_in_an_activity(page, admitted):
    log_in(page, "t.garcia")
    page.goto(f"/residences/orientations/{admitted.pk}/")
    page.get_by_role("link", name="Créer le contrat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrat de résidence — place 15 (Les Pléiades)")
    check_page(page, "contract-new")
    page.get_by_label("Résident").select_option(label="Durand Paul")
    page.get_by_role("button", name="Préparer le contrat").click()
    expect(page.get_by_role("status").first).to_contain_text("il est à signer")
    expect(page.get_by_role("region", name="Le contrat")).to_contain_text("À signer")
    expect(page.get_by_role("button", name="Mettre le contrat en vigueur")).to_have_count(0)

    initial = page.get_by_role("region", name="Règlement intérieur annexé et paraphé")
    initial.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Mettre le contrat en vigueur").click()
    expect(page.get_by_text("À confirmer")).to_be_visible()
    check_page(page, "contract-activate-confirm")
    page.get_by_role("button", name="Confirmer l'entrée en vigueur").click()
    expect(page.get_by_role("region", name="Le contrat")).to_contain_text("En cours")
    check_page(page, "contract-active", phone=True)

    page.get_by_role("link", name="Les Pléiades").first.click()
    expect(page.get_by_role("row").filter(has_text="Paul Durand")).to_contain_text("sous contrat depuis")
    page.get_by_role("link", name="Journal de maison").click()
    page.get_by_role("link", name="Nouvelle activité").click()
    page.get_by_label("Type d'activité").select_option(label="Jardin")
    page.get_by_label("Intitulé").fill("Plantation des tomates")
    page.get_by_label("Paul Durand").check()
    page.get_by_label("Jeanne Bénard").check()
    check_page(page, "house-activity-new")
    page.get_by_role("button", name="Ajouter au journal").click()
    participation = page.get_by_role("region", name="Participation des résidents, par mois")
    expect(participation.get_by_role("row").filter(has_text="Paul Durand")).to_contain_text("1")
    expect(page.get_by_role("region", name="1 activité collective")).to_contain_text("Jeanne Bénard")
    check_page(page, "house-journal", phone=True)

    # an individual support, said to be a mediation: the AGLS counts it under that category
    page.get_by_role("link", name="Nouveau soutien individuel").click()
    page.get_by_label("Résident").select_option(label="Paul Durand")
    page.get_by_role("button", name="Ajouter au journal").click()
    expect(page.get_by_text("Dites de quelle nature est ce soutien.")).to_be_visible()
    page.get_by_label("Médiation vers les services extérieurs").check()
    page.get_by_label("Soutien apporté").fill("Rendez-vous pris avec la CAF pour son dossier d'APL.")
    check_page(page, "house-support-new", phone=True)
    page.get_by_role("button", name="Ajouter au journal").click()
    supports = page.get_by_role("region", name="1 soutien individuel")
    expect(supports).to_contain_text("Paul Durand (médiation vers les services extérieurs)")

    contract = ResidenceContract.objects.get(orientation=admitted)
    assert contract.status == "active" and contract.ri_initialled_on == timezone.localdate()
    assert list(HouseActivity.objects.get().participants.all()) == [contract.resident]
    support = IndividualSupport.objects.get()
    assert (support.resident, support.kind) == (contract.resident, "mediation")
