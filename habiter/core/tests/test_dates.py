"""Public holidays and open days, checked against the calendar (service-public.fr « jours fériés »)."""

from datetime import date

import pytest

from habiter.core.dates import easter_sunday, is_open_day, is_public_holiday, nearest_open_day


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5))]
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ],
)
def test_the_public_holidays_of_2026(day):
    assert is_public_holiday(day) and not is_open_day(day)


def test_open_days():
    assert is_open_day(date(2026, 12, 4))  # a Friday
    assert not is_open_day(date(2026, 12, 5))  # a Saturday
    assert not is_public_holiday(date(2026, 4, 5))  # Easter Sunday is a Sunday, not a holiday of its own
    assert not is_public_holiday(date(2026, 5, 15))


def test_the_nearest_open_day():
    assert nearest_open_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Friday Christmas → Monday
    assert nearest_open_day(date(2026, 12, 25), -1) == date(2026, 12, 24)
    assert nearest_open_day(date(2026, 12, 4)) == date(2026, 12, 4)
