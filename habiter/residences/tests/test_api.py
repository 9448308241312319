"""API v1 of the residences: the list, the places' status on a date, the admissions, in and out of scope."""

import uuid
from datetime import date

import pytest
from django.test import Client

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory, api_token_for
from habiter.residences import services

from .factories import make_place, make_residence, make_stay

pytestmark = pytest.mark.django_db


def _get(user, path, **params):
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_for(user, name='Script')[1]}"
    return client.get(f"/api/v1{path}", params)


@pytest.fixture
def house(world):
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, "Les Pléiades", hosts=[host], opened_on=date(2014, 12, 1))
    make_residence(director, "Soleil")
    occupied = make_place(director, residence, "1")
    reserved = make_place(director, residence, "2")
    make_place(director, residence, "3")
    make_stay(director, occupied, world.own_household, date(2026, 1, 5))
    vacancy = services.vacancy_declare(actor=host, place_id=reserved.pk, declared_on=date(2026, 1, 5))
    orientation = services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO-13-0042",
        candidate_name="M. Saïdi",
        received_on=date(2026, 1, 12),
        household_id=world.other_team_household.pk,
    )
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="came"
    )
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 22)
    )
    return residence, orientation


def test_the_list_has_the_shape_of_every_list_and_is_scoped(world, house):
    body = _get(world.users["director"], "/residences").json()
    assert body["count"] == 2 and [r["name"] for r in body["items"]] == ["Les Pléiades", "Soleil"]
    assert body["items"][0]["place_count"] == 3 and body["items"][0]["opened_on"] == "2014-12-01"
    body = _get(world.users["host"], "/residences").json()
    assert [r["name"] for r in body["items"]] == ["Les Pléiades"]
    response = _get(world.users["social_worker"], "/residences")
    assert response.status_code == 403 and "detail" in response.json()
    outsider = UserFactory(organisation=world.other_organisation, role="director")
    assert _get(outsider, "/residences").json() == {"count": 0, "items": []}


def test_occupancy_on_a_date_says_free_reserved_or_occupied_with_the_household(world, house):
    residence, _orientation = house
    before = AuditEvent.objects.filter(action="household.list").count()
    body = _get(world.users["director"], f"/residences/{residence.pk}/occupancy", on="2026-01-22").json()
    assert body["on"] == "2026-01-22" and body["count"] == 3
    statuses = {item["label"]: (item["status"], item["household_id"]) for item in body["items"]}
    assert statuses == {
        "1": ("occupied", str(world.own_household.pk)),
        "2": ("reserved", str(world.other_team_household.pk)),
        "3": ("free", None),
    }
    assert body["items"][0]["surface"] == "21.50"
    assert AuditEvent.objects.filter(action="household.list").count() == before + 1
    body = _get(world.users["director"], f"/residences/{residence.pk}/occupancy", on="2026-01-04").json()
    assert {item["status"] for item in body["items"]} == {"free"}


def test_a_bad_date_is_a_french_400_and_a_foreign_or_forged_id_a_404(world, house):
    residence, _orientation = house
    response = _get(world.users["director"], f"/residences/{residence.pk}/occupancy", on="22/01/2026")
    assert response.status_code == 400 and "date invalide" in response.json()["detail"]
    outsider = UserFactory(organisation=world.other_organisation, role="director")
    for user, path in (
        (outsider, f"/residences/{residence.pk}/occupancy"),
        (outsider, f"/residences/{residence.pk}/admissions"),
        (world.users["director"], f"/residences/{uuid.uuid4()}/occupancy"),
        (world.users["team_lead"], f"/residences/{residence.pk}/admissions"),
    ):
        response = _get(user, path)
        assert response.status_code == 404 and response.json()["detail"], path


def test_admissions_list_each_candidate_with_its_steps(world, house):
    residence, orientation = house
    body = _get(world.users["host"], f"/residences/{residence.pk}/admissions").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(orientation.pk) and item["siao_reference"] == "SIAO-13-0042"
    assert item["decision"] == "admitted" and item["refusal_reason"] is None
    assert item["vacancy_declared_on"] == "2026-01-05" and item["entered_on"] is None
    assert item["days_from_vacancy_to_entry"] is None  # not entered yet


def test_an_admission_entered_says_its_days_from_vacancy_to_entry(world, house):
    residence, orientation = house
    host = world.users["host"]
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=date(2026, 1, 23))
    services.orientation_enter(
        actor=host,
        orientation_id=orientation.pk,
        resident_id=world.other_team_household.members.first().pk,
        entered_on=date(2026, 2, 2),
    )
    (item,) = _get(host, f"/residences/{residence.pk}/admissions").json()["items"]
    # declared vacant on 5 January 2026, entered on 2 February: 28 days
    assert item["entered_on"] == "2026-02-02" and item["days_from_vacancy_to_entry"] == 28
    figures = _get(host, f"/residences/{residence.pk}/occupancy-figures", year=2026).json()
    assert figures["total"]["vacancies_filled"] == 1
    assert figures["total"]["average_days_from_vacancy_to_entry"] == 28
    assert figures["total"]["longest_days_from_vacancy_to_entry"] == 28
    february = figures["months"][1]
    assert (february["vacancies_filled"], february["longest_days_from_vacancy_to_entry"]) == (1, 28)
    assert figures["months"][0]["average_days_from_vacancy_to_entry"] is None


def test_the_openapi_schema_documents_the_days_from_vacancy_to_entry():
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "days_from_vacancy_to_entry" in schemas["AdmissionOut"]["properties"]
    for field in ("vacancies_filled", "average_days_from_vacancy_to_entry", "longest_days_from_vacancy_to_entry"):
        assert field in schemas["FiguresOut"]["properties"], field
