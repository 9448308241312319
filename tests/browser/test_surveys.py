"""End to end, in Chromium: the director builds the owners' survey (a scale, a choice, a free question), an owner
answers through the link on a phone without an account, the rental manager types in an answer given by phone, and
the results show the counts, the average and the free answers. axe-core on every page; screenshots."""

import pytest
from playwright.sync_api import expect

from habiter.community.models import Survey
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory

from .support import PASSWORD, PHONE, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owners_survey_from_its_questions_to_its_results(page, organisation, browser):
    UserFactory(username="d.roux", organisation=organisation, role=Role.DIRECTOR, password=PASSWORD)
    UserFactory(username="n.haddad", organisation=organisation, role=Role.RENTAL_MANAGER, password=PASSWORD)

    log_in(page, "d.roux")
    page.get_by_role("link", name="Ménages").first.click()
    page.get_by_role("link", name="Enquêtes").click()
    page.get_by_role("link", name="Nouvelle enquête").click()
    page.get_by_label("Titre").fill("Enquête propriétaires")
    page.get_by_label("Public").select_option("owners")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Enquête « Enquête propriétaires » créée")).to_be_visible()
    for text, kind, options in (
        ("Êtes-vous satisfait·e de la gestion ?", "scale", ""),
        ("Confieriez-vous à nouveau un logement ?", "choice", "Oui\nNon"),
        ("Qu'est-ce qui pourrait être amélioré ?", "text", ""),
    ):
        page.get_by_role("link", name="Ajouter une question").click()
        page.get_by_label("Question", exact=True).fill(text)
        page.get_by_label("Type de réponse").select_option(kind)
        if options:
            page.get_by_label("Choix proposés").fill(options)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Question ajoutée.")).to_be_visible()
    link = Survey.objects.get().link_key

    owner = browser.new_page(viewport=PHONE)  # no account, no session
    owner.goto(f"{page.url.split('/instances/')[0]}/instances/repondre/{link}/")
    expect(owner.get_by_role("heading", name="Enquête propriétaires")).to_be_visible()
    owner.get_by_text("4", exact=True).click()
    owner.get_by_text("Oui", exact=True).click()
    owner.get_by_label("Qu'est-ce qui pourrait être amélioré ?").fill("Des nouvelles du locataire <svp>")
    check_page(owner, "survey-answer-by-link", phone=True)
    owner.get_by_role("button", name="Envoyer mes réponses").click()
    expect(owner.get_by_role("heading", name="Merci !")).to_be_visible()
    owner.close()

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, "n.haddad")
    page.goto(f"/instances/enquetes/{Survey.objects.get().pk}/")
    page.get_by_role("link", name="Saisir une réponse").click()
    page.get_by_text("2", exact=True).click()
    page.get_by_text("Non", exact=True).click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Réponse enregistrée.")).to_be_visible()
    expect(page.get_by_text("2 réponses.")).to_be_visible()
    expect(page.get_by_text("moyenne 3,0 sur 5")).to_be_visible()
    expect(page.get_by_text("Des nouvelles du locataire <svp>")).to_be_visible()
    check_page(page, "survey-results", phone=True)
