"""End to end, in Chromium: the Conseil de Maison of a pension de famille, open to all its residents. Before the
proposals deadline the host enters two subjects residents asked to raise (on their behalf) and one of their own;
after the meeting they note who came — a member, and a resident who is not one — a decision and an action, write the
minutes in plain words, close them after the confirmation page and print them: the residents' subjects, the
non-member resident and the decision are in the PDF. axe-core on every page; screenshots (the attendance form at
360 px too, the PDF's first page)."""

import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from habiter.community import services
from habiter.community.models import Attendance, Meeting
from habiter.people.tests.factories import make_household
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .support import SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
BEFORE_THE_DEADLINE = datetime(2026, 3, 6, 10, 0, tzinfo=PARIS)
DAY_AFTER = datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)
RESIDENTS = (("Agnès", "Auger"), ("Bruno", "Berger"), ("Chantal", "Colin"), ("Denis", "Dumas"))


@pytest.fixture
def house_meeting(organisation, social_worker, director, host):
    """The Pléiades' Conseil de Maison on Tuesday 10 March 2026 at 17:30, subjects proposed until the day before:
    its host Thomas Garcia and the residents' representative Agnès Auger are members; Bruno Berger, Chantal Colin
    and Denis Dumas live there under contract and are not."""
    residence = make_residence(director, "Les Pléiades", hosts=[host])
    make_house_rules(director, residence, date(2025, 6, 2))
    residents = []
    for n, (first, last) in enumerate(RESIDENTS, start=1):
        household = make_household(
            social_worker,
            name=last,
            members=[{"first_name": first, "last_name": last, "birth_date": date(1960 + n, 1, 1), "relation": "head"}],
        )
        residents.append(household.members.get())
        make_active_contract(director, make_place(director, residence, str(n)), residents[-1], date(2025, 6, 2))
    council = services.council_create(
        actor=director,
        data={"name": "Conseil de Maison des Pléiades", "kind": "conseil_de_maison", "legal_basis": "voluntary"},
        residence_id=residence.pk,
    )
    services.member_add(
        actor=director, council_id=council.pk, role="host", user_id=host.pk, term_start=date(2025, 6, 2)
    )
    services.member_add(
        actor=director,
        council_id=council.pk,
        role="resident_rep",
        person_id=residents[0].pk,
        term_start=date(2025, 6, 2),
        term_end=date(2026, 6, 1),
    )
    return services.meeting_schedule(
        actor=host,
        council_id=council.pk,
        starts_at=datetime(2026, 3, 10, 17, 30, tzinfo=PARIS),
        place="Salon des Pléiades",
        proposals_until=date(2026, 3, 9),
    )


def _propose(page, title, detail="", person=None):
    page.get_by_label("Sujet proposé").fill(title)
    page.get_by_label("Précisions").fill(detail)
    if person is not None:
        page.get_by_label("Ou par un résident").select_option(label=person)
    page.get_by_role("button", name="Proposer ce sujet").click()
    expect(page.get_by_role("status")).to_contain_text("Sujet ajouté à l'ordre du jour.")


def test_a_host_runs_the_conseil_de_maison_from_the_residents_subjects_to_the_printed_minutes(page, house_meeting):
    with time_machine.travel(BEFORE_THE_DEADLINE):
        log_in(page, "t.garcia")
        page.goto("/instances/")
        page.get_by_role("link", name="Conseil de Maison des Pléiades").click()
        check_page(page, "conseil-de-maison-council", phone=True)
        page.get_by_role("link", name="mardi 10 mars 2026, 17:30").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Conseil de Maison des Pléiades du mardi 10 mars 2026"
        )
        expect(page.get_by_text("ouvertes jusqu'au 9 mars 2026")).to_be_visible()
        _propose(
            page,
            "Le bruit dans le couloir le soir",
            "Après 22 h, on entend la télé dans les chambres.",
            person="Berger Bruno",
        )
        _propose(page, "Un potager dans le jardin", person="Colin Chantal")
        _propose(page, "Le repas partagé du mois", "Choisir la date et qui prépare quoi.")
        agenda = page.get_by_role("region", name="Ordre du jour")
        expect(agenda).to_contain_text("Le bruit dans le couloir le soir — proposé par Bruno Berger")
        expect(agenda).to_contain_text("Un potager dans le jardin — proposé par Chantal Colin")
        expect(agenda).to_contain_text("Le repas partagé du mois — proposé par Thomas Garcia")
        check_page(page, "conseil-de-maison-agenda", phone=True)
        page.context.clear_cookies()

    with time_machine.travel(DAY_AFTER):
        log_in(page, "t.garcia")
        page.goto(f"/instances/reunions/{house_meeting.pk}/")
        expect(page.get_by_text("Proposer ce sujet")).to_have_count(0)  # the deadline has passed
        page.get_by_text("Noter les présences").click()
        attendance = page.get_by_role("region", name="Présences")
        # the members, each present by default; the residents who are not members, none ticked
        expect(attendance.get_by_role("group", name="Auger Agnès")).to_have_count(0)
        expect(attendance.get_by_role("group", name="Agnès Auger")).to_be_visible()
        residents = attendance.get_by_role("group", name="Autres résidents présents")
        expect(residents.get_by_role("checkbox")).to_have_count(3)
        expect(residents).not_to_contain_text("Auger")  # a member is noted with the members
        residents.get_by_label("Bruno Berger").check()
        check_page(page, "conseil-de-maison-attendance", phone=True)
        page.get_by_role("button", name="Enregistrer les présences").click()
        expect(page.get_by_role("status")).to_contain_text("Présences notées pour 2 membres. 1 autre résident présent.")
        attendance = page.get_by_role("region", name="Présences")
        expect(attendance).to_contain_text("Agnès Auger : Présent·e")
        expect(attendance).to_contain_text("Thomas Garcia : Présent·e")
        expect(attendance.get_by_role("list").nth(1)).to_have_text("Bruno Berger")
        page.get_by_label("Décision", exact=True).fill(
            "Après 22 h, chacun baisse le son de la télé. Une affiche le rappelle à l'entrée."
        )
        page.get_by_role("button", name="Noter la décision").click()
        expect(page.get_by_role("status")).to_contain_text("Décision notée.")
        page.get_by_label("Action", exact=True).fill("Faire l'affiche sur le bruit le soir")
        page.get_by_label("Qui s'en charge").fill("Bruno Berger, avec Thomas Garcia")
        page.get_by_label("Pour le").fill("2026-03-20")
        page.get_by_role("button", name="Ajouter l'action").click()
        expect(page.get_by_role("status")).to_contain_text("Action à suivre notée.")
        check_page(page, "conseil-de-maison-meeting-held", phone=True)
        page.get_by_role("link", name="Écrire le compte rendu").click()
        page.get_by_label("Compte rendu").fill(
            "Nous étions trois.\n"
            "Bruno entend la télé après 22 h. C'est difficile pour dormir. Tout le monde est d'accord : après 22 h, "
            "on baisse le son.\n"
            "Chantal veut un potager. On en reparle le mois prochain, quand il fera plus chaud."
        )
        check_page(page, "conseil-de-maison-minutes-form")
        page.get_by_role("button", name="Clore le compte rendu").click()
        expect(page.get_by_role("heading", name="À confirmer")).to_be_visible()
        check_page(page, "conseil-de-maison-minutes-confirm")
        page.get_by_role("button", name="Clore le compte rendu").click()
        expect(page.get_by_role("status")).to_contain_text("Compte rendu clos.")
        expect(page.get_by_text("Noter les présences")).to_have_count(0)
        check_page(page, "conseil-de-maison-meeting-closed", phone=True)

        link = page.get_by_role("link", name="Compte rendu (PDF)").get_attribute("href")
        response = page.request.get(link)
        assert response.ok and response.headers["content-type"] == "application/pdf"
        body = response.body()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    for expected in (
        "Le bruit dans le couloir le soir",
        "Un potager dans le jardin",
        "Bruno Berger",  # the resident who came without being a member
        "Après 22 h, chacun baisse le son de la télé.",
        "Faire l'affiche sur le bruit le soir",
    ):
        assert expected in text, expected
    assert "Projet" not in text  # closed minutes, not a draft
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "conseil-de-maison-minutes.pdf"
    pdf.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", pdf, SCREENSHOTS / "conseil-de-maison-minutes-pdf"],
        check=True,
    )
    meeting = Meeting.objects.get(pk=house_meeting.pk)
    assert meeting.minutes_closed_at is not None
    residents = Attendance.objects.filter(meeting=meeting, person__isnull=False)
    assert list(residents.values_list("person__last_name", flat=True)) == ["Berger"]
