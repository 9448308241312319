"""The Logement d'abord indicators (W37): households entered by their housing situation at entry, and the households
without a home at entry who left, by destination; on the hand-built data set of `dataset.py`, every figure worked
out by hand for 2025 in the comments.

The measures, with the situation at entry set here: Martin AVDL 1 June 2024 → 31 March 2025 (in a shelter; outcome
« Accès au logement », a social dwelling), Martin ASLL from 1 April 2025 (not known); Bernard AVDL from 1 September
2025 (hosted by a third party), Bernard ASLL only requested (in the street: never began, never counted); Petit ASLL
2023 → 31 December 2024 (in a hotel: over before 2025), Petit AVDL 1 February → 30 November 2025 (in the street, no
outcome)."""

from datetime import date

import pytest

from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope
from habiter.support.models import SupportMeasure

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
SITUATIONS = [
    "Sans abri (à la rue)",
    "Habitat de fortune, squat, campement",
    "À l'hôtel",
    "Hébergé en structure (CHRS, centre d'hébergement, hébergement d'urgence)",
    "Hébergé chez un tiers (famille, amis)",
    "En logement-foyer, résidence sociale ou pension de famille",
    "Sortant d'institution (hôpital, prison, aide sociale à l'enfance)",
    "Locataire du parc social",
    "Locataire du parc privé",
    "Propriétaire occupant",
    "Autre situation",
]


@pytest.fixture
def data():
    built = dataset.build()
    for name, scheme, situation in (
        ("Martin", "avdl", "shelter"),
        ("Bernard", "avdl", "third_party"),
        ("Bernard", "asll", "street"),
        ("Petit", "asll", "hotel"),
        ("Petit", "avdl", "street"),
    ):
        SupportMeasure.objects.filter(household__name=name, programme__scheme=scheme).update(
            situation_at_entry=situation
        )
    return built


def rows(user, code, period=YEAR):
    (table,) = indicators.compute(code, reporting_scope(user), period)
    return table["rows"]


def test_households_entered_by_situation_at_entry(data):
    # Begun in 2025: Martin ASLL (1 April, not known), Bernard AVDL (1 September, third party), Petit AVDL
    # (1 February, street). Bernard's ASLL was only requested. One household each: street 1, third party 1, not
    # known 1; without a home: Bernard and Petit, 2; total 3.
    expected = [[label, 1 if label in (SITUATIONS[0], SITUATIONS[4]) else 0] for label in SITUATIONS]
    assert rows(data.director, "entry_situations") == [
        *expected,
        ["Situation non renseignée", 1],
        ["Dont sans domicile", 2],
        ["Total des ménages entrés", 3],
    ]
    # The team lead of team A: Martin and Bernard only.
    team = [[label, 1 if label == SITUATIONS[4] else 0] for label in SITUATIONS]
    assert rows(data.team_lead, "entry_situations") == [
        *team,
        ["Situation non renseignée", 1],
        ["Dont sans domicile", 1],
        ["Total des ménages entrés", 2],
    ]


def test_homeless_households_who_left_by_destination(data):
    # Closed in 2025 with a household without a home at entry: Martin AVDL (shelter → social dwelling) and Petit
    # AVDL (street, no outcome). Petit's ASLL (hotel) ended in 2024.
    assert rows(data.director, "homeless_rehoused") == [
        ["Logement social", 1],
        ["Logement privé", 0],
        ["Glissement du bail (sous-location, IML)", 0],
        ["Résidence sociale ou pension de famille", 0],
        ["Logement, type non précisé", 0],
        ["Dont relogés", 1],
        ["Non relogés (autre issue)", 0],
        ["Issue non renseignée", 1],
        ["Total des ménages sans domicile sortis", 2],
    ]
    # In 2024: Petit's ASLL (hotel, closed 31 December 2024 without an outcome).
    year_2024 = indicators.Period(date(2024, 1, 1), date(2024, 12, 31))
    assert rows(data.director, "homeless_rehoused", year_2024)[-2:] == [
        ["Issue non renseignée", 1],
        ["Total des ménages sans domicile sortis", 1],
    ]


def test_the_report_holds_both_tables(data):
    tables = indicators.compute("logement_dabord", reporting_scope(data.director), YEAR)
    assert [table["definition"] for table in tables] == ["entry_situations", "homeless_rehoused"]
    assert all(table["unit"] == "ménage" for table in tables)
