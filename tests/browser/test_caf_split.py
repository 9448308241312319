"""End to end, in Chromium: the CAF pays one transfer for three tenants. The accountant imports the statement,
opens the line, splits it across the three leases (a wrong total is refused and what was typed is kept), and each
tenant's account shows the CAF's share; the bank and the CAF's clearing account agree. axe-core and screenshots at
desktop and phone widths."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.models import Account, BankLine, Line, Payment
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease
from habiter.people.tests.factories import make_household

from .support import PASSWORD, check_page, log_in

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
def leases(organisation, social_worker):
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    month = timezone.localdate().replace(day=1)
    leases = {}
    for name, reference, rent in (
        ("Martin", "MRS-A-01", "400.00"),
        ("Nguyen", "MRS-A-02", "350.00"),
        ("Diallo", "MRS-A-03", "300.00"),
    ):
        household = make_household(social_worker, name=name)
        dwelling = make_dwelling(organisation, reference=reference)
        lease = make_signed_lease(manager, household, dwelling=dwelling, start=date(2025, 1, 1), rent=rent)
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=month)
        leases[name] = lease
    return leases


def _sum(organisation, code):
    lines = Line.objects.filter(account__organisation=organisation, account__code=code)
    return sum(lines.values_list("amount", flat=True), Decimal("0.00"))


def test_accountant_splits_a_caf_transfer_across_three_tenants(page, organisation, accountant, leases, tmp_path):
    today = timezone.localdate()
    line = BankLine.objects.create(
        organisation=organisation,
        booked_on=today,
        amount=Decimal("900.00"),
        label="VIR CAF DES BOUCHES DU RHONE APL",
        counterparty="CAF 13",
        bank_reference="CAF-2026-APL-01",
    )
    log_in(page, "c.morel")
    page.get_by_role("link", name="Comptabilité", exact=True).first.click()
    page.get_by_role("link", name="Banque et rapprochement").click()
    page.locator("table tbody tr").filter(has_text="VIR CAF").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Répartir entre plusieurs locataires")).to_be_visible()
    page.get_by_label("Qui a versé").select_option("caf")
    page.get_by_label("Bail 1", exact=True).select_option(label="MRS-A-01 — Martin")
    page.get_by_label("Montant 1", exact=True).fill("350,00")
    page.get_by_label("Bail 2", exact=True).select_option(label="MRS-A-02 — Nguyen")
    page.get_by_label("Montant 2", exact=True).fill("300,00")
    page.get_by_label("Bail 3", exact=True).select_option(label="MRS-A-03 — Diallo")
    page.get_by_label("Montant 3", exact=True).fill("200,00")
    page.get_by_role("button", name="Répartir le versement").click()
    # 850.00 typed for a 900.00 transfer: refused, nothing saved, the rows kept
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "850,00 € : elle doit égaler les 900,00 €"
    )
    expect(page.get_by_label("Montant 3", exact=True)).to_have_value("200,00")
    assert not Payment.objects.exists()
    page.get_by_label("Montant 3", exact=True).fill("250,00")
    check_page(page, "bank-caf-split", phone=True)
    page.get_by_role("button", name="Répartir le versement").click()
    expect(page.get_by_role("status")).to_contain_text("Opération répartie : 3 encaissements enregistrés pour 900,00 €")

    assert [p.amount for p in Payment.objects.order_by("amount")] == [
        Decimal("250.00"),
        Decimal("300.00"),
        Decimal("350.00"),
    ]
    assert (_sum(organisation, "512000"), _sum(organisation, "467200")) == (Decimal("900.00"), Decimal("0.00"))
    line.refresh_from_db()
    assert line.state == "matched" and line.source == "caf"
    page.goto(f"/comptabilite/baux/{leases['Martin'].pk}/")
    expect(page.locator("section").filter(has_text="Solde au").first).to_contain_text("100,00 €")  # 450.00 − 350.00
    page.goto(f"/comptabilite/banque/operations/{line.pk}/")
    expect(page.locator("dl")).to_contain_text("Martin (350,00 €)")
    check_page(page, "bank-caf-split-done")
    assert Account.objects.filter(organisation=organisation, code="467200").exists()
