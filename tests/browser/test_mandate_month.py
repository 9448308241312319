"""End to end, in Chromium: an accountant's month of a lease under a management mandate — the rent called (credited
to the owner, not to the association's income), a partial payment, the owner's compte rendu de gestion (fee on what
was collected only; PDF checked and rendered to an image kept beside the screenshots) and the payout. axe-core on
every page; screenshots at desktop and phone widths."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_owner
from habiter.ledger.models import Line, OwnerStatement
from habiter.ledger.owners import services as owners_services
from habiter.ledger.tests.factories import make_mandate_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accountant(organisation):
    user = UserFactory(
        username="c.morel",
        first_name="Claire",
        last_name="Morel",
        organisation=organisation,
        role=Role.ACCOUNTANT,
        password=PASSWORD,
    )
    owners_services.bank_details_save(
        actor=user, holder_name="Association Horizon", iban="FR14 2004 1010 0505 0001 3M02 606", bic="PSSTFRPPMAR"
    )
    return user


@pytest.fixture
def last_month():
    return add_months(timezone.localdate().replace(day=1), -1)


@pytest.fixture
def lease(organisation, durand_household, last_month):
    """Odile Vidal's dwelling under a 7 % mandate, let to the Durand household: 600.00 rent + 50.00 charges."""
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
    return lease


def test_accountant_calls_a_mandate_rent_records_a_partial_payment_issues_the_statement_and_pays_out(
    page, accountant, lease, last_month
):
    log_in(page, "c.morel")
    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Fin de mois").click()
    page.get_by_label("Mois à appeler").fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Émettre les appels").click()
    expect(page.get_by_role("status")).to_contain_text("1 appel émis.")
    # the whole call is the owner's: nothing credited to the association's income accounts (class 7)
    assert not Line.objects.filter(account__code__startswith="7").exists()
    assert Line.objects.get(account__owner=lease.mandate.owner).amount == Decimal("-650.00")

    page.goto(f"/comptabilite/baux/{lease.pk}/")
    page.get_by_role("link", name="Enregistrer un encaissement").click()
    page.get_by_label("Montant (€)").fill("400,00")
    page.get_by_label("Reçu le").fill(last_month.replace(day=9).isoformat())
    page.get_by_label("Provenance").select_option("tenant")
    page.get_by_role("button", name="Enregistrer l'encaissement").click()
    expect(page.get_by_role("status")).to_contain_text("Encaissement enregistré")
    expect(page.locator("section").filter(has_text="Solde au")).to_contain_text("250,00 €")
    check_page(page, "mandate-lease-account", phone=True)

    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Comptes rendus de gestion").click()
    page.get_by_role("button", name="Émettre le compte rendu de Odile Vidal").click()
    expect(page.get_by_role("status")).to_contain_text("Compte rendu de gestion émis")
    summary = page.locator("section").filter(has_text="Récapitulatif")
    # fee 7 % of the 400.00 collected (not of the 650.00 called), its VAT 20 %, and what is left
    for amount in ("400,00 €", "28,00 €", "5,60 €", "366,40 €"):
        expect(summary).to_contain_text(amount)
    check_page(page, "mandate-statement", phone=True)

    pdf = page.request.get(page.get_by_role("link", name="PDF du compte rendu").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "mandate-statement.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):  # an image of the first page, to look at
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "60", "-singlefile", "mandate-statement.pdf", "mandate-statement-pdf"],  # noqa: S607
            cwd=SCREENSHOTS,
            check=True,
        )
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
    for expected in ("Compte rendu de gestion", "Odile Vidal", "400,00 €", "28,00 €", "5,60 €", "366,40 €"):
        assert expected in text

    page.goto(f"/comptabilite/proprietaires/{lease.mandate.owner_id}/")
    main = page.locator("main")
    expect(main).to_contain_text("616,40 € créditeur")
    expect(main).to_contain_text("250,00 €")  # still owed by the tenant, not yet the owner's to receive
    check_page(page, "mandate-owner-ledger", phone=True)

    # the payout, from the statement
    page.get_by_role("link", name=date_format(last_month, "F Y")).click()
    page.get_by_role("link", name="Reverser").click()
    page.get_by_label("Odile Vidal").check()
    page.get_by_role("button", name="Passer les reversements et produire le fichier").click()
    page.get_by_role("button", name="Confirmer les reversements").click()
    expect(page.get_by_role("status")).to_contain_text("Reversements passés en comptabilité")
    check_page(page, "mandate-payout-batch")
    statement = OwnerStatement.objects.get()
    assert statement.payout.total == Decimal("366.40")
