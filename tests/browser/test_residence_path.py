"""End to end, in Chromium, the whole path of a place in a pension de famille: a vacancy goes from the SIAO's
orientation to a signed contract and the first redevance with APL-foyer. Time is frozen at each step's date:

- Mon 4 May 2026, the host declares place 15 vacant to the SIAO;
- Thu 7 May, the host records the SIAO's orientation of M. Paul Durand; the director, who knows his household
  (a host opens no household's file), attaches it on the orientation page;
- Mon 11 May, the host fixes the interview on Thursday 14 May, which they will lead;
- Tue 19 May, the host notes that M. Durand came to it, then records the admission commission's decision « admis »;
  Wed 20 May, its notification to the SIAO;
- Wed 27 May, the host makes the contract from the admission, to take effect on Monday 1 June;
- Mon 1 June, the RI annexed is initialled, the contract signed and in force; the host sets the redevance as typed
  lines under the maximum of the residence's APL convention;
- Tue 2 June, the accountant calls June's redevance in the month-end run;
- Mon 6 July, the accountant records the CAF's APL-foyer for June and the resident's payment of the rest, and issues
  the quittance; then the host sees the resident up to date, the place occupied and the delay from vacancy to entry.

axe-core on every page; screenshots at each step (some at 360 px too), the quittance PDF kept beside them."""

import io
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import AplMaximum
from habiter.residences.tests.factories import make_place, make_residence

from .support import PASSWORD, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def free_place(organisation, durand_household, director, host):
    """What a user does not do in this path: the association's director, host and accountant; the pension de
    famille with its APL convention and the manager's agrément, the convention's 2026 maximum for a T1, its
    règlement intérieur, and one free place. The Durand household is already followed by the association."""
    UserFactory(
        username="p.giraud",
        first_name="Pauline",
        last_name="Giraud",
        organisation=organisation,
        role=Role.ACCOUNTANT,
        password=PASSWORD,
    )
    residence = make_residence(
        director,
        "Les Pléiades",
        hosts=[host],
        city="Aix-en-Provence",
        postal_code="13090",
        opened_on=date(2015, 3, 2),
        apl_convention_reference="13-2015-PF-0042",
        agrement_reference="AGR-IML-GLS-13-2014-007",
    )
    services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2026, amount=Decimal("460.00"))
    )
    services.house_rules_add(
        actor=director,
        residence_id=residence.pk,
        valid_from=date(2025, 1, 6),
        text="Article 1 — Chacun respecte le calme et l'intimité des autres.",
        guest_nights_per_month=14,
    )
    return make_place(director, residence, "15", typology="T1")


@contextmanager
def day(page, when: datetime, username: str):
    """Time frozen at `when` (it ticks from there), `username` logged in afresh through the login page: a day or a
    week later the session of the step before has expired anyway."""
    with time_machine.travel(when):
        page.context.clear_cookies()
        log_in(page, username)
        yield


def place_row(page):
    """The row of place 15 in the residence's table of places."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name="15", exact=True))


def month_cells(page, month: str) -> list[str]:
    """The figures of one month's row of the occupancy table, as shown."""
    months = page.get_by_role("region", name="Mois par mois")
    row = months.get_by_role("row").filter(has=page.get_by_role("rowheader", name=month, exact=True))
    return [text.strip() for text in row.get_by_role("cell").all_inner_texts()]


def test_a_vacancy_goes_from_siao_orientation_to_a_signed_contract_and_the_first_redevance(page, free_place, host):
    # --- Mon 4 May 2026: the host declares the free place vacant to the SIAO ---------------------------------------
    with day(page, datetime(2026, 5, 4, 9, 0, tzinfo=PARIS), "t.garcia"):
        page.get_by_role("region", name="Mes résidences aujourd'hui").get_by_role("link", name="Mes résidences").click()
        page.get_by_role("link", name="Les Pléiades").click()
        row = place_row(page)
        expect(row).to_contain_text("Libre")
        check_page(page, "path-01-residence-free-place")
        row.get_by_role("link", name="Déclarer la vacance au SIAO").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer la place 15 (Les Pléiades) vacante au SIAO")
        expect(page.get_by_label("Déclarée au SIAO le")).to_have_value("2026-05-04")
        check_page(page, "path-02-vacancy-declare", phone=True)
        page.get_by_role("button", name="Déclarer").click()
        expect(page.get_by_role("status").first).to_contain_text("Vacance de la place 15 déclarée au SIAO.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Place 15 : vacance déclarée au SIAO le 4 mai 2026")
        expect(page.get_by_text("Aucune orientation reçue pour l'instant.")).to_be_visible()
        check_page(page, "path-03-vacancy")

    # --- Thu 7 May: the SIAO orients M. Paul Durand; the host records it, the director attaches his household -------
    with day(page, datetime(2026, 5, 7, 10, 0, tzinfo=PARIS), "t.garcia"):
        page.get_by_role("region", name="Mes résidences aujourd'hui").get_by_role(
            "link", name="Les Pléiades — place 15"
        ).click()
        page.get_by_role("link", name="Nouvelle orientation").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Orientation SIAO vers la place 15 (Les Pléiades)")
        expect(page.get_by_label("Ménage déjà connu de l'association")).to_have_count(0)  # a host opens no file
        page.get_by_label("Référence SIAO").fill("SIAO13-2026-0517")
        page.get_by_label("SIAO", exact=True).fill("SIAO 13")
        page.get_by_label("Nom du candidat").fill("M. Paul Durand")
        expect(page.get_by_label("Orientation reçue le")).to_have_value("2026-05-07")
        check_page(page, "path-04-orientation-new", phone=True)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text("Orientation de M. Paul Durand enregistrée.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Orientation SIAO : M. Paul Durand")
        situation = page.get_by_role("region", name="Où en est-on")
        expect(situation).to_contain_text("SIAO13-2026-0517 (SIAO 13)")
        expect(situation).to_contain_text("pas encore de dossier")
        expect(page.get_by_role("region", name="Dossier du ménage")).to_have_count(0)
    with day(page, datetime(2026, 5, 7, 11, 0, tzinfo=PARIS), "c.fabre"):
        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Logement").click()
        page.get_by_role("link", name="Résidences", exact=True).click()
        page.get_by_role("link", name="Les Pléiades").click()
        vacancies = page.get_by_role("region", name="Vacances déclarées au SIAO")
        vacancies.get_by_role("link", name="Place 15, déclarée le 4 mai 2026").click()
        page.get_by_role("link", name="M. Paul Durand").click()
        attach = page.get_by_role("region", name="Dossier du ménage")
        attach.get_by_label("Dossier du ménage").select_option(label="Durand")
        check_page(page, "path-05-orientation-attach", phone=True)
        attach.get_by_role("button", name="Rattacher").click()
        expect(page.get_by_role("status").first).to_contain_text("Dossier du ménage rattaché.")
        situation = page.get_by_role("region", name="Où en est-on")
        expect(situation).to_contain_text("Entretien à fixer")
        expect(situation).to_contain_text("Ménage Durand")
        check_page(page, "path-05-orientation")

    # --- Mon 11 May: the host fixes the interview on Thursday 14 May --------------------------------------------
    with day(page, datetime(2026, 5, 11, 14, 0, tzinfo=PARIS), "t.garcia"):
        panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
        expect(panel).to_contain_text("1 entretien à fixer ou à venir")
        panel.get_by_role("link", name="M. Paul Durand").click()
        interviews = page.get_by_role("region", name="Entretiens")
        expect(interviews).to_contain_text("Aucun entretien pour l'instant.")
        add = interviews.get_by_role("form", name="Ajouter un entretien")
        add.get_by_label("Entretien le").fill("2026-05-14")
        expect(add.get_by_label("Mené par")).to_have_value(str(host.pk))  # the host leads it
        add.get_by_label("Note").fill("Avec son référent du CCAS.")
        add.get_by_role("button", name="Ajouter l'entretien").click()
        expect(page.get_by_role("status").first).to_contain_text("Étape enregistrée.")
        expect(page.get_by_role("region", name="Où en est-on")).to_contain_text("Entretien le 14 mai 2026")
        expect(interviews).to_contain_text("14 mai 2026 — mené par Thomas Garcia — à venir")
        expect(page.get_by_role("region", name="Décision de la commission d'admission")).to_have_count(0)
        check_page(page, "path-06-interview-fixed", phone=True)

    # --- Tue 19 May: he came to the interview; the admission commission admits him; the host records both --------
    with day(page, datetime(2026, 5, 19, 17, 0, tzinfo=PARIS), "t.garcia"):
        panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
        expect(panel).to_contain_text("1 entretien à fixer ou à venir")
        panel.get_by_role("link", name="M. Paul Durand").click()
        outcome = page.get_by_role("form", name="Présence à un entretien")
        outcome.get_by_label("Entretien", exact=True).select_option(label="14 mai 2026")
        outcome.get_by_label("Le candidat est-il venu ?").select_option(label="Venu·e")
        outcome.get_by_role("button", name="Noter la présence").click()
        expect(page.get_by_role("status").first).to_contain_text("Étape enregistrée.")
        expect(page.get_by_role("region", name="Où en est-on")).to_contain_text("Entretien tenu, décision à prendre")
        expect(page.get_by_role("region", name="Entretiens")).to_contain_text("mené par Thomas Garcia — Venu·e")
        check_page(page, "path-06-interview-held")
        decision = page.get_by_role("region", name="Décision de la commission d'admission")
        decision.get_by_label("Admis", exact=True).check()
        expect(decision.get_by_label("Décidée le")).to_have_value("2026-05-19")
        decision.get_by_label("Compte rendu").fill(
            "Projet clair, envie de vie collective ; entrée souhaitée début juin."
        )
        check_page(page, "path-07-decision", phone=True)
        decision.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text("Étape enregistrée.")
        expect(page.get_by_role("region", name="Où en est-on")).to_contain_text("Admis — décision à notifier au SIAO")

    # --- Wed 20 May: the decision is notified to the SIAO ----------------------------------------------------------
    with day(page, datetime(2026, 5, 20, 9, 15, tzinfo=PARIS), "t.garcia"):
        panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
        expect(panel).to_contain_text("1 décision à notifier au SIAO")
        panel.get_by_role("link", name="M. Paul Durand").click()
        notification = page.get_by_role("region", name="Notification de la décision au SIAO")
        expect(notification.get_by_label("Notifiée au SIAO le")).to_have_value("2026-05-20")
        notification.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text("Étape enregistrée.")
        situation = page.get_by_role("region", name="Où en est-on")
        expect(situation).to_contain_text("Admis — notifié au SIAO, entrée à venir")
        expect(situation).to_contain_text("Notifiée au SIAO le 20 mai 2026")
        check_page(page, "path-08-notified")

    # --- Wed 27 May: the host makes the contract from the admission, from Monday 1 June ----------------------------
    with day(page, datetime(2026, 5, 27, 11, 0, tzinfo=PARIS), "t.garcia"):
        panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
        expect(panel).to_contain_text("1 entrée à venir")
        panel.get_by_role("link", name="M. Paul Durand").click()
        page.get_by_role("region", name="Entrée dans la place").get_by_role("link", name="Créer le contrat").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Contrat de résidence — place 15 (Les Pléiades)")
        expect(page.locator("main")).to_contain_text(
            "Candidat admis par la commission : M. Paul Durand (orientation SIAO SIAO13-2026-0517)."
        )
        page.get_by_label("Résident").select_option(label="Durand Paul")
        page.get_by_label("Prend effet le").fill("2026-06-01")
        check_page(page, "path-09-contract-new", phone=True)
        page.get_by_role("button", name="Préparer le contrat").click()
        expect(page.get_by_role("status").first).to_contain_text("Contrat de Paul Durand préparé : il est à signer.")
        contract = page.get_by_role("region", name="Le contrat")
        expect(contract).to_contain_text("À signer")
        expect(contract).to_contain_text("1er juin 2026")
        expect(contract).to_contain_text("pas encore paraphé")
        check_page(page, "path-10-contract-to-sign")

    # --- Mon 1 June: the RI annexed is initialled, the contract signed; the host sets the redevance ----------------
    with day(page, datetime(2026, 6, 1, 9, 30, tzinfo=PARIS), "t.garcia"):
        panel = page.get_by_role("region", name="Mes résidences aujourd'hui")
        expect(panel).to_contain_text("1 contrat à signer")
        panel.get_by_role("link", name="Paul Durand", exact=True).click()
        initial = page.get_by_role("region", name="Règlement intérieur annexé et paraphé")
        expect(initial.get_by_label("Règlement intérieur annexé et paraphé le")).to_have_value("2026-06-01")
        initial.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("region", name="Le contrat")).to_contain_text("paraphé le 1er juin 2026")
        page.get_by_role("button", name="Mettre le contrat en vigueur").click()
        expect(page.get_by_text("À confirmer")).to_be_visible()
        check_page(page, "path-11-contract-confirm")
        page.get_by_role("button", name="Confirmer l'entrée en vigueur").click()
        expect(page.get_by_role("region", name="Le contrat")).to_contain_text("En cours")

        page.get_by_role("region", name="Redevance mensuelle").get_by_role(
            "link", name="Fixer une nouvelle redevance"
        ).click()
        # the convention's maximum recorded for 2026 itself: no IRL revision
        expect(page.locator("main")).to_contain_text("Maximum de la convention APL pour un T1 en 2026 : 460,00 €")
        expect(page.get_by_label("En vigueur à partir du")).to_have_value("2026-06-01")
        page.get_by_label("Équivalence de loyer (€ par mois)").fill("380,00")
        page.get_by_label("Charges forfaitaires (€ par mois)").fill("50,00")
        service = page.get_by_role("group", name="Prestation 1")
        service.get_by_label("Nature").select_option(label="Prestation obligatoire")
        service.get_by_label("Libellé").fill("Animation de la vie collective")
        service.get_by_label("Montant (€ par mois)").fill("20,00")
        check_page(page, "path-12-redevance-new", phone=True)
        page.get_by_role("button", name="Enregistrer la redevance").click()
        expect(page.get_by_role("status").first).to_contain_text("Redevance enregistrée.")
        redevance = page.get_by_role("region", name="Redevance mensuelle")
        expect(redevance).to_contain_text("En vigueur depuis le 01/06/2026")
        # 380,00 équivalence de loyer + 50,00 charges + 20,00 service = 450,00
        expect(redevance.get_by_role("row").filter(has_text="Redevance mensuelle totale")).to_contain_text("450,00 €")
        # APL-foyer base: 380,00 + 50,00 = 430,00, under the convention's 460,00
        expect(redevance.get_by_role("row").filter(has_text="Base de l'APL-foyer")).to_contain_text("430,00 €")
        expect(page.get_by_role("region", name="Fiche pratique du résident")).to_contain_text(
            "Aucune redevance appelée pour l'instant."
        )
        check_page(page, "path-13-contract-in-force", phone=True)

    # --- Tue 2 June: the accountant calls June's redevance in the month-end run -------------------------------------
    with day(page, datetime(2026, 6, 2, 10, 0, tzinfo=PARIS), "p.giraud"):
        page.get_by_role("link", name="Comptabilité", exact=True).first.click()
        page.get_by_role("link", name="Fin de mois").click()
        page.get_by_label("Mois à appeler").fill("2026-06")
        page.get_by_role("button", name="Émettre les appels").click()
        expect(page.get_by_role("status")).to_contain_text("1 appel émis.")
        check_page(page, "path-14-month-end-run")
        page.get_by_role("link", name="Comptabilité", exact=True).first.click()
        page.get_by_role("link", name="Durand — Les Pléiades, 15").click()
        page.get_by_role("link", name="Redevances du contrat").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Compte du résident — Durand")
        calls = page.get_by_role("region", name="Appels de redevance")
        june = calls.get_by_role("row").filter(has_text="juin 2026")
        # a whole month, from the 1st: 380,00 + 50,00 + 20,00 = 450,00, nothing prorated
        expect(june).to_contain_text("Équivalence de loyer : 380,00 €")
        expect(june).to_contain_text("Charges : 50,00 €")
        expect(june).to_contain_text("Prestation obligatoire (Animation de la vie collective) : 20,00 €")
        expect(june).to_contain_text("450,00 €")
        expect(page.get_by_role("region", name="Solde au 02/06/2026")).to_contain_text("Reste dû 450,00 €")
        check_page(page, "path-15-redevance-called")

    # --- Mon 6 July: the CAF's APL-foyer for June, the resident's rest, the quittance -------------------------------
    with day(page, datetime(2026, 7, 6, 10, 0, tzinfo=PARIS), "p.giraud"):
        page.get_by_role("link", name="Comptabilité", exact=True).first.click()
        page.get_by_role("link", name="Durand — Les Pléiades, 15").click()
        page.get_by_role("link", name="Redevances du contrat").click()
        page.get_by_role("link", name="Enregistrer un encaissement").click()
        page.get_by_label("Montant (€)").fill("312,40")
        expect(page.get_by_label("Reçu le")).to_have_value("2026-07-06")
        page.get_by_label("Provenance").select_option(label="CAF — APL-foyer (tiers payant)")
        page.get_by_label("Référence").fill("CAF 13 APL-foyer 06/2026")
        check_page(page, "path-16-apl-foyer", phone=True)
        page.get_by_role("button", name="Enregistrer l'encaissement").click()
        expect(page.get_by_role("status").first).to_contain_text("Encaissement enregistré et imputé.")
        # rest for the resident: 450,00 − 312,40 = 137,60
        expect(page.get_by_role("region", name="Solde au 06/07/2026")).to_contain_text("Reste dû 137,60 €")

        page.get_by_role("link", name="Enregistrer un encaissement").click()
        page.get_by_label("Montant (€)").fill("137,60")
        expect(page.get_by_label("Provenance")).to_have_value("resident")
        page.get_by_role("button", name="Enregistrer l'encaissement").click()
        balance = page.get_by_role("region", name="Solde au 06/07/2026")
        # 450,00 − 312,40 − 137,60 = 0,00
        expect(balance).to_contain_text("Reste dû 0,00 €")
        expect(balance).to_contain_text("Reçu du résident 137,60 €")
        expect(balance).to_contain_text("APL-foyer reçue de la CAF 312,40 €")
        june = page.get_by_role("region", name="Appels de redevance").get_by_role("row").filter(has_text="juin 2026")
        expect(june).to_contain_text("450,00 € payé")
        page.get_by_role("button", name="Émettre la quittance").click()
        expect(page.get_by_role("status").first).to_contain_text("Document émis : Quittance de redevance n° 1.")
        check_page(page, "path-17-quittance", phone=True)
        link = page.get_by_role("link", name="Quittance de redevance n° 1 (PDF)")
        pdf = page.request.get(link.get_attribute("href"))
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "path-quittance.pdf").write_bytes(pdf.body())
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
        for line in (
            "période du 1er juin 2026 au 30 juin 2026",
            "Équivalence de loyer 380,00 €",
            "Charges (forfaitaires, sans régularisation) 50,00 €",
            "Prestations 20,00 €",
            "Redevance due pour la période 450,00 €",
            # 312,40 from the CAF + 137,60 from the resident = 450,00
            "Total reçu 450,00 €",
            "dont APL-foyer versée par la CAF (tiers payant) 312,40 €",
        ):
            assert line in text, f"{line!r} not in the quittance: {text}"

    # --- Mon 6 July, later: the host's view of the resident and of the place -----------------------------------------
    with day(page, datetime(2026, 7, 6, 16, 0, tzinfo=PARIS), "t.garcia"):
        page.get_by_role("region", name="Mes résidences aujourd'hui").get_by_role("link", name="Mes résidences").click()
        page.get_by_role("link", name="Les Pléiades").click()
        row = place_row(page)
        expect(row).to_contain_text("Occupée")
        expect(row).to_contain_text("par Paul Durand, sous contrat depuis le 1er juin 2026")
        # 4 May → 1 June: 27 days left in May after the 4th (31 − 4), + 1 = 28 days
        expect(page.get_by_role("region", name="Vacances déclarées au SIAO")).to_contain_text(
            "Place 15, déclarée le 4 mai 2026 — 1 orientation — pourvue en 28 jours"
        )
        check_page(page, "path-18-residence-occupied", phone=True)
        page.get_by_role("region", name="Vacances déclarées au SIAO").get_by_role(
            "link", name="Place 15, déclarée le 4 mai 2026"
        ).click()
        expect(page.locator("main")).to_contain_text(
            "Pourvue : entrée le 1er juin 2026, 28 jours après la déclaration."
        )
        orientations = page.get_by_role("region", name="Candidats orientés par le SIAO")
        expect(orientations).to_contain_text("Entré·e le 1er juin 2026")
        check_page(page, "path-19-vacancy-filled")

        page.get_by_role("link", name="Les Pléiades").first.click()
        row = place_row(page)
        row.get_by_role("link", name="Contrat").click()
        expect(page.get_by_role("region", name="Le contrat")).to_contain_text("En cours")
        expect(page.get_by_role("region", name="Fiche pratique du résident")).to_contain_text("À jour de sa redevance.")
        check_page(page, "path-20-practical-file", phone=True)

        page.get_by_role("link", name="Les Pléiades").first.click()
        page.get_by_role("link", name="Occupation et financement").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Les Pléiades — 2026")
        # places, place-days open, days occupied, days of vacancy, rate, entries, exits (the rest not asserted)
        # May: 1 place × 31 days open, none occupied, 31 days of vacancy, 0 / 31 = 0,0 %
        assert month_cells(page, "mai")[:7] == ["1", "31", "0", "31", "0,0 %", "0", "0"]
        # June: 1 place × 30 days open, 30 occupied from the 1st, 0 of vacancy, 30 / 30 = 100,0 %, one entry
        assert month_cells(page, "juin")[:7] == ["1", "30", "30", "0", "100,0 %", "1", "0"]
        check_page(page, "path-21-occupancy", phone=True)
