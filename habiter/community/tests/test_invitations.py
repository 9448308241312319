"""A meeting's invitations sent by e-mail from its page (« Envoyer les invitations par courriel »): to the members in
office on the meeting day who have an address, in French, with the day, the place and the agenda; by a director only;
recorded, audited and shown on the page; sending again asks for a confirmation first."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.community import invitations, services
from habiter.community.models import Meeting
from habiter.core.models import AuditEvent, Role
from habiter.core.templatetags.french import long_date
from habiter.core.tests.factories import UserFactory
from habiter.people.models import Person
from habiter.residences.tests.factories import make_residence

from .factories import make_council, make_meeting
from .test_views import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(world):
    return invited_meeting(world)


def invited_meeting(world):
    """A council whose members in office on the meeting day are a staff member with an e-mail (holding two seats),
    an accompanied person with one and a name typed without; a member whose term has ended and one whose term
    starts after the meeting are not invited. The meeting in ten days has two subjects on its agenda."""
    director = world.users["director"]
    council = make_council(director, "CVS de l'association")
    today = timezone.localdate()
    lead = UserFactory(organisation=world.organisation, role=Role.TEAM_LEAD, email="chef.service@alpa.example")
    person = world.own_household.members.first()
    Person.objects.filter(pk=person.pk).update(email="diallo@example.org")
    gone = UserFactory(organisation=world.organisation, role=Role.SOCIAL_WORKER, email="partie@alpa.example")
    later = UserFactory(organisation=world.organisation, role=Role.SOCIAL_WORKER, email="bientot@alpa.example")
    for role, who in (
        ("staff_rep", {"user_id": lead.pk}),
        ("president", {"user_id": lead.pk}),  # two seats, one message
        ("resident_rep", {"person_id": person.pk}),
        ("resident_rep", {"name": "M. Roux"}),
    ):
        services.member_add(actor=director, council_id=council.pk, role=role, term_start=today, **who)
    services.member_add(
        actor=director,
        council_id=council.pk,
        role="staff_rep",
        user_id=gone.pk,
        term_start=today - timedelta(days=400),
        term_end=today - timedelta(days=1),
    )
    services.member_add(
        actor=director, council_id=council.pk, role="staff_rep", user_id=later.pk, term_start=today + timedelta(30)
    )
    meeting = make_meeting(director, council, days=10)
    for title in ("Travaux de la salle commune", "Fête de l'été"):
        services.agenda_item_propose(actor=director, meeting_id=meeting.pk, title=title)
    return meeting


def _send(client, meeting, capture, data=None):
    with capture(execute=True):
        return client.post(reverse("community:meeting_invitations", args=[meeting.pk]), data or {}, follow=True)


def test_a_director_sends_the_invitations_to_the_members_with_an_address(
    client, world, invited, django_capture_on_commit_callbacks
):
    director = world.users["director"]
    client.force_login(director)
    page = page_of(client, reverse("community:meeting_detail", args=[invited.pk]))
    assert "Envoyer les invitations par courriel" in page and "pas encore envoyées" in page
    assert "2 adresses de courriel parmi les membres en mandat le jour de la réunion." in page
    assert "1 membre n'a pas d'adresse." in page

    response = _send(client, invited, django_capture_on_commit_callbacks)

    html = response.content.decode()
    assert "2 invitations envoyées par courriel. 1 membre n&#x27;a pas d&#x27;adresse de courriel" in html
    assert sorted(m.to[0] for m in mail.outbox) == ["chef.service@alpa.example", "diallo@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    start = timezone.localtime(invited.starts_at)
    message = mail.outbox[0]
    assert message.subject == f"Invitation : CVS de l'association, {long_date(start, 'l')} à 14:00"
    assert f"le {long_date(start, 'l')} à 14:00, lieu : Salle commune." in message.body
    assert "Ordre du jour :\n1. Travaux de la salle commune\n2. Fête de l'été" in message.body
    assert message.body.rstrip().endswith("Association A")
    meeting = Meeting.objects.get(pk=invited.pk)
    assert meeting.invitations_sent_count == 2 and meeting.invitations_sent_at is not None
    event = AuditEvent.objects.get(action="meeting.invitations_send", object_id=str(invited.pk))
    assert event.actor_id == director.pk
    assert event.detail == {"sent": 2, "without_address": 1, "again": False}
    assert f"envoyées le {long_date(meeting.invitations_sent_at, 'H:i')} : 2 courriels" in html


def test_sending_again_asks_for_a_confirmation_first(client, world, invited, django_capture_on_commit_callbacks):
    client.force_login(world.users["director"])
    _send(client, invited, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    asked = _send(client, invited, django_capture_on_commit_callbacks)
    html = asked.content.decode()
    assert "À confirmer" in html and 'name="confirmed" value="1"' in html and "Renvoyer les invitations" in html
    assert "Une nouvelle invitation part vers 2 adresses" in html
    assert len(mail.outbox) == 2  # nothing sent before the confirmation

    done = _send(client, invited, django_capture_on_commit_callbacks, {"confirmed": "1"})
    assert "2 invitations envoyées par courriel." in done.content.decode()
    assert len(mail.outbox) == 4
    assert AuditEvent.objects.filter(action="meeting.invitations_send", detail__again=True).count() == 1


def test_the_service_never_sends_twice_unless_asked_to(world, invited, django_capture_on_commit_callbacks):
    director = world.users["director"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = invitations.meeting_invitations_send(actor=director, meeting_id=invited.pk)
    assert (sent.sent, sent.without_address) == (2, 1)
    with pytest.raises(ValidationError, match="Les invitations ont déjà été envoyées le .* \\(2 courriels\\)."):
        invitations.meeting_invitations_send(actor=director, meeting_id=invited.pk)  # a second click, say
    assert len(mail.outbox) == 2


def test_only_a_director_of_the_organisation_sends_them(client, world, invited, django_capture_on_commit_callbacks):
    url = reverse("community:meeting_invitations", args=[invited.pk])
    outsider = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    for user in [world.users[role] for role in ("team_lead", "social_worker", "receptionist", "volunteer", "host")]:
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 404, user.role
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(world.users["social_worker"])
    assert "Envoyer les invitations par courriel" not in page_of(
        client, reverse("community:meeting_detail", args=[invited.pk])
    )
    with pytest.raises(PermissionDenied):
        invitations.meeting_invitations_send(actor=world.users["social_worker"], meeting_id=invited.pk)
    with pytest.raises(Meeting.DoesNotExist):
        invitations.meeting_invitations_send(actor=outsider, meeting_id=invited.pk)
    assert not mail.outbox and Meeting.objects.get(pk=invited.pk).invitations_sent_at is None
    assert not AuditEvent.objects.filter(action="meeting.invitations_send").exists()


def test_a_host_manages_the_house_council_but_does_not_send_its_invitations(client, world):
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, hosts=[host])
    house = make_council(director, "Conseil de Maison", residence=residence, kind="conseil_de_maison")
    meeting = make_meeting(director, house)
    client.force_login(host)
    assert "Envoyer les invitations par courriel" not in page_of(
        client, reverse("community:meeting_detail", args=[meeting.pk])
    )
    assert client.post(reverse("community:meeting_invitations", args=[meeting.pk])).status_code == 404


def test_a_meeting_held_or_without_any_address_sends_nothing(client, world, django_capture_on_commit_callbacks):
    director = world.users["director"]
    council = make_council(director, "Bureau", kind="bureau", legal_basis="statutes")
    services.member_add(
        actor=director, council_id=council.pk, role="member", name="M. Roux", term_start=timezone.localdate()
    )
    client.force_login(director)
    to_come = make_meeting(director, council, days=5)
    response = _send(client, to_come, django_capture_on_commit_callbacks)
    assert (
        "Aucun membre en mandat le jour de la réunion n&#x27;a d&#x27;adresse de courriel" in response.content.decode()
    )

    lead = UserFactory(organisation=world.organisation, role=Role.TEAM_LEAD, email="chef@alpa.example")
    services.member_add(
        actor=director,
        council_id=council.pk,
        role="member",
        user_id=lead.pk,
        term_start=timezone.localdate() - timedelta(days=30),
    )
    held = make_meeting(director, council, days=-3, proposals_days=-4)
    assert "Envoyer les invitations par courriel" not in page_of(
        client, reverse("community:meeting_detail", args=[held.pk])
    )
    response = _send(client, held, django_capture_on_commit_callbacks)
    assert "Cette réunion a commencé ou a eu lieu : ses invitations ne s&#x27;envoient plus." in (
        response.content.decode()
    )
    assert not mail.outbox
    assert not Meeting.objects.filter(invitations_sent_at__isnull=False).exists()


def test_the_button_posts_only(client, world, invited):
    client.force_login(world.users["director"])
    assert client.get(reverse("community:meeting_invitations", args=[invited.pk])).status_code == 405
