from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.core.legal import LegalParameterRow, LegalParameters
from habiter.residences import rules


@pytest.mark.parametrize(("count", "expected"), [(0, None), (20, None), (25, None), (26, 25), (40, 25)])
def test_the_soft_maximum_of_places_warns_above_25_only(count, expected):
    assert rules.places_above_soft_max(count, date(2026, 3, 2)) == expected


def test_the_soft_maximum_comes_from_the_dated_table():
    params = LegalParameters(
        [
            LegalParameterRow(rules.PLACES_SOFT_MAX_KEY, "metropole", "25", valid_to=date(2026, 12, 31)),
            LegalParameterRow(rules.PLACES_SOFT_MAX_KEY, "metropole", "30", valid_from=date(2027, 1, 1)),
        ]
    )
    assert rules.places_above_soft_max(28, date(2026, 6, 1), params) == 25
    assert rules.places_above_soft_max(28, date(2027, 6, 1), params) is None


@pytest.mark.parametrize(
    ("valid_from", "frozen"),
    [(date(2026, 3, 1), True), (date(2026, 3, 2), True), (date(2026, 3, 3), False)],
)
def test_a_house_rules_version_is_frozen_from_its_first_day(valid_from, frozen):
    assert rules.house_rules_frozen(valid_from, date(2026, 3, 2)) is frozen


# --- contracts (W4–W5, R75) ---


def test_the_resident_leaves_8_days_after_the_notice_by_default():
    assert rules.resident_notice_end(date(2026, 3, 2)) == date(2026, 3, 10)
    assert rules.resident_notice_end(date(2026, 2, 25)) == date(2026, 3, 5)  # 2026 is not a leap year


def test_the_resident_notice_reads_the_parameter_table():
    params = LegalParameters(
        [LegalParameterRow("foyer_resident_notice_days", "metropole", "15", None, None, "UNCONFIRMED", "W5", "", "")]
    )
    assert rules.resident_notice_end(date(2026, 3, 2), params) == date(2026, 3, 17)


def test_in_an_essms_the_resident_notice_is_the_contrat_de_sejour_s():
    """W1: no L633 check in an ESSMS: the 30 days of its contrat de séjour, not the 8 of the table."""
    assert rules.resident_notice_end(date(2026, 3, 2), contract_of_stay_days=30) == date(2026, 4, 1)
    assert rules.resident_notice_end(date(2026, 3, 2), contract_of_stay_days=0) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("ground", "notified_on", "expected"),
    [
        ("breach", date(2026, 1, 31), date(2026, 2, 28)),
        ("unpaid", date(2026, 3, 2), date(2026, 4, 2)),
        ("admission_conditions", date(2026, 3, 2), date(2026, 6, 2)),
        ("closure", date(2025, 11, 30), date(2026, 2, 28)),
    ],
)
def test_the_manager_notice_is_one_month_for_a_breach_three_for_conditions_or_closure(ground, notified_on, expected):
    assert rules.termination_notice_end(notified_on, ground) == expected


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("to_sign", "active", True),
        ("to_sign", "ended", False),
        ("active", "notice", True),
        ("active", "ended", True),
        ("notice", "ended", True),
        ("notice", "active", False),
        ("ended", "active", False),
    ],
)
def test_contract_transitions(current, target, allowed):
    assert rules.contract_may_become(current, target) is allowed


def test_a_contract_without_initialled_rules_stays_to_sign():
    assert rules.contract_may_activate(None) is False
    assert rules.contract_may_activate(date(2026, 2, 2)) is True


# --- guests (W14) ---


@pytest.mark.parametrize(
    ("arrived", "left", "start", "end", "nights"),
    [
        (date(2026, 1, 30), date(2026, 2, 2), date(2026, 1, 1), date(2026, 1, 31), 2),
        (date(2026, 1, 30), date(2026, 2, 2), date(2026, 2, 1), date(2026, 2, 28), 1),
        (date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 1), date(2026, 2, 28), 1),
        (date(2026, 3, 1), date(2026, 3, 5), date(2026, 2, 1), date(2026, 2, 28), 0),
        (date(2026, 1, 1), date(2026, 4, 1), date(2026, 2, 1), date(2026, 2, 28), 28),
    ],
)
def test_guest_nights_belong_to_the_day_they_begin(arrived, left, start, end, nights):
    assert rules.nights_between(arrived, left, start, end) == nights


def test_nights_per_guest_across_a_month_boundary_and_the_alert_at_the_limit():
    stays = [
        ("Paul Martin", date(2026, 1, 30), date(2026, 2, 2)),  # 2 nights in January, 1 in February
        ("paul  martin ", date(2026, 2, 20), date(2026, 2, 24)),  # 4 nights, the same guest
        ("Léa Roux", date(2026, 2, 6), date(2026, 2, 8)),  # 2 nights
    ]
    february = rules.month_bounds(date(2026, 2, 14))
    assert february == (date(2026, 2, 1), date(2026, 2, 28))
    assert rules.guest_nights(stays, *february) == {"Paul Martin": 5, "Léa Roux": 2}
    assert rules.guest_nights(stays, date(2026, 1, 1), date(2026, 1, 31)) == {"Paul Martin": 2}
    assert rules.guests_at_limit(stays, *february, limit=5) == {"Paul Martin": 5}
    assert rules.guests_at_limit(stays, *february, limit=6) == {}
    assert rules.guests_at_limit(stays, *february, limit=None) == {}


@given(
    arrived=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    nights=st.integers(min_value=1, max_value=200),
)
def test_the_nights_of_a_stay_split_over_its_months_add_up_to_its_length(arrived, nights):
    left = arrived + timedelta(days=nights)
    total, day = 0, arrived.replace(day=1)
    while day < left:
        start, end = rules.month_bounds(day)
        total += rules.nights_between(arrived, left, start, end)
        day = end + timedelta(days=1)
    assert total == nights


def test_the_same_guest_reaches_the_three_months_of_the_law_across_stays():
    stays = [
        ("Paul Martin", date(2026, 1, 10), date(2026, 2, 10)),  # 31 nights
        ("paul martin", date(2026, 3, 1), date(2026, 4, 29)),  # 59 nights: 90 in all
        ("Léa Roux", date(2026, 1, 10), date(2026, 4, 9)),  # 89 nights
    ]
    # three months from 10 January 2026 is 10 April 2026: 90 nights
    assert rules.guests_at_legal_cap(stays) == {"Paul Martin": 90}
    assert rules.guests_at_legal_cap(stays[:1]) == {}


def test_the_deposit_cap_is_months_of_redevance():
    """W6: one month of a redevance of 350.00 + 50.00 € is 400.00 €; no redevance yet, no cap."""
    from decimal import Decimal

    assert rules.deposit_cap(Decimal("400.00"), 1) == Decimal("400.00")
    assert rules.deposit_cap(Decimal("412.35"), 2) == Decimal("824.70")
    assert rules.deposit_cap(None, 1) is None
