"""End to end, in Chromium, on 1 July 2026, the day after the 2025 comptes rendus financiers were due (DOMAIN-2
W31): the director sees the Département's overdue compte rendu on the home page, records the DDETS's AVDL request
and its grant of 110 000 €, then its payments: the advance of 88 000 € received on 18 April 2025, a second
instalment typed wrong (2 200 €), cancelled with its reason after the confirmation page, and typed again (22 000 €
on 15 December 2025), which takes the public grants received in 2025 to 48 500 + 88 000 + 22 000 = 158 500 €, above
the accounts threshold (W32), and opens the checklist; the home page then lists both overdue comptes rendus.
axe-core on every page; screenshots at desktop and phone widths."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import OrganisationFactory, UserFactory
from habiter.reporting import services
from habiter.reporting.models import Subsidy

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def director():
    user = UserFactory(
        username="m.leroy",
        first_name="Marion",
        last_name="Leroy",
        organisation=OrganisationFactory(name="Alpa", cer_signed_on=date(2022, 2, 1)),
        role=Role.DIRECTOR,
    )
    with time_machine.travel(date(2026, 7, 1), tick=False):
        subsidy = services.subsidy_request(
            actor=user,
            data={
                "funder_name": "Département du Rhône",
                "funder_kind": "departement",
                "purpose": "FSL — ASLL 2025",
                "year_end": date(2025, 12, 31),
                "requested_on": date(2024, 11, 15),
                "amount_requested": "52000",
            },
        )
        services.subsidy_decide(
            actor=user,
            subsidy_id=subsidy.pk,
            status="granted",
            decided_on=date(2025, 2, 20),
            amount_granted="48500",
            convention_reference="FSL-2025-117",
        )
        services.subsidy_payment_record(
            actor=user, subsidy_id=subsidy.pk, received_on=date(2025, 3, 14), amount="48500"
        )
    return user


def test_the_director_records_a_grant_and_sees_the_threshold_and_the_overdue_report(page, director):
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=PARIS)):
        log_in(page, "m.leroy")
        panel = page.get_by_role("region", name="Comptes rendus financiers")
        expect(panel.get_by_role("heading", name="1 compte rendu en retard")).to_be_visible()
        expect(panel.get_by_role("listitem").first).to_contain_text("Département du Rhône — FSL — ASLL 2025")
        expect(panel.get_by_role("listitem").first).to_contain_text("dû le 30 juin 2026")
        check_page(page, "subsidies-home-alert", phone=True)

        page.get_by_role("link", name="Subventions et comptes rendus financiers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Subventions 2026")
        page.get_by_role("link", name="Nouvelle demande").click()
        expect(page.get_by_role("heading", name="1 compte rendu financier en retard")).to_be_visible()
        page.get_by_label("Ou nouveau financeur").fill("DDETS du Rhône")
        page.get_by_label("Type du nouveau financeur").select_option(label="État (DDETS, DREETS, préfecture)")
        page.get_by_label("Objet").fill("AVDL 2025")
        page.get_by_label("Fin de l'exercice subventionné").fill("2025-12-31")
        page.get_by_label("Demandée le").fill("2025-01-15")
        page.get_by_label("Montant demandé (€)").fill("115000")
        check_page(page, "subsidies-request-form", phone=True)
        page.get_by_role("button", name="Enregistrer la demande").click()
        expect(page.get_by_text("La demande de subvention est enregistrée.")).to_be_visible()

        page.get_by_role("combobox", name="Décision").select_option(label="Accordée")
        page.get_by_role("textbox", name="Décision du").fill("2025-03-12")
        page.get_by_label("Montant accordé (€)").fill("110000,00")
        page.get_by_label("Référence de la convention").fill("DDETS-69-AVDL-2025-04")
        page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.get_by_text("La décision est enregistrée.")).to_be_visible()
        facts = page.get_by_role("region", name="La subvention")
        expect(facts).to_contain_text("110\u00a0000,00 €")
        expect(facts).to_contain_text("dû le 30 juin 2026")
        payments = page.get_by_role("region", name="Versements reçus")
        expect(payments).to_contain_text("Aucun versement saisi")
        subsidy = Subsidy.objects.get(purpose="AVDL 2025")
        assert subsidy.crf_due_on == date(2026, 6, 30) and subsidy.request_warning == ""

        # the advance of 80 %, then the balance typed wrong: 2 200 instead of 22 000
        for day, amount, note in (("2025-04-18", "88000,00", "Avance de 80 %"), ("2025-12-15", "2200", "Solde")):
            page.get_by_label("Versement reçu le").fill(day)
            page.get_by_label("Montant du versement (€)").fill(amount)
            page.get_by_label("Note ou référence").fill(note)
            page.get_by_role("button", name="Enregistrer le versement").click()
            expect(page.get_by_text("Le versement est enregistré.")).to_be_visible()
        expect(payments.get_by_role("row")).to_have_count(4)  # the heading row, two payments, the total
        expect(payments.get_by_role("row").nth(1)).to_contain_text("18 avril 2025 88\u00a0000,00 € Avance de 80 %")
        expect(payments.locator("tfoot")).to_contain_text("90\u00a0200,00 €")
        expect(payments.locator("tfoot")).to_contain_text("reste à recevoir : 19\u00a0800,00 €")

        payments.get_by_role("row").filter(has_text="2\u00a0200,00 €").get_by_role(
            "link", name="Annuler ce versement"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Annuler un versement")
        page.get_by_label("Motif de l'annulation").fill("Montant mal saisi : 22 000 €")
        check_page(page, "subsidies-payment-cancel", phone=True)
        page.get_by_role("button", name="Annuler ce versement").click()
        confirm = page.get_by_role("region", name="À confirmer")
        expect(confirm).to_contain_text("15/12/2025")
        expect(confirm).to_contain_text("2\u00a0200,00 €")
        expect(confirm).to_contain_text("ni dans le total des subventions publiques reçues en 2025")
        page.get_by_role("button", name="Confirmer l'annulation du versement").click()
        expect(page.get_by_text("Le versement est annulé.")).to_be_visible()
        payments = page.get_by_role("region", name="Versements reçus")
        expect(payments.get_by_role("row").nth(2)).to_contain_text("annulé")
        expect(payments.get_by_role("row").nth(2)).to_contain_text("Montant mal saisi : 22 000 €")
        expect(payments.locator("tfoot")).to_contain_text("reste à recevoir : 22\u00a0000,00 €")

        # the second instalment typed again: the grant is received in full
        page.get_by_label("Versement reçu le").fill("2025-12-15")
        page.get_by_label("Montant du versement (€)").fill("22 000")
        page.get_by_label("Note ou référence").fill("Solde de 20 % après le bilan intermédiaire")
        page.get_by_role("button", name="Enregistrer le versement").click()
        expect(page.get_by_text("Le versement est enregistré.")).to_be_visible()
        expect(payments.locator("tfoot")).to_contain_text("110\u00a0000,00 €")
        expect(payments.locator("tfoot")).to_contain_text("reste à recevoir : 0,00 €")
        expect(page.get_by_role("button", name="Enregistrer le versement")).to_have_count(0)
        check_page(page, "subsidies-detail", phone=True)
        assert [(p.received_on, p.amount, p.cancelled_at is None) for p in subsidy.payments.all()] == [
            (date(2025, 4, 18), Decimal("88000.00"), True),
            (date(2025, 12, 15), Decimal("2200.00"), False),
            (date(2025, 12, 15), Decimal("22000.00"), True),
        ]

        page.get_by_role("link", name="Toutes les subventions de l'exercice").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Subventions 2025")
        expect(page.get_by_role("region", name="Par financeur").locator("tfoot")).to_contain_text("158\u00a0500,00 €")
        check_page(page, "subsidies-list", phone=True)

        page.get_by_role("link", name="Seuil de publication des comptes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Seuil de publication des comptes 2025")
        expect(page.get_by_text("Au-dessus du seuil")).to_be_visible()
        obligations = page.get_by_role("region", name="Obligations")
        expect(obligations.get_by_role("listitem")).to_have_count(3)
        expect(obligations.get_by_role("listitem").nth(1)).to_contain_text("à faire Nommer un commissaire aux comptes")
        check_page(page, "subsidies-threshold", phone=True)

        page.goto("/")
        panel = page.get_by_role("region", name="Comptes rendus financiers")
        expect(panel.get_by_role("heading", name="2 comptes rendus en retard")).to_be_visible()


def test_the_director_types_the_iml_costs_and_the_iml_report_shows_them(page, director):
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=PARIS)):
        log_in(page, "m.leroy")
        page.goto("/pilotage/subventions/?annee=2025")
        page.get_by_role("link", name="Coûts de l'intermédiation locative").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Coûts de l'intermédiation locative 2025")
        sublets = page.get_by_role("group", name="Location / sous-location (bail principal de l'association)")
        sublets.get_by_label("Captation de logements").fill("8400")
        sublets.get_by_label("Gestion locative adaptée").fill("21350,00")
        sublets.get_by_label("Accompagnement social").fill("-3")
        mandates = page.get_by_role("group", name="Mandat de gestion")
        mandates.get_by_label("Captation de logements").fill("2600")
        page.get_by_label("Origine des montants").fill("Comptabilité analytique 2025")
        page.get_by_role("button", name="Enregistrer").click()
        expect(sublets.get_by_text("Assurez-vous que cette valeur est supérieure ou égale à 0.")).to_be_visible()
        sublets.get_by_label("Accompagnement social").fill("32800")
        check_page(page, "iml-costs-form", phone=True)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Les coûts de l'intermédiation locative sont enregistrés.")).to_be_visible()
        expect(sublets.get_by_label("Gestion locative adaptée")).to_have_value("21350,00")

        page.goto("/pilotage/rapports/iml/?annee=2025")
        costs = page.get_by_role("table", name="Coût des trois activités, par modalité")
        # sublets 8 400 + 21 350 + 32 800 = 62 550; mandates: captation only, 2 600; in all 65 150
        expect(costs.get_by_role("row").nth(1)).to_contain_text("62\u00a0550")
        expect(costs.get_by_role("row").last).to_contain_text("65\u00a0150")
        check_page(page, "iml-report-costs", phone=True)
