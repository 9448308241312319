"""The invitation e-mail carries the meeting's proposal link (docs/adr/0044) while it is open and subjects are still
taken: its absolute address, under « Vous voulez parler d'un sujet ? », so that a member proposes without an account;
a link turned off, or a deadline passed, gives no address."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from habiter.community import agenda_links, invitations, services
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory

from .factories import make_council

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
OPENED = date(2026, 3, 2)
DEADLINE = date(2026, 3, 10)  # a Tuesday; the meeting is on Thursday 12 March at 14:00
MEETING_AT = datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)
LINK_PREFIX = "http://testserver/instances/reunions/proposer/"


@pytest.fixture
def meeting(world):
    """A CVS meeting with a member in office who has an e-mail, and its proposal link opened on 2 March."""
    director = world.users["director"]
    with time_machine.travel(OPENED, tick=False):
        council = make_council(director, "Conseil de Vie Sociale")
        lead = UserFactory(organisation=world.organisation, role=Role.TEAM_LEAD, email="chef.service@alpa.example")
        services.member_add(actor=director, council_id=council.pk, role="staff_rep", user_id=lead.pk, term_start=OPENED)
        meeting = services.meeting_schedule(
            actor=director,
            council_id=council.pk,
            starts_at=MEETING_AT,
            place="Salle commune",
            proposals_until=DEADLINE,
        )
        agenda_links.proposal_link_open(actor=director, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return meeting


def _send(client, director, meeting, capture):
    client.force_login(director)
    with capture(execute=True):
        response = client.post(reverse("community:meeting_invitations", args=[meeting.pk]), follow=True)
    assert "1 invitation envoyée par courriel." in response.content.decode()
    [message] = mail.outbox
    return message.body


def test_the_invitation_gives_the_open_links_address_until_the_deadline_day_included(
    client, world, meeting, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 10, 18, 0, tzinfo=PARIS), tick=False):
        body = _send(client, world.users["director"], meeting, django_capture_on_commit_callbacks)

    link = f"{LINK_PREFIX}{meeting.proposal_key}/"
    assert (
        "Vous voulez parler d'un sujet ? Proposez-le jusqu'au 10 mars 2026, sans compte, à cette adresse :\n"
        f"{link}\n\nAssociation A\n"
    ) in body
    # the address is the proposal page itself, open to anyone without an account
    with time_machine.travel(datetime(2026, 3, 10, 18, 5, tzinfo=PARIS), tick=False):
        page = Client().get(link.removeprefix("http://testserver"))
    assert page.status_code == 200 and "Conseil de Vie Sociale" in page.content.decode()


def test_a_link_turned_off_gives_no_address(client, world, meeting, django_capture_on_commit_callbacks):
    director = world.users["director"]
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False):
        agenda_links.proposal_link_close(actor=director, meeting_id=meeting.pk)
        body = _send(client, director, meeting, django_capture_on_commit_callbacks)

    assert "Vous voulez parler d'un sujet ? Proposez-le jusqu'au 10 mars 2026.\n\nAssociation A\n" in body
    assert "proposer" not in body and "http" not in body


def test_after_the_deadline_neither_the_paragraph_nor_the_address(
    client, world, meeting, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=PARIS), tick=False):
        body = _send(client, world.users["director"], meeting, django_capture_on_commit_callbacks)

    assert "Vous voulez parler d'un sujet" not in body
    assert meeting.proposal_key not in body and "http" not in body
    assert body.endswith("Salle commune.\n\nL'ordre du jour est en préparation.\n\nAssociation A\n")


def test_the_service_without_the_sites_address_names_the_deadline_only(
    world, meeting, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            invitations.meeting_invitations_send(actor=world.users["director"], meeting_id=meeting.pk)
        [message] = mail.outbox
        assert "Proposez-le jusqu'au 10 mars 2026.\n" in message.body and "http" not in message.body

        assert invitations.proposal_address(meeting, "https://habiter.example/") == (
            f"https://habiter.example/instances/reunions/proposer/{meeting.proposal_key}/"
        )
        assert invitations.proposal_address(meeting, "") == ""
        meeting.proposal_key = None
        assert invitations.proposal_address(meeting, "https://habiter.example/") == ""
