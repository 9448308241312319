"""End to end, in Chromium: the director records an agreement with a partner, with the date by which to decide its
renewal; the alert is on her home page, and the partner's page shows the agreement to renew. She merges a partner
typed twice, from the likely duplicates, through the confirmation page. axe-core on every page; screenshots at
desktop width and on a phone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.community import partners
from habiter.community.models import Partner
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def director(organisation):
    director = UserFactory(
        username="c.fabre",
        first_name="Claire",
        last_name="Fabre",
        organisation=organisation,
        role=Role.DIRECTOR,
        password=PASSWORD,
    )
    partners.partner_create(
        actor=director,
        data={"name": "Pays d'Aix Habitat", "kind": "social_landlord", "phone": "04 42 00 00 00"},
    )
    return director


def test_an_agreement_to_renew_raises_the_alert_on_the_directors_home(page, director):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        log_in(page, "c.fabre")
        page.goto("/instances/partenaires/")
        check_page(page, "partners-list", phone=True)
        page.get_by_role("link", name="Pays d'Aix Habitat").click()
        page.get_by_role("link", name="Nouvelle convention").click()
        page.get_by_label("Objet de la convention").fill("Baux glissants")
        page.get_by_label("Début").fill("2025-05-01")
        page.get_by_label("Fin", exact=True).fill("2026-04-30")
        page.get_by_label("Montant (€)").fill("12500,00")
        page.get_by_label("Décider du renouvellement avant le").fill("2026-03-31")
        check_page(page, "partners-agreement-form", phone=True)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Convention « Baux glissants » enregistrée.")
        expect(page.get_by_role("region", name="Conventions")).to_contain_text("Renouvellement à décider")
        check_page(page, "partners-detail", phone=True)
        page.goto("/")
        panel = page.get_by_role("region", name="1 convention à renouveler")
        expect(panel).to_contain_text("Pays d'Aix Habitat — Baux glissants, à décider avant le 31 mars 2026")
        check_page(page, "partners-home", phone=True)


def test_the_director_merges_a_partner_typed_twice(page, director):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        kept = partners.partner_create(actor=director, data={"name": "CCAS de Marseille", "kind": "ccas"})
        duplicate = partners.partner_create(actor=director, data={"name": "C.C.A.S. Marseille", "kind": "other"})
        partners.partner_contact_add(actor=director, partner_id=duplicate.pk, data={"name": "Mme Durand"})
        partners.agreement_create(
            actor=director,
            partner_id=duplicate.pk,
            data={"title": "Aide au relogement", "starts_on": date(2026, 1, 1)},
        )
        log_in(page, "c.fabre")
        page.goto("/instances/partenaires/")
        likely = page.get_by_role("region", name="Doublons probables")
        expect(likely).to_contain_text("C.C.A.S. Marseille")
        check_page(page, "partners-likely-duplicates", phone=True)
        likely.get_by_role("link", name="CCAS de Marseille", exact=True).click()
        page.get_by_role("link", name="Fusionner « C.C.A.S. Marseille » dans ce partenaire").click()
        expect(page.get_by_label("Le doublon")).to_have_value(str(duplicate.pk))
        check_page(page, "partners-merge-choice", phone=True)
        page.get_by_role("button", name="Voir ce qui sera fusionné").click()
        confirmation = page.get_by_role("region", name="À confirmer")
        expect(confirmation).to_contain_text("1 contact passera à « CCAS de Marseille ».")
        expect(confirmation).to_contain_text("1 convention passera à « CCAS de Marseille ».")
        check_page(page, "partners-merge-confirm", phone=True)
        page.get_by_role("button", name="Fusionner les deux partenaires").click()
        expect(page.get_by_role("status")).to_contain_text(
            "« C.C.A.S. Marseille » est fusionné dans « CCAS de Marseille » : 1 contact, 1 convention."
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("CCAS de Marseille")
        expect(page.get_by_role("region", name="Contacts")).to_contain_text("Mme Durand")
        expect(page.get_by_role("region", name="Conventions")).to_contain_text("Aide au relogement")
        check_page(page, "partners-merged", phone=True)
    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    assert Partner.objects.get(pk=kept.pk).contacts.count() == 1
