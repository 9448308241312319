"""End to end, in Chromium: log in, create a household, find it, open it; what a volunteer may not see;
keyboard use; axe-core on every page; screenshots at desktop and phone widths."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from habiter.people import services as people_services
from habiter.people.models import Concern
from habiter.people.tests.factories import make_household

from .support import DESKTOP, SCREENSHOTS, assert_accessible, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_creates_finds_and_opens_a_household(page, social_worker, durand_household):
    log_in(page, "c.martin", check=True)
    check_page(page, "home")

    page.get_by_role("link", name="Créer un nouveau ménage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ménage")
    check_page(page, "household-form", phone=True)

    page.get_by_label("Adresse").fill("12 rue des Lilas")
    page.get_by_label("Code postal").fill("13001")
    page.get_by_label("Commune").fill("Marseille")
    page.locator("#id_phone").fill("06 12 34 56 78")
    page.get_by_label("Précarité financière").first.check()
    page.fill("#id_members-0-first_name", "Zoé")
    page.fill("#id_members-0-last_name", "Noël")
    page.fill("#id_members-0-birth_date", "1986-03-14")
    page.select_option("#id_members-0-relation", "head")
    page.fill("#id_members-1-first_name", "Lucas")
    page.fill("#id_members-1-last_name", "Noël")
    page.fill("#id_members-1-birth_date", "2015-09-02")
    page.select_option("#id_members-1-relation", "child")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text("Le ménage « Noël » est créé.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ménage Noël")
    household_url = page.url

    # The live search (htmx): results replace the list in place, and the address bar follows.
    page.goto("/menages/")
    results = page.locator("#results")
    expect(results).to_contain_text("2 ménages")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Rechercher un ménage").fill("noel")
    expect(results).to_contain_text("1 ménage")
    expect(results).not_to_contain_text("Durand")
    expect(results.get_by_role("link", name="Noël")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/menages/\?q=noel$"))
    assert page.evaluate("window.stillTheSamePage === true"), "the live search reloaded the page"

    # The same search as a plain link (without JavaScript, or after a reload).
    page.goto("/menages/?q=noel")
    expect(page.get_by_label("Rechercher un ménage")).to_have_value("noel")
    expect(results).to_contain_text("Zoé Noël (14/03/1986)")
    check_page(page, "household-list", phone=True)

    with page.expect_navigation() as navigation:
        results.get_by_role("link", name="Noël").click()
    assert "script-src 'self'" in navigation.value.headers["content-security-policy"]
    expect(page).to_have_url(household_url)
    page.get_by_text("Coordonnées, membres et problématiques").click()  # folded under the header
    members = page.get_by_role("region", name="Membres du ménage")
    expect(members.get_by_role("row")).to_have_count(3)  # the header and two members
    expect(members.get_by_role("row", name=re.compile("Zoé Noël"))).to_contain_text("Personne de référence")
    expect(members.get_by_role("row", name=re.compile("Lucas Noël"))).to_contain_text("Enfant")
    expect(page.get_by_role("region", name="Problématiques")).to_contain_text("Précarité financière")
    check_page(page, "household", phone=True)


def test_volunteer_finds_the_name_but_cannot_open_the_file(page, volunteer, noel_household, durand_household):
    log_in(page, "j.benard")
    expect(page.get_by_text("jamais le contenu de leur dossier")).to_be_visible()
    check_page(page, "home-volunteer")

    page.get_by_label("Nom, téléphone ou date de naissance").fill("noel")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("#results")
    expect(results).to_contain_text("1 ménage")
    expect(results).to_contain_text("Zoé Noël")
    expect(results).not_to_contain_text("14/03/1986")  # a volunteer never sees the birth dates
    expect(results.get_by_role("cell", name="Noël", exact=True)).to_be_visible()
    expect(results.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("link", name="Nouveau ménage")).to_have_count(0)
    check_page(page, "household-list-volunteer")

    response = page.goto(f"/menages/{noel_household.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_text("Zoé")).to_have_count(0)
    check_page(page, "not-found")


def test_keyboard_skip_link_is_the_first_tab_stop(page, social_worker, noel_household):
    log_in(page, "c.martin")
    page.goto(f"/menages/{noel_household.pk}/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    outline = skip_link.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline != "none", "the focused skip link has no visible outline"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "focus-skip-link.png")

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the content, not back in the header
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    expect(page.locator("main").get_by_role("link").first).to_be_focused()  # the breadcrumbs' first link
    page.screenshot(path=SCREENSHOTS / "focus-first-action.png")


def test_household_page_with_demo_like_data(page, social_worker):
    """A household page with members, concerns and notes, checked with axe-core and photographed (the README's
    image is written by test_household_page.py)."""
    concerns = [
        Concern.objects.get(organisation=social_worker.organisation, category__code=code, label=label)
        for code, label in [
            ("housing", "Sur-occupé"),
            ("employment", "Précarité financière"),
            ("health", "Santé / Alimentation"),
        ]
    ]
    household = make_household(
        social_worker,
        name="Lefèvre",
        address="24 boulevard de la Libération",
        postal_code="13004",
        city="Marseille",
        phone="06 71 23 45 89",
        email="famille.lefevre@example.org",
        members=[
            {"first_name": "Noël", "last_name": "Lefèvre", "birth_date": date(1981, 5, 17), "relation": "head"},
            {
                "first_name": "Hélène",
                "last_name": "Lefèvre",
                "birth_date": date(1984, 11, 2),
                "relation": "spouse",
                "phone": "07 62 18 40 55",
            },
            {"first_name": "Inès", "last_name": "Lefèvre", "birth_date": date(2012, 2, 9), "relation": "child"},
            {"first_name": "Gabriel", "last_name": "Lefèvre", "birth_date": date(2017, 7, 23), "relation": "child"},
        ],
    )
    household.concerns.set(concerns)
    people_services.note_add(
        actor=social_worker,
        household_id=household.pk,
        text="Entretien au bureau : point sur la recherche de logement et les démarches CAF.",
    )
    log_in(page, "c.martin")
    page.goto(f"/menages/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ménage Lefèvre")
    expect(page.get_by_text("démarches CAF")).to_be_visible()
    assert_accessible(page, "household (demo data)")
    page.set_viewport_size(DESKTOP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "household-demo.png"
    page.screenshot(path=path)
    assert path.stat().st_size < 300_000
