"""Occupancy and funding figures (W3, W9): worked examples computed by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.core.legal import default_parameters
from habiter.residences import rules
from habiter.residences.rules import PlaceOpening, RatePeriod, StaySpan

RATES = rules.rate_periods(default_parameters())


def _september_2025():
    """A 20-place residence in September 2025 (30 days) with three vacancies: place 1 free from 1 to 10 September
    (its resident left on 31 August, the next one enters on the 11th), place 2 free from 26 to 30 September (its
    resident left on the 25th, for social housing), place 3 free from 1 to 15 September (entry on the 16th)."""
    openings = [PlaceOpening(n) for n in range(1, 21)]
    stays = [StaySpan(n, date(2024, 5, 6)) for n in range(4, 21)]
    stays += [
        StaySpan(1, date(2023, 2, 1), date(2025, 8, 31), "ordinary_housing"),
        StaySpan(1, date(2025, 9, 11)),
        StaySpan(2, date(2025, 3, 1), date(2025, 9, 25), "social_housing"),
        StaySpan(3, date(2025, 9, 16)),
    ]
    return openings, stays


def test_a_20_place_residence_with_three_vacancies_in_a_30_day_month():
    openings, stays = _september_2025()
    figures = rules.period_figures(openings, stays, date(2025, 9, 1), date(2025, 9, 30), RATES)
    # 20 × 30 = 600 place-days; vacancies 10 + 5 + 15 = 30 days; 570 / 600 = 95 %
    assert figures.places == 20
    assert figures.available_days == 600
    assert figures.vacancy_days == 30
    assert figures.occupied_days == 570
    assert figures.occupancy_rate == Decimal("95.0")
    assert figures.entries == 2
    assert figures.exits == {"social_housing": 1}
    # 1 March → 25 September 2025: 208 days apart, 209 days with both ends
    assert figures.average_stay_days == 209
    # 20 places × 30 days × 19.50 €
    assert figures.grant == Decimal("11700.00")


def test_the_exit_of_august_counts_in_august_only():
    openings, stays = _september_2025()
    august = rules.period_figures(openings, stays, date(2025, 8, 1), date(2025, 8, 31), RATES)
    # place 2 (from 1 March) and 1 (until 31 August) and 4–20 occupied all month, place 3 free: 19 × 31 = 589
    assert (august.available_days, august.occupied_days, august.vacancy_days) == (620, 589, 31)
    assert august.occupancy_rate == Decimal("95.0")
    assert august.exits == {"ordinary_housing": 1}
    # 1 February 2023 → 31 August 2025: 365 + 366 + 211 = 942 days apart, 943 with both ends
    assert august.average_stay_days == 943


@pytest.mark.parametrize(
    ("occupied", "available", "rate"),
    [(570, 600, "95.0"), (600, 600, "100.0"), (0, 600, "0.0"), (1, 3, "33.3"), (2, 3, "66.7"), (0, 0, None)],
)
def test_the_occupancy_rate_is_a_percentage_with_one_decimal(occupied, available, rate):
    assert rules.occupancy_rate(occupied, available) == (Decimal(rate) if rate else None)


@pytest.mark.parametrize(
    ("openings", "start", "end", "grant"),
    [
        # W9: 1 place × 365 days × 19.50 € = 7 117.50 € (« 7 117 € par an et par personne logée »)
        ([PlaceOpening(1)], date(2025, 1, 1), date(2025, 12, 31), "7117.50"),
        # 20 places all year: 20 × 365 × 19.50 = 142 350 €
        ([PlaceOpening(n) for n in range(20)], date(2025, 1, 1), date(2025, 12, 31), "142350.00"),
        # and 5 more opened on 1 July: + 5 × 184 × 19.50 = 17 940 €
        (
            [PlaceOpening(n) for n in range(20)] + [PlaceOpening(n, date(2025, 7, 1)) for n in range(20, 25)],
            date(2025, 1, 1),
            date(2025, 12, 31),
            "160290.00",
        ),
        # 2022 at 18 €: 365 × 18 = 6 570 €; 2024, a leap year at 19.50 €: 366 × 19.50 = 7 137 €
        ([PlaceOpening(1)], date(2022, 1, 1), date(2022, 12, 31), "6570.00"),
        ([PlaceOpening(1)], date(2024, 1, 1), date(2024, 12, 31), "7137.00"),
        # across the change of 1 January 2021: 2 days at 16 € and 2 days at 18 € = 68 €
        ([PlaceOpening(1)], date(2020, 12, 30), date(2021, 1, 2), "68.00"),
        # a place opened after the period: nothing
        ([PlaceOpening(1, date(2026, 1, 1))], date(2025, 1, 1), date(2025, 12, 31), "0.00"),
        # before 2005, no rate in the table: unknown
        ([PlaceOpening(1)], date(2004, 1, 1), date(2004, 12, 31), None),
    ],
)
def test_the_expected_grant_is_places_times_days_times_the_rate_of_each_day(openings, start, end, grant):
    assert rules.state_grant(openings, start, end, RATES) == (Decimal(grant) if grant else None)


def test_a_place_opened_during_the_year_is_prorated_in_the_figures():
    openings = [PlaceOpening(1), PlaceOpening(2, date(2025, 7, 1))]
    stays = [StaySpan(1, date(2020, 1, 6)), StaySpan(2, date(2025, 7, 1))]
    months, year = rules.year_figures(openings, stays, 2025, RATES)
    # place 1: 365 days; place 2: 184 days, all occupied
    assert (year.available_days, year.occupied_days, year.occupancy_rate) == (549, 549, Decimal("100.0"))
    assert (months[5].places, months[6].places, year.places) == (1, 2, 2)
    assert (months[5].available_days, months[6].available_days) == (30, 62)
    # 549 × 19.50 = 10 705.50
    assert year.grant == Decimal("10705.50")
    assert year.entries == 1 and year.exits == {} and year.average_stay_days is None


def test_a_stay_recorded_before_its_place_opened_counts_from_the_opening():
    figures = rules.period_figures(
        [PlaceOpening(1, date(2025, 3, 10))],
        [StaySpan(1, date(2025, 3, 1), date(2025, 3, 19), "unknown")],
        date(2025, 3, 1),
        date(2025, 3, 31),
        [RatePeriod(None, None, Decimal("20"))],
    )
    # open 10–31 March: 22 days; occupied 10–19 March: 10 days; 10 / 22 = 45.45… %
    assert (figures.available_days, figures.occupied_days, figures.occupancy_rate) == (22, 10, Decimal("45.5"))
    assert figures.grant == Decimal("440.00")
    assert figures.average_stay_days == 19


@given(
    entered=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    length=st.one_of(st.none(), st.integers(0, 400)),
    opened=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
)
def test_occupied_and_vacant_days_add_up_to_the_available_days(entered, length, opened):
    left = entered + timedelta(days=length) if length is not None else None
    figures = rules.period_figures(
        [PlaceOpening(1, opened)], [StaySpan(1, entered, left, "unknown")], date(2025, 1, 1), date(2025, 12, 31), []
    )
    assert figures.occupied_days + figures.vacancy_days == figures.available_days
    assert 0 <= figures.vacancy_days
    assert figures.occupancy_rate is None or Decimal(0) <= figures.occupancy_rate <= Decimal(100)


def test_a_year_still_running_is_counted_up_to_today_only():
    """Two places, one resident since 10 January 2026 still there, another expected on 1 April; seen on 15 March
    2026. The days to come are not facts yet: they count neither as occupied nor as available, so the rate is that of
    the days lived; the State's grant stays the whole year's forecast."""
    openings = [PlaceOpening(1), PlaceOpening(2)]
    stays = [StaySpan(1, date(2026, 1, 10)), StaySpan(2, date(2026, 4, 1))]
    daily = [RatePeriod(None, None, Decimal("20.00"))]
    months, year = rules.year_figures(openings, stays, 2026, daily, until=date(2026, 3, 15))
    january, march, april = months[0], months[2], months[3]
    # January: 2 × 31 = 62 place-days, occupied 10 to 31 = 22; 22 / 62 = 35.48… → 35.5 %
    assert (january.available_days, january.occupied_days, january.occupancy_rate) == (62, 22, Decimal("35.5"))
    assert january.counted_until is None  # a month over
    # March: 1 to 15 only, 2 × 15 = 30 place-days, 15 occupied → 50.0 %
    assert (march.available_days, march.occupied_days, march.occupancy_rate) == (30, 15, Decimal("50.0"))
    assert march.counted_until == date(2026, 3, 15)
    # April has not begun: no figure, and the entry expected on the 1st is not counted yet
    assert (april.available_days, april.occupied_days, april.occupancy_rate, april.entries) == (0, 0, None, 0)
    # The year: 1 January to 15 March = 31 + 28 + 15 = 74 days, × 2 = 148; occupied 22 + 28 + 15 = 65;
    # 65 / 148 = 43.91… → 43.9 %; one entry; grant 2 places × 365 days × 20.00 = 14 600.00
    assert (year.available_days, year.occupied_days, year.occupancy_rate) == (148, 65, Decimal("43.9"))
    assert year.entries == 1 and year.counted_until == date(2026, 3, 15)
    assert year.grant == Decimal("14600.00")
    # the same year seen from 2027 counts every day: 2 × 365 = 730; 356 + 275 = 631 occupied
    _months, whole = rules.year_figures(openings, stays, 2026, daily, until=date(2027, 2, 1))
    assert (whole.available_days, whole.occupied_days, whole.counted_until) == (730, 631, None)


def test_the_vacancies_filled_in_a_period_and_their_days_from_vacancy_to_entry():
    """W3 « délai vacance → entrée »: an entry of the period that filled a vacancy counts with its days from the
    vacancy declared (in the period or before) to the entry; an entry without a vacancy, or in another period, not."""
    openings = [PlaceOpening(n) for n in range(1, 5)]
    stays = [
        StaySpan(1, date(2025, 1, 6), vacancy_declared_on=date(2024, 11, 4)),  # 63 days
        StaySpan(2, date(2025, 9, 1), vacancy_declared_on=date(2025, 8, 1)),  # 31 days
        StaySpan(3, date(2025, 12, 29), vacancy_declared_on=date(2025, 10, 6)),  # 84 days
        StaySpan(4, date(2025, 5, 5)),  # no vacancy declared
        StaySpan(4, date(2024, 6, 3), date(2025, 4, 30), "death", vacancy_declared_on=date(2024, 5, 6)),  # 2024
    ]
    year = rules.period_figures(openings, stays, date(2025, 1, 1), date(2025, 12, 31), RATES)
    # (63 + 31 + 84) / 3 = 59.33… → 59
    assert (year.vacancies_filled, year.average_days_to_entry, year.longest_days_to_entry) == (3, 59, 84)
    assert year.entries == 4
    september = rules.period_figures(openings, stays, date(2025, 9, 1), date(2025, 9, 30), RATES)
    assert (september.vacancies_filled, september.average_days_to_entry, september.longest_days_to_entry) == (
        1,
        31,
        31,
    )
    # (28 + 29) / 2 = 28.5 → 29, rounded half up
    two = [
        StaySpan(1, date(2025, 3, 1), vacancy_declared_on=date(2025, 2, 1)),
        StaySpan(2, date(2025, 3, 31), vacancy_declared_on=date(2025, 3, 2)),
    ]
    march = rules.period_figures(openings, two, date(2025, 3, 1), date(2025, 3, 31), RATES)
    assert (march.vacancies_filled, march.average_days_to_entry, march.longest_days_to_entry) == (2, 29, 29)
    june = rules.period_figures(openings, stays, date(2025, 6, 1), date(2025, 6, 30), RATES)
    assert (june.vacancies_filled, june.average_days_to_entry, june.longest_days_to_entry) == (0, None, None)
