"""The boarding houses' annual report's residents by sex and age, and its staffing table (DOMAIN-2 W34); every figure
worked out by hand for 2025.

« Les Tilleuls », a pension de famille open since 1 January 2024: eight places, and a ninth in service only from
1 February 2026; its hosts' time typed for 2024 (1.00 ETP) and 2025 (0.90 ETP). Residents, each a household of team
A: a woman born 1 June 1990 (35 on 31 December 2025), a woman born 1 January 1970 (55), a man born 31 December 1970
(55 that very day), a man born 5 May 1958 (67), a person born 1 January 1990 whose sex is not said (35), and a man
who left on 1 October 2025.
« Le Phare », a résidence accueil open since 1 March 2025: seven places, its hosts' time typed for 2026 only (2.00
ETP). Residents, households of team B: a woman whose birth date is not known, a man born 1 January 2003 (22), and a
woman who enters on 5 January 2026.
« Bellevue », a résidence sociale with one place and a woman living there: not in this report. A pension de famille of
the other organisation, its resident and its hosts' time: never counted.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from habiter.people.models import Household, Person
from habiter.reporting import indicators
from habiter.reporting.indicators.pension_famille import staffing_rate
from habiter.reporting.queries import reporting_scope
from habiter.residences.models import HostingStaff, Place, Residence, ResidenceKind, ResidenceStay

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
D = Decimal


def _residence(organisation, name, kind, opened_on, places, later_place=None):
    residence = Residence.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        address="1 place du Marché",
        postal_code="69001",
        city="Lyon",
        opened_on=opened_on,
    )
    for number in range(1, places + 1):
        Place.objects.create(organisation=organisation, residence=residence, label=str(number), surface=D("20"))
    if later_place:
        Place.objects.create(
            organisation=organisation, residence=residence, label="Nouvelle", surface=D("20"), opened_on=later_place
        )
    return residence


def _resident(residence, team, sex, birth_date, entered_on, left_on=None):
    organisation = residence.organisation
    household = Household.objects.create(organisation=organisation, team=team, name="Résident")
    person = Person.objects.create(
        organisation=organisation,
        household=household,
        first_name="Prénom",
        last_name="Résident",
        birth_date=birth_date,
        sex=sex,
        relation="head",
    )
    occupied = ResidenceStay.objects.filter(place__residence=residence).values("place_id")
    place = residence.places.exclude(pk__in=occupied).order_by("label").first()
    return ResidenceStay.objects.create(
        organisation=organisation,
        place=place,
        household=household,
        resident=person,
        entered_on=entered_on,
        left_on=left_on,
        exit_destination="social_housing" if left_on else "",
    )


def _hosts(residence, year, fte, director):
    return HostingStaff.objects.create(
        organisation=residence.organisation, residence=residence, year=year, fte=D(fte), changed_by=director
    )


@pytest.fixture
def data():
    data = dataset.build()
    organisation, director = data.organisation, data.director
    team_a, team_b = data.martin.team, data.petit.team
    tilleuls = _residence(
        organisation, "Les Tilleuls", ResidenceKind.PENSION_DE_FAMILLE, date(2024, 1, 1), 8, date(2026, 2, 1)
    )
    _hosts(tilleuls, 2024, "1.00", director)
    _hosts(tilleuls, 2025, "0.90", director)
    _resident(tilleuls, team_a, "f", date(1990, 6, 1), date(2024, 3, 1))
    _resident(tilleuls, team_a, "f", date(1970, 1, 1), date(2024, 3, 1))
    _resident(tilleuls, team_a, "m", date(1970, 12, 31), date(2025, 2, 3))
    _resident(tilleuls, team_a, "m", date(1958, 5, 5), date(2024, 6, 1))
    _resident(tilleuls, team_a, "", date(1990, 1, 1), date(2025, 12, 31))
    _resident(tilleuls, team_a, "m", date(1980, 1, 1), date(2024, 1, 2), date(2025, 10, 1))
    phare = _residence(organisation, "Le Phare", ResidenceKind.RESIDENCE_ACCUEIL, date(2025, 3, 1), 7)
    _hosts(phare, 2026, "2.00", director)
    _resident(phare, team_b, "f", None, date(2025, 3, 1))
    _resident(phare, team_b, "m", date(2003, 1, 1), date(2025, 4, 1))
    _resident(phare, team_b, "f", date(1985, 1, 1), date(2026, 1, 5))
    bellevue = _residence(organisation, "Bellevue", ResidenceKind.RESIDENCE_SOCIALE, date(2024, 1, 1), 1)
    _resident(bellevue, team_a, "f", date(1980, 1, 1), date(2024, 1, 1))
    other = data.other_director.organisation
    elsewhere = _residence(other, "Ailleurs", ResidenceKind.PENSION_DE_FAMILLE, date(2020, 1, 1), 2)
    _hosts(elsewhere, 2025, "1.00", data.other_director)
    _resident(elsewhere, None, "m", date(1960, 1, 1), date(2021, 1, 1))
    return data


def table(user, code, period=YEAR):
    tables = indicators.compute("pension_famille", reporting_scope(user), period)
    return next(table for table in tables if table["definition"] == f"{code}/pension_famille")


def test_residents_present_on_the_last_day_by_sex_and_age(data):
    by_sex = table(data.director, "residents_by_sex_and_age")
    assert by_sex["title"] == "Résidents par sexe et par âge"
    assert by_sex["columns"] == ["Tranche d'âge", "Femmes", "Hommes", "Sexe non renseigné", "Ensemble"]
    assert by_sex["rows"] == [
        ["Moins de 18 ans", 0, 0, 0, 0],
        ["18 à 24 ans", 0, 1, 0, 1],  # the Phare's man, 22
        ["25 à 34 ans", 0, 0, 0, 0],
        ["35 à 44 ans", 1, 0, 1, 2],  # the woman born in June 1990, the person whose sex is not said
        ["45 à 54 ans", 0, 0, 0, 0],
        ["55 à 64 ans", 1, 1, 0, 2],  # the woman born in 1970, the man 55 on 31 December
        ["65 ans et plus", 0, 1, 0, 1],
        ["Âge non renseigné", 1, 0, 0, 1],  # the Phare's woman without a birth date
        ["Tous âges", 3, 3, 1, 7],  # not the man who left, the woman who enters in 2026, Bellevue's, Ailleurs'
    ]
    assert "sexe non dit « Sexe non renseigné », jamais deviné" in by_sex["rule"]
    assert (
        "Seules comptent les résidences de type : Pension de famille (maison relais), Résidence accueil."
        in (by_sex["rule"])
    )


def test_a_team_lead_counts_the_residents_of_their_team(data):
    rows = table(data.team_lead, "residents_by_sex_and_age")["rows"]
    assert [row for row in rows if row[-1]] == [
        ["35 à 44 ans", 1, 0, 1, 2],
        ["55 à 64 ans", 1, 1, 0, 2],
        ["65 ans et plus", 0, 1, 0, 1],
        ["Tous âges", 2, 2, 1, 5],
    ]


def test_the_staffing_of_each_residence_with_a_residence_not_typed(data):
    staffing = table(data.director, "hosting_staffing")
    assert staffing["title"] == "Encadrement"
    assert staffing["columns"] == [
        "Résidence",
        "Places le dernier jour",
        "Temps des hôtes (ETP)",
        "Taux d'encadrement (ETP pour 10 places)",
    ]
    # Les Tilleuls: 8 places on 31 December (the ninth from 2026), 0.90 ETP in 2025 (not 2024's 1.00):
    # 0.90 × 10 / 8 = 1.125, rounded half up 1.13. Le Phare: 7 places, nothing typed for 2025 (only 2026).
    # All together: 15 places, the ETP not all typed.
    assert staffing["rows"] == [
        ["Le Phare", 7, "non renseigné", "non renseigné"],
        ["Les Tilleuls", 8, 0.9, 1.13],
        ["Toutes les résidences", 15, "non renseigné", "non renseigné"],
    ]


def test_all_the_residences_together_once_each_is_typed(data):
    _hosts(Residence.objects.get(name="Le Phare"), 2025, "1.00", data.director)
    # Le Phare: 1.00 × 10 / 7 = 1.428…, 1.43. All together: 1.90 ETP for 15 places, 19 / 15 = 1.266…, 1.27.
    assert table(data.director, "hosting_staffing")["rows"] == [
        ["Le Phare", 7, 1.0, 1.43],
        ["Les Tilleuls", 8, 0.9, 1.13],
        ["Toutes les résidences", 15, 1.9, 1.27],
    ]


def test_a_period_over_two_years_takes_the_hosts_time_of_its_last_year(data):
    # 1 July 2024 to 30 June 2025: the ETP of 2025; Le Phare has its seven places on 30 June 2025.
    period = indicators.Period(date(2024, 7, 1), date(2025, 6, 30))
    staffing = table(data.director, "hosting_staffing", period)
    assert staffing["rows"][1] == ["Les Tilleuls", 8, 0.9, 1.13]
    assert "pour une période sur plusieurs années, ceux de sa dernière année" in staffing["rule"]
    # Over 2024, the ETP of 2024: 1.00 × 10 / 8 = 1.25; Le Phare not open yet, no place.
    rows = table(data.director, "hosting_staffing", indicators.Period(date(2024, 1, 1), date(2024, 12, 31)))["rows"]
    assert rows == [
        ["Le Phare", 0, "non renseigné", "non renseigné"],
        ["Les Tilleuls", 8, 1.0, 1.25],
        ["Toutes les résidences", 8, "non renseigné", "non renseigné"],
    ]


def test_a_team_lead_sees_the_residences_their_households_stayed_in(data):
    assert table(data.team_lead, "hosting_staffing")["rows"] == [
        ["Les Tilleuls", 8, 0.9, 1.13],
        ["Toutes les résidences", 8, 0.9, 1.13],
    ]


@pytest.mark.parametrize(
    ("fte", "places", "rate"),
    [
        (D("0.90"), 8, D("1.13")),  # 1.125: half up, not to the even 1.12
        (D("1.00"), 7, D("1.43")),
        (D("1.50"), 20, D("0.75")),
        (D("0"), 5, D("0.00")),
        (D("1.00"), 0, None),  # no place: no rate
    ],
)
def test_staffing_rate(fte, places, rate):
    assert staffing_rate(fte, places) == rate


def test_the_report_page_shows_both_tables(data):
    client = Client()
    client.force_login(data.director)
    page = client.get(reverse("reporting:report", args=["pension_famille"]), {"annee": "2025"}).content.decode()
    assert "Résidents par sexe et par âge" in page and "Encadrement" in page
    assert '<td data-label="Taux d&#x27;encadrement (ETP pour 10 places)">1,13</td>' in page
    assert '<td data-label="Temps des hôtes (ETP)">non renseigné</td>' in page
