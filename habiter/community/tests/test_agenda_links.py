"""A meeting's proposal link (docs/adr/0044): its managers open it and turn it off; anyone holding it proposes a
subject without an account until the proposals deadline, that day included (later: a French refusal); the subject
reaches the agenda marked « proposé par le lien », without an author, and its audit event names the meeting only;
the hourly bound per address of the surveys; hostile text shown escaped; a page without inline script or style;
the link on the meeting's page and its poster."""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from habiter.community import agenda_links, services, survey_views
from habiter.community.models import AgendaItem, Meeting
from habiter.core.models import AuditEvent, Role
from habiter.core.services import organisation_create
from habiter.core.tests.factories import UserFactory
from habiter.residences.tests.factories import make_residence

from .factories import make_council

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 3, 2)
MEETING_AT = datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)
DEADLINE = date(2026, 3, 10)
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.I)


@pytest.fixture
def meeting(world):
    with time_machine.travel(TODAY, tick=False):
        council = make_council(world.users["director"], "Conseil de Vie Sociale")
        return services.meeting_schedule(
            actor=world.users["director"],
            council_id=council.pk,
            starts_at=MEETING_AT,
            place="Salle commune",
            proposals_until=DEADLINE,
        )


def _open(actor, meeting) -> str:
    return agenda_links.proposal_link_open(actor=actor, meeting_id=meeting.pk).proposal_key


def _propose_url(key) -> str:
    return reverse("community:agenda_propose", args=[key])


@time_machine.travel(TODAY, tick=False)
def test_the_director_opens_the_link_and_anyone_proposes_a_subject_that_reaches_the_agenda(client, world, meeting):
    director = world.users["director"]
    client.force_login(director)
    meeting_url = reverse("community:meeting_detail", args=[meeting.pk])
    assert "Ouvrir le lien de propositions" in client.get(meeting_url).content.decode()
    response = client.post(reverse("community:meeting_proposal_link", args=[meeting.pk]), {"action": "open"})
    assert response["Location"] == meeting_url
    key = Meeting.objects.get(pk=meeting.pk).proposal_key
    assert key and len(key) >= 32
    page = client.get(meeting_url).content.decode()
    assert f"http://testserver{_propose_url(key)}" in page and "Couper le lien" in page

    anonymous = Client()
    form = anonymous.get(_propose_url(key))
    html = form.content.decode()
    assert form.status_code == 200 and "Conseil de Vie Sociale : proposer un sujet" in html
    assert "avant la fin du 10 mars 2026" in html
    assert not INLINE.findall(html), INLINE.findall(html)  # CSP: no inline script nor style
    assert "'unsafe-inline'" not in form.headers["Content-Security-Policy"]
    data = {"title": "Un banc dans le jardin", "detail": "Pour s'asseoir au soleil.", "first_name": "Fatima"}
    response = anonymous.post(_propose_url(key), data)
    assert response["Location"] == reverse("community:agenda_propose_thanks", args=[key])
    assert (
        "Votre sujet est à l'ordre du jour de la réunion du jeudi 12 mars 2026, 14:00 (Conseil de Vie Sociale)."
        in anonymous.get(response["Location"]).content.decode()
    )

    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.detail, item.by_link, item.entered_by_id) == (
        "Un banc dans le jardin",
        "Pour s'asseoir au soleil.",
        True,
        None,
    )
    assert (item.member_id, item.person_id, item.proposer_name) == (None, None, "Fatima")
    event = AuditEvent.objects.get(action="agenda_item.propose_by_link")
    assert (event.actor_id, event.object_type, event.object_id, event.organisation_id) == (
        None,
        "meeting",
        str(meeting.pk),
        world.organisation.pk,
    )
    assert "Fatima" not in str(event.detail) and "banc" not in str(event.detail)
    assert AuditEvent.objects.filter(action="meeting.proposal_link_open", actor=director).count() == 1

    page = client.get(meeting_url).content.decode()
    assert "Un banc dans le jardin" in page and "proposé par le lien (prénom indiqué : Fatima)" in page
    assert "Un banc dans le jardin" in anonymous.get(_propose_url(key)).content.decode()  # the agenda as it stands


@time_machine.travel(TODAY, tick=False)
def test_the_staff_who_read_the_council_see_the_link_but_only_its_managers_open_or_turn_it_off(client, world, meeting):
    director, worker = world.users["director"], world.users["social_worker"]
    client.force_login(worker)
    url = reverse("community:meeting_detail", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "la direction ou l'hôte peut l'ouvrir" in page
    assert "Ouvrir le lien de propositions" not in page
    link_page = reverse("community:meeting_proposal_link", args=[meeting.pk])
    assert client.post(link_page, {"action": "open"}).status_code == 404
    with pytest.raises(PermissionDenied):
        agenda_links.proposal_link_open(actor=worker, meeting_id=meeting.pk)
    key = _open(director, meeting)
    page = client.get(url).content.decode()
    assert _propose_url(key) in page and "Couper le lien" not in page
    outsider = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    client.force_login(outsider)
    assert client.get(link_page).status_code == 404
    with pytest.raises(Meeting.DoesNotExist):
        agenda_links.proposal_link_open(actor=outsider, meeting_id=meeting.pk)


@time_machine.travel(TODAY, tick=False)
def test_the_host_of_the_residence_opens_the_link_of_its_house_council(client, world):
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, "Les Pléiades", hosts=[host])
    council = make_council(director, "Conseil de Maison", kind="conseil_de_maison", residence=residence)
    house_meeting = services.meeting_schedule(
        actor=host, council_id=council.pk, starts_at=MEETING_AT, place="Salon", proposals_until=DEADLINE
    )
    client.force_login(host)
    response = client.post(reverse("community:meeting_proposal_link", args=[house_meeting.pk]), {"action": "open"})
    assert response.status_code == 302 and Meeting.objects.get(pk=house_meeting.pk).proposal_key


def test_after_the_deadline_the_link_refuses_in_french_and_saves_nothing(world, meeting):
    with time_machine.travel(TODAY, tick=False):
        key = _open(world.users["director"], meeting)
    anonymous = Client()
    data = {"title": "Trop tard", "detail": "", "first_name": ""}
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=PARIS), tick=False):  # its last day: still open
        assert anonymous.post(_propose_url(key), {"title": "Juste à temps"}).status_code == 302
    with time_machine.travel(datetime(2026, 3, 11, 8, 0, tzinfo=PARIS), tick=False):
        html = anonymous.get(_propose_url(key)).content.decode()
        assert "étaient ouvertes jusqu&#x27;au 10/03/2026" in html
        assert "Proposer ce sujet" not in html
        response = anonymous.post(_propose_url(key), data)
        assert response.status_code == 200 and "étaient ouvertes jusqu&#x27;au 10/03/2026" in response.content.decode()
        with pytest.raises(ValidationError) as refused:
            agenda_links.agenda_item_propose_by_link(proposal_key=key, title="Trop tard")
        assert "proposez ce sujet pour la réunion suivante" in str(refused.value)
        agenda_links.proposal_link_close(actor=world.users["director"], meeting_id=meeting.pk)
        with pytest.raises(ValidationError):  # a link is not opened once proposals are closed
            agenda_links.proposal_link_open(actor=world.users["director"], meeting_id=meeting.pk)
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["Juste à temps"]


@time_machine.travel(TODAY, tick=False)
def test_a_link_turned_off_after_a_confirmation_answers_404_and_a_new_one_has_another_address(client, world, meeting):
    director = world.users["director"]
    key = _open(director, meeting)
    with pytest.raises(ValidationError):
        _open(director, meeting)  # already open
    client.force_login(director)
    link_page = reverse("community:meeting_proposal_link", args=[meeting.pk])
    assert "À confirmer" in client.post(link_page, {"action": "close"}).content.decode()
    assert Meeting.objects.get(pk=meeting.pk).proposal_key == key  # nothing changed before the confirmation
    assert client.post(link_page, {"action": "close", "confirmed": "1"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).proposal_key is None
    anonymous = Client()
    assert anonymous.get(_propose_url(key)).status_code == 404
    assert anonymous.post(_propose_url(key), {"title": "Après coup"}).status_code == 404
    assert anonymous.get(reverse("community:agenda_propose_thanks", args=[key])).status_code == 404
    assert anonymous.get(_propose_url("x" * 32)).status_code == 404
    new_key = _open(director, meeting)
    assert new_key != key and anonymous.get(_propose_url(new_key)).status_code == 200
    assert AuditEvent.objects.filter(action="meeting.proposal_link_close").count() == 1
    response = client.post(link_page, {"action": "forged"}, follow=True)
    assert "Choisissez d&#x27;ouvrir ou de couper le lien." in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_closed_minutes_close_the_link_too(world):
    director = world.users["director"]
    council = make_council(director, "Bureau", kind="bureau", legal_basis="statutes")
    past = services.meeting_schedule(
        actor=director,
        council_id=council.pk,
        starts_at=datetime(2026, 3, 2, 9, 0, tzinfo=PARIS),
        place="Siège",
        proposals_until=TODAY,
    )
    key = _open(director, past)
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=PARIS), tick=False):  # its last day, after it
        services.minutes_close(actor=director, meeting_id=past.pk, minutes="Compte rendu.")
        html = Client().get(_propose_url(key)).content.decode()
        assert "son compte rendu est clos : elle ne prend plus de sujets" in html
        with pytest.raises(ValidationError):
            agenda_links.agenda_item_propose_by_link(proposal_key=key, title="Trop tard")


@time_machine.travel(TODAY, tick=False)
def test_hostile_text_is_stored_exactly_and_shown_escaped(client, world, meeting):
    key = _open(world.users["director"], meeting)
    hostile = '<script>alert("x")</script>'
    name = "<img src=x onerror=alert(1)>"
    anonymous = Client()
    assert (
        anonymous.post(_propose_url(key), {"title": hostile, "detail": hostile, "first_name": name}).status_code == 302
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.detail, item.proposer_name) == (hostile, hostile, name)
    client.force_login(world.users["social_worker"])
    pages = [
        client.get(reverse("community:meeting_detail", args=[meeting.pk])).content.decode(),
        anonymous.get(_propose_url(key)).content.decode(),
    ]
    for html in pages:
        assert hostile not in html and name not in html
        assert escape(hostile) in html
    assert escape(name) in pages[0]


@time_machine.travel(TODAY, tick=False)
def test_one_address_is_bounded_to_the_surveys_hourly_number_of_proposals(world, meeting, monkeypatch):
    monkeypatch.setattr(survey_views, "LINK_ANSWERS_PER_HOUR", 2)
    key = _open(world.users["director"], meeting)
    anonymous = Client(REMOTE_ADDR="203.0.113.7")
    for n in (1, 2):
        assert anonymous.post(_propose_url(key), {"title": f"Sujet {n}"}).status_code == 302
    response = anonymous.post(_propose_url(key), {"title": "Sujet 3"})
    assert response.status_code == 200
    assert "Trop de propositions depuis cette connexion : réessayez dans une heure." in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    assert Client(REMOTE_ADDR="203.0.113.8").post(_propose_url(key), {"title": "Sujet 4"}).status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_a_title_is_required_and_the_few_lines_are_few(world, meeting):
    key = _open(world.users["director"], meeting)
    response = Client().post(_propose_url(key), {"title": "  ", "detail": "x" * 1001})
    html = response.content.decode()
    assert response.status_code == 200 and "Ce champ est obligatoire." in html
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


@time_machine.travel(TODAY, tick=False)
def test_the_poster_prints_the_link_while_proposals_are_open(client, world, meeting):
    director = world.users["director"]
    client.force_login(director)
    poster = reverse("community:meeting_poster_pdf", args=[meeting.pk])

    def text():
        response = client.get(poster)
        assert response["Content-Type"] == "application/pdf"
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    assert "sans compte" not in text()
    key = _open(director, meeting)
    printed = re.sub(r"\s", "", text())
    assert "Ouproposez-levous-même,sanscompte,avecvotretéléphone" in printed
    assert f"/instances/reunions/proposer/{key}/" in printed


def test_a_subject_by_link_has_no_author_nor_file_and_one_by_staff_has_its_author(world, meeting):
    """The database says it too (a check constraint), whatever the service."""
    staff = AgendaItem(
        organisation=world.organisation, meeting=meeting, title="Saisi", entered_by=world.users["director"]
    )
    staff.full_clean()
    for wrong in (
        AgendaItem(organisation=world.organisation, meeting=meeting, title="Sans auteur"),
        AgendaItem(
            organisation=world.organisation,
            meeting=meeting,
            title="Lien signé",
            by_link=True,
            entered_by=world.users["director"],
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            wrong.full_clean()
        assert "proposé par le lien sans auteur ni dossier" in str(refused.value)


def test_another_organisations_meeting_link_works_for_anyone_holding_it(world):
    """The key is the right to propose: no account, no organisation checked (like a survey's link)."""
    other = organisation_create(name="Association C", team_names=["Unique"])
    director = UserFactory(organisation=other, role=Role.DIRECTOR)
    council = make_council(director, "CVS de C")
    day = timezone.localdate() + timedelta(days=5)
    meeting = services.meeting_schedule(
        actor=director,
        council_id=council.pk,
        starts_at=datetime.combine(day, time(14), tzinfo=PARIS),
        place="Salle",
        proposals_until=day,
    )
    key = _open(director, meeting)
    client = Client()
    client.force_login(world.users["social_worker"])  # logged in elsewhere: the link works the same
    assert client.post(_propose_url(key), {"title": "Un sujet"}).status_code == 302
    assert AgendaItem.objects.get(meeting=meeting).organisation_id == other.pk
