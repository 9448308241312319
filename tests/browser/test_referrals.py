"""End to end, in Chromium: a receptionist notes a walk-in, refers her to a social worker from the day's visits,
and the social worker finds the referral with the visitor's phone on her home page and takes it up; axe-core on
every page; screenshots at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.reception.models import Referral, ReferralStatus

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receptionist(organisation):
    return UserFactory(
        username="i.moreau",
        first_name="Inès",
        last_name="Moreau",
        organisation=organisation,
        role=Role.RECEPTIONIST,
        password=PASSWORD,
    )


def test_a_receptionist_refers_a_walk_in_and_the_social_worker_takes_it_up(page, receptionist, social_worker):
    log_in(page, "i.moreau")
    page.goto("/accueil/visites/nouvelle/")
    page.get_by_label("Menace d'expulsion").check()
    page.get_by_role("button", name="Enregistrer le passage").click()
    expect(page.get_by_role("status")).to_contain_text("Passage enregistré")

    page.get_by_role("link", name="Passages du jour").click()
    page.get_by_role("link", name="Orienter vers un collègue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter vers un·e collègue")
    expect(page.get_by_text("Suite au passage à l'accueil du")).to_be_visible()
    page.get_by_label("Orienter vers").select_option(label="Camille Martin")
    page.get_by_label("Motif de l'orientation").fill("Commandement de payer reçu, souhaite de l'aide.")
    # A visitor not yet known needs a way to be called back: the form says so in French and keeps what was typed.
    page.get_by_label("Nom de la personne").fill("Yasmina Khelifi")
    page.get_by_role("button", name="Orienter", exact=True).click()
    expect(page.get_by_text("Indiquez un téléphone ou un courriel pour que la personne soit rappelée.")).to_be_visible()
    expect(page.get_by_label("Nom de la personne")).to_have_value("Yasmina Khelifi")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    check_page(page, "referral-form", phone=True)
    page.get_by_role("button", name="Orienter", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Yasmina Khelifi est orienté·e vers Camille Martin")
    check_page(page, "referral-list-sent", phone=True)
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "c.martin")
    panel = page.locator("section", has=page.get_by_role("heading", name="Orientations à prendre en charge"))
    expect(panel).to_contain_text("1 personne vous a été orientée.")
    expect(panel).to_contain_text("Yasmina Khelifi")
    expect(panel.get_by_role("link", name="06 12 34 56 78")).to_have_attribute("href", "tel:0612345678")
    check_page(page, "referral-home", phone=True)
    panel.get_by_role("button", name="Prendre en charge").click()
    expect(page.get_by_role("status")).to_contain_text("Orientation de Yasmina Khelifi prise en charge.")
    expect(panel).to_contain_text("0 personne vous a été orientée.")
    check_page(page, "referral-home-taken-up")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.TAKEN_UP and referral.taken_up_by == social_worker
