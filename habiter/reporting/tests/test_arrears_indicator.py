"""The rent arrears on a period's last day, read from the dated ledger entries, on the hand-built data set and
`housing_dataset.add_arrears`: figures worked out by hand, against the ledger's own arrears query for today."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from habiter.ledger.rent.queries import arrears
from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)


@pytest.fixture
def data():
    data = dataset.build()
    housing_dataset.add_arrears(data)
    return data


def rows(user, period=YEAR):
    (result,) = indicators.compute("rent_arrears", reporting_scope(user), period)
    return result["rows"]


def test_arrears_on_the_last_day_of_2025(data):
    # Martin 1 000.00 (November and December, past the CAF's threshold of 1 000.00 since 5 December), Bernard
    # 200.00, Petit 400.00 (past the threshold from 5 to 20 December only): January 2026's calls and payment are not
    # dated in 2025
    assert rows(data.director) == [
        ["Ménages en impayé de loyer", 3, 1600.0],
        ["dont au-delà du seuil d'impayé de la CAF", 1, 1000.0],
    ]


def test_a_team_lead_counts_their_teams_households(data):
    assert rows(data.team_lead) == [
        ["Ménages en impayé de loyer", 2, 1200.0],
        ["dont au-delà du seuil d'impayé de la CAF", 1, 1000.0],
    ]


def test_the_end_of_november(data):
    # Martin owes November's 500.00, Petit November's 500.00; Bernard's lease starts in December
    assert rows(data.director, indicators.Period(date(2025, 1, 1), date(2025, 11, 30))) == [
        ["Ménages en impayé de loyer", 2, 1000.0],
        ["dont au-delà du seuil d'impayé de la CAF", 0, 0.0],
    ]


@time_machine.travel(date(2026, 1, 15), tick=False)
def test_on_today_it_agrees_with_the_ledgers_arrears(data):
    # Martin paid everything on 12 January; Bernard owes 200.00 + 500.00, Petit 400.00 + 500.00
    assert rows(data.director, indicators.Period(date(2026, 1, 1), date(2026, 1, 15))) == [
        ["Ménages en impayé de loyer", 2, 1600.0],
        ["dont au-delà du seuil d'impayé de la CAF", 0, 0.0],
    ]
    ledger = arrears(data.director, date(2026, 1, 15))
    assert sorted((row.lease.household.name, row.total, row.caf.reached) for row in ledger) == [
        ("Bernard", Decimal("700.00"), False),
        ("Petit", Decimal("900.00"), False),
    ]


def test_the_other_organisation_owes_nothing(data):
    assert rows(data.other_director) == [
        ["Ménages en impayé de loyer", 0, 0.0],
        ["dont au-delà du seuil d'impayé de la CAF", 0, 0.0],
    ]
