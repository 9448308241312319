"""End to end, in Chromium: a social worker opens a support measure and logs an intervention from the
household page; axe-core on every page; screenshots at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_opens_a_measure_then_logs_an_intervention(page, social_worker, durand_household):
    log_in(page, "c.martin")
    page.goto(f"/menages/{durand_household.pk}/#accompagnement")
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

    # The quick add, in the support tab, opened on demand: type, note, save (date and duration are prefilled).
    page.get_by_role("link", name="Accompagnement").click()
    page.get_by_text("Noter une intervention", exact=True).click()
    page.locator("#intervention_kind").select_option(label="Visite à domicile")
    page.locator("#intervention_note").fill("Logement humide : courrier au bailleur.")
    page.get_by_role("button", name="Enregistrer l'intervention").click()
    expect(page.get_by_role("status")).to_contain_text("Intervention enregistrée.")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Visite à domicile (30 min)")
    expect(timeline).to_contain_text("Logement humide : courrier au bailleur.")
    expect(timeline).to_contain_text("Mesure en cours : AVDL")
    check_page(page, "household-with-measure", phone=True)

    # Suspend the measure.
    page.get_by_role("link", name="Accompagnement").click()
    page.get_by_role("link", name="Changer le statut").click()
    check_page(page, "measure-status")
    page.get_by_label("Nouveau statut").select_option(label="Suspendue")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Statut de la mesure enregistré.")
    expect(timeline).to_contain_text("Mesure suspendue : AVDL")


def test_worker_writes_the_plan_with_the_person_and_prints_it(page, social_worker, durand_household, tmp_path):
    import shutil
    import subprocess

    from habiter.core.models import Partner

    from .support import SCREENSHOTS

    Partner.objects.create(organisation=social_worker.organisation, name="CCAS de Marseille", kind="ccas")
    log_in(page, "c.martin")
    page.goto(f"/menages/{durand_household.pk}/#accompagnement")
    page.get_by_role("link", name="Commencer le projet").click()
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("status")).to_contain_text("Projet personnalisé enregistré.")

    page.get_by_label("Domaine de vie").select_option(label="Logement")
    page.get_by_label("Objectif", exact=False).first.fill("Trouver un logement adapté")
    page.get_by_label("Les mots de la personne").fill("Je veux un endroit calme pour mes enfants.")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_role("heading", level=2, name="Logement Trouver un logement adapté")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Je veux un endroit calme pour mes enfants.")

    page.get_by_text("Ajouter une étape").click()
    page.locator("input[name=description]").fill("Déposer la demande de logement social")
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.locator("table")).to_contain_text("Déposer la demande de logement social")
    # the organisation's partners are offered for a step a partner does
    expect(page.locator("#plan-partners option[value='CCAS de Marseille']")).to_have_count(1)
    page.get_by_text("Ajouter une étape").click()
    page.locator("input[name=description]").fill("Instruire la demande d'aide au déménagement")
    page.get_by_label("Qui le fait").select_option(label="Un partenaire")
    page.get_by_label("Partenaire").fill("CCAS de Marseille")
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.locator("table")).to_contain_text("Un partenaire (CCAS de Marseille)")
    check_page(page, "plan", phone=True)

    pdf = page.request.get(f"/accompagnement/menages/{durand_household.pk}/projet/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    if shutil.which("pdftoppm"):
        path = tmp_path / "plan.pdf"
        path.write_bytes(pdf.body())
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(SCREENSHOTS / "plan-pdf")], check=True
        )
        assert any(SCREENSHOTS.glob("plan-pdf*.png"))


def test_worker_books_an_appointment_and_sees_the_week(page, social_worker, durand_household):
    from datetime import timedelta

    from django.utils import timezone

    log_in(page, "c.martin")
    page.goto(f"/menages/{durand_household.pk}/#accompagnement")
    page.get_by_role("link", name="Prendre rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rendez-vous avec le ménage Durand")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Objet").fill("Point budget")
    page.get_by_label("Jour").fill(tomorrow.isoformat())
    page.get_by_label("De").fill("14:00")
    page.get_by_label("À", exact=False).last.fill("15:00")
    check_page(page, "appointment-form")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Rendez-vous enregistré.")
    expect(page.locator(".week")).to_contain_text("Point budget")
    check_page(page, "calendar", phone=True)
