"""End to end, in Chromium: an accountant notes a tenant's agreement to receive rent documents by e-mail (R5),
issues the month's calls, prints the notices of the tenant who did not agree and e-mails the other's; a boarding
house's resident who agreed gets their avis d'échéance de redevance in the same mailing (issue 16). axe-core on
every page; screenshots at desktop and phone widths."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.tests.factories import make_signed_lease
from habiter.residences import services as residence_services
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")
JUNE = date(2026, 6, 1)


@pytest.fixture
def accountant(organisation):
    return UserFactory(
        username="c.morel", first_name="Claire", last_name="Morel", organisation=organisation,
        role=Role.ACCOUNTANT, password=PASSWORD,
    )  # fmt: skip


@pytest.fixture
def leases(organisation, durand_household, noel_household):
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    by_mail = make_signed_lease(
        manager, durand_household, dwelling=make_dwelling(organisation, reference="MRS-B-07"), start=date(2025, 1, 1)
    )
    on_paper = make_signed_lease(
        manager, noel_household, dwelling=make_dwelling(organisation, reference="MRS-B-08"), start=date(2025, 1, 1)
    )
    return by_mail, on_paper


def test_accountant_records_the_agreement_then_prints_and_mails_the_months_notices(page, accountant, leases):
    by_mail, _on_paper = leases
    log_in(page, "c.morel")
    page.goto(f"/comptabilite/baux/{by_mail.pk}/")
    page.get_by_role("link", name="Documents par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Documents par courriel")
    page.get_by_label("accepte de recevoir ses documents par courriel").check()
    page.get_by_label("À l'adresse").fill("durand@example.org")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Accord enregistré.")
    expect(page.locator("section").filter(has_text="Accord du locataire")).to_contain_text("durand@example.org")
    check_page(page, "ledger-lease-mail", phone=True)

    month = timezone.localdate().replace(day=1)
    page.goto("/comptabilite/fin-de-mois/")
    page.get_by_label("Mois à appeler").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Émettre les appels").click()
    expect(page.get_by_role("status").first).to_contain_text("2 appels émis.")
    # the calls were issued at once here: the page already shows the notices' card (else a link leads to it)
    section = page.locator("section").filter(has_text="Les avis d'échéance du mois")
    expect(section).to_contain_text("1 avis à imprimer")
    pdf = page.request.get(page.get_by_role("link", name="Avis à imprimer, partie 1 (PDF)").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    (SCREENSHOTS / "rent-notices.pdf").write_bytes(pdf.body())  # kept beside the screenshots to look at
    page.get_by_role("button", name="Envoyer les avis par courriel").click()
    expect(section).to_contain_text("1 avis envoyé.")
    expect(page.get_by_role("button", name="Envoyer les avis par courriel")).to_have_count(0)
    check_page(page, "ledger-run-notices", phone=True)
    assert [message.to for message in mail.outbox] == [["durand@example.org"]]
    assert mail.outbox[0].attachments[0][0] == f"avis-echeance-{month:%Y-%m}.pdf"


@pytest.fixture
def resident_and_tenant(organisation, noel_household, durand_household):
    """Zoé Noël lives at « Les Pléiades » since 1 June 2026 (380,00 € a month); the Durand rent a flat, on paper."""
    director = UserFactory(organisation=organisation, role=Role.DIRECTOR)
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS), tick=False):
        residence = make_residence(director, "Les Pléiades")
        make_house_rules(director, residence, date(2025, 1, 6))
        contract = make_active_contract(
            director, make_place(director, residence, "3"), noel_household.members.first(), JUNE, JUNE
        )
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=JUNE,
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")},
                {"kind": "charges", "label": "", "amount": Decimal("50.00")},
                {"kind": "prestation_obligatoire", "label": "Ménage", "amount": Decimal("30.00")},
            ],
        )
    manager = UserFactory(organisation=organisation, role=Role.RENTAL_MANAGER)
    make_signed_lease(
        manager, durand_household, dwelling=make_dwelling(organisation, reference="MRS-B-08"), start=date(2025, 1, 1)
    )
    return contract


def test_the_residents_redevance_notice_leaves_with_the_months_mailing(page, accountant, resident_and_tenant):
    contract = resident_and_tenant
    with time_machine.travel(datetime(2026, 6, 12, 9, 30, tzinfo=PARIS)):
        log_in(page, "c.morel")
        page.goto(f"/comptabilite/redevances/{contract.pk}/")
        page.get_by_role("link", name="Documents par courriel").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Documents par courriel")
        page.get_by_label("accepte de recevoir ses documents par courriel").check()
        page.get_by_label("À l'adresse").fill("zoe.noel@example.org")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Accord enregistré.")
        expect(page.locator("section").filter(has_text="Accord du résident")).to_contain_text("zoe.noel@example.org")
        check_page(page, "ledger-contract-mail", phone=True)

        page.goto("/comptabilite/fin-de-mois/")
        page.get_by_label("Mois à appeler").fill("2026-06")
        page.get_by_role("button", name="Émettre les appels").click()
        expect(page.get_by_role("status").first).to_contain_text("2 appels émis.")
        section = page.locator("section").filter(has_text="Les avis d'échéance du mois")
        expect(section).to_contain_text("1 avis à imprimer")  # the Durand's rent notice
        expect(section).not_to_contain_text("Avis de redevance à imprimer")
        page.get_by_role("button", name="Envoyer les avis par courriel").click()
        expect(section).to_contain_text("1 avis envoyé.")
        expect(page.get_by_role("button", name="Envoyer les avis par courriel")).to_have_count(0)
        check_page(page, "ledger-run-redevance-notices", phone=True)
    [message] = mail.outbox
    assert message.to == ["zoe.noel@example.org"]
    assert "380,00 € à régler" in message.body  # 300,00 + 50,00 + 30,00, the whole month
    name, content, _mimetype = message.attachments[0]
    assert name == "avis-echeance-redevance-2026-06.pdf" and content.startswith(b"%PDF")
    (SCREENSHOTS / "redevance-notice-mailed.pdf").write_bytes(content)
