"""The panorama of concerns by year, on the hand-built data set of `dataset.py`; every figure worked out by hand.

The measures that began (a measure only requested never did): Martin AVDL 01/06/2024 → 31/03/2025 and ASLL from
01/04/2025; Bernard AVDL from 01/09/2025; Petit ASLL 01/01/2023 → 31/12/2024 and AVDL 01/02/2025 → 30/11/2025. So
the households accompanied are: 2023 Petit; 2024 Martin and Petit; 2025 Martin, Bernard and Petit. Their concerns:
Martin « Dettes » and « Insalubrité », Bernard « Dettes », Petit « Dettes » and « Surpeuplement »; the category
« Logement » comes before « Budget ». Martin and Bernard are team A's, Petit team B's.
"""

from datetime import date

import pytest
import time_machine

from habiter.people.models import Concern, ConcernCategory
from habiter.reporting import indicators, services
from habiter.reporting.indicators.concerns import calendar_years
from habiter.reporting.queries import report_run_changes, report_run_for, reporting_scope
from habiter.support.models import MeasureStatus, Programme, SupportMeasure

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
THREE_YEARS = indicators.Period(date(2023, 1, 1), date(2025, 12, 31))


@pytest.fixture
def data():
    return dataset.build()


def panorama(user, period):
    (table,) = indicators.compute("concerns_panorama", reporting_scope(user), period)
    return table


def test_a_year_is_one_column_and_the_rows_go_from_the_most_frequent(data):
    table = panorama(data.director, YEAR)
    assert table["title"] == "Panorama des problématiques des ménages accompagnés"
    assert table["columns"] == ["Catégorie", "Problématique", "2025"]
    # « Dettes » (3 households) comes first though its category comes after « Logement ».
    assert table["rows"] == [
        ["Budget", "Dettes", 3],
        ["Logement", "Insalubrité", 1],
        ["Logement", "Surpeuplement", 1],
    ]
    assert table["unit"] == "ménage"


def test_a_period_of_three_years_has_a_column_per_year_and_the_whole_period(data):
    table = panorama(data.director, THREE_YEARS)
    assert table["columns"] == [
        "Catégorie",
        "Problématique",
        "2023",
        "2024",
        "2025",
        "Toute la période (chaque ménage une fois)",
    ]
    assert table["rows"] == [
        ["Budget", "Dettes", 1, 2, 3, 3],  # 2023 Petit; 2024 Martin, Petit; 2025 the three
        ["Logement", "Insalubrité", 0, 1, 1, 1],  # Martin, from 2024
        ["Logement", "Surpeuplement", 1, 1, 1, 1],  # Petit, every year
    ]
    # Team A: Martin (from June 2024) and Bernard (from September 2025); Petit's concern is not theirs.
    assert panorama(data.team_lead, THREE_YEARS)["rows"] == [
        ["Budget", "Dettes", 0, 1, 2, 2],
        ["Logement", "Insalubrité", 0, 1, 1, 1],
    ]


def test_a_financial_year_across_two_calendar_years_names_the_days_of_each(data):
    table = panorama(data.director, indicators.Period(date(2024, 7, 1), date(2025, 9, 30)))
    assert table["columns"] == [
        "Catégorie",
        "Problématique",
        "2024 (du 01/07 au 31/12)",
        "2025 (du 01/01 au 30/09)",
        "Toute la période (chaque ménage une fois)",
    ]
    assert table["rows"] == [
        ["Budget", "Dettes", 2, 3, 3],  # second half of 2024: Martin, Petit; 2025 until September: Bernard too
        ["Logement", "Insalubrité", 1, 1, 1],
        ["Logement", "Surpeuplement", 1, 1, 1],
    ]


def test_the_most_frequent_over_the_whole_period_comes_first_then_the_categories_order(data):
    """Two households of 2023 with « Isolement » (category « Santé », after the others) make it the most frequent
    over 2023-2025 although it has no household in 2025; Insalubrité and Surpeuplement tie and keep their order."""
    health = ConcernCategory.objects.create(organisation=data.organisation, code="sante", name="Santé", position=3)
    alone = Concern.objects.create(organisation=data.organisation, category=health, label="Isolement")
    avdl = Programme.objects.get(organisation=data.organisation, code="avdl")
    for name, start, end in (
        ("Roux", date(2023, 2, 1), date(2023, 6, 30)),
        ("Blanc", date(2023, 9, 1), date(2024, 3, 31)),
    ):
        household = dataset._household(data.organisation, None, name, 1, data.director)
        household.concerns.set([alone])
        SupportMeasure.objects.create(
            organisation=data.organisation,
            household=household,
            programme=avdl,
            start_date=start,
            end_date=end,
            status=MeasureStatus.CLOSED,
            created_by=data.director,
        )
    assert panorama(data.director, THREE_YEARS)["rows"] == [
        ["Budget", "Dettes", 1, 2, 3, 3],
        ["Santé", "Isolement", 2, 1, 0, 2],  # Roux and Blanc in 2023, Blanc until March 2024
        ["Logement", "Insalubrité", 0, 1, 1, 1],
        ["Logement", "Surpeuplement", 1, 1, 1, 1],
    ]


def test_a_past_year_counted_again_later_gives_the_same_figures_and_its_stored_run_keeps_them(data):
    """2025 counted in January 2026, then again in March 2027 after dated facts of 2026 (Bernard's AVDL closed, a
    new household accompanied from 2026 with « Dettes »): the same figures. Then a concern added to Martin's file,
    a current field without dates: the stored run keeps its figures and the count of today shows the change."""
    with time_machine.travel("2026-01-10 09:00 +01:00", tick=False):
        run = services.report_run(
            actor=data.director, code="concerns_panorama", start=date(2025, 1, 1), end=date(2025, 12, 31)
        )
    first = [["Budget", "Dettes", 3], ["Logement", "Insalubrité", 1], ["Logement", "Surpeuplement", 1]]
    assert run.result[0]["rows"] == first

    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        SupportMeasure.objects.filter(household=data.bernard, status=MeasureStatus.ACTIVE).update(
            end_date=date(2026, 2, 15), status=MeasureStatus.CLOSED
        )
        newcomer = dataset._household(data.organisation, None, "Leroy", 1, data.director)
        newcomer.concerns.set([Concern.objects.get(organisation=data.organisation, label="Dettes")])
        SupportMeasure.objects.create(
            organisation=data.organisation,
            household=newcomer,
            programme=Programme.objects.get(organisation=data.organisation, code="asll"),
            start_date=date(2026, 1, 10),
            status=MeasureStatus.ACTIVE,
            created_by=data.director,
        )
        assert panorama(data.director, YEAR)["rows"] == first
        unchanged = report_run_changes(data.director, run)
        assert (unchanged["definitions_changed"], unchanged["differences"]) == (False, [])
        # 2026 counts Martin (ASLL still open), Bernard (until 15 February) and Leroy; Petit left in November 2025.
        assert panorama(data.director, indicators.Period(date(2026, 1, 1), date(2026, 12, 31)))["rows"] == [
            ["Budget", "Dettes", 3],
            ["Logement", "Insalubrité", 1],
        ]

        data.martin.concerns.add(Concern.objects.get(organisation=data.organisation, label="Surpeuplement"))
        stored = report_run_for(data.director, run.pk)
        changes = report_run_changes(data.director, stored)
    assert stored.result[0]["rows"] == first
    assert [(d.row, d.column, d.before, d.after) for d in changes["differences"]] == [
        ("Logement — Surpeuplement", "2025", 1, 2)
    ]


def test_two_queries_whatever_the_number_of_households(data, django_assert_num_queries):
    scope = reporting_scope(data.director)
    with django_assert_num_queries(2):
        indicators.compute("concerns_panorama", scope, THREE_YEARS)


@pytest.mark.parametrize(
    ("start", "end", "pieces"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), [(date(2025, 1, 1), date(2025, 12, 31))]),
        (date(2025, 3, 1), date(2025, 3, 31), [(date(2025, 3, 1), date(2025, 3, 31))]),
        (
            date(2024, 7, 1),
            date(2025, 6, 30),
            [(date(2024, 7, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 6, 30))],
        ),
        (
            date(2023, 12, 31),
            date(2025, 1, 1),
            [
                (date(2023, 12, 31), date(2023, 12, 31)),
                (date(2024, 1, 1), date(2024, 12, 31)),
                (date(2025, 1, 1), date(2025, 1, 1)),
            ],
        ),
    ],
)
def test_a_period_is_cut_at_each_first_of_january(start, end, pieces):
    assert [(piece.start, piece.end) for piece in calendar_years(indicators.Period(start, end))] == pieces
