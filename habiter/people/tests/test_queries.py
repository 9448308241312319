from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.people.tests.factories import make_household

pytestmark = pytest.mark.django_db


def _list_queries(client):
    client.get(reverse("core:home"))  # the session's activity stamp is saved at most once a minute
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("people:household_list"))
    assert response.status_code == 200
    return len(captured)


def test_household_list_runs_a_constant_number_of_queries(client, world):
    director = world.users["director"]
    client.force_login(director)
    few = _list_queries(client)
    for index in range(30):
        make_household(
            director,
            name=f"Famille {index}",
            members=[
                {"first_name": "A", "last_name": f"F{index}", "birth_date": date(1980, 1, 1), "relation": "head"},
                {"first_name": "B", "last_name": f"F{index}", "birth_date": date(2010, 1, 1), "relation": "child"},
            ],
        )
    many = _list_queries(client)
    assert many == few


def test_household_page_runs_a_constant_number_of_queries(client, world):
    director = world.users["director"]
    client.force_login(director)
    url = reverse("people:household_detail", args=[world.own_household.pk])
    from habiter.people import services

    # One note first: a household without any is not asked for its notes (see registry.presence_annotations).
    services.note_add(actor=director, household_id=world.own_household.pk, text="première note")
    client.get(url)  # the session's activity stamp is saved at most once a minute
    with CaptureQueriesContext(connection) as before:
        client.get(url)

    for index in range(10):
        services.person_add(
            actor=director,
            household_id=world.own_household.pk,
            data={
                "first_name": f"E{index}",
                "last_name": "Lefèvre",
                "birth_date": date(2012, 1, 1),
                "relation": "child",
            },
        )
        services.note_add(actor=director, household_id=world.own_household.pk, text=f"note {index}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
