"""End to end, in Chromium: an accountant prepares the 2025 charge regularisation of a building with two leases,
records the sending of the statements, and a month later posts the balances, one of them spread over twelve
months at the tenant's request; then downloads a tenant's statement. axe-core on every page; screenshots at
desktop and phone widths, the statement kept beside them."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.models import Building
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.models import ChargeInstalment, ChargeRegularisation, RegularisationStatus
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


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
def building(organisation, durand_household, noel_household):
    """Les Tilleuls, 100 m²: TIL-A (60 m²) let to the Durand household all 2025 with 80.00 of provisions a month,
    TIL-B (40 m²) let to the Noël household from 1 July 2025 with 90.00 a month; every month of 2025 called."""
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    building = Building.objects.create(
        organisation=organisation, name="Les Tilleuls", address="3 rue Paradis", postal_code="13001", city="Marseille"
    )
    for household, reference, surface, start, charges in (
        (durand_household, "TIL-A", "60.00", date(2024, 5, 1), "80.00"),
        (noel_household, "TIL-B", "40.00", date(2025, 7, 1), "90.00"),
    ):
        dwelling = make_dwelling(organisation, reference=reference, surface=surface, building=building)
        make_signed_lease(manager, household, dwelling=dwelling, start=start, rent="500.00", charges=charges)
    with time_machine.travel(date(2026, 1, 5), tick=False):
        for month in range(1, 13):
            rent_services.rent_calls_issue(actor=manager, month=date(2025, month, 1))
    return building


def test_accountant_regularises_a_buildings_charges_and_spreads_a_balance(page, accountant, building):
    with time_machine.travel(datetime(2026, 1, 15, 10, 0, tzinfo=PARIS)):
        log_in(page, "c.morel")
        page.get_by_role("link", name="Comptabilité", exact=True).first.click()
        page.get_by_role("link", name="Régularisation des charges").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Régularisation des charges")
        page.get_by_role("link", name="Nouvelle régularisation").click()
        page.get_by_label("Immeuble").select_option(label="Les Tilleuls")
        expect(page.locator("#id_period_start")).to_have_value("2025-01-01")
        expect(page.locator("#id_period_end")).to_have_value("2025-12-31")
        page.get_by_label("Eau froide et eau chaude (€)").fill("1200,00")
        page.get_by_label("Ascenseur (€)").fill("600")
        page.get_by_label("Taxe d'enlèvement des ordures ménagères (TEOM) (€)").fill("300,00")
        check_page(page, "charges-form", phone=True)
        page.get_by_role("button", name="Préparer la régularisation").click()
        expect(page.get_by_role("status")).to_contain_text("Régularisation préparée")

        # 2 100.00 over 100 m² × 365 days: TIL-A bears 1 260.00 for 960.00 called, 300.00 to pay; TIL-B, 40 m²
        # for 184 days, bears 2 100 × 40 × 184 / 36 500 = 423.45 for 540.00 called, 116.55 refunded
        lines = page.locator("section").filter(has_text="Décomptes par bail")
        durand = lines.locator("tr").filter(has_text="Paul Durand")
        for text in ("TIL-A", "365 jours", "960,00 €", "1 260,00 €", "300,00 €", "à payer"):
            expect(durand).to_contain_text(text)
        noel = lines.locator("tr").filter(has_text="Zoé Noël")
        for text in ("184 jours", "540,00 €", "423,45 €", "116,55 €", "à rembourser"):
            expect(noel).to_contain_text(text)
        expect(lines).to_contain_text("Part restant au bailleur : 416,55 €.")
        check_page(page, "charges-draft", phone=True)

        page.get_by_role("link", name="Envoyer les décomptes").click()
        expect(page.locator("main")).to_contain_text("les montants sont figés")
        expect(page.locator("main")).to_contain_text("à partir du 15/02/2026")
        check_page(page, "charges-send", phone=True)
        page.get_by_role("button", name="Enregistrer l'envoi des décomptes").click()
        expect(page.get_by_role("status")).to_contain_text("à partir du 15/02/2026")
        detail_url = page.url

    regularisation = ChargeRegularisation.objects.get()
    assert regularisation.statements_sent_on == date(2026, 1, 15)

    with time_machine.travel(datetime(2026, 2, 16, 9, 30, tzinfo=PARIS)):
        log_in(page, "c.morel")  # a month later: a new session
        page.goto(detail_url)
        page.get_by_role("link", name="Comptabiliser").click()
        entries = page.locator("table")
        expect(entries).to_contain_text("419100 — Provisions pour charges appelées : débit 960,00 €")
        expect(entries).to_contain_text("708300 — Charges locatives récupérées : crédit 1 260,00 €")
        expect(page.get_by_label("étaler sur 12 mois (TIL-B)")).to_have_count(0)  # a refund is not spread
        page.get_by_label("étaler sur 12 mois (TIL-A)").check()
        check_page(page, "charges-post", phone=True)
        page.get_by_role("button", name="Passer les soldes en comptabilité").click()
        expect(page.get_by_role("status")).to_contain_text("Soldes de la régularisation passés en comptabilité")
        expect(page.locator("main")).to_contain_text("payé en 12 mensualités")
        check_page(page, "charges-posted", phone=True)

        link = page.get_by_role("link", name="décompte TIL-A (PDF)")
        pdf = page.request.get(link.get_attribute("href"))
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "charges-statement.pdf").write_bytes(pdf.body())  # kept beside the screenshots to look at
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
        for expected in ("Décompte de régularisation des charges", "Paul Durand", "1 260,00 €", "Reste à payer"):
            assert expected in text, expected
        assert "12 mensualités" in text

    regularisation.refresh_from_db()
    assert regularisation.status == RegularisationStatus.POSTED
    assert [i.amount for i in ChargeInstalment.objects.order_by("number")] == [Decimal("25.00")] * 12
    assert ChargeInstalment.objects.first().due_date.replace(day=1) == date(2026, 3, 1)
