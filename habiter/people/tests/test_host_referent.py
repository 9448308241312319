"""W10: a host reads a resident's practical file, not the social worker's notes — unless the host is the household's
referent, as in a pension de famille where the host follows a resident. Then the whole file opens to them (notes
included, and they may write one); any other household stays out of their reach (404)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.people import queries, services
from habiter.people.models import HouseholdNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(world):
    """The director makes the host the referent of the team's household, where the social worker wrote a note."""
    director, host = world.users["director"], world.users["host"]
    household = world.own_household
    services.note_add(actor=world.users["social_worker"], household_id=household.pk, text="Suivi santé : RDV CMP")
    household.refresh_from_db()
    services.household_update(
        actor=director, household_id=household.pk, expected_version=household.version, data={}, referent=host
    )
    household.refresh_from_db()
    assert household.referent_id == host.pk
    return household


def test_the_referent_host_opens_the_file_and_its_notes_and_writes_one(client, world, followed):
    host = world.users["host"]
    assert list(queries.households_visible_to(host)) == [followed]
    client.force_login(host)
    html = client.get(reverse("people:household_detail", args=[followed.pk])).content.decode()
    assert "Suivi santé : RDV CMP" in html
    response = client.post(reverse("people:note_create", args=[followed.pk]), {"text": "Point avec le résident"})
    assert response.status_code == 302
    assert HouseholdNote.objects.filter(household=followed, text="Point avec le résident", author=host).exists()


def test_a_host_opens_no_other_file(client, world, followed):
    host = world.users["host"]
    other_host = UserFactory(organisation=world.organisation, role=Role.HOST)
    client.force_login(host)
    for household in (world.other_team_household, world.other_org_household):
        assert client.get(reverse("people:household_detail", args=[household.pk])).status_code == 404
        assert client.post(reverse("people:note_create", args=[household.pk]), {"text": "x"}).status_code == 404
    client.force_login(other_host)  # a host who is not the referent: the practical file only, never the notes
    assert client.get(reverse("people:household_detail", args=[followed.pk])).status_code == 404
    assert list(queries.households_visible_to(other_host)) == []


def test_only_staff_who_follow_households_can_be_referent(world):
    director = world.users["director"]
    household = world.own_household
    for role in ("volunteer", "accountant"):
        with pytest.raises(ValidationError) as refused:
            services.household_update(
                actor=director,
                household_id=household.pk,
                expected_version=household.version,
                data={},
                referent=world.users[role],
            )
        assert refused.value.message_dict["referent"] == [
            "Le référent doit être un travailleur social, un cadre ou un hôte."
        ]
    assert world.users["host"] in queries.referent_choices(director)


def test_the_practical_file_links_to_the_household_only_for_the_referent_host(world, followed):
    from habiter.residences.queries import may_open_household

    assert may_open_household(world.users["host"], followed.pk)
    assert not may_open_household(UserFactory(organisation=world.organisation, role=Role.HOST), followed.pk)
