"""End to end, in Chromium: the director opens the meeting's proposal link and an accompanied person proposes a
subject through it on a phone, without an account; at the reception a social worker enters the subject another
accompanied person wants to raise at the association's monthly CVS; the meeting takes place, the director notes
attendance and a decision, writes the minutes in plain words, closes them after the confirmation page, and prints
them on the letterhead: both subjects are in the printed minutes. axe-core on every page; screenshots (the PDF's
first page too)."""

import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.community import services
from habiter.community.models import Meeting
from habiter.people.tests.factories import make_household
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .support import PHONE, SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
VOTE_DAY = datetime(2026, 3, 12, 18, 0, tzinfo=PARIS)


@pytest.fixture
def cvs_meeting(organisation, social_worker, durand_household, director):
    council = services.council_create(
        actor=director,
        data={"name": "Conseil de Vie Sociale", "kind": "voluntary", "legal_basis": "voluntary"},
    )
    services.member_add(
        actor=director, council_id=council.pk, role="president", user_id=director.pk, term_start=date(2025, 9, 1)
    )
    services.member_add(
        actor=director,
        council_id=council.pk,
        role="resident_rep",
        person_id=durand_household.members.get().pk,
        term_start=date(2025, 9, 1),
        term_end=date(2026, 8, 31),
    )
    return services.meeting_schedule(
        actor=director,
        council_id=council.pk,
        starts_at=datetime(2026, 3, 10, 14, 0, tzinfo=PARIS),
        place="Salle commune",
        proposals_until=date(2026, 3, 10),
    )


def test_a_subject_proposed_for_a_person_reaches_the_printed_minutes(page, cvs_meeting):
    with time_machine.travel(datetime(2026, 3, 10, 8, 30, tzinfo=PARIS)):
        # The director opens the meeting's proposal link; an accompanied person proposes through it, on a phone,
        # without an account (docs/adr/0044).
        log_in(page, "c.fabre")
        page.goto(f"/instances/reunions/{cvs_meeting.pk}/")
        page.get_by_role("button", name="Ouvrir le lien de propositions").click()
        expect(page.get_by_role("status")).to_contain_text("Lien de propositions ouvert")
        link = page.get_by_role("region", name="Ordre du jour").locator("code").inner_text()
        assert "/instances/reunions/proposer/" in link
        poster = page.request.get(f"/instances/reunions/{cvs_meeting.pk}/affiche.pdf")
        poster_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(poster.body())).pages)
        assert link in "".join(poster_text.split())  # the poster line: the address, and its QR code
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "community-poster.pdf").write_bytes(poster.body())
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", SCREENSHOTS / "community-poster.pdf"]
            + [SCREENSHOTS / "community-poster-pdf"]
        )
        page.context.clear_cookies()
        page.set_viewport_size(PHONE)
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Conseil de Vie Sociale : proposer un sujet")
        page.get_by_label("Votre sujet").fill("Des horaires d'accueil le soir")
        page.get_by_label("Quelques lignes pour l'expliquer").fill("Je travaille la journée.")
        page.get_by_label("Votre prénom").fill("Samira")
        check_page(page, "community-agenda-propose", phone=True)
        page.set_viewport_size(PHONE)
        page.get_by_role("button", name="Proposer ce sujet").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Merci !")
        check_page(page, "community-agenda-propose-thanks", phone=True)

    with time_machine.travel(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)):
        log_in(page, "c.martin")
        page.goto("/instances/")
        check_page(page, "community-councils", phone=True)
        page.get_by_role("link", name="Conseil de Vie Sociale").click()
        page.get_by_role("link", name="mardi 10 mars 2026, 14:00").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Conseil de Vie Sociale du mardi 10 mars 2026")
        page.get_by_label("Sujet proposé").fill("Un banc dans le jardin")
        page.get_by_label("Ou par une personne accompagnée").select_option(label="Durand Paul")
        page.get_by_role("button", name="Proposer ce sujet").click()
        expect(page.get_by_role("status")).to_contain_text("Sujet ajouté à l'ordre du jour.")
        agenda = page.get_by_role("region", name="Ordre du jour")
        expect(agenda).to_contain_text("Un banc dans le jardin — proposé par Paul Durand")
        expect(agenda).to_contain_text("Des horaires d'accueil le soir — proposé par le lien (prénom indiqué : Samira)")
        check_page(page, "community-meeting-proposed", phone=True)
        page.context.clear_cookies()

    with time_machine.travel(datetime(2026, 3, 10, 16, 30, tzinfo=PARIS)):
        log_in(page, "c.fabre")
        page.goto(f"/instances/reunions/{cvs_meeting.pk}/")
        page.get_by_text("Noter les présences").click()
        page.get_by_role("button", name="Enregistrer les présences").click()
        expect(page.get_by_role("status")).to_contain_text("Présences notées pour 2 membres.")
        page.get_by_label("Décision", exact=True).fill("Un banc sera installé au printemps.")
        page.get_by_role("button", name="Noter la décision").click()
        page.get_by_role("link", name="Écrire le compte rendu").click()
        page.get_by_label("Compte rendu").fill(
            "Paul demande un banc pour s'asseoir au soleil. Tout le monde est d'accord."
        )
        check_page(page, "community-minutes-form")
        page.get_by_role("button", name="Clore le compte rendu").click()
        expect(page.get_by_role("heading", name="À confirmer")).to_be_visible()
        check_page(page, "community-minutes-confirm")
        page.get_by_role("button", name="Clore le compte rendu").click()
        expect(page.get_by_role("status")).to_contain_text("Compte rendu clos.")
        expect(page.get_by_text("Proposer ce sujet")).to_have_count(0)
        check_page(page, "community-meeting-closed", phone=True)
        page.get_by_role("link", name="Conseil de Vie Sociale").click()
        expect(page.get_by_role("region", name="Réunions")).to_contain_text("compte rendu clos")
        check_page(page, "community-council", phone=True)

        response = page.request.get(f"/instances/reunions/{cvs_meeting.pk}/compte-rendu.pdf")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert "Un banc dans le jardin" in text and "Paul Durand" in text
        assert "Des horaires d'accueil le soir" in text and "proposé par le lien" in text
        assert "Un banc sera installé au printemps." in text and "Projet" not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "community-minutes.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", pdf, SCREENSHOTS / "community-minutes-pdf"])
    assert Meeting.objects.get(pk=cvs_meeting.pk).minutes_closed_at is not None


@pytest.fixture
def house_election(organisation, social_worker, director, host):
    residence = make_residence(director, "Les Pléiades", hosts=[host])
    make_house_rules(director, residence, date(2025, 6, 2))
    for n, (first, last) in enumerate((("Agnès", "Auger"), ("Bruno", "Berger"), ("Chantal", "Colin")), start=1):
        household = make_household(
            social_worker,
            name=last,
            members=[{"first_name": first, "last_name": last, "birth_date": date(1960 + n, 1, 1), "relation": "head"}],
        )
        place = make_place(director, residence, str(n))
        make_active_contract(director, place, household.members.first(), date(2025, 6, 2), date(2025, 6, 2))
    council = services.council_create(
        actor=director,
        data={"name": "Conseil de Maison des Pléiades", "kind": "conseil_de_maison", "legal_basis": "voluntary"},
        residence_id=residence.pk,
    )
    with time_machine.travel(VOTE_DAY, tick=False):
        return services.election_create(
            actor=host,
            council_id=council.pk,
            data={
                "title": "Élection des représentants des résidents",
                "seats": 1,
                "substitute_seats": 1,
                "term_months": 12,
                "roll_date": date(2026, 3, 1),
                "candidacy_deadline": date(2026, 3, 12),
                "vote_on": date(2026, 3, 12),
                "place": "Salon des Pléiades",
                "tie_rule": "lots",
            },
        )


def test_a_host_runs_the_election_of_the_residents_representatives_to_its_minutes(page, house_election):
    with time_machine.travel(VOTE_DAY):
        log_in(page, "t.garcia")
        page.goto("/instances/")
        page.get_by_role("link", name="Conseil de Maison des Pléiades").click()
        page.get_by_role("link", name="Élection des représentants des résidents").click()
        page.get_by_role("button", name="Figer la liste électorale").click()
        expect(page.get_by_role("status")).to_contain_text("Liste électorale figée : 3 électeurs.")
        for name in ("Auger Agnès", "Berger Bruno"):
            page.get_by_label("Électeur candidat").select_option(label=name)
            page.get_by_role("button", name="Enregistrer la candidature").click()
            expect(page.get_by_role("status")).to_contain_text("Candidature enregistrée.")
        check_page(page, "community-election-candidates", phone=True)
        page.get_by_role("link", name="Saisir les résultats du vote").click()
        page.get_by_label("Votants").fill("3")
        page.get_by_label("Voix de Auger Agnès").fill("1")
        page.get_by_label("Voix de Berger Bruno").fill("1")
        page.get_by_label("Bulletins blancs").fill("1")
        page.get_by_role("button", name="Enregistrer").click()  # a tie for the seat: no confirmation yet
        expect(page.get_by_text("tirez au sort devant le bureau de vote")).to_be_visible()
        check_page(page, "community-election-tie")
        page.get_by_label("Désigné par le tirage au sort").select_option(label="Berger Bruno")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("heading", name="À confirmer")).to_be_visible()
        page.get_by_role("button", name="Proclamer les résultats").click()
        expect(page.get_by_role("status")).to_contain_text("Résultats proclamés.")
        row = page.get_by_role("row").filter(has_text="Berger Bruno")
        expect(row).to_contain_text("Élu·e titulaire")
        expect(page.get_by_text("Égalité départagée par tirage au sort")).to_be_visible()
        check_page(page, "community-election-results", phone=True)
        response = page.request.get(f"/instances/elections/{house_election.pk}/proces-verbal.pdf")
        assert response.ok and response.body().startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert "Berger Bruno" in text and "Inscrits" in text
