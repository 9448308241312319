from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent
from habiter.residences import queries, services
from habiter.residences.models import ResidenceStay

from .factories import make_place, make_residence, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    places = [make_place(director, residence, str(n)) for n in range(1, 4)]
    return residence, places


def _statuses(residence, on):
    return {row.place.label: (row.status, row.stay) for row in queries.occupancy(residence, on=on)}


def test_a_place_is_occupied_from_entry_to_exit_both_included(world, house):
    director = world.users["director"]
    residence, (first, _second, _third) = house
    stay = make_stay(director, first, world.own_household, date(2026, 1, 5))
    assert _statuses(residence, date(2026, 1, 4))["1"][0] == "free"
    assert _statuses(residence, date(2026, 1, 5))["1"] == ("occupied", stay)
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 3, 2), exit_destination="hospital")
    assert _statuses(residence, date(2026, 3, 2))["1"][0] == "occupied"
    assert _statuses(residence, date(2026, 3, 3))["1"][0] == "free"
    assert _statuses(residence, date(2026, 3, 3))["2"] == ("free", None)
    events = AuditEvent.objects.filter(household_id=world.own_household.pk, action__startswith="stay.")
    assert sorted(events.values_list("action", flat=True)) == ["stay.enter", "stay.exit"]


def test_occupancy_costs_four_queries_whatever_the_number_of_places(world, house, django_assert_num_queries):
    director = world.users["director"]
    residence, places = house
    make_stay(director, places[0], world.own_household, date(2026, 1, 5))
    make_stay(director, places[1], world.other_team_household, date(2026, 1, 6))
    for n in range(4, 15):
        make_place(director, residence, str(n))
    with django_assert_num_queries(4):  # places, stays, contracts, admitted candidates
        rows = queries.occupancy(residence, on=date(2026, 2, 1))
        names = [str(row.stay.resident) for row in rows if row.stay]
    assert len(rows) == 14 and len(names) == 2


def test_stays_of_one_place_never_overlap(world, house):
    director = world.users["director"]
    _residence, (first, _second, _third) = house
    stay = make_stay(director, first, world.own_household, date(2026, 1, 5))
    with pytest.raises(ValidationError) as refused:
        make_stay(director, first, world.other_team_household, date(2026, 2, 1))
    assert "La place est occupée à cette date (entrée le 05/01/2026)." in str(refused.value)
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 3, 2), exit_destination="death")
    with pytest.raises(ValidationError):  # the day of exit is still the first stay's
        make_stay(director, first, world.other_team_household, date(2026, 3, 2))
    with pytest.raises(ValidationError):  # before the first stay, open-ended: it would cover it
        make_stay(director, first, world.other_team_household, date(2025, 12, 1))
    make_stay(director, first, world.other_team_household, date(2026, 3, 3))
    assert ResidenceStay.objects.filter(place=first).count() == 2


def test_an_exit_says_where_the_resident_goes_and_never_before_entry(world, house):
    director = world.users["director"]
    _residence, (first, _second, _third) = house
    stay = make_stay(director, first, world.own_household, date(2026, 1, 5))
    with pytest.raises(ValidationError) as refused:
        services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 2, 1), exit_destination="")
    assert "Dites où va le résident" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 1, 4), exit_destination="unknown")
    assert "La sortie ne peut pas précéder l'entrée." in str(refused.value)
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 2, 1), exit_destination="unknown")
    with pytest.raises(ValidationError):
        services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 2, 2), exit_destination="unknown")


def test_a_resident_of_another_organisation_or_a_non_director_is_refused(world, house):
    director = world.users["director"]
    _residence, (first, _second, _third) = house
    with pytest.raises(ValidationError) as refused:
        make_stay(director, first, world.other_org_household, date(2026, 1, 5))
    assert "Choisissez un membre d'un ménage que vous suivez." in str(refused.value)
    for role in ("host", "team_lead", "social_worker", "volunteer"):
        with pytest.raises(PermissionDenied):
            make_stay(world.users[role], first, world.own_household, date(2026, 1, 5))
    assert not ResidenceStay.objects.exists()
