"""The invitations leave after the commit (`transaction.on_commit`): a test that commits, to see a refusal of the mail
server reach the page as it does in production."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from habiter.community.models import Meeting

from .test_invitations import invited_meeting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invited(world):
    return invited_meeting(world)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connexion perdue")


def test_the_messages_leave_once_committed(client, world, invited):
    client.force_login(world.users["director"])
    client.post(reverse("community:meeting_invitations", args=[invited.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == ["chef.service@alpa.example", "diallo@example.org"]


def test_a_refusal_of_the_mail_server_is_said_in_french(client, world, invited, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    client.force_login(world.users["director"])
    response = client.post(reverse("community:meeting_invitations", args=[invited.pk]), follow=True)
    html = response.content.decode()
    assert "Le serveur de courriel a refusé l&#x27;envoi (connexion perdue) : renvoyez les invitations." in html
    # the sending was recorded before the server answered: sending again asks for a confirmation, as after any sending
    assert Meeting.objects.get(pk=invited.pk).invitations_sent_count == 2
