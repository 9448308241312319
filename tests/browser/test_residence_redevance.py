"""End to end, in Chromium: the host sets a resident's redevance as typed lines; above the maximum of the
residence's APL convention for a T1 that year the page refuses and names it; under it the lines are saved, shown
on the contract page and printed on the contract. axe-core on every page; screenshots (the PDF kept beside)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import AplMaximum, RedevanceLine
from habiter.residences.tests.factories import make_place, make_residence

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def contract(organisation, durand_household, director, host):
    residence = make_residence(director, "Les Pléiades", hosts=[host], city="Aix-en-Provence", postal_code="13090")
    services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=date(2022, 1, 3), text="Article 1 — Le calme."
    )
    place = make_place(director, residence, "7", typology="T1")
    services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2024, amount=Decimal("430.00"))
    )
    resident = durand_household.members.get()
    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=PARIS), tick=False):
        made = services.contract_create(
            actor=director, place_id=place.pk, resident_id=resident.pk, starts_on=date(2026, 2, 2)
        )
        services.contract_initial(actor=director, contract_id=made.pk, ri_initialled_on=date(2026, 2, 2))
        return services.contract_activate(actor=director, contract_id=made.pk)


def test_the_host_sets_the_redevance_and_is_refused_above_the_convention_maximum(page, contract):
    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        log_in(page, "t.garcia")
        page.goto(f"/residences/contrats/{contract.pk}/")
        section = page.get_by_role("region", name="Redevance mensuelle")
        expect(section).to_contain_text("Aucune redevance en vigueur aujourd'hui.")
        section.get_by_role("link", name="Fixer une nouvelle redevance").click()
        # 430,00 € (2024) → 444,01 € (2025) → 448,63 € (2026), IRL of the 2nd quarter
        expect(page.locator("main")).to_contain_text("Maximum de la convention APL pour un T1 en 2026 : 448,63 €")
        check_page(page, "redevance-new")

        page.get_by_label("En vigueur à partir du").fill("2026-03-01")
        page.get_by_label("Équivalence de loyer (€ par mois)").fill("368,64")
        page.get_by_label("Charges forfaitaires (€ par mois)").fill("80,00")
        page.get_by_role("button", name="Enregistrer la redevance").click()
        expect(page.locator("main")).to_contain_text(
            "L'équivalence de loyer et les charges (448,64 €) dépassent le maximum de la convention APL pour un T1 "
            "en 2026 : 448,63 €."
        )
        check_page(page, "redevance-refused", phone=True)
        assert not RedevanceLine.objects.exists()

        page.get_by_label("Équivalence de loyer (€ par mois)").fill("300,00")
        first = page.get_by_role("group", name="Prestation 1")
        first.get_by_label("Nature").select_option(label="Prestation obligatoire")
        first.get_by_label("Libellé").fill("Ménage des parties communes")
        first.get_by_label("Montant (€ par mois)").fill("25,00")
        second = page.get_by_role("group", name="Prestation 2")
        second.get_by_label("Nature").select_option(label="Prestation facultative")
        second.get_by_label("Libellé").fill("Repas partagé du soir")
        second.get_by_label("Montant (€ par mois)").fill("35,00")
        page.get_by_role("button", name="Enregistrer la redevance").click()

        expect(page.get_by_role("status").first).to_contain_text("Redevance enregistrée.")
        section = page.get_by_role("region", name="Redevance mensuelle")
        # 300,00 + 80,00 + 25,00 + 35,00 = 440,00 ; APL base 300,00 + 80,00 = 380,00
        expect(section).to_contain_text("En vigueur depuis le 01/03/2026")
        expect(section.get_by_role("row").filter(has_text="Redevance mensuelle totale")).to_contain_text("440,00 €")
        expect(section.get_by_role("row").filter(has_text="Base de l'APL-foyer")).to_contain_text("380,00 €")
        check_page(page, "redevance-contract", phone=True)

        pdf = page.request.get(f"/residences/contrats/{contract.pk}/pdf/")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "redevance-contract.pdf").write_bytes(pdf.body())

    assert sorted(RedevanceLine.objects.values_list("kind", "amount")) == [
        ("charges", Decimal("80.00")),
        ("equivalence_loyer", Decimal("300.00")),
        ("prestation_facultative", Decimal("35.00")),
        ("prestation_obligatoire", Decimal("25.00")),
    ]


def test_the_first_redevance_is_called_paid_by_the_caf_and_the_resident_and_receipted(page, contract):
    """The contract signed on 2 February 2026 (a 28-day month): the accountant calls February, records the
    APL-foyer the CAF pays to the manager and the resident's share, issues the quittance; the host sees the resident
    up to date in the practical file."""
    organisation = contract.organisation
    UserFactory(username="p.giraud", organisation=organisation, role=Role.ACCOUNTANT, password=PASSWORD)
    director = contract.created_by
    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=PARIS), tick=False):
        services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2026, 2, 2),
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")},
                {"kind": "charges", "label": "", "amount": Decimal("50.00")},
                {"kind": "prestation_obligatoire", "label": "Ménage des parties communes", "amount": Decimal("30.00")},
            ],
        )
    with time_machine.travel(datetime(2026, 2, 20, 10, 0, tzinfo=PARIS)):
        log_in(page, "p.giraud")
        page.goto(f"/comptabilite/redevances/{contract.pk}/")
        page.get_by_role("button", name="Appeler la redevance de ce mois").click()
        # 27 days of 28: 300,00 × 27/28 = 289,29 ; 50,00 × 27/28 = 48,21 ; 30,00 × 27/28 = 28,93 → 366,43
        expect(page.get_by_role("status").first).to_contain_text("Redevance de 02/2026 appelée : 366,43 €.")
        calls = page.get_by_role("region", name="Appels de redevance")
        expect(calls).to_contain_text("366,43 €")
        expect(calls).to_contain_text("sur 300,00 € par mois")

        page.get_by_role("link", name="Enregistrer un encaissement").click()
        page.get_by_label("Montant (€)").fill("210,00")
        page.get_by_label("Reçu le").fill("2026-02-20")
        page.get_by_label("Provenance").select_option(label="CAF — APL-foyer (tiers payant)")
        page.get_by_role("button", name="Enregistrer l'encaissement").click()
        expect(page.get_by_role("region", name="Solde au 20/02/2026")).to_contain_text("156,43 €")

        page.get_by_role("link", name="Enregistrer un encaissement").click()
        page.get_by_label("Montant (€)").fill("156,43")
        page.get_by_label("Reçu le").fill("2026-02-20")
        page.get_by_role("button", name="Enregistrer l'encaissement").click()
        balance = page.get_by_role("region", name="Solde au 20/02/2026")
        expect(balance).to_contain_text("APL-foyer reçue de la CAF 210,00 €")
        page.get_by_role("button", name="Émettre la quittance").click()
        expect(page.get_by_role("status").first).to_contain_text("Document émis : Quittance de redevance n° 1.")
        check_page(page, "redevance-account", phone=True)
        page.get_by_role("link", name="Quittance de redevance n° 1 (PDF)").wait_for()

        page.context.clear_cookies()
        log_in(page, "t.garcia")
        page.goto(f"/residences/contrats/{contract.pk}/")
        expect(page.get_by_role("region", name="Fiche pratique du résident")).to_contain_text("À jour de sa redevance.")
        check_page(page, "redevance-practical-file")
