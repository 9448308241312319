"""End to end, in Chromium: a social worker opens a support measure and logs an intervention from the
household page; axe-core on every page; screenshots at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_opens_a_measure_then_logs_an_intervention(page, social_worker, durand_household):
    log_in(page, "c.martin")
    page.goto(f"/menages/{durand_household.pk}/")
    expect(page.get_by_text("Aucune mesure pour ce ménage.")).to_be_visible()

    page.get_by_role("link", name="Ouvrir une mesure").click()
    check_page(page, "measure-form", phone=True)
    page.get_by_label("Dispositif").select_option(label="AVDL — Accompagnement vers et dans le logement")
    page.get_by_label("Prescripteur").fill("CCAS de Marseille")
    page.get_by_role("button", name="Ouvrir la mesure").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Mesure « AVDL — Accompagnement vers et dans le logement » ouverte."
    )
    measures = page.locator("#h-measures").locator("xpath=..").locator("..")
    expect(measures).to_contain_text("En cours")

    # The quick add: type, note, save (date and duration are prefilled).
    page.get_by_label("Type").select_option(label="Visite à domicile")
    page.locator("#intervention_note").fill("Logement humide : courrier au bailleur.")
    page.get_by_role("button", name="Enregistrer l'intervention").click()
    expect(page.get_by_role("status")).to_contain_text("Intervention enregistrée.")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Visite à domicile (30 min)")
    expect(timeline).to_contain_text("Logement humide : courrier au bailleur.")
    expect(timeline).to_contain_text("Mesure en cours : AVDL")
    check_page(page, "household-with-measure", phone=True)

    # Suspend the measure.
    page.get_by_role("link", name="Changer le statut").click()
    check_page(page, "measure-status")
    page.get_by_label("Nouveau statut").select_option(label="Suspendue")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Statut de la mesure enregistré.")
    expect(timeline).to_contain_text("Mesure suspendue : AVDL")
