"""End to end, in Chromium: an accountant records works paid for an owner under mandate, issues the owner's
compte rendu de gestion of last month (its PDF checked), fills the association's bank details and pays the owner
out, downloading a SEPA file the pain.001.001.03 schema accepts. axe-core on every page; screenshots at desktop
and phone widths."""

import io
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader
from sepaxml import validation

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_owner
from habiter.ledger.models import OwnerStatement, PayoutBatch
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_mandate_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


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
def last_month():
    return add_months(timezone.localdate().replace(day=1), -1)


@pytest.fixture
def owner(organisation, durand_household, last_month):
    """Odile Vidal's dwelling under a 7 % mandate, let to the Durand household, last month's rent paid."""
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    owner = make_owner(organisation, name="Odile Vidal", iban="FR7630006000011234567890189")
    lease = make_mandate_lease(
        manager,
        durand_household,
        owner=owner,
        fee_rate="7.00",
        start=add_months(last_month, -2),
        rent="600.00",
        charges="50.00",
    )
    rent_services.payment_record(
        actor=manager,
        lease_id=lease.pk,
        amount=Decimal("650.00"),
        received_on=last_month.replace(day=6),
        source="tenant",
    )
    return owner


def test_accountant_issues_an_owner_statement_and_pays_the_owner_out(page, accountant, owner, last_month):
    log_in(page, "c.morel")
    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Comptes rendus de gestion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comptes rendus de gestion")
    check_page(page, "owners-statements-to-issue", phone=True)

    # works paid for the owner last month, deducted from the statement
    page.get_by_role("link", name="Odile Vidal").click()
    page.get_by_role("link", name="Enregistrer des travaux").click()
    page.get_by_label("Date de la facture").fill(last_month.replace(day=15).isoformat())
    page.get_by_label("Fournisseur").fill("Plomberie du Vieux-Port")
    page.get_by_label("Objet des travaux").fill("Remplacement du chauffe-eau")
    page.get_by_label("Montant TTC (€)").fill("120,00")
    check_page(page, "owners-works-form", phone=True)
    page.get_by_role("button", name="Enregistrer la facture").click()
    expect(page.get_by_role("status")).to_contain_text("Facture de travaux enregistrée")
    expect(page.locator("main")).to_contain_text("Plomberie du Vieux-Port")
    check_page(page, "owners-owner-ledger", phone=True)

    page.get_by_role("link", name="Comptes rendus", exact=True).click()
    page.get_by_role("button", name="Émettre le compte rendu de Odile Vidal").click()
    expect(page.get_by_role("status")).to_contain_text("Compte rendu de gestion émis")
    summary = page.locator("section").filter(has_text="Récapitulatif")
    for amount in ("650,00 €", "45,50 €", "9,10 €", "120,00 €", "475,40 €"):
        expect(summary).to_contain_text(amount)
    check_page(page, "owners-statement", phone=True)

    pdf = page.request.get(page.get_by_role("link", name="PDF du compte rendu").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "owners-statement.pdf").write_bytes(pdf.body())  # kept beside the screenshots to look at
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
    for expected in ("Compte rendu de gestion", "Odile Vidal", "Remplacement du chauffe-eau", "475,40 €"):
        assert expected in text

    # the payout: refused until the association's bank details are filled
    page.get_by_role("link", name="Reverser").click()
    expect(page.locator("main")).to_contain_text("ne sont pas renseignées")
    page.get_by_label("Odile Vidal").check()
    page.get_by_role("button", name="Passer les reversements et produire le fichier").click()
    expect(page.locator("main")).to_contain_text("Les coordonnées bancaires de l'association manquent")
    page.get_by_role("link", name="Coordonnées bancaires").click()
    page.get_by_label("Titulaire du compte").fill("Association Habiter Provence")
    page.get_by_label("IBAN").fill("FR14 2004 1010 0505 0001 3M02 606")
    page.get_by_label("BIC").fill("PSSTFRPPMAR")
    check_page(page, "owners-bank-details", phone=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Coordonnées bancaires de l'association enregistrées")
    check_page(page, "owners-payouts", phone=True)
    page.get_by_label("Odile Vidal").check()
    page.get_by_role("button", name="Passer les reversements et produire le fichier").click()
    page.get_by_role("button", name="Confirmer les reversements").click()
    expect(page.get_by_role("status")).to_contain_text("Reversements passés en comptabilité")
    check_page(page, "owners-payout-batch", phone=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le fichier SEPA (XML)").click()
    content = open(download_info.value.path(), "rb").read()  # noqa: PTH123, SIM115
    validation.try_valid_xml(content, "pain.001.001.03")  # the ISO 20022 schema shipped with sepaxml
    document = ElementTree.fromstring(content)  # noqa: S314 (our own file)
    assert document.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Association Habiter Provence"
    assert document.findtext(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", namespaces=NS) == "Odile Vidal"
    assert document.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS) == "475.40"
    (SCREENSHOTS / "owners-payout.xml").write_bytes(content)

    statement = OwnerStatement.objects.get()
    assert statement.month == last_month and statement.payout == PayoutBatch.objects.get()
