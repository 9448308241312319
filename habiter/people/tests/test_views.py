from datetime import date

import pytest
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.people.models import Household

pytestmark = pytest.mark.django_db


def test_social_worker_sees_home_list_and_household_page(client, world):
    worker = world.users["social_worker"]
    client.force_login(worker)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "Lefèvre" in home.content.decode()
    listing = client.get(reverse("people:household_list"), {"q": "lefevre"})
    assert listing.status_code == 200
    assert "Lefèvre" in listing.content.decode()
    assert "Dupont" not in listing.content.decode()
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Noël" in body and "Ménage créé" in body


def test_create_household_with_two_members_through_the_form(client, world):
    worker = world.users["social_worker"]
    client.force_login(worker)
    data = {
        "name": "",
        "address": "3 rue des Lilas",
        "postal_code": "13001",
        "city": "Marseille",
        "phone": "06 11 22 33 44",
        "email": "",
        "members-TOTAL_FORMS": "4",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
        "members-0-first_name": "Zoé",
        "members-0-last_name": "Noël",
        "members-0-birth_date": "1990-02-03",
        "members-0-relation": "head",
        "members-1-first_name": "Léo",
        "members-1-last_name": "Noël",
        "members-1-birth_date": "2015-06-07",
        "members-1-relation": "child",
    }
    response = client.post(reverse("people:household_create"), data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["members"].errors,
        response.context["members"].non_form_errors(),
    )
    household = Household.objects.get(name="Noël")
    assert household.members.count() == 2
    assert household.referent == worker
    assert household.members.get(first_name="Léo").birth_date == date(2015, 6, 7)


def test_household_page_read_writes_exactly_one_audit_row(client, world):
    director = world.users["director"]
    client.force_login(director)
    before = AuditEvent.objects.filter(household_id=world.own_household.pk, action="household.view").count()
    assert client.get(reverse("people:household_detail", args=[world.own_household.pk])).status_code == 200
    after = AuditEvent.objects.filter(household_id=world.own_household.pk, action="household.view").count()
    assert after - before == 1
