"""A tenant's notice (loi 89 art. 15): the rent runs to its end, unless a new tenant takes the dwelling first."""

from datetime import date

import pytest

from habiter.leases.rules import rent_runs_until, tenant_notice_end


@pytest.mark.parametrize(
    ("received_on", "reduced", "expected"),
    [
        (date(2027, 3, 15), False, date(2027, 6, 15)),  # 3 months, same day of the last month
        (date(2027, 3, 15), True, date(2027, 4, 15)),  # 1 month
        (date(2027, 11, 30), True, date(2027, 12, 30)),
        (date(2027, 1, 31), True, date(2027, 2, 28)),  # no 31 February: the last day of the month
        (date(2027, 11, 30), False, date(2028, 2, 29)),  # leap year
    ],
)
def test_the_notice_ends_on_the_same_day_months_later(received_on, reduced, expected):
    assert tenant_notice_end(received_on, reduced=reduced) == expected


def test_the_rent_runs_to_the_end_of_notice_unless_the_dwelling_is_relet_earlier():
    assert rent_runs_until(date(2027, 6, 15)) == date(2027, 6, 15)
    assert rent_runs_until(date(2027, 6, 15), relet_on=date(2027, 5, 20)) == date(2027, 5, 19)
    assert rent_runs_until(date(2027, 6, 15), relet_on=date(2027, 7, 1)) == date(2027, 6, 15)
