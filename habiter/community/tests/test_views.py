from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from habiter.community import services
from habiter.community.models import AgendaItem, Attendance, Meeting
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.residences.tests.factories import make_residence

from .factories import make_council, make_election, make_meeting

pytestmark = pytest.mark.django_db

INVALID = "INVALID_TEMPLATE_VARIABLE"


def page_of(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert INVALID not in html, f"{url}: unknown template variable"
    return html


@pytest.fixture
def cvs(world):
    director = world.users["director"]
    council = make_council(director, "CVS de l'association")
    services.member_add(
        actor=director, council_id=council.pk, role="president", user_id=director.pk, term_start=timezone.localdate()
    )
    return council


def test_staff_see_the_council_and_its_meeting_volunteers_and_outsiders_get_404(client, world, cvs):
    meeting = make_meeting(world.users["director"], cvs)
    for role in ("director", "team_lead", "social_worker", "receptionist"):
        client.force_login(world.users[role])
        assert "CVS de l&#x27;association" in page_of(client, reverse("community:council_list")), role
        page_of(client, reverse("community:meeting_detail", args=[meeting.pk]))
    for role in ("volunteer", "accountant", "technician", "host", "lawyer"):
        client.force_login(world.users[role])
        page_of(client, reverse("community:council_detail", args=[cvs.pk]), 404)
        page_of(client, reverse("community:meeting_detail", args=[meeting.pk]), 404)
    outsider = UserFactory(organisation=world.other_organisation, role="director")
    client.force_login(outsider)
    page_of(client, reverse("community:council_detail", args=[cvs.pk]), 404)
    page_of(client, reverse("community:meeting_minutes_pdf", args=[meeting.pk]), 404)
    assert cvs.name not in page_of(client, reverse("community:council_list"))


def test_a_staff_member_proposes_a_subject_for_a_person_and_hostile_text_is_escaped(client, world, cvs):
    meeting = make_meeting(world.users["director"], cvs)
    person = world.own_household.members.first()
    client.force_login(world.users["social_worker"])
    url = reverse("community:meeting_detail", args=[meeting.pk])
    hostile = "<script>alert(1)</script>"
    response = client.post(url, {"step": "propose", "propose-title": hostile, "propose-person": person.pk})
    assert response.status_code == 302
    html = page_of(client, url)
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"proposé par {person.first_name} {person.last_name}" in html
    assert AuditEvent.objects.filter(action="household.list", detail__read="community.meeting").exists()


def test_forged_ids_are_refused(client, world, cvs):
    director = world.users["director"]
    meeting = make_meeting(director, cvs)
    other = make_council(director, "Bureau")
    stranger = services.member_add(
        actor=director, council_id=other.pk, role="member", name="Étranger", term_start=timezone.localdate()
    )
    foreign_person = world.other_org_household.members.first()
    client.force_login(world.users["social_worker"])
    url = reverse("community:meeting_detail", args=[meeting.pk])
    response = client.post(url, {"step": "propose", "propose-title": "A", "propose-member": stranger.pk})
    assert response.status_code == 200  # the form again: not a member of this council
    response = client.post(url, {"step": "propose", "propose-title": "B", "propose-person": foreign_person.pk})
    assert response.status_code == 200
    response = client.post(url, {"step": "attendance", f"attendance-m_{stranger.pk}": "present"})
    assert not Attendance.objects.exists()
    assert client.post(url, {"step": "decision", "decision-text": "Pas à moi"}).status_code == 404  # not a manager
    assert not AgendaItem.objects.exists()
    other_meeting = make_meeting(director, other)
    elsewhere = services.action_add(
        actor=director, meeting_id=other_meeting.pk, title="Ailleurs", owner_name="X", due_on=timezone.localdate()
    )
    client.force_login(director)
    for forged in ("pas-un-identifiant", str(elsewhere.pk)):
        response = client.post(url, {"step": "action_done", "action_id": forged})
        assert response.status_code == 404, forged
    elsewhere.refresh_from_db()
    assert elsewhere.done_on is None


def test_a_late_proposal_is_refused_in_french(client, world, cvs):
    meeting = make_meeting(world.users["director"], cvs, days=3, proposals_days=0)
    Meeting.objects.filter(pk=meeting.pk).update(proposals_until=timezone.localdate() - timedelta(days=1))
    client.force_login(world.users["director"])
    url = reverse("community:meeting_detail", args=[meeting.pk])
    html = page_of(client, url)
    assert "closes depuis le" in html and "Proposer ce sujet" not in html
    response = client.post(url, {"step": "propose", "propose-title": "Trop tard"})
    assert "proposez ce sujet pour la réunion suivante" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_closing_the_minutes_asks_for_a_confirmation_then_the_pdf_prints(client, world, cvs):
    director = world.users["director"]
    meeting = make_meeting(director, cvs, days=-1, proposals_days=-2)
    client.force_login(director)
    url = reverse("community:meeting_minutes", args=[meeting.pk])
    data = {"minutes": "Nous avons parlé du jardin.", "action": "close"}
    html = client.post(url, data).content.decode()
    assert "À confirmer" in html and "ne changeront plus" in html
    assert Meeting.objects.get(pk=meeting.pk).minutes_closed_at is None
    assert client.post(url, data | {"confirmed": "1"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes_closed_at is not None
    response = client.get(reverse("community:meeting_minutes_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    poster = client.get(reverse("community:meeting_poster_pdf", args=[meeting.pk]))
    assert poster.content.startswith(b"%PDF")


def test_a_statutory_cvs_warns_below_three_meetings_a_year_a_voluntary_one_never(client, world):
    director = world.users["director"]
    statutory = make_council(director, "CVS du CHRS", kind="cvs", legal_basis="casf_cvs")
    voluntary = make_council(director, "CVS volontaire")
    make_meeting(director, statutory, days=0, proposals_days=0)
    client.force_login(director)
    page = page_of(client, reverse("community:council_detail", args=[statutory.pk]))
    assert "au moins 3 réunions par an." in page and "1 prévue cette année." in page
    assert "au moins" not in page_of(client, reverse("community:council_detail", args=[voluntary.pk]))


def test_a_term_ending_soon_is_flagged_on_the_council_and_the_home_page(client, world, cvs):
    director = world.users["director"]
    today = timezone.localdate()
    services.member_add(
        actor=director,
        council_id=cvs.pk,
        role="resident_rep",
        name="Mme Ndiaye",
        term_start=today - timedelta(days=300),
        term_end=today + timedelta(days=20),
    )
    make_meeting(director, cvs, days=5)
    client.force_login(director)
    html = page_of(client, reverse("community:council_detail", args=[cvs.pk]))
    assert "Le mandat de Mme Ndiaye finit le" in html
    home = page_of(client, reverse("core:home"))
    assert "1 mandat finit bientôt" in home and "1 réunion dans les quatre semaines" in home


def test_a_host_runs_the_house_council_of_their_residence_only(client, world):
    director, host = world.users["director"], world.users["host"]
    pleiades = make_residence(director, "Les Pléiades", hosts=[host])
    soleil = make_residence(director, "Soleil")
    house = make_council(director, "Conseil de Maison des Pléiades", residence=pleiades, kind="conseil_de_maison")
    other = make_council(director, "Conseil de Maison de Soleil", residence=soleil, kind="conseil_de_maison")
    client.force_login(host)
    html = page_of(client, reverse("community:council_list"))
    assert "Pléiades" in html and "Soleil" not in html
    assert "Planifier une réunion" in page_of(client, reverse("community:council_detail", args=[house.pk]))
    page_of(client, reverse("community:council_detail", args=[other.pk]), 404)
    response = client.post(
        reverse("community:meeting_create", args=[house.pk]),
        {"starts_at": "2030-03-04T17:30", "place": "Salon", "proposals_until": "2030-03-03"},
    )
    assert response.status_code == 302 and Meeting.objects.filter(council=house).count() == 1


def test_the_results_are_confirmed_then_shown_with_the_pv(client, world, cvs):
    director = world.users["director"]
    today = timezone.localdate()
    for name in ("Mme Alves", "M. Benali", "Mme Costa"):
        services.member_add(actor=director, council_id=cvs.pk, role="member", name=name, term_start=today)
    election = make_election(director, cvs, roll_date=today, candidacy_deadline=today, vote_on=today)
    client.force_login(director)
    detail = reverse("community:election_detail", args=[election.pk])
    assert client.post(detail, {"step": "freeze"}).status_code == 302
    electors = list(election.electors.order_by("name"))
    for elector in electors[:2]:
        assert client.post(detail, {"step": "candidacy", "elector": elector.pk}).status_code == 302
    a, b = election.candidacies.order_by("elector__name")
    url = reverse("community:election_results", args=[election.pk])
    data = {"voters": "3", "blank": "0", "null": "0", f"c_{a.pk}": "2", f"c_{b.pk}": "1", "drawn": ""}
    wrong = client.post(url, data | {"voters": "2"}).content.decode()  # refused before any confirmation
    assert "À confirmer" not in wrong and "ne font pas le compte" in wrong
    assert "À confirmer" in client.post(url, data).content.decode()
    assert client.post(url, data | {"confirmed": "1"}).status_code == 302
    html = page_of(client, detail)
    assert "Élu·e titulaire" in html and "Élu·e suppléant·e" in html and "Procès-verbal (PDF)" in html
    assert client.get(reverse("community:election_pdf", args=[election.pk])).content.startswith(b"%PDF")
    council_page = page_of(client, reverse("community:council_detail", args=[cvs.pk]))
    assert "Mme Alves" in council_page and "Résultats proclamés" in council_page


def test_a_volunteer_client_without_login_is_sent_to_the_login_page(world, cvs):
    response = Client().get(reverse("community:council_detail", args=[cvs.pk]))
    assert response.status_code == 302 and "connexion" in response["Location"]


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page_of(client, url)
    return len(captured)


def test_list_and_detail_pages_cost_the_same_queries_whatever_the_rows(client, world, cvs):
    director = world.users["director"]
    client.force_login(director)
    meeting = make_meeting(director, cvs)
    today = timezone.localdate()

    def costs():
        return [
            _queries_of(client, reverse(name, args=args))
            for name, args in (
                ("community:council_list", []),
                ("community:council_detail", [cvs.pk]),
                ("community:meeting_detail", [meeting.pk]),
            )
        ]

    costs()  # the first page of a session reads it once
    before = costs()
    for number in range(4):
        make_council(director, f"Instance {number}")
        member = services.member_add(
            actor=director, council_id=cvs.pk, role="member", name=f"Membre {number}", term_start=today
        )
        services.agenda_item_propose(
            actor=director, meeting_id=meeting.pk, title=f"Sujet {number}", member_id=member.pk
        )
        services.action_add(
            actor=director, meeting_id=meeting.pk, title=f"Action {number}", owner_name="Accueil", due_on=today
        )
        make_meeting(director, cvs, days=20 + number)
    assert costs() == before


def test_an_overdue_action_is_shown_until_it_is_marked_done(client, world, cvs):
    director = world.users["director"]
    meeting = make_meeting(director, cvs, days=-20, proposals_days=-22)
    action = services.action_add(
        actor=director,
        meeting_id=meeting.pk,
        title="Afficher les horaires",
        owner_name="L'accueil",
        due_on=timezone.localdate() - timedelta(days=3),
    )
    services.minutes_close(actor=director, meeting_id=meeting.pk, minutes="Court.")
    client.force_login(director)
    council_url = reverse("community:council_detail", args=[cvs.pk])
    html = page_of(client, council_url)
    assert "1 action à suivre" in html and "en retard" in html
    response = client.post(
        reverse("community:meeting_detail", args=[meeting.pk]), {"step": "action_done", "action_id": action.pk}
    )
    assert response.status_code == 302  # the follow-up goes on after the minutes are closed
    html = page_of(client, council_url)
    assert "0 action à suivre" in html and "en retard" not in html


def test_a_carence_is_confirmed_then_the_council_page_says_when_the_new_election_is_due(client, world, cvs):
    director = world.users["director"]
    with time_machine.travel(date(2026, 8, 20), tick=False):
        election = make_election(
            director, cvs, roll_date=date(2026, 8, 20), candidacy_deadline=date(2026, 8, 28), vote_on=date(2026, 8, 31)
        )
    client.force_login(director)
    url = reverse("community:election_detail", args=[election.pk])
    with time_machine.travel(date(2026, 8, 31), tick=False):
        services.election_roll_freeze(actor=director, election_id=election.pk)
        assert "Constater la carence" in page_of(client, url)
        assert "À confirmer" in client.post(url, {"step": "carence"}).content.decode()
        assert client.post(url, {"step": "carence", "confirmed": "1"}).status_code == 302
        html = page_of(client, reverse("community:council_detail", args=[cvs.pk]))
    assert "une nouvelle élection doit avoir lieu avant le 28 février 2027" in html


def test_a_host_notes_present_the_residents_who_are_not_members_and_the_minutes_list_them(client, world):
    """A Conseil de Maison is open to all the residents: the attendance form offers, beside the members, the residents
    under contract on the meeting day; a forged resident is refused in French and nothing is written."""
    import io

    from pypdf import PdfReader

    from habiter.people.tests.factories import make_household
    from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place

    director, host = world.users["director"], world.users["host"]
    pleiades = make_residence(director, "Les Pléiades", hosts=[host])
    soleil = make_residence(director, "Soleil", hosts=[host])
    for residence in (pleiades, soleil):
        make_house_rules(director, residence, date(2025, 1, 6))
    persons = {}
    for residence, label, first, last in (
        (pleiades, "1", "Agnès", "Auger"),
        (pleiades, "2", "Bruno", "Berger"),
        (soleil, "S1", "Denis", "Dumas"),
    ):
        household = make_household(
            director,
            name=last,
            members=[{"first_name": first, "last_name": last, "birth_date": date(1970, 1, 1), "relation": "head"}],
        )
        persons[last] = household.members.get()
        make_active_contract(director, make_place(director, residence, label), persons[last], date(2025, 1, 6))
    council = make_council(director, "Conseil de Maison", residence=pleiades, kind="conseil_de_maison")
    member = services.member_add(
        actor=director, council_id=council.pk, role="host", user_id=host.pk, term_start=date(2025, 1, 6)
    )
    meeting = make_meeting(host, council, days=-1, proposals_days=-2)
    client.force_login(host)
    url = reverse("community:meeting_detail", args=[meeting.pk])
    html = page_of(client, url)
    assert "Autres résidents présents" in html and "Agnès Auger" in html and "Bruno Berger" in html
    assert "Dumas" not in html  # a resident of another house is not offered
    forged = {"step": "attendance", f"attendance-m_{member.pk}": "present", "attendance-residents": persons["Dumas"].pk}
    html = client.post(url, forged).content.decode()
    assert "Sélectionnez un choix valide" in html  # the form offers the residents under contract that day only
    assert not Attendance.objects.exists()
    data = {"step": "attendance", f"attendance-m_{member.pk}": "present", "attendance-residents": persons["Berger"].pk}
    response = client.post(url, data, follow=True)
    assert "Présence notée pour 1 membre. 1 autre résident présent." in response.content.decode()
    html = page_of(client, url)
    assert "<li>Bruno Berger</li>" in html
    pdf = client.get(reverse("community:meeting_minutes_pdf", args=[meeting.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Les autres résidents présents" in text and "Bruno Berger" in text and "Agnès Auger" not in text
    read = AuditEvent.objects.filter(action="household.list", detail__read="community.minutes").latest("created_at")
    assert read.detail["households"] == [str(persons["Berger"].household_id)]  # the printed names are journaled
    both = data | {"attendance-excused": [persons["Berger"].pk]}
    html = client.post(url, both).content.decode()
    assert "Bruno Berger est coché·e à la fois présent·e et excusé·e : choisissez l&#x27;un des deux." in html
    client.post(url, data | {"attendance-excused": [persons["Auger"].pk]})
    html = page_of(client, url)
    assert "Autres résidents excusés" in html and "<li>Agnès Auger</li>" in html
    pdf = client.get(reverse("community:meeting_minutes_pdf", args=[meeting.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Les autres résidents excusés" in text and "Agnès Auger" in text
    read = AuditEvent.objects.filter(action="household.list", detail__read="community.minutes").latest("created_at")
    assert sorted(read.detail["households"]) == sorted(str(persons[n].household_id) for n in ("Auger", "Berger"))
