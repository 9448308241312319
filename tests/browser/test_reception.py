"""End to end, in Chromium: a volunteer notes an anonymous visit in under 30 seconds; a social worker sets up a
workshop session and enrols a household, a volunteer takes attendance, and the household's timeline shows it;
axe-core on every page; screenshots at desktop and phone widths."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_a_volunteer_notes_an_anonymous_visit_in_under_30_seconds(page, volunteer, social_worker):
    log_in(page, "j.benard")
    check_page(page, "reception-home", phone=True)
    expect(page.get_by_role("link", name="Noter un passage")).to_be_visible()

    started = time.monotonic()
    page.goto("/accueil/visites/nouvelle/")
    # W24: a volunteer holds the desk with a professional present, named once and kept for the next visitors.
    page.get_by_label("Professionnel·le présent·e").select_option(label="Camille Martin")
    page.get_by_label("Recherche de logement").check()
    page.get_by_label("Impayés de loyer").check()
    page.get_by_label("25 à 39 ans").check()
    page.get_by_label("Code postal").fill("13003")
    page.get_by_role("button", name="Enregistrer le passage").click()
    expect(page.get_by_role("status")).to_contain_text("Passage enregistré (1 aujourd'hui)")
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"noting a visit took {elapsed:.1f} s"
    expect(page.get_by_label("Recherche de logement")).not_to_be_checked()  # ready for the next visitor
    expect(page.get_by_label("Professionnel·le présent·e")).to_have_value(str(social_worker.pk))
    check_page(page, "desk-visit-form", phone=True)

    # A mistake is explained in French, and what was typed is kept.
    page.get_by_label("Code postal").fill("130")
    page.get_by_label("Information donnée").fill("Liste des bailleurs sociaux remise.")
    page.get_by_role("button", name="Enregistrer le passage").click()
    expect(page.get_by_text("Cochez au moins un motif de venue.")).to_be_visible()
    expect(page.get_by_text("Le code postal doit comporter 5 chiffres (ex. 13001).")).to_be_visible()
    expect(page.get_by_label("Information donnée")).to_have_value("Liste des bailleurs sociaux remise.")
    check_page(page, "desk-visit-form-errors")

    page.get_by_role("link", name="Passages du jour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passages à l'accueil aujourd'hui")
    expect(page.locator("table")).to_contain_text("Recherche de logement")
    expect(page.locator("table")).to_contain_text("13003")
    expect(page.locator("table")).to_contain_text("avec Camille Martin")
    check_page(page, "desk-visit-list", phone=True)


def test_workshop_session_attendance_then_the_household_timeline(page, social_worker, volunteer, noel_household):
    log_in(page, "c.martin")
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.get_by_role("link", name="Ateliers", exact=True).click()
    page.get_by_role("link", name="Nouvel atelier").click()
    check_page(page, "workshop-form")
    page.get_by_label("Titre").fill("Chercher un logement ensemble")
    page.get_by_label("Thème").select_option(label="Recherche de logement")
    page.get_by_role("button", name="Créer l'atelier").click()
    expect(page.get_by_role("status")).to_contain_text("ajoutez sa première séance")

    starts = (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date et heure").fill(starts)
    page.get_by_label("Lieu").fill("Salle collective, 12 rue Paradis")
    page.get_by_label("Animateur·rice").select_option(label="Jeanne Bénard")
    page.get_by_label("Nombre de places").fill("6")
    page.get_by_role("button", name="Enregistrer la séance").click()
    # the volunteer's charter (W24): a volunteer does not facilitate alone
    expect(page.get_by_text("Un·e bénévole n'anime pas seul·e (charte du bénévole)")).to_be_visible()
    page.get_by_label("Professionnel·le présent·e").select_option(label="Camille Martin")
    check_page(page, "session-form", phone=True)
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("status")).to_contain_text("Séance enregistrée.")
    expect(page.get_by_text("animé par Jeanne Bénard, avec Camille Martin")).to_be_visible()

    page.get_by_label("Rechercher un ménage").fill("noel")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Inscrire Noël").click()
    expect(page.get_by_role("status")).to_contain_text("Ménage Noël inscrit.")
    expect(page.get_by_role("heading", level=2, name="1 ménage inscrit sur 6 places")).to_be_visible()
    check_page(page, "session-page", phone=True)
    session_url = page.url
    log_out(page)

    # The volunteer takes attendance (and never sees a link to the household's file).
    log_in(page, "j.benard")
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.get_by_role("link", name="Ateliers", exact=True).click()
    check_page(page, "workshop-list", phone=True)
    page.locator("table a").first.click()
    assert page.url == session_url
    expect(page.get_by_role("link", name="dossier")).to_have_count(0)
    page.get_by_label("Noël").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("status")).to_contain_text("Présences enregistrées.")
    expect(page.get_by_label("Noël")).to_be_checked()
    check_page(page, "session-attendance")
    log_out(page)

    log_in(page, "c.martin")
    page.goto(f"/menages/{noel_household.pk}/")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Atelier « Chercher un logement ensemble » : présent·e")
    check_page(page, "household-with-workshop")
