"""End to end, in Chromium: an accountant issues the month's rent calls (a background task followed by a progress
bar), records the tenant's payment and issues the quittance, whose PDF is checked. axe-core on every page;
screenshots at desktop and phone widths."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.models import RentReceipt
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
    return make_signed_lease(
        manager, durand_household, dwelling=dwelling, start=date(2025, 1, 1), rent="520.00", charges="45.50"
    )


def test_accountant_issues_the_calls_records_a_payment_and_prints_the_quittance(page, accountant, lease):
    month = timezone.localdate().replace(day=1)
    log_in(page, "c.morel")
    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Fin de mois").click()
    check_page(page, "ledger-month-end", phone=True)

    page.get_by_label("Mois à appeler").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Émettre les appels").click()
    expect(page.get_by_role("status")).to_contain_text("1 appel émis.")
    expect(page.locator("progress")).to_have_attribute("value", "1")
    check_page(page, "ledger-run", phone=True)

    page.get_by_role("link", name="Voir les impayés").click()
    # The call falls due on the lease's payment day: the situation at the month's end has it unpaid, whatever today.
    page.get_by_label("Situation au").fill(f"{add_months(month, 1) - timedelta(days=1):%Y-%m-%d}")
    page.get_by_role("button", name="Voir", exact=True).click()
    expect(page.locator("table tbody tr").filter(has_text="MRS-B-07")).to_contain_text("565,50 €")
    check_page(page, "ledger-arrears", phone=True)
    page.get_by_role("link", name="MRS-B-07").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compte locataire")
    notice = page.get_by_role("link", name="avis d'échéance (PDF)")
    response = page.request.get(notice.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    page.get_by_role("link", name="Enregistrer un encaissement").click()
    page.get_by_label("Montant (€)").fill("565,50")
    page.get_by_label("Provenance").select_option("tenant")
    page.get_by_label("Référence").fill("VIR-DURAND-01")
    check_page(page, "ledger-payment-form", phone=True)
    page.get_by_role("button", name="Enregistrer l'encaissement").click()
    expect(page.get_by_role("status")).to_contain_text("Encaissement enregistré")
    expect(page.locator("section").filter(has_text="Solde au")).to_contain_text("0,00 €")

    page.get_by_role("button", name="Émettre la quittance").click()
    expect(page.get_by_role("status")).to_contain_text("Document émis : Quittance de loyer n° 1")
    check_page(page, "ledger-lease-account", phone=True)
    link = page.get_by_role("link", name="quittance n° 1 (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "ledger-quittance.pdf").write_bytes(response.body())  # kept beside the screenshots to look at

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Quittance de loyer" in text and "520,00" in text and "45,50" in text and "565,50" in text
    receipt = RentReceipt.objects.get()
    assert (receipt.kind, receipt.number, receipt.paid) == ("quittance", 1, Decimal("565.50"))


def test_accountant_agrees_a_repayment_plan_issues_its_instalment_and_prints_a_reminder(
    page, accountant, organisation, durand_household
):
    from habiter.ledger.rent import services as rent_services

    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=40)).replace(day=1)  # two months called and left unpaid
    dwelling = make_dwelling(organisation, reference="MRS-B-08", address="6 boulevard National", postal_code="13003")
    lease = make_signed_lease(manager, durand_household, dwelling=dwelling, start=first, rent="500.00", charges="50.00")
    for period in (first, (first + timedelta(days=32)).replace(day=1)):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=period)
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)

    log_in(page, "c.morel")
    page.goto("/comptabilite/impayes/")
    row = page.locator("table tbody tr").filter(has_text="MRS-B-08")
    expect(row).to_contain_text("1 100,00 €")
    row.get_by_role("link", name="Établir un plan").click()
    expect(page.get_by_label("Dette couverte (€)")).to_have_value("1100,00")
    page.get_by_label("Nombre d'échéances mensuelles").fill("3")
    page.get_by_label("Observations").fill("Accord par téléphone <b>le ménage</b> paiera le 10")
    check_page(page, "ledger-plan-form", phone=True)
    page.get_by_role("button", name="Établir le plan").click()
    expect(page.get_by_role("status")).to_contain_text("Plan d'apurement établi : 3 échéances")
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.locator("table tbody tr").last).to_contain_text("366,68 €")
    expect(page.locator("table tbody tr").first).to_contain_text("à venir")
    expect(page.get_by_text("Accord par téléphone <b>le ménage</b> paiera le 10")).to_be_visible()
    check_page(page, "ledger-plan", phone=True)

    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Fin de mois").click()
    page.get_by_label("Mois à appeler").fill(f"{next_month:%Y-%m}")
    page.get_by_role("button", name="Émettre les appels").click()
    expect(page.get_by_role("status")).to_contain_text("1 appel émis.")

    page.goto(f"/comptabilite/baux/{lease.pk}/")
    expect(page.locator("table tbody tr").last).to_contain_text("dont échéance du plan d'apurement : 366,66 €")
    expect(page.locator("table tbody tr").last).to_contain_text("916,66 €")
    page.get_by_role("button", name="Envoyer une mise en demeure").click()
    expect(page.get_by_role("status")).to_contain_text("Envoyez d'abord une lettre de relance")
    page.get_by_role("button", name="Envoyer une lettre de relance").click()
    expect(page.get_by_role("status")).to_contain_text("Lettre de relance enregistrée")
    check_page(page, "ledger-lease-account-arrears", phone=True)
    link = page.get_by_role("link", name="Lettre de relance (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    (SCREENSHOTS / "ledger-reminder.pdf").write_bytes(response.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Madame, Monsieur" in text and "MRS-B-08" in text and "100,00 €" in text and "Objet" in text
