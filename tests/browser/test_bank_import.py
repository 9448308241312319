"""End to end, in Chromium: after the month's rent calls, an accountant saves her bank's CSV format, imports a
statement written the French way (1 234,56 and 31/01/2026), sees the lease suggested for the tenant's transfer,
matches it in one click and issues the quittance. axe-core on every page; screenshots at desktop and phone
widths."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.models import BankLine, Payment
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accountant(organisation):
    return UserFactory(
        username="c.morel",
        first_name="Claire",
        last_name="Morel",
        organisation=organisation,
        role=Role.ACCOUNTANT,
        password=PASSWORD,
    )


@pytest.fixture
def lease(organisation, durand_household):
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    dwelling = make_dwelling(organisation, reference="MRS-B-07", address="4 boulevard National", postal_code="13003")
    lease = make_signed_lease(
        manager, durand_household, dwelling=dwelling, start=date(2025, 1, 1), rent="520.00", charges="45.50"
    )
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=timezone.localdate().replace(day=1))
    return lease


def test_accountant_imports_a_bank_csv_matches_the_rent_and_prints_the_quittance(page, accountant, lease, tmp_path):
    today = timezone.localdate()
    statement = tmp_path / "releve-janvier.csv"
    statement.write_text(
        "Date opération;Libellé;Crédit;Débit;Tiers\n"
        f"{today:%d/%m/%Y};VIR SEPA LOYER MRS B 07;565,50;;M PAUL DURAND\n"
        f"{today:%d/%m/%Y};VIR SEPA DON ASSOCIATION;1 234,56;;MME ANNE SIMON\n"
        f"{today:%d/%m/%Y};FRAIS TENUE DE COMPTE;;12,30;\n",
        encoding="cp1252",
    )
    log_in(page, "c.morel")
    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Banque et rapprochement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Opérations bancaires à rapprocher")
    page.get_by_role("link", name="Importer un relevé").click()

    page.get_by_role("link", name="Nouveau format CSV").click()
    page.get_by_label("Nom").fill("Banque Provençale")
    page.get_by_label("Colonne de la date").fill("Date opération")
    page.get_by_label("Colonne du libellé").fill("Libellé")
    page.get_by_label("Colonne du crédit").fill("Crédit")
    page.get_by_label("Colonne du débit").fill("Débit")
    page.get_by_label("Colonne du tiers (émetteur)").fill("Tiers")
    page.get_by_label("Encodage").select_option("cp1252")
    check_page(page, "bank-mapping-form", phone=True)
    page.get_by_role("button", name="Enregistrer le format").click()
    expect(page.get_by_role("status")).to_contain_text("Format « Banque Provençale » enregistré.")

    page.get_by_label("Fichier du relevé").set_input_files(statement)
    page.get_by_label(re.compile(r"^Format\W*$")).select_option("csv")
    page.get_by_label("Format CSV de la banque").select_option(label="Banque Provençale")
    check_page(page, "bank-import", phone=True)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status")).to_contain_text("3 opérations nouvelles, 0 déjà connue")
    expect(page.get_by_role("table")).to_contain_text("1 234,56 €")
    check_page(page, "bank-statement", phone=True)

    page.get_by_role("link", name="Opérations à rapprocher").click()
    row = page.locator("table tbody tr").filter(has_text="VIR SEPA LOYER MRS B 07")
    expect(row).to_contain_text("MRS-B-07 — Durand")
    expect(row).to_contain_text("référence du logement dans le libellé, montant égal au reste dû, nom du locataire")
    check_page(page, "bank-queue", phone=True)
    row.get_by_role("button", name="Rapprocher de MRS-B-07 — Durand").click()
    expect(page.get_by_role("status")).to_contain_text("encaissement de 565,50 € enregistré pour Durand")
    expect(page.locator("table tbody tr").filter(has_text="VIR SEPA LOYER")).to_have_count(0)

    page.locator("table tbody tr").filter(has_text="FRAIS TENUE DE COMPTE").get_by_role("link").first.click()
    page.get_by_label("Motif").fill("Frais bancaires")
    check_page(page, "bank-line", phone=True)
    page.get_by_role("button", name="Mettre de côté").click()
    expect(page.get_by_role("status")).to_contain_text("Opération mise de côté.")
    assert BankLine.objects.filter(state="unmatched").count() == 1

    page.goto(f"/comptabilite/baux/{lease.pk}/")
    expect(page.locator("section").filter(has_text="Solde au")).to_contain_text("0,00 €")
    page.get_by_role("button", name="Émettre la quittance").click()
    expect(page.get_by_role("status")).to_contain_text("Document émis : Quittance de loyer n° 1")
    link = page.get_by_role("link", name="quittance n° 1 (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "bank-quittance.pdf").write_bytes(response.body())
    payment = Payment.objects.get()
    assert (payment.reference, payment.received_on) == (BankLine.objects.get(payment=payment).bank_reference, today)
