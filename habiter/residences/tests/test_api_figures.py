"""API v1: a residence's contracts, and its occupancy and funding figures of a year."""

import uuid
from datetime import date

import pytest
from django.test import Client

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import api_token_for
from habiter.residences import services

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db


def _get(user, path, **params):
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_for(user, name='Script')[1]}"
    return client.get(f"/api/v1{path}", params)


@pytest.fixture
def house(world):
    """Les Pléiades, 2 places open in 2025: one resident from 6 January 2025 to 30 June 2025 (a death), one under a
    contract from 2 February 2026."""
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, "Les Pléiades", hosts=[host], opened_on=date(2014, 12, 1))
    make_house_rules(director, residence, valid_from=date(2025, 1, 6))
    first, second = make_place(director, residence, "1"), make_place(director, residence, "2")
    person = world.own_household.members.first()
    stay = services.stay_enter(actor=director, place_id=first.pk, resident_id=person.pk, entered_on=date(2025, 1, 6))
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2025, 6, 30), exit_destination="death")
    contract = make_active_contract(director, second, person)
    return residence, contract


def test_the_contracts_have_the_shape_of_every_list_and_are_journaled(world, house):
    residence, contract = house
    before = AuditEvent.objects.filter(action="household.list").count()
    response = _get(world.users["host"], f"/residences/{residence.pk}/contracts")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(contract.pk) and item["status"] == "active" and item["place_label"] == "2"
    assert item["starts_on"] == "2026-02-02" and item["house_rules_valid_from"] == "2025-01-06"
    assert item["deposit_amount"] == "0.00" and item["exit_destination"] is None
    assert AuditEvent.objects.filter(action="household.list").count() == before + 1
    assert _get(world.users["host"], f"/residences/{residence.pk}/contracts", limit=1, offset=1).json() == {
        "count": 1,
        "items": [],
    }


def test_the_figures_of_a_year(world, house):
    residence, _contract = house
    body = _get(world.users["director"], f"/residences/{residence.pk}/occupancy-figures", year=2025).json()
    total = body["total"]
    # 2 places × 365 days = 730 place-days; 6 January → 30 June = 176 days occupied; 176 / 730 = 24.1 %
    assert (total["available_days"], total["occupied_days"], total["vacancy_days"]) == (730, 176, 554)
    assert total["occupancy_rate"] == "24.1"
    assert total["exits"] == {"death": 1} and total["average_stay_days"] == 176
    # 730 × 19.50 = 14 235.00
    assert total["grant"] == "14235.00"
    assert len(body["months"]) == 12 and body["months"][0]["occupied_days"] == 26
    assert body["daily_rates"][0]["rate"] == "19.50" and body["daily_rates"][0]["confirmed"] is False


def test_errors_are_those_of_the_rest_of_the_api(world, house):
    residence, _contract = house
    for path in (f"/residences/{residence.pk}/contracts", f"/residences/{residence.pk}/occupancy-figures"):
        assert _get(world.users["social_worker"], path).status_code == 404
        assert _get(world.outsider, path).status_code == 404
        assert _get(world.users["director"], path.replace(str(residence.pk), str(uuid.uuid4()))).status_code == 404
    response = _get(world.users["director"], f"/residences/{residence.pk}/occupancy-figures", year=1990)
    assert response.status_code == 400 and "detail" in response.json()
    assert Client().get(f"/api/v1/residences/{residence.pk}/contracts").status_code == 401
