"""W23, « no account before the charter is signed »: a volunteer of an association that has no charter in force is
held on a page saying the association has not published it yet and to ask their referent — every page but logout
leads there —; once a charter is published and signed, they pass. The director's volunteers' page says no charter
is published, with the link to publish one."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from habiter.community import volunteers as services
from habiter.community.models import CharterSignature
from habiter.core.models import Role
from habiter.core.services import organisation_create
from habiter.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
PASSWORD = "un-mot-de-passe-bien-long"
PAGES = (
    "core:home",
    "core:account",
    "community:my_volunteering",
    "community:council_list",
    "reception:desk_visit_list",
    "reception:desk_visit_create",
    "people:household_list",
)


@pytest.fixture
def association():
    """A director, a referent and a volunteer with a profile, in an association that has published no charter."""
    organisation = organisation_create(name="Association sans charte", team_names=["Unique"])
    director = UserFactory(organisation=organisation, role=Role.DIRECTOR, first_name="Claire", last_name="Fabre")
    account = UserFactory(organisation=organisation, role=Role.VOLUNTEER, username="j.benard")
    with time_machine.travel(TODAY, tick=False):
        services.volunteer_create(
            actor=director, user_id=account.pk, referent_id=director.pk, data={"started_on": date(2026, 1, 5)}
        )
    return director, account


def _held_everywhere(client):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("community:charter_sign"), name


@time_machine.travel(TODAY, tick=False)
def test_a_volunteer_without_a_charter_in_force_is_held_on_a_page_saying_so_until_one_is_published_and_signed(
    client, association
):
    director, account = association
    assert client.post(reverse("core:login"), {"username": "j.benard", "password": PASSWORD}).status_code == 302
    _held_everywhere(client)
    page = client.get(reverse("community:charter_sign")).content.decode()
    assert "Votre association n'a pas encore publié sa charte du bénévole" in page
    assert "Demandez-la à votre référent, Claire Fabre." in page
    assert "Je signe la charte" not in page
    response = client.post(reverse("community:charter_sign"), follow=True)  # nothing to sign: said, nothing saved
    assert "Aucune charte n&#x27;est en vigueur : rien à signer." in response.content.decode()
    assert not CharterSignature.objects.filter(user=account).exists()
    logout = client.post(reverse("core:logout"))
    assert logout.status_code == 302 and logout["Location"] != reverse("community:charter_sign")

    services.charter_publish(actor=director, published_on=TODAY, text="Je ne vois jamais le dossier d'un ménage.")
    client.post(reverse("core:login"), {"username": "j.benard", "password": PASSWORD})
    _held_everywhere(client)  # now to sign it
    page = client.get(reverse("community:charter_sign")).content.decode()
    assert "Je signe la charte" in page and "pas encore publié" not in page
    assert client.post(reverse("community:charter_sign"))["Location"] == reverse("community:my_volunteering")
    for name in PAGES[:3]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("community:council_list")).status_code == 404  # its own answer now, not the gate's


@time_machine.travel(TODAY, tick=False)
def test_a_charter_published_for_a_day_to_come_holds_until_that_day_and_says_when(client, association):
    director, account = association
    services.charter_publish(actor=director, published_on=date(2026, 7, 1), text="Charte.")
    assert services.charter_holds(account)
    client.force_login(account)
    _held_everywhere(client)
    page = client.get(reverse("community:charter_sign")).content.decode()
    assert "Une charte entre en vigueur le 1er juillet 2026 : vous pourrez la signer à partir de ce jour." in page
    client.force_login(director)
    page = client.get(reverse("community:volunteer_list")).content.decode()
    assert "La charte du bénévole entre en vigueur le 1er juillet 2026" in page
    with time_machine.travel(date(2026, 7, 1), tick=False):
        services.charter_sign(actor=account)
        assert not services.charter_holds(account)


@time_machine.travel(TODAY, tick=False)
def test_the_directors_volunteers_page_says_no_charter_is_published_with_the_link_to_publish_one(client, association):
    director, account = association
    client.force_login(director)
    page = client.get(reverse("community:volunteer_list")).content.decode()
    assert "Aucune charte du bénévole n'est publiée" in page
    assert f'href="{reverse("community:charter_create")}"' in page
    services.charter_publish(actor=director, published_on=TODAY, text="Charte.")
    page = client.get(reverse("community:volunteer_list")).content.decode()
    assert "Aucune charte du bénévole" not in page and "à signer" in page


@time_machine.travel(TODAY, tick=False)
def test_the_gate_costs_one_query_a_page_and_none_for_staff(association, django_assert_num_queries):
    director, account = association
    with django_assert_num_queries(1):
        assert services.charter_holds(account)
    with django_assert_num_queries(0):
        assert not services.charter_holds(director)
