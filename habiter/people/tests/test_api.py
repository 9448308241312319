import json

import pytest

from habiter.core.models import AuditEvent
from habiter.core.services import api_token_create

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, payload, headers):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def patch(client, url, payload, headers):
    return client.patch(url, data=json.dumps(payload), content_type="application/json", **headers)


def test_token_then_search_create_read_patch(client, world):
    worker = world.users["social_worker"]
    worker.set_password("une phrase de passe assez longue")
    worker.save()
    token = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": worker.username, "password": "une phrase de passe assez longue"}),
        content_type="application/json",
    )
    assert token.status_code == 200, token.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
    assert token.json()["expires_at"]

    listing = client.get("/api/v1/households", {"q": "lefevre"}, **headers)
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["name"] == "Lefèvre"

    created = post(
        client,
        "/api/v1/households",
        {
            "city": "Marseille",
            "members": [
                {"first_name": "Zoé", "last_name": "Noël", "birth_date": "1990-02-03", "relation": "head"},
                {"first_name": "Léo", "last_name": "Noël", "birth_date": "2015-06-07", "relation": "child"},
            ],
        },
        headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Noël" and body["version"] == 1 and len(body["members"]) == 2
    household_id = body["id"]

    views_before = AuditEvent.objects.filter(household_id=household_id, action="household.read").count()
    detail = client.get(f"/api/v1/households/{household_id}", **headers)
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(household_id=household_id, action="household.read").count() == views_before + 1

    changed = patch(client, f"/api/v1/households/{household_id}", {"version": 1, "city": "Aubagne"}, headers)
    assert changed.status_code == 200 and changed.json()["city"] == "Aubagne" and changed.json()["version"] == 2
    stale = patch(client, f"/api/v1/households/{household_id}", {"version": 1, "city": "Arles"}, headers)
    assert stale.status_code == 409
    assert "modifié" in stale.json()["detail"]


def test_wrong_credentials_give_401_in_french(client, world):
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "a.social_worker", "password": "mauvais mot de passe"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Identifiant ou mot de passe incorrect."}


def test_bad_input_gives_400_with_a_french_detail(client, world):
    headers = bearer(world.users["social_worker"])
    response = post(
        client,
        "/api/v1/households",
        {"members": [{"first_name": "A", "last_name": "B", "birth_date": "31/02/1990", "relation": "cousin"}]},
        headers,
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "date invalide" in detail and "valeur non autorisée" in detail
    response = post(client, "/api/v1/households", {"postal_code": "ABCDE", "name": "X"}, headers)
    assert response.status_code == 400
    assert "5 chiffres" in response.json()["detail"]


def test_duplicate_gives_409(client, world):
    headers = bearer(world.users["social_worker"])
    member = {"first_name": "Noel", "last_name": "LEFEVRE", "birth_date": "1980-05-17", "relation": "head"}
    response = post(client, "/api/v1/households", {"members": [member]}, headers)
    assert response.status_code == 409
    assert "même nom" in response.json()["detail"]
    confirmed = post(client, "/api/v1/households", {"members": [member], "confirm_duplicate": True}, headers)
    assert confirmed.status_code == 201


def test_other_organisation_is_404_and_missing_token_401(client, world):
    headers = bearer(world.users["director"])
    assert client.get(f"/api/v1/households/{world.other_org_household.pk}", **headers).status_code == 404
    assert (
        patch(client, f"/api/v1/households/{world.other_org_household.pk}", {"version": 1}, headers).status_code == 404
    )
    unauthenticated = client.get("/api/v1/households")
    assert unauthenticated.status_code == 401
    assert "jeton" in unauthenticated.json()["detail"]


def test_list_pagination(client, world):
    headers = bearer(world.users["director"])
    page = client.get("/api/v1/households", {"limit": 1, "offset": 1}, **headers).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert client.get("/api/v1/households", {"limit": 0}, **headers).status_code == 400


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/households" in schema.json()["paths"]


def test_reception_gets_names_and_contact_without_the_follow_up(client, world):
    headers = bearer(world.users["receptionist"])
    items = client.get("/api/v1/households", {"q": "lefevre"}, **headers).json()["items"]
    assert [i["name"] for i in items] == ["Lefèvre"]
    assert items[0]["referent"] is None and items[0]["team"] is None
    director_items = client.get("/api/v1/households", {"q": "lefevre"}, **bearer(world.users["director"])).json()
    assert director_items["items"][0]["referent"] is not None


def test_interactive_docs_page_is_off(client, db):
    assert client.get("/api/v1/docs").status_code in (401, 404)
