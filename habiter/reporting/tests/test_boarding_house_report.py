"""The boarding houses' annual report (DOMAIN-2 W34): the residences' own occupancy counting and the residents'
indicators, restricted to pensions de famille and résidences accueil (a variant, W39); figures worked out by hand
for 2025.

« Les Tilleuls », a pension de famille open since 1 January 2024, two places:
- place 1: Martin's resident (team A) from 1 March 2024 to 30 June 2025 (left for a social dwelling), then
  Bernard's (team A, born 1 January 2000) from 1 September 2025;
- place 2: Petit's resident (team B, born 1 January 1950) from 1 February 2025.
« Bellevue », a résidence sociale with one place and a resident all year: not in this report.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.people.models import Household, Person
from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope
from habiter.residences.models import Place, Residence, ResidenceKind, ResidenceStay

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)


def _stay(place, household, birth_date, entered_on, left_on=None, destination=""):
    resident = Person.objects.create(
        organisation=household.organisation,
        household=household,
        first_name="Résident",
        last_name=household.name,
        birth_date=birth_date,
        relation="head",
    )
    return ResidenceStay.objects.create(
        organisation=household.organisation,
        place=place,
        household=household,
        resident=resident,
        entered_on=entered_on,
        left_on=left_on,
        exit_destination=destination,
    )


def _residence(organisation, name, kind, places):
    residence = Residence.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        address="1 place du Marché",
        postal_code="69001",
        city="Lyon",
        opened_on=date(2024, 1, 1),
    )
    return [
        Place.objects.create(organisation=organisation, residence=residence, label=str(n), surface=Decimal("20"))
        for n in range(1, places + 1)
    ]


@pytest.fixture
def data():
    data = dataset.build()
    first, second = _residence(data.organisation, "Les Tilleuls", ResidenceKind.PENSION_DE_FAMILLE, 2)
    _stay(first, data.martin, date(1980, 6, 1), date(2024, 3, 1), date(2025, 6, 30), "social_housing")
    _stay(first, data.bernard, date(2000, 1, 1), date(2025, 9, 1))
    _stay(second, data.petit, date(1950, 1, 1), date(2025, 2, 1))
    (bellevue,) = _residence(data.organisation, "Bellevue", ResidenceKind.RESIDENCE_SOCIALE, 1)
    other = Household.objects.create(organisation=data.organisation, team=data.martin.team, name="Roux")
    _stay(bellevue, other, date(1990, 1, 1), date(2024, 1, 1))
    return data


def tables(user):
    return {
        table["definition"]: table["rows"]
        for table in indicators.compute("pension_famille", reporting_scope(user), YEAR)
    }


def test_places_and_occupancy(data):
    # 2 places × 365 = 730 place-days; occupied: place 1, 181 (1 January → 30 June) + 122 (1 September → 31
    # December), place 2, 334 (1 February → 31 December): 637; 93 empty; 637 / 730 = 87.3 %. Entries: Petit's and
    # Bernard's; one exit, Martin's, of 487 days (1 March 2024 → 30 June 2025, both days included).
    expected = ["Les Tilleuls", 2, 730, 637, 93, 87.3, 2, 1, 487]
    assert tables(data.director)["residence_occupancy/pension_famille"] == [
        expected,
        ["Toutes les résidences", *expected[1:]],
    ]


def test_residents_and_exits_of_boarding_houses_only(data):
    rows = tables(data.director)
    # Present on 31 December: Bernard's resident aged 25, Petit's aged 75 (Bellevue's resident is not counted); the
    # age bands, then all ages, both sexes together (sex not said here).
    by_age = [row[-1] for row in rows["residents_by_sex_and_age/pension_famille"]]
    assert by_age == [0, 0, 1, 0, 0, 0, 1, 0, 2]
    exits = dict(rows["stay_exits_by_destination/pension_famille"])
    assert exits["Logement social"] == 1 and sum(exits.values()) == 1


def test_a_team_lead_counts_the_residences_their_households_stayed_in(data):
    rows = tables(data.team_lead)
    # Team A stayed at Les Tilleuls: the whole residence is counted; its residents of team A only (Bernard's).
    assert rows["residence_occupancy/pension_famille"][0] == ["Les Tilleuls", 2, 730, 637, 93, 87.3, 2, 1, 487]
    assert [row[-1] for row in rows["residents_by_sex_and_age/pension_famille"]] == [0, 0, 1, 0, 0, 0, 0, 0, 1]


def test_the_variant_says_which_residences_count(data):
    (occupancy, *_others) = indicators.compute("pension_famille", reporting_scope(data.director), YEAR)
    assert (
        "Seules comptent les résidences de type : Pension de famille (maison relais), Résidence accueil."
        in (occupancy["rule"])
    )


def test_the_reports_queries_do_not_grow_with_the_residences(data):
    client = Client()
    client.force_login(data.director)
    url = reverse("reporting:report", args=["pension_famille"]) + "?annee=2025"
    client.get(url)  # warm the session and the permission caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for number in range(6):
        (place,) = _residence(data.organisation, f"Maison {number}", ResidenceKind.PENSION_DE_FAMILLE, 1)
        household = Household.objects.create(organisation=data.organisation, team=data.martin.team, name=f"H{number}")
        _stay(place, household, date(1970, 1, 1), date(2025, 3, 1), date(2025, 5, 1), "family")
    assert count() == small
