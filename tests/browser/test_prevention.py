"""End to end, in Chromium: a household's arrears raise an early warning on the referent's to-do list; one click
opens the prevention case; the steps, the social and financial diagnosis (PDF), the FSL application; the director
advances the rent and the FSL's payment clears it; the case is closed with its plan respected and counted in the
statistics; the lawyer sees the legal-desk session. axe-core on every page; screenshots at desktop and phone
widths."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.evictions.models import Advance, FslFund, PreventionCase
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_mandate_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def director(organisation):
    return UserFactory(
        username="d.fabre",
        first_name="Dominique",
        last_name="Fabre",
        organisation=organisation,
        role=Role.DIRECTOR,
        password=PASSWORD,
    )


@pytest.fixture
def lawyer(organisation):
    return UserFactory(
        username="l.bernard",
        first_name="Léa",
        last_name="Bernard",
        organisation=organisation,
        role=Role.LAWYER,
        password=PASSWORD,
    )


@pytest.fixture
def lease_in_arrears(organisation, durand_household):
    """Three months of rent called and unpaid: past the CAF threshold (2 × 565,50 €)."""
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    first = add_months(timezone.localdate().replace(day=1), -2)
    # under an owner's management mandate: the association may advance the rent (never on a lease it lets itself)
    lease = make_mandate_lease(
        manager,
        durand_household,
        start=add_months(first, -12),
        rent="520.00",
        charges="45.50",
        reference="MRS-C-12",
        address="9 rue Longue",
        postal_code="13001",
    )
    for month in range(3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=add_months(first, month))
    FslFund.objects.create(organisation=organisation, department="13", name="FSL des Bouches-du-Rhône")
    return lease


def test_a_case_from_the_early_warning_to_a_respected_plan(page, social_worker, director, lawyer, lease_in_arrears):
    today = timezone.localdate()
    log_in(page, "c.martin")
    warning = page.locator("section").filter(has_text="Impayés : alerte précoce")
    expect(warning).to_contain_text("Durand")
    expect(warning).to_contain_text("Signaler l'impayé à la CAF au plus tard")
    check_page(page, "prevention-early-warning", phone=True)

    warning.get_by_role("button", name="Ouvrir un dossier de prévention").click()
    expect(page.get_by_role("status")).to_contain_text("Dossier de prévention ouvert")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prévention des expulsions — ménage Durand")
    expect(page.locator("dl.facts")).to_contain_text("1\xa0696,50 €")

    for step, extra in (("caf_told", None), ("payment_order", None), ("summons", today + timedelta(days=60))):
        page.get_by_role("combobox", name="Étape").select_option(step)
        page.locator("#id_on_date").fill(f"{today:%Y-%m-%d}")
        if extra:
            page.get_by_label("Date d'audience (pour une assignation)").fill(f"{extra:%Y-%m-%d}")
        page.get_by_role("button", name="Enregistrer l'étape").click()
        expect(page.get_by_role("status")).to_contain_text("Étape enregistrée")
    expect(page.locator("section").filter(has_text="Délais")).to_contain_text("Audience")
    check_page(page, "prevention-case", phone=True)

    page.get_by_role("link", name="Rédiger ou compléter le diagnostic").click()
    page.get_by_label("Saisine par le préfet le").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("5. Situation familiale").fill("Père seul, deux enfants")
    page.get_by_label("11. Capacité de remboursement").fill("60 € par mois")
    page.get_by_label("12. Préconisations").fill("Plan d'apurement sur 24 mois")
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnostic enregistré")
    expect(page.locator("section").filter(has_text="Délais")).to_contain_text("Proposer l'entretien")
    check_page(page, "prevention-diagnosis", phone=True)
    pdf = page.request.get(page.get_by_role("link", name="Imprimer le diagnostic (PDF)").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "prevention-diagnosis.pdf").write_bytes(pdf.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Diagnostic social et financier" in text and "Plan d'apurement sur 24 mois" in text

    page.get_by_role("link", name="Retour au dossier").click()
    page.get_by_role("link", name="Dossier du ménage").click()
    page.get_by_role("navigation", name="Sections du dossier").get_by_role("link", name="Prévention").click()
    page.get_by_role("link", name="Nouvelle demande au FSL").click()
    page.get_by_label("Fonds").select_option(label="FSL des Bouches-du-Rhône (13)")
    page.get_by_label("Objet").select_option("maintenance_arrears")
    page.get_by_label("Forme de l'aide").select_option("grant")
    page.get_by_label("Montant demandé (€)").fill("1131.00")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Demande au FSL enregistrée")
    fsl_url = page.url

    page.context.clear_cookies()
    log_in(page, "d.fabre")
    page.goto(fsl_url)
    page.get_by_role("link", name="Avancer le loyer").click()
    expect(page.get_by_label("Montant avancé (€)")).to_have_value("1131,00")
    check_page(page, "prevention-advance-form", phone=True)
    page.get_by_role("button", name="Enregistrer l'avance").click()
    expect(page.get_by_role("status")).to_contain_text("Avance enregistrée")
    assert rent_queries.lease_balance(lease_in_arrears, today).balance == Decimal("565.50")
    page.get_by_role("link", name="Avances FSL").first.click()
    expect(page.locator("table tbody tr").filter(has_text="Durand")).to_contain_text("1 131,00 €")
    check_page(page, "prevention-advances", phone=True)

    page.goto(fsl_url)
    page.get_by_label("Décision").select_option("granted")
    page.get_by_label("Montant accordé (€)").fill("1131.00")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("status")).to_contain_text("Demande mise à jour")
    page.get_by_role("link", name="avancés le").click()
    page.get_by_label("Remboursée par").select_option("fsl")
    page.get_by_role("button", name="Enregistrer le remboursement").click()
    expect(page.get_by_role("status")).to_contain_text("Avance soldée")
    expect(page.locator(".lead")).to_contain_text("Versement du FSL")
    check_page(page, "prevention-advance", phone=True)
    advance = Advance.objects.get()
    assert advance.settled_by == "fsl" and advance.fsl_application.paid_on == today
    assert entries_queries.ledger_sum(lease_in_arrears.organisation_id) == 0

    case = PreventionCase.objects.get()
    page.goto(f"/prevention/{case.pk}/")
    page.get_by_label("Issue").select_option("plan_respected")
    page.get_by_role("button", name="Clore").click()
    # nothing irreversible in one click: the consequences first, nothing written yet
    expect(page.get_by_role("heading", level=1)).to_have_text("Clore le dossier de prévention")
    expect(page.locator("main")).to_contain_text("on ne peut plus y noter d'étape")
    check_page(page, "prevention-close-confirm", phone=True)
    assert PreventionCase.objects.get().closed_on is None
    page.get_by_role("button", name="Confirmer la clôture").click()
    expect(page.get_by_role("status")).to_contain_text("Dossier clos")
    expect(page.locator(".lead")).to_contain_text("Plan d'apurement respecté")

    page.get_by_role("link", name="Statistiques de la prévention").click()
    expect(page.locator("section").filter(has_text="Dossiers du")).to_contain_text("Expulsions évitées")
    check_page(page, "prevention-statistics", phone=True)

    page.get_by_role("link", name="Permanence juridique").first.click()
    page.get_by_label("Lieu").fill("Maison de la justice et du droit")
    page.get_by_label("Travailleur·se social·e").select_option(label="Camille Martin")
    page.get_by_label("Avocat·e").select_option(label="Léa Bernard")
    page.get_by_role("button", name="Enregistrer la séance").click()
    page.get_by_label("Ménage reçu").select_option(label="Durand")
    page.get_by_label("Objet de la venue").fill("Assignation reçue")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("status")).to_contain_text("Ménage noté")

    page.context.clear_cookies()
    log_in(page, "l.bernard")
    page.get_by_role("link", name="Permanence juridique").first.click()
    check_page(page, "legal-desk", phone=True)
    page.get_by_role("link", name=f"{today:%d/%m/%Y}").click()
    page.get_by_role("link", name="Noter le conseil et les suites").click()
    page.get_by_label("Conseil donné").fill("Demander des délais de paiement au juge")
    page.get_by_label("Suites à donner").fill("Suivre le plan d'apurement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("section").filter(has_text="Ménages reçus")).to_contain_text("Demander des délais")
    check_page(page, "legal-desk-session", phone=True)
    assert page.goto(f"/prevention/{case.pk}/").status == 404
