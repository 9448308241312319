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


def test_a_household_without_members_or_a_forged_formset_is_told_what_to_do_in_plain_french(client, world):
    client.force_login(world.users["social_worker"])
    data = {
        "name": "Sans membre",
        "address": "3 rue des Lilas",
        "postal_code": "13001",
        "city": "Marseille",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "12",
    }
    response = client.post(reverse("people:household_create"), data)
    page = response.content.decode()
    assert response.context["members"].errors[0], page  # the first member's fields say what is missing
    assert "Veuillez soumettre" not in page and "au moins 1 formulaire" not in page
    forged = client.post(reverse("people:household_create"), {"name": "Sans formulaire"}).content.decode()
    assert "Ajoutez au moins un membre du ménage." in forged and "ManagementForm" not in forged
    assert not Household.objects.filter(name__in=["Sans membre", "Sans formulaire"]).exists()


def test_household_page_read_writes_exactly_one_audit_row(client, world):
    director = world.users["director"]
    client.force_login(director)
    before = AuditEvent.objects.filter(household_id=world.own_household.pk, action="household.read").count()
    assert client.get(reverse("people:household_detail", args=[world.own_household.pk])).status_code == 200
    after = AuditEvent.objects.filter(household_id=world.own_household.pk, action="household.read").count()
    assert after - before == 1


def _edit_data(household, **changes):
    data = {
        "name": household.name,
        "address": household.address,
        "postal_code": household.postal_code,
        "city": household.city,
        "phone": household.phone,
        "email": household.email,
        "version": household.version,
    }
    data.update(changes)
    return data


def test_stale_edit_shows_who_changed_it_and_keeps_the_typed_values(client, world):
    from habiter.people import services

    worker = world.users["social_worker"]
    lead = world.users["team_lead"]
    household = world.own_household
    client.force_login(worker)
    form_page = client.get(reverse("people:household_edit", args=[household.pk]))
    assert form_page.status_code == 200
    # Meanwhile the team lead saves.
    services.household_update(actor=lead, household_id=household.pk, expected_version=1, data={"city": "Aubagne"})
    response = client.post(
        reverse("people:household_edit", args=[household.pk]), _edit_data(household, city="Arles", version=1)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert str(lead) in body and "pendant votre saisie" in body and "pas été enregistrés" in body
    assert 'value="Arles"' in body  # what the worker typed is kept
    assert "Valeur actuelle : Aubagne" in body  # and the current value beside it
    assert 'name="version" value="2"' in body
    household.refresh_from_db()
    assert household.city == "Aubagne"
    # Saving again (after checking) goes through with the current version carried by the form.
    again = client.post(
        reverse("people:household_edit", args=[household.pk]), _edit_data(household, city="Arles", version=2)
    )
    assert again.status_code == 302
    household.refresh_from_db()
    assert household.city == "Arles"


def test_form_errors_are_french_and_keep_what_was_typed(client, world):
    client.force_login(world.users["social_worker"])
    household = world.own_household
    response = client.post(
        reverse("people:household_edit", args=[household.pk]),
        _edit_data(household, postal_code="130", phone="12", email="pas-un-courriel", address="12 rue Haute"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Le code postal doit comporter 5 chiffres" in body
    assert "Numéro de téléphone invalide" in body
    assert "Saisissez une adresse de courriel valide." in body
    assert 'value="12 rue Haute"' in body


def test_duplicate_member_needs_confirmation_in_the_form(client, world):
    client.force_login(world.users["social_worker"])
    url = reverse("people:person_create", args=[world.own_household.pk])
    data = {"first_name": "NOEL", "last_name": "lefevre", "birth_date": "1980-05-17", "relation": "spouse"}
    warned = client.post(url, data)
    assert warned.status_code == 200
    assert "Une personne de même nom et de même date de naissance existe déjà" in warned.content.decode()
    assert world.own_household.members.count() == 1
    confirmed = client.post(url, {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert world.own_household.members.count() == 2


def test_receptionist_sees_names_and_contact_without_links(client, world):
    client.force_login(world.users["receptionist"])
    response = client.get(reverse("people:household_list"), {"q": "lefevre"})
    body = response.content.decode()
    assert "Lefèvre" in body
    assert reverse("people:household_detail", args=[world.own_household.pk]) not in body
    assert "Martin" not in body  # another organisation
    assert client.get(reverse("people:household_detail", args=[world.own_household.pk])).status_code == 404


def test_htmx_search_returns_only_the_results(client, world):
    client.force_login(world.users["director"])
    response = client.get(reverse("people:household_list"), {"q": "dupont"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Dupont" in body and "<html" not in body


def test_director_configures_the_concerns_panorama(client, world):
    from habiter.people.models import Concern, ConcernCategory

    director = world.users["director"]
    client.force_login(director)
    url = reverse("people:concern_settings")
    housing = ConcernCategory.objects.get(organisation=world.organisation, code="housing")
    assert client.post(url, {"category": housing.pk, "label": "Logement temporaire"}).status_code == 302
    added = Concern.objects.get(category=housing, label="Logement temporaire")
    duplicate = client.post(url, {"category": housing.pk, "label": "Logement temporaire"})
    assert "Cette problématique existe déjà" in duplicate.content.decode()
    # Retire it: no longer offered in the household form, but kept on households that have it.
    household = world.own_household
    household.concerns.add(added)
    client.post(reverse("people:concern_toggle", args=[added.pk]), {"active": "0"})
    added.refresh_from_db()
    assert not added.active
    form = client.get(reverse("people:household_edit", args=[household.pk]))
    assert f'value="{added.pk}"' not in form.content.decode()
    client.post(reverse("people:household_edit", args=[household.pk]), _edit_data(household, city="Arles"))
    assert added in household.concerns.all()
    # Another organisation's category or concern is out of reach.
    other = ConcernCategory.objects.get(organisation=world.other_organisation, code="housing")
    assert client.post(url, {"category": other.pk, "label": "X"}).status_code == 200
    assert not Concern.objects.filter(label="X").exists()
    other_concern = other.concerns.first()
    assert client.post(reverse("people:concern_toggle", args=[other_concern.pk]), {"active": "0"}).status_code == 404
    # Only directors.
    client.force_login(world.users["team_lead"])
    assert client.get(url).status_code == 404
