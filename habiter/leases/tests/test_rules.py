"""Pure lease rules: DOMAIN.md test vectors (R11–R21, R50, R61) as tables, then Hypothesis properties."""

import csv
import os
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from habiter.core.legal import LegalParameterRow, LegalParameters, MissingLegalParameter, default_parameters, read_rows
from habiter.leases import rules
from habiter.leases.rules import (
    add_months,
    decent_for_letting,
    deposit_return_deadline,
    deposit_within_cap,
    irl_yoy_percent,
    late_deposit_penalty,
    max_deposit,
    monthly_prorata,
    rent_increase_allowed,
    revised_rent,
    revision_base_year,
    revision_claim_expired,
    revision_effective_date,
    started_months_late,
    sublease_rent_allowed,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
IRL_CSV = Path(rules.__file__).with_name("irl.csv")
D = Decimal


def read_irl():
    with IRL_CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["year", "quarter", "zone", "value", "published_on", "source_url"]
        return {(int(r["year"]), int(r["quarter"]), r["zone"]): D(r["value"]) for r in reader}


def with_rows(*overrides):
    """The shipped parameters with the rows of the given keys replaced."""
    keys = {r.key for r in overrides}
    return LegalParameters([r for r in read_rows() if r.key not in keys] + list(overrides))


# R11 — revision formula ----------------------------------------------------------------------------------------


def test_r11_revision_vector():
    assert revised_rent(D("1000.00"), D("144.64"), D("145.78")) == D("1007.88")


def test_r11_revision_vector_from_the_irl_table():
    irl = read_irl()
    base, new = irl[(2024, 4, "metropole")], irl[(2025, 4, "metropole")]
    assert revised_rent(D("1000.00"), base, new, on=date(2026, 2, 1)) == D("1007.88")


@pytest.mark.parametrize(
    ("rent", "base", "new", "expected"),
    [
        ("500", "100", "100", "500.00"),
        ("0", "100", "103", "0.00"),
        ("100.00", "200", "200.01", "100.01"),  # 100.005 rounds half up
        ("750.55", "142.06", "143.46", "757.95"),
        ("640", "145.47", "144.51", "635.78"),  # the IRL can fall: so does the rent
    ],
)
def test_r11_revised_rent_table(rent, base, new, expected):
    assert revised_rent(D(rent), D(base), D(new)) == D(expected)


def test_r11_rounding_mode_comes_from_the_table():
    down = with_rows(LegalParameterRow(key="rent_rounding_mode", territory="metropole", value="ROUND_DOWN"))
    assert revised_rent(D("1000.00"), D("144.64"), D("145.78"), params=down) == D("1007.88")
    assert revised_rent(D("100.00"), D("200"), D("200.01"), params=down) == D("100.00")


# R15 — IRL table ---------------------------------------------------------------------------------------------------

PUBLISHED_YOY_METROPOLE = {
    (2023, 1): "3.49",
    (2023, 2): "3.50",
    (2023, 3): "3.49",
    (2023, 4): "3.50",
    (2024, 1): "3.50",
    (2024, 2): "3.26",
    (2024, 3): "2.47",
    (2024, 4): "1.82",
    (2025, 1): "1.40",
    (2025, 2): "1.04",
    (2025, 3): "0.87",
    (2025, 4): "0.79",
}


def test_r15_every_year_on_year_change_matches_the_published_one():
    irl = read_irl()
    pairs = [(y, q) for (y, q, zone) in irl if zone == "metropole" and (y - 1, q, zone) in irl]
    assert sorted(pairs) == sorted(PUBLISHED_YOY_METROPOLE)
    for y, q in pairs:
        change = irl_yoy_percent(irl[(y, q, "metropole")], irl[(y - 1, q, "metropole")])
        assert change == D(PUBLISHED_YOY_METROPOLE[(y, q)]), (y, q)


def test_r14_capped_quarters_stay_within_the_cap():
    irl = read_irl()
    checked = 0
    for (y, q, zone), value in irl.items():
        quarter_start = date(y, 3 * q - 2, 1)
        previous = irl.get((y - 1, q, zone))
        if previous is None:
            continue
        try:
            cap = default_parameters().decimal("irl_cap_percent", quarter_start, zone)
        except MissingLegalParameter:
            continue
        assert irl_yoy_percent(value, previous) <= cap, (y, q, zone)
        checked += 1
    assert checked == 11  # metropole 2023 Q1 – 2024 Q1, DOM and Corse 2023 Q3 – 2024 Q1


@pytest.mark.parametrize(
    ("year", "quarter", "zone", "published"),
    [
        # the capped quarter: the DOM at 2.5 %, Corsica at 2.0 % (R14)
        (2024, 1, "dom", "2.50"),
        (2024, 1, "corse", "2.00"),
        # since the cap ended, INSEE publishes the same change for the three series
        (2024, 2, "dom", "3.26"),
        (2024, 2, "corse", "3.26"),
        (2024, 3, "dom", "2.47"),
        (2024, 3, "corse", "2.47"),
        (2024, 4, "corse", "1.82"),
        (2025, 1, "dom", "1.40"),
        (2025, 1, "corse", "1.40"),
        (2025, 3, "dom", "0.87"),
        (2025, 3, "corse", "0.87"),
        (2025, 4, "corse", "0.79"),
    ],
)
def test_r15_dom_and_corse_changes_match_the_published_ones(year, quarter, zone, published):
    irl = read_irl()
    assert irl_yoy_percent(irl[(year, quarter, zone)], irl[(year - 1, quarter, zone)]) == D(published)


def test_r15_every_dom_and_corse_pair_in_the_table_is_checked():
    irl = read_irl()
    pairs = {(y, q, zone) for (y, q, zone) in irl if zone != "metropole" and (y - 1, q, zone) in irl}
    checked = {(2024, 1, "dom"), (2024, 1, "corse"), (2024, 2, "dom"), (2024, 2, "corse"), (2024, 3, "dom")}
    checked |= {(2024, 3, "corse"), (2024, 4, "corse"), (2025, 1, "dom"), (2025, 1, "corse"), (2025, 3, "dom")}
    checked |= {(2025, 3, "corse"), (2025, 4, "corse")}
    capped = {(2023, 3, "dom"), (2023, 4, "dom"), (2023, 3, "corse"), (2023, 4, "corse")}
    assert pairs == checked | capped


def test_r11_corse_revision_with_two_corse_values_of_the_table():
    irl = read_irl()
    # 620.00 × 140.48 / 137.97 = 631.2792… → 631.28 (Q4 2023 → Q4 2024, Corse series)
    assert revised_rent(D("620.00"), irl[(2023, 4, "corse")], irl[(2024, 4, "corse")]) == D("631.28")


@pytest.mark.parametrize(
    ("reference_year", "new_year", "base_year"),
    [
        (2024, 2025, 2024),  # revised every year: the lease's reference is the index a year before
        (2024, 2024, 2024),  # contractual date before the next index is out: base = new, no rise
        (2025, 2024, 2025),  # reference newer than the last published at the date: no rise, never a fall
        (2023, 2025, 2024),  # a revision waived (R12) or frozen (R13) in between: one year's change only
        (None, 2025, 2024),  # no reference stored: the index a year before
    ],
)
def test_r10_r11_the_base_index_is_the_leases_reference_but_never_more_than_a_year_old(
    reference_year, new_year, base_year
):
    assert revision_base_year(reference_year, new_year) == base_year


def test_r15_irl_table_holds_only_the_three_zones_and_positive_values():
    irl = read_irl()
    assert {zone for (_y, _q, zone) in irl} == {"metropole", "dom", "corse"}
    assert all(value > 0 for value in irl.values())
    assert irl[(2025, 3, "metropole")] == D("145.77")  # not the "144.11" of a wrong page


# R12 — revision claim window -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revision", "asked_on", "effective"),
    [
        (date(2026, 2, 1), date(2026, 1, 15), date(2026, 2, 1)),  # asked before: from the revision date
        (date(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 6, 10), date(2026, 6, 10)),  # no retroactivity
        (date(2026, 2, 1), date(2027, 2, 1), date(2027, 2, 1)),  # last day of the year
        (date(2024, 2, 29), date(2025, 2, 28), date(2025, 2, 28)),
    ],
)
def test_r12_effective_date(revision, asked_on, effective):
    assert not revision_claim_expired(revision, asked_on)
    assert revision_effective_date(revision, asked_on) == effective


@pytest.mark.parametrize(
    ("revision", "asked_on"),
    [
        (date(2026, 2, 1), date(2027, 2, 2)),
        (date(2024, 2, 29), date(2025, 3, 1)),
        (date(2020, 1, 1), date(2026, 1, 1)),
    ],
)
def test_r12_late_request_is_time_barred(revision, asked_on):
    assert revision_claim_expired(revision, asked_on)
    with pytest.raises(ValueError, match="prescrite"):
        revision_effective_date(revision, asked_on)


# R13 / R62 — F/G rent freeze -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("energy_class", "on", "territory", "allowed"),
    [
        ("F", date(2022, 8, 23), "metropole", True),
        ("F", date(2022, 8, 24), "metropole", False),
        ("G", date(2026, 2, 1), "metropole", False),
        ("E", date(2026, 2, 1), "metropole", True),
        ("A", date(2026, 2, 1), "metropole", True),
        ("g", date(2026, 2, 1), "metropole", False),
        ("G", date(2024, 6, 30), "dom", True),
        ("G", date(2024, 7, 1), "dom", False),
        ("F", date(2026, 2, 1), "dom", False),
        ("D", date(2026, 2, 1), "dom", True),
    ],
)
def test_r13_rent_increase_allowed(energy_class, on, territory, allowed):
    assert rent_increase_allowed(energy_class, on, territory=territory) is allowed


def test_r13_metropolitan_france_by_default():
    assert rent_increase_allowed("G", date(2023, 1, 1)) is False
    assert rent_increase_allowed("G", date(2023, 1, 1), territory="dom") is True


def test_r13_frozen_classes_come_from_the_table():
    def freeze(value):
        return with_rows(LegalParameterRow(key="rent_freeze_classes", territory="metropole", value=value))

    assert rent_increase_allowed("G", date(2026, 1, 1), params=freeze("-")) is True
    assert rent_increase_allowed("E", date(2026, 1, 1), params=freeze("E,F,G")) is False
    with pytest.raises(ValueError, match="Classe énergétique inconnue"):
        rent_increase_allowed("A", date(2026, 1, 1), params=freeze("F,,G"))


# R19 — deposit cap -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rent", "furnished", "expected"),
    [
        ("600.00", False, "600.00"),
        ("600.00", True, "1200.00"),
        ("455.55", True, "911.10"),
        ("0", False, "0.00"),
    ],
)
def test_r19_max_deposit(rent, furnished, expected):
    assert max_deposit(D(rent), furnished) == D(expected)
    assert max_deposit(D(rent), furnished, on=date(2026, 1, 1)) == D(expected)


@pytest.mark.parametrize(
    ("deposit", "furnished", "within"),
    [("600.00", False, True), ("600.01", False, False), ("1200.00", True, True), ("1200.01", True, False)],
)
def test_r19_deposit_within_cap(deposit, furnished, within):
    assert deposit_within_cap(D(deposit), D("600.00"), furnished) is within


def test_r19_cap_before_the_first_row_is_missing():
    with pytest.raises(MissingLegalParameter, match="deposit_max_months_unfurnished"):
        max_deposit(D("600"), False, on=date(2008, 2, 7))


def test_r19_cap_comes_from_the_table():
    three = with_rows(LegalParameterRow(key="deposit_max_months_furnished", territory="metropole", value="3"))
    assert max_deposit(D("100"), True, params=three) == D("300.00")


# R20 — deposit return deadline -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handover", "matches", "deadline"),
    [
        (date(2026, 1, 10), False, date(2026, 3, 10)),
        (date(2026, 1, 10), True, date(2026, 2, 10)),
        (date(2026, 1, 31), True, date(2026, 2, 28)),
        (date(2024, 1, 31), True, date(2024, 2, 29)),
        (date(2025, 12, 31), False, date(2026, 2, 28)),
        (date(2026, 11, 30), True, date(2026, 12, 30)),
    ],
)
def test_r20_deposit_return_deadline(handover, matches, deadline):
    assert deposit_return_deadline(handover, matches) == deadline


# R21 — late-return penalty -----------------------------------------------------------------------------------------


def test_r21_penalty_vector():
    deadline = deposit_return_deadline(date(2026, 1, 10), inventory_matches=False)
    assert deadline == date(2026, 3, 10)
    assert late_deposit_penalty(D("600"), deadline, date(2026, 4, 15)) == D("120.00")


@pytest.mark.parametrize(
    ("returned_on", "months", "penalty"),
    [
        (date(2026, 2, 1), 0, "0.00"),
        (date(2026, 3, 10), 0, "0.00"),  # on the deadline day: on time
        (date(2026, 3, 11), 1, "60.00"),
        (date(2026, 4, 10), 1, "60.00"),
        (date(2026, 4, 11), 2, "120.00"),
        (date(2026, 4, 15), 2, "120.00"),
        (date(2027, 3, 10), 12, "720.00"),
        (date(2027, 3, 11), 13, "780.00"),
    ],
)
def test_r21_started_months(returned_on, months, penalty):
    assert started_months_late(date(2026, 3, 10), returned_on) == months
    assert late_deposit_penalty(D("600"), date(2026, 3, 10), returned_on) == D(penalty)


def test_r21_month_end_deadline():
    assert started_months_late(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert started_months_late(date(2026, 1, 31), date(2026, 3, 1)) == 2
    assert late_deposit_penalty(D("455.55"), date(2026, 1, 31), date(2026, 3, 1)) == D("91.11")


# R61 — decency calendar ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "energy_class", "territory", "decent"),
    [
        # DOMAIN.md R61 vectors
        (date(2025, 3, 1), "G", "metropole", False),
        (date(2027, 6, 1), "F", "metropole", True),
        (date(2028, 1, 1), "F", "metropole", False),
        (date(2026, 1, 1), "G", "dom", True),
        (date(2028, 1, 1), "G", "dom", False),
        # boundaries of the calendar
        (date(2024, 12, 31), "G", "metropole", True),
        (date(2025, 1, 1), "G", "metropole", False),
        (date(2025, 1, 1), "F", "metropole", True),
        (date(2033, 12, 31), "E", "metropole", True),
        (date(2034, 1, 1), "E", "metropole", False),
        (date(2034, 1, 1), "D", "metropole", True),
        (date(2034, 1, 1), "A", "metropole", True),
        (date(2028, 1, 1), "F", "dom", True),
        (date(2030, 12, 31), "F", "dom", True),
        (date(2031, 1, 1), "F", "dom", False),
        (date(2031, 1, 1), "E", "dom", True),
        (date(2040, 1, 1), "E", "dom", True),
    ],
)
def test_r61_decent_for_letting(on, energy_class, territory, decent):
    assert decent_for_letting(energy_class, on, territory=territory) is decent


# Prorata, months, sublet -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "month", "start", "end", "expected"),
    [
        ("600.00", date(2026, 2, 14), None, None, "600.00"),
        ("600.00", date(2026, 2, 1), date(2026, 2, 15), None, "300.00"),  # 14 of 28 days
        ("600.00", date(2026, 2, 1), None, date(2026, 2, 14), "300.00"),
        ("620.00", date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 31), "20.00"),  # one day of 31
        ("600.00", date(2026, 3, 1), date(2026, 4, 1), None, "0.00"),  # starts after the month
        ("600.00", date(2026, 3, 1), None, date(2026, 2, 28), "0.00"),  # ended before the month
        ("600.00", date(2026, 3, 1), date(2025, 1, 1), date(2027, 1, 1), "600.00"),
        ("100.00", date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 10), "32.26"),  # 32.258… rounds up
        ("500.00", date(2024, 2, 1), date(2024, 2, 29), None, "17.24"),  # leap year: 1 of 29 days
    ],
)
def test_monthly_prorata(amount, month, start, end, expected):
    assert monthly_prorata(D(amount), month, start, end) == D(expected)


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months(d, n, expected):
    assert add_months(d, n) == expected


@pytest.mark.parametrize(
    ("sub_rent", "sub_surface", "head_rent", "head_surface", "allowed"),
    [
        ("300", "20", "900", "60", True),  # 15 €/m² both
        ("300.01", "20", "900", "60", False),
        ("250", "25", "900", "60", True),
        ("400", "25", "900", "60", False),  # 16 > 15 €/m²
    ],
)
def test_r50_sublease_rent_per_square_metre(sub_rent, sub_surface, head_rent, head_surface, allowed):
    assert sublease_rent_allowed(D(sub_rent), D(sub_surface), D(head_rent), D(head_surface)) is allowed


def test_irl_yoy_percent_rounds_half_up():
    assert irl_yoy_percent(D("100.005"), D("100")) == D("0.01")
    assert irl_yoy_percent(D("99"), D("100")) == D("-1.00")


# Invalid input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: revised_rent(D("-1"), D("100"), D("101")), "négatif"),
        (lambda: revised_rent(D("100"), D("0"), D("101")), "strictement positif"),
        (lambda: revised_rent(100.0, D("100"), D("101")), "montant attendu"),
        (lambda: revised_rent(D("NaN"), D("100"), D("101")), "fini"),
        (lambda: revised_rent("cent", D("100"), D("101")), "pas un nombre"),
        (lambda: max_deposit(D("-600"), False), "négatif"),
        (lambda: deposit_within_cap(D("-1"), D("600"), False), "négatif"),
        (lambda: late_deposit_penalty(D("-600"), date(2026, 3, 10), date(2026, 4, 15)), "négatif"),
        (lambda: monthly_prorata(D("-1"), date(2026, 1, 1)), "négatif"),
        (lambda: monthly_prorata(D("1"), date(2026, 1, 1), date(2026, 1, 10), date(2026, 1, 9)), "précède"),
        (lambda: decent_for_letting("H", date(2026, 1, 1)), "Classe énergétique inconnue"),
        (lambda: decent_for_letting("", date(2026, 1, 1)), "Classe énergétique inconnue"),
        (lambda: rent_increase_allowed("FG", date(2026, 1, 1)), "Classe énergétique inconnue"),
        (lambda: decent_for_letting("F", date(2026, 1, 1), territory="guyane"), "Territoire inconnu"),
        (lambda: sublease_rent_allowed(D("1"), D("0"), D("1"), D("1")), "strictement positif"),
    ],
)
def test_invalid_input_is_refused_in_french(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_deadline_before_the_2014_rule_has_no_parameter():
    with pytest.raises(MissingLegalParameter, match="deposit_return_months_conforming"):
        deposit_return_deadline(date(2013, 6, 1), True)


# Hypothesis properties ---------------------------------------------------------------------------------------------

PROPERTIES = settings(deadline=None, database=None)
amounts = st.integers(min_value=0, max_value=10**8).map(lambda cents: D(cents) / 100)
indices = st.integers(min_value=5000, max_value=30000).map(lambda hundredths: D(hundredths) / 100)
any_day = st.dates(date(2000, 1, 1), date(2100, 12, 31))
days_since_alur = st.dates(date(2014, 3, 27), date(2100, 12, 31))


@PROPERTIES
@given(amount=amounts, month=any_day)
def test_prorata_of_a_whole_month_is_the_amount(amount, month):
    assert monthly_prorata(amount, month) == amount
    first = month.replace(day=1)
    assert monthly_prorata(amount, month, first, add_months(first, 1) - timedelta(days=1)) == amount


@PROPERTIES
@given(amount=amounts, month=any_day, cuts=st.sets(st.integers(min_value=2, max_value=31), max_size=6))
def test_prorata_of_periods_partitioning_a_month_sums_to_the_whole(amount, month, cuts):
    first = month.replace(day=1)
    last = add_months(first, 1) - timedelta(days=1)
    starts = [first] + [first.replace(day=c) for c in sorted(cuts) if c <= last.day]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [last]
    shares = [monthly_prorata(amount, month, s, e) for s, e in zip(starts, ends, strict=True)]
    assert abs(sum(shares) - amount) <= D("0.01") * len(shares)


@PROPERTIES
@given(rent=amounts, base=indices, new_1=indices, new_2=indices)
def test_revised_rent_is_monotone_in_the_new_index(rent, base, new_1, new_2):
    low, high = sorted((new_1, new_2))
    assert revised_rent(rent, base, low) <= revised_rent(rent, base, high)


@PROPERTIES
@given(handover=days_since_alur, matches=st.booleans())
def test_return_deadline_is_after_handover_and_conforming_is_sooner(handover, matches):
    deadline = deposit_return_deadline(handover, matches)
    assert deadline > handover
    assert deposit_return_deadline(handover, True) <= deposit_return_deadline(handover, False)


@PROPERTIES
@given(rent=amounts, deadline=days_since_alur, early=st.integers(min_value=0, max_value=2000))
def test_no_penalty_when_returned_on_time(rent, deadline, early):
    returned_on = deadline - timedelta(days=early)
    assert late_deposit_penalty(rent, deadline, returned_on) == 0


@PROPERTIES
@given(
    rent=amounts,
    deadline=st.dates(date(2014, 3, 27), date(2090, 12, 31)),
    late_1=st.integers(min_value=-100, max_value=3650),
    late_2=st.integers(min_value=-100, max_value=3650),
)
def test_penalty_does_not_decrease_with_lateness(rent, deadline, late_1, late_2):
    sooner, later = sorted((late_1, late_2))
    assert late_deposit_penalty(rent, deadline, deadline + timedelta(days=sooner)) <= late_deposit_penalty(
        rent, deadline, deadline + timedelta(days=later)
    )


@PROPERTIES
@given(deadline=any_day, late=st.integers(min_value=1, max_value=5000))
def test_started_months_bracket_the_return_date(deadline, late):
    returned_on = deadline + timedelta(days=late)
    assume(returned_on.year <= 9999)
    months = started_months_late(deadline, returned_on)
    assert months >= 1
    assert add_months(deadline, months - 1) < returned_on <= add_months(deadline, months)


@PROPERTIES
@given(
    energy_class=st.sampled_from("ABCDEFG"),
    territory=st.sampled_from(["metropole", "dom"]),
    day_1=any_day,
    day_2=any_day,
)
def test_once_indecent_a_class_stays_indecent(energy_class, territory, day_1, day_2):
    sooner, later = sorted((day_1, day_2))
    if not decent_for_letting(energy_class, sooner, territory=territory):
        assert not decent_for_letting(energy_class, later, territory=territory)


@PROPERTIES
@given(energy_class=st.sampled_from("ABCDEFG"), day=any_day, territory=st.sampled_from(["metropole", "dom"]))
def test_a_better_class_is_decent_whenever_a_worse_one_is(energy_class, day, territory):
    better = "ABCDEFG"["ABCDEFG".index(energy_class) - 1] if energy_class != "A" else "A"
    if decent_for_letting(energy_class, day, territory=territory):
        assert decent_for_letting(better, day, territory=territory)


# No Django -------------------------------------------------------------------------------------------------------


def test_the_kernel_imports_and_runs_without_django():
    code = textwrap.dedent(
        """
        import sys
        from datetime import date
        from decimal import Decimal

        from habiter.core.legal import default_parameters
        from habiter.leases import rules

        assert rules.revised_rent(Decimal("1000"), Decimal("144.64"), Decimal("145.78")) == Decimal("1007.88")
        assert default_parameters().value("decency_worst_class", date(2028, 1, 1)) == "E"
        loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
        assert not loaded, loaded
        print("ok")
        """
    )
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
