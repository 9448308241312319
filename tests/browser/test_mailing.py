"""End to end, in Chromium: an accountant notes a tenant's agreement to receive rent documents by e-mail (R5),
issues the month's calls, prints the notices of the tenant who did not agree and e-mails the other's. axe-core on
every page; screenshots at desktop and phone widths."""

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.tests.factories import make_signed_lease

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
