"""The redevance's typed lines, the APL-foyer base and the yearly revision of the convention's maxima (W7–W8)."""

from decimal import Decimal

import pytest

from habiter.core.legal import default_parameters
from habiter.residences import rules

D = Decimal
# IRL of the 2nd quarter, France métropolitaine, from habiter/leases/irl.csv
IRL_Q2 = {2022: D("135.84"), 2023: D("140.59"), 2024: D("145.17"), 2025: D("146.68")}


@pytest.mark.parametrize(
    ("lines", "base", "total"),
    [
        ([], D("0.00"), D("0.00")),
        ([("equivalence_loyer", D("300.00"))], D("300.00"), D("300.00")),
        ([("equivalence_loyer", D("300.00")), ("charges", D("80.50"))], D("380.50"), D("380.50")),
        (
            [
                ("equivalence_loyer", D("300.00")),
                ("charges", D("80.50")),
                ("prestation_obligatoire", D("25.00")),
                ("prestation_facultative", D("12.30")),
                ("prestation_facultative", D("4.20")),
            ],
            D("380.50"),  # the services stay out of the APL base
            D("422.00"),  # 300.00 + 80.50 + 25.00 + 12.30 + 4.20
        ),
        ([("prestation_obligatoire", D("25.00"))], D("0.00"), D("25.00")),
    ],
)
def test_apl_base_is_rent_equivalent_plus_charges_and_the_total_every_line(lines, base, total):
    assert rules.apl_base(lines) == base
    assert rules.redevance_total(lines) == total


@pytest.mark.parametrize(
    ("base", "maximum", "above"),
    [
        (D("448.63"), D("448.63"), False),  # equal to the maximum: allowed
        (D("448.64"), D("448.63"), True),  # one cent above: refused
        (D("448.62"), D("448.63"), False),
        (D("9999.00"), None, False),  # no maximum stated by the convention: nothing to check
    ],
)
def test_the_base_above_the_maximum_is_refused_from_one_cent(base, maximum, above):
    assert rules.apl_base_above_maximum(base, maximum) is above


@pytest.mark.parametrize(
    ("from_year", "to_year", "expected"),
    [
        (2024, 2024, D("430.00")),  # the convention's own year: its value
        # 430.00 × 145.17 / 140.59 = 62 423.10 / 140.59 = 444.008… → 444.01
        (2024, 2025, D("444.01")),
        # 444.01 × 146.68 / 145.17 = 65 127.3868 / 145.17 = 448.628… → 448.63
        (2024, 2026, D("448.63")),
        (2024, 2027, None),  # IRL of Q2 2026 not in the table: the maximum cannot be stated
        (2024, 2023, None),  # no backward revision
    ],
)
def test_maximum_revised_each_first_of_january_with_the_irl_of_q2_of_the_year_before(from_year, to_year, expected):
    assert rules.revised_apl_maximum(D("430.00"), from_year, to_year, IRL_Q2) == expected


def test_the_latest_convention_value_on_or_before_the_year_is_revised():
    maxima = {2024: D("430.00"), 2026: D("460.00")}  # a new convention value in 2026 replaces the revision
    assert rules.apl_maximum_for_year(maxima, 2023, IRL_Q2) == (None, None)
    assert rules.apl_maximum_for_year(maxima, 2025, IRL_Q2) == (D("444.01"), 2024)
    assert rules.apl_maximum_for_year(maxima, 2026, IRL_Q2) == (D("460.00"), 2026)
    assert rules.apl_maximum_for_year(maxima, 2027, IRL_Q2) == (None, 2026)


def test_the_irl_quarter_is_in_the_dated_table():
    row = default_parameters().row(rules.APL_MAX_IRL_QUARTER_KEY)
    assert row.value == "2" and row.status == "PARTIAL" and row.rule == "W7"
