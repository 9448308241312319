import json
from datetime import timedelta

import pytest
from django.utils import timezone

from habiter.core.services import api_token_create

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='test')[1]}"}


def post(client, url, payload, headers):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def test_measures_and_interventions_through_the_api(client, world):
    headers = bearer(world.users["social_worker"])
    base = f"/api/v1/households/{world.own_household.pk}"
    start = (timezone.localdate() - timedelta(days=10)).isoformat()
    created = post(client, f"{base}/measures", {"programme_code": "avdl", "start_date": start}, headers)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "active" and created.json()["programme_code"] == "avdl"
    listing = client.get(f"{base}/measures", **headers).json()
    assert listing["count"] == 1
    logged = post(
        client,
        f"{base}/interventions",
        {"kind": "phone", "occurred_on": timezone.localdate().isoformat(), "duration_minutes": 20, "note": "Appel CAF"},
        headers,
    )
    assert logged.status_code == 201, logged.content
    assert client.get(f"{base}/interventions", **headers).json()["count"] == 1


def test_api_errors_are_french_and_scoped(client, world):
    headers = bearer(world.users["social_worker"])
    base = f"/api/v1/households/{world.own_household.pk}"
    unknown = post(client, f"{base}/measures", {"programme_code": "nope", "start_date": "2026-01-01"}, headers)
    assert unknown.status_code == 400 and "Dispositif inconnu" in unknown.json()["detail"]
    future = post(
        client,
        f"{base}/interventions",
        {"kind": "phone", "occurred_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "duration_minutes": 5},
        headers,
    )
    assert future.status_code == 400 and "futur" in future.json()["detail"]
    too_long = post(
        client,
        f"{base}/interventions",
        {"kind": "phone", "occurred_on": "2026-01-01", "duration_minutes": 800},
        headers,
    )
    assert too_long.status_code == 400
    for household in (world.other_team_household, world.other_org_household):
        assert client.get(f"/api/v1/households/{household.pk}/measures", **headers).status_code == 404
    volunteer = bearer(world.users["volunteer"])
    assert client.get(f"{base}/interventions", **volunteer).status_code == 404
    assert client.get(f"{base}/measures").status_code == 401


def test_appointments_through_the_api(client, world):
    headers = bearer(world.users["social_worker"])
    base = f"/api/v1/households/{world.own_household.pk}/appointments"
    day = timezone.localdate() + timedelta(days=2)
    payload = {"title": "Point CAF", "starts_at": f"{day}T10:00:00+01:00", "ends_at": f"{day}T11:00:00+01:00"}
    assert post(client, base, payload, headers).status_code == 201
    clash = post(client, base, {**payload, "title": "Doublon"}, headers)
    assert clash.status_code == 400 and "Point CAF" in clash.json()["detail"]
    assert client.get(base, **headers).json()["count"] == 1
    other = f"/api/v1/households/{world.other_org_household.pk}/appointments"
    assert client.get(other, **headers).status_code == 404
