"""API v1 of leases: every role against list, create and read, the scope of each, and the conventions."""

import uuid
from datetime import date

import pytest

from habiter.core.models import Role
from habiter.core.tests.api_client import ANONYMOUS, RoleApi

from ..models import Lease
from .factories import make_dwelling, make_lease, make_sliding_sublease

pytestmark = pytest.mark.django_db

LEASES = "/api/v1/leases"
ACTORS = [ANONYMOUS, *(role.value for role in Role)]
READERS = {"director", "team_lead", "social_worker", "rental_manager", "accountant"}
MANAGERS = {"director", "rental_manager"}
ORGANISATION_WIDE = {"director", "rental_manager", "accountant"}


@pytest.fixture
def leases(world):
    manager = world.users["rental_manager"]
    foreign = type(manager).objects.create(
        username="b.gestion", organisation=world.other_organisation, role="rental_manager"
    )
    return {
        "own_team": make_sliding_sublease(manager, world.own_household),
        "other_team": make_lease(manager, world.other_team_household, rent="612.40"),
        "other_org": make_lease(foreign, world.other_org_household),
    }


def _expected_list(actor):
    if actor == ANONYMOUS:
        return 401
    return 200 if actor in READERS else 403


def _expected_read(actor, scope):
    if actor == ANONYMOUS:
        return 401
    if actor not in READERS:
        return 403
    if scope == "other_org" or (scope == "other_team" and actor not in ORGANISATION_WIDE):
        return 404
    return 200


def test_list_and_read_follow_the_pages_scope(world, leases):
    api = RoleApi(world)
    mismatches = []
    for actor in ACTORS:
        response = api.get(actor, LEASES)
        if response.status_code != _expected_list(actor):
            mismatches.append(f"list as {actor}: {response.status_code}")
        elif response.status_code == 200:
            listed = {item["id"] for item in response.json()["items"]}
            assert str(leases["other_org"].pk) not in listed
            assert str(leases["own_team"].pk) in listed
            assert (str(leases["other_team"].pk) in listed) == (actor in ORGANISATION_WIDE), actor
        else:
            assert response.json()["detail"]
        for scope, lease in leases.items():
            response = api.get(actor, f"{LEASES}/{lease.pk}")
            if response.status_code != _expected_read(actor, scope):
                mismatches.append(f"read {scope} as {actor}: {response.status_code}")
    assert not mismatches, "\n".join(mismatches)


def test_a_lease_reads_with_the_conventions(world, leases):
    body = RoleApi(world).get("rental_manager", f"{LEASES}/{leases['other_team'].pk}").json()
    assert body["rent"] == "612.40" and body["charges"] == "0.00"
    assert body["start_date"] == "2025-03-01" and body["status"] == "draft"
    assert body["household_name"] == "Dupont"
    assert RoleApi(world).get("rental_manager", f"{LEASES}/{uuid.uuid4()}").status_code == 404


def test_create_checks_the_law_and_answers_in_french(world):
    api = RoleApi(world)
    dwelling = make_dwelling(world.organisation, energy_class="G")
    payload = {
        "kind": "direct",
        "dwelling_id": str(dwelling.pk),
        "household_id": str(world.own_household.pk),
        "rent": "500.00",
        "start_date": "2026-01-01",
        "irl_quarter": 4,
    }
    for actor in ACTORS:
        if actor not in MANAGERS:
            assert api.post(actor, LEASES, payload).status_code in (401, 403), actor
    refused = api.post("rental_manager", LEASES, payload)
    assert refused.status_code == 400 and "décent" in refused.json()["detail"]
    decent = make_dwelling(world.organisation, energy_class="D")
    created = api.post("rental_manager", LEASES, payload | {"dwelling_id": str(decent.pk), "deposit": "500.00"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["status"] == "draft" and body["deposit"] == "500.00" and body["irl_base_year"] == 2024
    )  # Q4 2025 is published mid-January 2026
    assert Lease.objects.filter(pk=body["id"]).exists()
    bad = api.post("rental_manager", LEASES, payload | {"dwelling_id": str(decent.pk), "start_date": "2026-13-01"})
    assert bad.status_code == 400 and bad.json()["detail"]


def test_a_foreign_dwelling_is_refused_through_the_api(world):
    api = RoleApi(world)
    foreign = make_dwelling(world.other_organisation)
    response = api.post(
        "director",
        LEASES,
        {
            "kind": "direct",
            "dwelling_id": str(foreign.pk),
            "household_id": str(world.own_household.pk),
            "rent": "500.00",
            "start_date": str(date(2026, 1, 1)),
            "irl_quarter": 4,
        },
    )
    assert response.status_code == 400 and "Logement inconnu" in response.json()["detail"]
    assert not Lease.objects.exists()
