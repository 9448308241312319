"""The rent in force on each day: a revision takes effect on its date, inside the month (loi 89 art. 17-1)."""

from datetime import date
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from habiter.leases.rules import monthly_prorata, prorata_in_force, rent_in_force


def test_without_revision_the_rent_of_today_holds_since_the_start():
    assert rent_in_force(D("600.00"), []) == [(None, D("600.00"))]


def test_the_history_starts_with_the_rent_before_the_first_revision():
    revisions = [(date(2028, 3, 15), D("612.00"), D("618.00")), (date(2027, 3, 15), D("600.00"), D("612.00"))]
    assert rent_in_force(D("618.00"), revisions) == [
        (None, D("600.00")),
        (date(2027, 3, 15), D("612.00")),
        (date(2028, 3, 15), D("618.00")),
    ]


def test_a_revision_on_the_15th_is_prorated_inside_the_month():
    # March 2027 has 31 days: 14 days at 600.00 and 17 days at 612.00 → (8 400 + 10 404) / 31 = 606.5806… → 606.58
    history = [(None, D("600.00")), (date(2027, 3, 15), D("612.00"))]
    assert prorata_in_force(history, date(2027, 3, 1)) == D("606.58")
    assert prorata_in_force(history, date(2027, 2, 1)) == D("600.00")
    assert prorata_in_force(history, date(2027, 4, 1)) == D("612.00")


def test_a_revision_and_the_end_of_the_lease_in_one_month():
    # April 2027 (30 days), revision on the 10th, lease ends on the 20th: 9 days at 500.00, 11 days at 510.00
    # → (4 500 + 5 610) / 30 = 337.00
    history = [(None, D("500.00")), (date(2027, 4, 10), D("510.00"))]
    assert prorata_in_force(history, date(2027, 4, 1), end=date(2027, 4, 20)) == D("337.00")
    assert prorata_in_force(history, date(2027, 5, 1), end=date(2027, 4, 20)) == D("0.00")


@given(
    amount=st.decimals(min_value=0, max_value=5000, places=2),
    month=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 1)).map(lambda d: d.replace(day=1)),
    start_day=st.integers(1, 28),
    end_day=st.integers(1, 28),
)
def test_a_single_rent_costs_what_the_prorata_says(amount, month, start_day, end_day):
    start, end = month.replace(day=min(start_day, end_day)), month.replace(day=max(start_day, end_day))
    assert prorata_in_force([(None, amount)], month, start, end) == monthly_prorata(amount, month, start, end)
