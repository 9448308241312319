"""The eviction deadlines and the CAF threshold: DOMAIN.md's vectors, tables of cases, Hypothesis properties."""

import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habiter.evictions import rules

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    ("served", "signed", "months", "expected"),
    [
        (date(2025, 3, 3), date(2024, 1, 10), 2, date(2025, 4, 14)),  # signed after 29/07/2023: 42 days
        (date(2025, 3, 3), date(2023, 7, 29), 2, date(2025, 4, 14)),
        (date(2025, 3, 3), date(2023, 7, 28), 2, date(2025, 5, 3)),  # signed before: the lease's 2 months
        (date(2025, 12, 31), date(2020, 5, 1), 2, date(2026, 2, 28)),
        (date(2025, 12, 31), date(2020, 5, 1), 3, date(2026, 3, 31)),
    ],
)
def test_payment_order_expiry(served, signed, months, expected):
    assert rules.payment_order_expiry(served, signed, months) == expected


@pytest.mark.parametrize(
    ("hearing", "latest"),
    [
        (date(2025, 5, 12), date(2025, 3, 30)),  # the example of the Cour de cassation's avis of 6 Nov 2025
        (date(2026, 1, 5), date(2025, 11, 23)),
        (date(2023, 7, 28), date(2023, 5, 27)),  # before the reform: 2 months, and a day for safety
    ],
)
def test_latest_prefect_notification(hearing, latest):
    assert rules.latest_prefect_notification(hearing) == latest


@pytest.mark.parametrize(
    ("day", "truce"),
    [
        (date(2025, 10, 31), False),
        (date(2025, 11, 1), True),
        (date(2026, 1, 15), True),
        (date(2026, 3, 31), True),
        (date(2026, 4, 1), False),
        (date(2026, 7, 14), False),
    ],
)
def test_in_winter_truce(day, truce):
    assert rules.in_winter_truce(day) is truce


@pytest.mark.parametrize(
    ("order", "earliest"),
    [
        (date(2026, 5, 10), date(2026, 7, 10)),
        (date(2026, 8, 31), date(2026, 10, 31)),
        (date(2026, 9, 1), date(2027, 4, 1)),  # 1 November falls in the truce → 1 April
        (date(2026, 12, 20), date(2027, 4, 1)),
        (date(2027, 1, 31), date(2027, 4, 1)),  # 31 March → 1 April
        (date(2027, 2, 1), date(2027, 4, 1)),
    ],
)
def test_earliest_forced_eviction(order, earliest):
    assert rules.earliest_forced_eviction(order) == earliest


@pytest.mark.parametrize(
    ("debt", "monthly", "on", "first_unpaid", "reached"),
    [
        ("500.00", "250.00", date(2026, 6, 1), None, True),  # R40: 2 × (280 + 20 − 50) = 500, aid to landlord
        ("499.99", "250.00", date(2026, 6, 1), None, False),
        ("599.99", "300.00", date(2026, 6, 1), None, False),  # aid paid to the tenant: 2 × 300 = 600
        ("600.00", "300.00", date(2026, 12, 31), None, True),
        ("450.00", "300.00", date(2027, 1, 1), date(2026, 12, 5), False),  # R42: above 450 €, or 3 months late
        ("450.01", "300.00", date(2027, 1, 1), date(2026, 12, 5), True),
        ("120.00", "300.00", date(2027, 3, 4), date(2026, 12, 5), False),
        ("120.00", "300.00", date(2027, 3, 5), date(2026, 12, 5), True),
        ("0.00", "300.00", date(2027, 6, 1), date(2026, 12, 5), False),
    ],
)
def test_caf_threshold_reached(debt, monthly, on, first_unpaid, reached):
    assert rules.caf_threshold_reached(Decimal(debt), Decimal(monthly), on, first_unpaid) is reached


def test_caf_report_deadline():
    assert rules.caf_report_deadline(date(2026, 12, 31)) == date(2027, 2, 28)


def test_bad_amounts_are_refused_in_french():
    with pytest.raises(ValueError, match="montant"):
        rules.caf_threshold_reached(1.5, Decimal("300"), date(2026, 1, 1))
    with pytest.raises(ValueError, match="positif"):
        rules.caf_threshold_reached(Decimal("-1"), Decimal("300"), date(2026, 1, 1))


@settings(deadline=None, database=None)
@given(DAYS)
def test_no_forced_eviction_date_falls_in_a_truce(order):
    earliest = rules.earliest_forced_eviction(order)
    assert not rules.in_winter_truce(earliest)
    assert earliest >= order + timedelta(days=59)


@settings(deadline=None, database=None)
@given(DAYS, DAYS, st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1)))
def test_payment_order_expiry_is_monotonic_in_the_service_date(first, second, signed):
    earlier, later = sorted((first, second))
    assert rules.payment_order_expiry(earlier, signed) <= rules.payment_order_expiry(later, signed)


@settings(deadline=None, database=None)
@given(DAYS)
def test_the_prefect_is_notified_at_least_42_clear_days_ahead(hearing):
    assert (hearing - rules.latest_prefect_notification(hearing)).days - 1 >= 42


def test_the_kernel_needs_no_django():
    code = "import sys; import habiter.evictions.rules; assert 'django' not in sys.modules"
    env = {"PYTHONPATH": ".", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True, env=env)


# --- the procedure's order and its deadlines -------------------------------------------------------------------

D = date(2026, 1, 5)


@pytest.mark.parametrize(
    ("previous", "step", "on", "error"),
    [
        ([], rules.UNPAID, D, None),
        ([(rules.UNPAID, D)], rules.PAYMENT_ORDER, D + timedelta(days=30), None),
        ([(rules.UNPAID, D)], rules.JUDGMENT, D + timedelta(days=30), "suppose « audience »"),
        ([(rules.UNPAID, D), (rules.SUMMONS, D)], rules.PAYMENT_ORDER, D, "ne peut pas venir après « assignation »"),
        ([(rules.UNPAID, D)], rules.CAF_TOLD, D - timedelta(days=1), "avant la précédente"),
        ([(rules.UNPAID, D), (rules.PAYMENT_ORDER, D)], rules.PAYMENT_ORDER, D, "déjà notée"),
        ([(rules.UNPAID, D), (rules.SUMMONS, D), (rules.HEARING, D)], rules.HEARING, D, None),  # postponed
        ([(rules.UNPAID, D)], "inconnue", D, "Étape inconnue"),
    ],
)
def test_step_order(previous, step, on, error):
    found = rules.step_error(previous, step, on)
    assert (found is None) if error is None else (error in found)


def test_the_deadlines_of_a_case():
    deadlines = rules.case_deadlines(
        [
            (rules.UNPAID, date(2025, 1, 5), None),
            (rules.PAYMENT_ORDER, date(2025, 3, 3), None),
            (rules.CCAPEX, date(2025, 3, 10), None),
            (rules.SUMMONS, date(2025, 3, 20), date(2025, 5, 12)),
            (rules.ORDER_TO_LEAVE, date(2025, 9, 1), None),
        ],
        landlord_is_legal_person=True,
        lease_signed_on=date(2024, 1, 10),
    )
    assert [(d.label.split(" ")[0], d.on) for d in deadlines] == [
        ("Fin", date(2025, 4, 14)),
        ("Assignation", date(2025, 5, 10)),
        ("Notification", date(2025, 3, 30)),
        ("Audience", date(2025, 5, 12)),
        ("Expulsion", date(2026, 4, 1)),
    ]
    assert all(d.advice for d in deadlines)


# --- working days and the diagnosis's interview offer (R28) ------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2008, date(2008, 3, 23)), (2011, date(2011, 4, 24)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)),
     (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter_sunday(year, easter):
    assert rules.easter_sunday(year) == easter


def test_the_eleven_french_public_holidays_of_2026():
    assert sorted(rules.french_public_holidays(2026)) == [
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
    ]


@pytest.mark.parametrize(
    ("referred", "deadline"),
    [
        (date(2026, 3, 2), date(2026, 3, 23)),  # three plain weeks
        (date(2026, 4, 23), date(2026, 5, 19)),  # 1 May, 8 May and Ascension skipped
        (date(2026, 12, 11), date(2027, 1, 5)),  # Christmas and New Year's Day skipped
        (date(2026, 3, 28), date(2026, 4, 20)),  # referred on a Saturday; Easter Monday skipped
    ],
)
def test_dsf_interview_deadline_counts_working_days_without_public_holidays(referred, deadline):
    assert rules.dsf_interview_deadline(referred) == deadline


def test_a_new_interview_may_be_offered_fifteen_working_days_before_the_hearing():
    assert rules.dsf_new_interview_from(date(2026, 5, 19)) == date(2026, 4, 23)


@given(DAYS, st.integers(min_value=1, max_value=40))
@settings(max_examples=200)
def test_add_working_days_lands_on_a_working_day_after_exactly_n_of_them(start, days):
    end = rules.add_working_days(start, days)
    assert rules.is_working_day(end) and end > start
    between = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(rules.is_working_day(day) for day in between) == days
    assert rules.add_working_days(start, 0) == start


def test_add_working_days_refuses_a_non_integer():
    with pytest.raises(ValueError, match="jours ouvrés"):
        rules.add_working_days(date(2026, 1, 5), 1.5)


def test_average_step_delays_per_step_within_the_period():
    steps = [
        ("a", rules.UNPAID, date(2026, 1, 5)),
        ("a", rules.CAF_TOLD, date(2026, 2, 4)),  # 30 days
        ("a", rules.PAYMENT_ORDER, date(2026, 2, 14)),  # 10 days
        ("b", rules.UNPAID, date(2026, 1, 20)),  # a new case: no delay
        ("b", rules.CAF_TOLD, date(2026, 2, 9)),  # 20 days
        ("c", rules.UNPAID, date(2025, 10, 1)),
        ("c", rules.CAF_TOLD, date(2025, 12, 1)),  # before the period: not counted
    ]
    assert rules.average_step_delays(steps, date(2026, 1, 1), date(2026, 12, 31)) == {
        rules.CAF_TOLD: (Decimal("25.0"), 2),
        rules.PAYMENT_ORDER: (Decimal("10.0"), 1),
    }
    assert rules.average_step_delays([], date(2026, 1, 1), date(2026, 12, 31)) == {}
