"""API v1 of the housing stock: owners and dwellings, every role, in and out of scope."""

import json
import uuid

import pytest
from django.test import Client

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory, api_token_for
from habiter.housing.models import Dwelling, Owner

from .factories import make_dwelling, make_owner

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in Role]
READERS = {"director", "team_lead", "social_worker", "rental_manager", "accountant"}
WRITERS = {"director", "rental_manager"}
BANK = {"director", "rental_manager", "accountant"}


class Api:
    def __init__(self, world):
        self.world = world
        self.tokens = {}

    def client(self, user=None):
        client = Client()
        if user is not None:
            if user.pk not in self.tokens:
                self.tokens[user.pk] = api_token_for(user, name="Script")[1]
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[user.pk]}"
        return client

    def get(self, user, path, **params):
        return self.client(user).get(f"/api/v1{path}", params)

    def post(self, user, path, payload):
        return self.client(user).post(f"/api/v1{path}", json.dumps(payload), content_type="application/json")


@pytest.fixture
def api(world):
    return Api(world)


@pytest.fixture
def stock(world):
    manager = world.users["rental_manager"]
    owner = make_owner(manager, name="Jean Lambert", iban="FR7630006000011234567890189")
    dwelling = make_dwelling(manager, "MRS-001", owner=owner, rent_cap_scheme="loc2", rent_cap_ceiling="612.40")
    foreign_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    foreign = make_dwelling(foreign_director, "MRS-001")  # the same reference in another organisation
    return {"owner": owner, "dwelling": dwelling, "foreign": foreign}


def test_anonymous_and_bad_tokens_get_401_in_french(api, stock):
    response = api.get(None, "/dwellings")
    assert response.status_code == 401 and "Authentification requise" in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_endpoint(api, world, stock, role):
    user = world.users[role]
    reads = role in READERS
    listing = api.get(user, "/dwellings")
    assert listing.status_code == (200 if reads else 403), listing.content
    assert api.get(user, "/owners").status_code == (200 if reads else 403)
    assert api.get(user, f"/dwellings/{stock['dwelling'].pk}").status_code == (200 if reads else 404)
    assert api.get(user, f"/owners/{stock['owner'].pk}").status_code == (200 if reads else 404)
    assert api.get(user, f"/dwellings/{stock['foreign'].pk}").status_code == 404
    assert api.get(user, f"/owners/{stock['foreign'].owner_id}").status_code == 404
    created = api.post(user, "/owners", {"name": f"Bailleur de {role}", "kind": "town"})
    assert created.status_code == (201 if role in WRITERS else 403)
    if role not in WRITERS:
        assert created.json() == {"detail": "Action non autorisée."}
        assert not Owner.objects.filter(name=f"Bailleur de {role}").exists()


def test_lists_are_paged_and_scoped(api, world, stock):
    manager = world.users["rental_manager"]
    for index in range(3):
        make_dwelling(manager, f"AUB-{index}", city="Aubagne", owner=stock["owner"])
    page = api.get(manager, "/dwellings", limit=2, offset=1).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert str(stock["foreign"].pk) not in json.dumps(api.get(manager, "/dwellings", limit=200).json())
    assert api.get(manager, "/dwellings", city="Aubagne").json()["count"] == 3
    assert api.get(manager, "/dwellings", limit=0).status_code == 400


def test_a_dwelling_reads_with_amounts_as_strings_and_dates_iso(api, world, stock):
    body = api.get(world.users["accountant"], f"/dwellings/{stock['dwelling'].pk}").json()
    assert body["id"] == str(stock["dwelling"].pk)
    assert body["rent_cap_ceiling"] == "612.40" and body["surface"] == "38.50" and body["energy_class"] == "D"
    assert body["owner_id"] == str(stock["owner"].pk)


def test_the_iban_is_given_only_to_who_may_see_it(api, world, stock):
    for role in ROLES:
        if role not in READERS:
            continue
        body = api.get(world.users[role], f"/owners/{stock['owner'].pk}").json()
        assert body["iban"] == ("FR7630006000011234567890189" if role in BANK else None), role


def test_creating_an_owner_refuses_a_bad_iban_in_french(api, world):
    response = api.post(world.users["rental_manager"], "/owners", {"name": "Martine", "iban": "FR76 0000"})
    assert response.status_code == 400 and "IBAN n'est pas valide" in response.json()["detail"]
    assert not Owner.objects.filter(name="Martine").exists()
    unknown = api.post(world.users["rental_manager"], "/owners", {"name": "Martine", "colour": "bleu"})
    assert unknown.status_code == 400 and "champ inconnu" in unknown.json()["detail"]


def test_creating_a_dwelling_201_then_409_on_the_same_reference(api, world, stock):
    manager = world.users["rental_manager"]
    payload = {
        "reference": "AIX-001",
        "owner_id": str(stock["owner"].pk),
        "address": "5 rue Mignet",
        "postal_code": "13100",
        "city": "Aix-en-Provence",
        "surface": "42.00",
        "rooms": 2,
        "energy_class": "F",
        "decency_checked_on": "2026-01-05",
    }
    created = api.post(manager, "/dwellings", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["surface"] == "42.00" and body["decency_checked_on"] == "2026-01-05"
    duplicate = api.post(manager, "/dwellings", payload)
    assert duplicate.status_code == 409 and duplicate.json() == {"detail": "Un logement porte déjà cette référence."}
    foreign_owner = api.post(
        manager, "/dwellings", payload | {"reference": "X", "owner_id": str(stock["foreign"].owner_id)}
    )
    assert foreign_owner.status_code == 400 and "introuvable" in foreign_owner.json()["detail"]
    bad = api.post(manager, "/dwellings", payload | {"reference": "Y", "energy_class": "H", "rooms": 0})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("Requête invalide")
    assert Dwelling.objects.filter(organisation=world.organisation).count() == 2


def test_an_unknown_id_is_404_like_out_of_scope(api, world):
    response = api.get(world.users["director"], f"/dwellings/{uuid.uuid4()}")
    assert response.status_code == 404 and response.json() == {"detail": "Introuvable."}
