"""Reception staff and volunteers see a household's name, contact and referent: never its members' birth dates
(children's among them) nor the reasons of its earlier visits — on the search, the reception desk and the
workshop pages. The social worker, on the same pages, sees both."""

from datetime import date

import pytest
from django.urls import reverse

from habiter.people.tests.factories import make_household
from habiter.reception import services as reception_services
from habiter.reception.tests.factories import make_session

pytestmark = pytest.mark.django_db

CHILD_BIRTH = "09/02/2012"
SEARCH_ONLY = ["receptionist", "volunteer"]


@pytest.fixture
def family(world):
    household = make_household(
        world.users["social_worker"],
        name="Garnier",
        phone="06 71 23 45 89",
        members=[
            {"first_name": "Rose", "last_name": "Garnier", "birth_date": date(1984, 11, 2), "relation": "head"},
            {"first_name": "Inès", "last_name": "Garnier", "birth_date": date(2012, 2, 9), "relation": "child"},
        ],
    )
    reception_services.desk_visit_record(
        actor=world.users["receptionist"],
        topics=["eviction_threat"],
        household_id=household.pk,
        information_given="Commandement de payer reçu.",
        referral_partner="ADIL 13",
    )
    return household


@pytest.mark.parametrize("role", SEARCH_ONLY)
def test_the_search_shows_name_contact_and_referent_but_no_birth_date(client, world, family, role):
    client.force_login(world.users[role])
    page = client.get(reverse("people:household_list"), {"q": "garnier"}).content.decode()
    assert "Garnier" in page and "Inès Garnier" in page and "06 71 23 45 89" in page
    assert str(world.users["social_worker"]) in page  # the referent
    assert CHILD_BIRTH not in page and "02/11/1984" not in page
    assert reverse("people:household_detail", args=[family.pk]) not in page
    assert client.get(reverse("people:household_detail", args=[family.pk])).status_code == 404


@pytest.mark.parametrize("role", SEARCH_ONLY)
def test_the_reception_desk_shows_no_birth_date_nor_earlier_reasons(client, world, family, role):
    client.force_login(world.users[role])
    choices = client.get(reverse("reception:desk_visit_create"), {"household_q": "garnier"}).content.decode()
    assert "Inès Garnier" in choices and CHILD_BIRTH not in choices
    visits = client.get(reverse("reception:desk_visit_list")).content.decode()
    assert "Garnier" in visits
    assert "Commandement de payer reçu." not in visits and "ADIL 13" not in visits
    assert "Menace d&#x27;expulsion" not in visits and "Motif réservé à l" in visits


def test_the_workshop_enrolment_search_shows_no_birth_date(client, world, family):
    session = make_session(world.users["receptionist"])
    client.force_login(world.users["receptionist"])
    page = client.get(reverse("reception:session_detail", args=[session.pk]), {"q": "garnier"})
    assert "Inès Garnier" in page.content.decode() and CHILD_BIRTH not in page.content.decode()


def test_the_social_worker_sees_birth_dates_and_reasons(client, world, family):
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_list"), {"q": "garnier"}).content.decode()
    assert f"Inès Garnier ({CHILD_BIRTH})" in page
    choices = client.get(reverse("reception:desk_visit_create"), {"household_q": "garnier"}).content.decode()
    assert CHILD_BIRTH in choices
    visits = client.get(reverse("reception:desk_visit_list")).content.decode()
    assert "Commandement de payer reçu." in visits and "Menace d&#x27;expulsion" in visits
    household = client.get(reverse("people:household_detail", args=[family.pk])).content.decode()
    assert CHILD_BIRTH in household and "Commandement de payer reçu." in household
