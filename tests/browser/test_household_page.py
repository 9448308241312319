"""End to end, in Chromium: the household page as a social worker uses it — the timeline first, the other tabs
one click away, a form opened on demand; on a 390 px phone the header and the timeline start within the first
screen and the menu is folded. axe-core on each tab; screenshots for the documentation."""

import os
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_lease
from habiter.ledger.rent import services as rent_services
from habiter.people import services as people_services
from habiter.people.tests.factories import make_household

from .support import DESKTOP, ROOT, SCREENSHOTS, assert_accessible, assert_no_horizontal_overflow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
# the documentation's screenshots are rewritten only when asked (HABITER_UPDATE_DOCS_SCREENSHOT=1), with the
# other screenshots otherwise, so a test run leaves the checkout as it was
DOCS_SCREENSHOTS = (
    ROOT / "docs" / "screenshots" if os.environ.get("HABITER_UPDATE_DOCS_SCREENSHOT") == "1" else SCREENSHOTS
)


@pytest.fixture
def household(social_worker, organisation):
    household = make_household(
        social_worker,
        name="Lefèvre",
        address="24 boulevard de la Libération",
        postal_code="13004",
        city="Marseille",
        phone="06 71 23 45 89",
        members=[
            {"first_name": "Noël", "last_name": "Lefèvre", "birth_date": date(1981, 5, 17), "relation": "head"},
            {"first_name": "Hélène", "last_name": "Lefèvre", "birth_date": date(1984, 11, 2), "relation": "spouse"},
            {"first_name": "Inès", "last_name": "Lefèvre", "birth_date": date(2012, 2, 9), "relation": "child"},
        ],
    )
    manager = UserFactory(username="g.locative", organisation=organisation, role=Role.RENTAL_MANAGER)
    lease = make_lease(manager, household)
    lease_services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    accountant = UserFactory(username="compta", organisation=organisation, role=Role.ACCOUNTANT)
    rent_services.rent_call_issue(actor=accountant, lease_id=lease.pk, period=date(2025, 3, 1))
    for text in (
        "Entretien au bureau : point sur la recherche de logement et les démarches CAF.",
        "Appel de la CAF : dossier APL complet, versement attendu le mois prochain.",
        "Visite à domicile : logement en bon état, compteur d'eau à relever.",
    ):
        people_services.note_add(actor=social_worker, household_id=household.pk, text=text)
    return household


def test_the_social_worker_finds_each_part_of_the_household_in_one_click(page, social_worker, household):
    log_in(page, "c.martin")
    page.goto(f"/menages/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ménage Lefèvre")
    header = page.locator(".household-head")
    expect(header).to_contain_text("Noël Lefèvre")
    expect(header).to_contain_text("Camille Martin")  # the referent
    expect(header.locator(".alert").first).to_contain_text("Reste dû")

    tabs = page.get_by_role("navigation", name="Sections du dossier").get_by_role("link")
    expect(tabs.first).to_have_text("Chronologie")
    expect(tabs.first).to_have_attribute("aria-current", "true")
    timeline = page.locator("#chronologie")
    expect(timeline).to_be_visible()
    expect(timeline).to_contain_text("Visite à domicile")
    expect(page.locator("#argent")).to_be_hidden()
    assert_accessible(page, "household, timeline")

    # The note form is folded until asked for.
    note = timeline.locator("textarea[name='text']")
    expect(note).to_be_hidden()
    page.get_by_text("Ajouter une note", exact=True).click()
    expect(note).to_be_visible()

    page.get_by_role("link", name="Argent").click()
    expect(page.locator("#argent")).to_be_visible()
    expect(page.locator("#argent")).to_contain_text("Loyers et impayés")
    expect(timeline).to_be_hidden()
    expect(page.get_by_role("link", name="Argent")).to_have_attribute("aria-current", "true")
    assert_accessible(page, "household, money")

    page.get_by_role("link", name="Documents").click()
    documents = page.locator("#documents")
    expect(documents).to_be_visible()
    upload = documents.get_by_role("button", name="Ajouter le document")
    expect(upload).to_be_hidden()
    documents.get_by_text("Ajouter un document", exact=True).click()
    expect(upload).to_be_visible()
    assert_accessible(page, "household, documents")

    # Filtering the timeline comes back to the timeline, not to the top of another tab.
    page.get_by_role("link", name="Chronologie").click()
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"/menages/[0-9a-f-]+/\?#chronologie$"))
    expect(timeline).to_be_visible()

    page.goto(f"/menages/{household.pk}/")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=DOCS_SCREENSHOTS / "household-desktop.png", full_page=True)


def test_on_a_phone_the_timeline_starts_within_the_first_screen(page, social_worker, household):
    log_in(page, "c.martin")
    page.set_viewport_size(PHONE_390)
    page.goto(f"/menages/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ménage Lefèvre")

    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()

    top = page.locator("#chronologie").evaluate("element => element.getBoundingClientRect().top + window.scrollY")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=DOCS_SCREENSHOTS / "household-phone.png", full_page=False)
    assert top < PHONE_390["height"], f"the timeline starts {top} px down a {PHONE_390['height']} px screen"
    assert_no_horizontal_overflow(page, "household (390 px)")
    assert_accessible(page, "household (390 px)")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="Navigation principale").get_by_role("link").first).to_be_visible()
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
