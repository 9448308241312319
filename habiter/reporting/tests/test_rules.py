"""The pure rule of measure durations (DOMAIN-2 W39), on a table of cases worked out by hand."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.reporting.rules import mean_and_median, measure_duration_days

END_2025 = date(2025, 12, 31)


@pytest.mark.parametrize(
    ("start", "end", "period_end", "days"),
    [
        (date(2025, 1, 1), date(2025, 1, 31), END_2025, 30),  # ended in the period: end − start
        (date(2025, 3, 1), None, END_2025, 305),  # still open: to the period's last day
        (date(2025, 12, 1), date(2026, 2, 1), END_2025, 30),  # ended after the period: open on its last day
        (date(2025, 5, 5), date(2025, 5, 5), END_2025, 0),  # begun and ended the same day
        (date(2024, 2, 28), date(2024, 3, 1), END_2025, 2),  # 29 February counts
        (date(2023, 1, 1), None, date(2023, 12, 31), 364),
    ],
)
def test_measure_duration_days(start, end, period_end, days):
    assert measure_duration_days(start, end, period_end) == days


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], None),
        ([10], (10, 10)),
        ([1, 2], (2, 2)),  # 1.5 and 1.5, rounded half up
        ([0, 10, 11], (7, 10)),
        ([30, 305, 100, 1], (109, 65)),  # 436 / 4; (30 + 100) / 2
        ([1, 2, 4], (2, 2)),  # 7 / 3 = 2.33
    ],
)
def test_mean_and_median_in_whole_days(days, expected):
    assert mean_and_median(days) == expected


@given(st.lists(st.integers(min_value=0, max_value=5000), min_size=1))
def test_mean_and_median_lie_between_the_shortest_and_the_longest(days):
    mean, median = mean_and_median(days)
    assert min(days) <= mean <= max(days) and min(days) <= median <= max(days)
