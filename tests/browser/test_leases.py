"""End to end, in Chromium: a rental manager captures a dwelling through the pipeline, takes it on a head lease
and sublets it as a sliding lease; the social worker records the review; the manager slides the lease to the
household. Then the month's rent revisions are applied and the letter printed. axe-core on every page;
screenshots at desktop and phone widths."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.tests.factories import make_dwelling as make_stock_dwelling
from habiter.housing.tests.factories import make_owner
from habiter.leases import services as lease_services
from habiter.leases.models import Lease, LeaseKind, LeaseStatus
from habiter.leases.tests.factories import make_dwelling, make_lease

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rental_manager(organisation):
    return UserFactory(
        username="n.haddad",
        first_name="Nadia",
        last_name="Haddad",
        organisation=organisation,
        role=Role.RENTAL_MANAGER,
        password=PASSWORD,
    )


def test_manager_applies_the_month_revisions_and_prints_a_letter(
    page, rental_manager, durand_household, noel_household
):
    # Given two leases with a February anniversary, one on a C dwelling and one on a G dwelling signed in 2024
    with time_machine.travel(date(2026, 2, 10)):
        revised = make_lease(
            rental_manager,
            durand_household,
            make_dwelling(rental_manager.organisation, reference="MRS-C-12", energy_class="C"),
            start=date(2025, 2, 1),
            rent="1000.00",
            irl_quarter=4,
        )
        frozen = make_lease(
            rental_manager,
            noel_household,
            make_dwelling(rental_manager.organisation, reference="MRS-G-03", energy_class="G"),
            start=date(2024, 2, 5),
            rent="450.00",
            irl_quarter=4,
        )
        for lease in (revised, frozen):
            lease_services.lease_sign(actor=rental_manager, lease_id=lease.pk, signed_on=lease.start_date)

    log_in(page, "n.haddad")
    page.get_by_role("link", name="Logement", exact=True).click()
    page.get_by_role("link", name="Baux", exact=True).first.click()
    check_page(page, "lease-list", phone=True)
    page.get_by_role("link", name="Révisions de loyer").click()
    page.get_by_label("Mois des révisions").fill("2026-02")
    page.get_by_role("button", name="Voir ce mois").click()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="MRS-C-12")).to_contain_text("1\xa0007,88 €")
    expect(rows.filter(has_text="MRS-G-03")).to_contain_text("loyer gelé")
    check_page(page, "revision-batch", phone=True)

    page.get_by_role("button", name="Appliquer les révisions cochées").click()
    page.get_by_role("button", name="Confirmer les révisions").click()
    expect(page.get_by_role("status")).to_contain_text("1 révision appliquée")
    letter = page.get_by_role("link", name="lettre (PDF)")
    response = page.request.get(letter.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    revised.refresh_from_db()
    assert revised.rent == Decimal("1007.88")


def test_a_dwelling_is_captured_sublet_reviewed_and_slid(page, rental_manager, social_worker, durand_household):
    owner = make_owner(rental_manager, "Jeanne Castel")
    dwelling = make_stock_dwelling(rental_manager, "AIX-014", owner=owner, city="Aix-en-Provence", energy_class="C")
    today = timezone.localdate()
    start = today - timedelta(days=200)

    # The rental manager captures the dwelling: identified, contacted, visited, offer made, signed.
    log_in(page, "n.haddad")
    page.get_by_role("link", name="Logement", exact=True).click()
    page.get_by_role("link", name="Captation", exact=True).first.click()
    page.get_by_role("link", name="Nouveau prospect").click()
    page.get_by_label("Propriétaire existant").select_option(label="Jeanne Castel")
    page.get_by_label("Logement existant").select_option(label=str(dwelling))
    page.get_by_label("Loyer de marché (€/mois)").fill("780")
    page.get_by_role("button", name="Enregistrer").click()
    for stage, extra in (
        ("Contacté", {}),
        ("Visité", {}),
        ("Offre faite", {"Loyer proposé (€/mois)": "650", "Garantie offerte": "Bail à l'association"}),
        ("Signé", {}),
    ):
        page.get_by_label("Nouvelle étape").select_option(label=stage)
        for label, value in extra.items():
            field = page.get_by_label(label)
            if label == "Garantie offerte":
                field.select_option(label=value)
            else:
                field.fill(value)
        page.get_by_role("button", name="Enregistrer l'étape").click()
        expect(page.locator("p.lead")).to_contain_text(stage)
    check_page(page, "prospect-signed")

    # It takes the dwelling on a head lease, then sublets it to the Durand household as a sliding lease.
    page.get_by_role("link", name=str(dwelling)).first.click()
    page.get_by_role("link", name="Nouveau bail principal").click()
    expect(page.get_by_label("Bailleur (propriétaire)")).to_have_value(str(owner.pk))  # from the dwelling
    page.get_by_label("Loyer hors charges (€/mois)").fill("650")
    page.get_by_label("Début").fill(start.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Bail principal enregistré.")

    page.goto(f"/parc/logements/{dwelling.pk}/")
    expect(page.locator("#h-dwelling-leases").locator("xpath=../..")).to_contain_text("Jeanne Castel")
    page.get_by_role("link", name="Nouveau bail", exact=True).click()
    page.get_by_label("Type de bail").select_option(label="Sous-location")
    page.get_by_label("Ménage").select_option(label="Durand")
    page.get_by_label("Bail principal (sous-location)").select_option(index=1)
    page.get_by_label("Bail glissant (sous-location avec glissement prévu)").check()
    page.get_by_label("Début").fill(start.isoformat())
    page.get_by_label("Loyer hors charges (€/mois)").fill("700")  # above the head lease's rent per m²
    page.get_by_label("Dépôt de garantie (€)").fill("650")
    check_page(page, "lease-form", phone=True)
    page.get_by_role("button", name="Préparer le bail").click()
    expect(page.locator(".errorlist")).to_contain_text("dépasse celui du bail principal")
    page.get_by_label("Loyer hors charges (€/mois)").fill("650")
    page.get_by_role("button", name="Préparer le bail").click()
    expect(page.get_by_role("status")).to_contain_text("Bail préparé.")
    page.get_by_role("link", name="Signer").click()
    page.get_by_label("Signé le").fill(start.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Bail signé.")
    expect(page.get_by_role("region", name="Bail glissant")).to_contain_text("Faire connaître la décision au bailleur")
    check_page(page, "lease-sliding", phone=True)
    sublease = Lease.objects.get(kind=LeaseKind.SUBLEASE)

    # The social worker records the review: the household is ready.
    page.context.clear_cookies()
    log_in(page, "c.martin")
    page.goto(f"/menages/{durand_household.pk}/#logement")
    page.get_by_role("link", name="Sous-location — AIX-014, Aix-en-Provence").click()
    page.get_by_role("link", name="Bilan du bail glissant").click()
    page.get_by_label("Avis du travailleur social").select_option(label="Favorable")
    page.get_by_label("Commentaire du travailleur social").fill("Loyer payé chaque mois depuis l'entrée.")
    page.get_by_label("Avis du bailleur").select_option(label="Favorable")
    page.get_by_label("Décision").select_option(label="Glissement du bail")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Bilan enregistré.")
    expect(page.get_by_role("link", name="Faire glisser le bail")).to_have_count(0)  # the manager's act

    # The rental manager slides the lease: the household becomes the tenant of the owner.
    page.context.clear_cookies()
    log_in(page, "n.haddad")
    page.goto(f"/baux/{sublease.pk}/")
    page.get_by_role("link", name="Faire glisser le bail").click()
    page.get_by_label("Date du glissement (début du bail direct)").fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("un bail direct entre le propriétaire et le ménage commence")
    page.get_by_role("button", name="Confirmer le glissement").click()
    expect(page.get_by_role("status")).to_contain_text("Le bail a glissé")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bail direct")
    expect(page.locator("main")).to_contain_text("Jeanne Castel")
    check_page(page, "lease-slid", phone=True)
    sublease.refresh_from_db()
    assert sublease.status == LeaseStatus.SLID and sublease.end_date == today - timedelta(days=1)
