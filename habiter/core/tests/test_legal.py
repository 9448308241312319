"""The dated legal-parameter table and its lookups (DOMAIN.md §10)."""

import csv
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habiter.core.legal import (
    CSV_COLUMNS,
    CSV_PATH,
    STATUSES,
    TERRITORIES,
    LegalParameterRow,
    LegalParameters,
    MissingLegalParameter,
    default_parameters,
    read_rows,
)

KERNEL_KEYS = {
    "deposit_max_months_unfurnished",
    "deposit_max_months_furnished",
    "deposit_return_months_conforming",
    "deposit_return_months_non_conforming",
    "deposit_late_penalty_rate",
    "decency_worst_class",
    "rent_freeze_classes",
    "revision_claim_window_months",
    "rent_rounding_mode",
}


def row(key="k", value="1", valid_from=None, valid_to=None, territory="metropole"):
    return LegalParameterRow(key=key, territory=territory, value=value, valid_from=valid_from, valid_to=valid_to)


# The CSV shipped with the code -------------------------------------------------------------------------------------


def test_csv_has_exactly_the_documented_columns():
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == CSV_COLUMNS


def test_every_csv_row_is_sourced_and_labelled():
    rows = read_rows()
    assert rows
    for r in rows:
        assert r.territory in TERRITORIES, r
        assert r.status in STATUSES, r
        assert re.fullmatch(r"[RPW]\d+", r.rule), r  # DOMAIN.md R…, P…; DOMAIN-2.md W…
        assert r.source_url.startswith(("https://", "http://")), r
        assert r.label.strip(), r
        assert r.valid_from is None or r.valid_to is None or r.valid_from <= r.valid_to, r


def test_the_project_numbered_rules_are_explained_in_the_decision_record():
    """DOMAIN.md numbers R1…; the numbers it lacks (P1…) are explained with their source in ADR 0007."""
    adr = (Path(__file__).resolve().parents[3] / "docs" / "adr" / "0007-legal-parameters.md").read_text()
    for rule in {r.rule for r in read_rows() if r.rule.startswith("P")}:
        assert f"  - {rule} — " in adr, rule


def test_the_kernel_finds_its_rows_in_both_territories():
    params = default_parameters()
    assert params.keys() >= KERNEL_KEYS
    for key in KERNEL_KEYS:
        for territory in TERRITORIES:
            params.value(key, date(2026, 6, 1), territory)


def test_default_parameters_are_read_once():
    assert default_parameters() is default_parameters()
    assert len(default_parameters()) == len(read_rows())


@pytest.mark.parametrize(
    ("key", "on", "territory", "expected"),
    [
        ("deposit_max_months_unfurnished", date(2026, 1, 1), "metropole", "1"),
        ("deposit_max_months_furnished", date(2026, 1, 1), "metropole", "2"),
        ("deposit_return_months_conforming", date(2026, 1, 1), "metropole", "1"),
        ("deposit_return_months_non_conforming", date(2026, 1, 1), "dom", "2"),
        ("deposit_late_penalty_rate", date(2026, 1, 1), "metropole", "0.10"),
        ("revision_claim_window_months", date(2026, 1, 1), "metropole", "12"),
        ("rent_rounding_mode", date(2026, 1, 1), "metropole", "ROUND_HALF_UP"),
        ("decency_worst_class", date(2024, 12, 31), "metropole", "G"),
        ("decency_worst_class", date(2025, 1, 1), "metropole", "F"),
        ("decency_worst_class", date(2027, 12, 31), "metropole", "F"),
        ("decency_worst_class", date(2028, 1, 1), "metropole", "E"),
        ("decency_worst_class", date(2034, 1, 1), "metropole", "D"),
        ("decency_worst_class", date(2027, 12, 31), "dom", "G"),
        ("decency_worst_class", date(2028, 1, 1), "dom", "F"),
        ("decency_worst_class", date(2031, 1, 1), "dom", "E"),
        ("rent_freeze_classes", date(2022, 8, 23), "metropole", "-"),
        ("rent_freeze_classes", date(2022, 8, 24), "metropole", "F,G"),
        ("rent_freeze_classes", date(2024, 6, 30), "dom", "-"),
        ("rent_freeze_classes", date(2024, 7, 1), "dom", "F,G"),
        ("winter_truce_start", date(2026, 1, 1), "metropole", "11-01"),
        ("winter_truce_end", date(2026, 1, 1), "metropole", "03-31"),
        ("caf_impaye_rent_multiple", date(2026, 12, 31), "metropole", "2"),
        ("caf_impaye_debt_threshold_eur", date(2027, 1, 1), "metropole", "450"),
        ("cdp_delay_weeks", date(2023, 7, 29), "metropole", "6"),
        ("cdp_delay_months", date(2023, 7, 28), "metropole", "2"),
        ("jex_delay_max_months", date(2023, 7, 28), "metropole", "36"),
        ("jex_delay_max_months", date(2023, 7, 29), "metropole", "12"),
        ("ccapex_signal_arrears_months", date(2024, 1, 1), "metropole", "2"),
        ("dpe_elec_primary_factor", date(2025, 12, 31), "metropole", "2.3"),
        ("dpe_elec_primary_factor", date(2026, 1, 1), "metropole", "1.9"),
        ("comed_decision_months", date(2026, 1, 1), "dom", "6"),
    ],
)
def test_value_is_the_row_in_force_on_the_date(key, on, territory, expected):
    assert default_parameters().value(key, on, territory) == expected


@pytest.mark.parametrize(
    ("key", "on"),
    [
        ("caf_impaye_rent_multiple", date(2027, 1, 1)),  # replaced by the 2027 definition (R42)
        ("caf_impaye_debt_threshold_eur", date(2026, 12, 31)),
        ("cdp_delay_weeks", date(2023, 7, 28)),
        ("deposit_late_penalty_rate", date(2014, 3, 26)),
        ("no_such_key", date(2026, 1, 1)),
    ],
)
def test_no_row_in_force_raises_a_french_message_naming_key_and_date(key, on):
    with pytest.raises(MissingLegalParameter) as raised:
        default_parameters().value(key, on)
    assert isinstance(raised.value, LookupError)
    assert key in str(raised.value)
    assert on.strftime("%d/%m/%Y") in str(raised.value)
    assert "Aucun paramètre légal" in str(raised.value)


def test_a_metropolitan_only_row_is_missing_overseas():
    with pytest.raises(MissingLegalParameter):
        default_parameters().value("decency_final_energy_max_kwh", date(2026, 1, 1), "dom")


def test_no_date_means_the_latest_row():
    params = default_parameters()
    assert params.value("decency_worst_class") == "D"
    assert params.value("decency_worst_class", territory="dom") == "E"
    assert params.value("dpe_elec_primary_factor") == "1.9"
    with pytest.raises(MissingLegalParameter):
        params.value("no_such_key")


def test_decimal_and_integer():
    params = default_parameters()
    assert params.decimal("deposit_late_penalty_rate", date(2026, 1, 1)) == Decimal("0.10")
    assert params.integer("revision_claim_window_months", date(2026, 1, 1)) == 12
    with pytest.raises(ValueError, match="pas un nombre entier"):
        params.integer("deposit_late_penalty_rate", date(2026, 1, 1))
    with pytest.raises(ValueError, match="pas un nombre"):
        params.decimal("rent_rounding_mode", date(2026, 1, 1))


def test_unknown_territory_is_refused():
    with pytest.raises(ValueError, match="Territoire inconnu"):
        default_parameters().value("deposit_max_months_furnished", date(2026, 1, 1), "guyane")


def test_corsica_follows_the_mainland_where_it_has_no_row_of_its_own():
    params = default_parameters()
    assert params.value("decency_worst_class", date(2027, 12, 31), "corse") == "F"
    assert params.value("decency_worst_class", date(2028, 1, 1), "corse") == "E"
    assert params.rows(key="decency_worst_class", territory="corse") == params.rows(key="decency_worst_class")
    assert params.value("deposit_max_months_unfurnished", date(2026, 1, 1), "corse") == "1"


def test_corsica_keeps_its_own_irl_cap():
    params = default_parameters()
    assert params.decimal("irl_cap_percent", date(2023, 10, 1), "corse") == Decimal("2.0")
    assert params.decimal("irl_cap_percent", date(2023, 10, 1), "metropole") == Decimal("3.5")
    assert params.decimal("irl_cap_percent", date(2023, 10, 1), "dom") == Decimal("2.5")


def test_the_overseas_departments_never_fall_back_on_the_mainland():
    table = LegalParameters([row(key="only_here", value="7", territory="metropole")])
    assert table.value("only_here", date(2026, 1, 1), "corse") == "7"
    with pytest.raises(MissingLegalParameter):
        table.value("only_here", date(2026, 1, 1), "dom")


# Building from rows ------------------------------------------------------------------------------------------------


def test_rows_can_be_any_object_with_the_five_attributes():
    # The Django side builds the same object from database records.
    record = SimpleNamespace(key="k", territory="dom", value="7", valid_from=date(2020, 1, 1), valid_to=None)
    params = LegalParameters([record])
    assert params.integer("k", date(2026, 1, 1), "dom") == 7
    assert params.row("k", date(2026, 1, 1), "dom").status == "UNCONFIRMED"


@pytest.mark.parametrize(
    "rows",
    [
        [row(valid_to=date(2020, 1, 1)), row(valid_from=date(2020, 1, 1))],  # bounds are inclusive
        [row(), row(valid_from=date(2020, 1, 1))],
        [row(valid_from=date(2020, 1, 1)), row(valid_from=date(2021, 1, 1))],
        [row(valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31)), row(valid_from=date(2020, 6, 1))],
    ],
)
def test_overlapping_periods_are_refused_at_load(rows):
    with pytest.raises(ValueError, match="se chevauchent"):
        LegalParameters(rows)


def test_successive_periods_and_other_territories_do_not_overlap():
    params = LegalParameters(
        [
            row(value="1", valid_to=date(2019, 12, 31)),
            row(value="2", valid_from=date(2020, 1, 1)),
            row(value="3", territory="dom"),
        ]
    )
    assert params.value("k", date(2019, 12, 31)) == "1"
    assert params.value("k", date(2020, 1, 1)) == "2"
    assert params.value("k", date(2020, 1, 1), "dom") == "3"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(valid_from=date(2020, 1, 2), valid_to=date(2020, 1, 1)), "finit avant de commencer"),
        (row(territory="guyane"), "territoire inconnu"),
        (row(key=""), "sans clé"),
        (row(value=""), "sans valeur"),
        (LegalParameterRow(key="k", territory="dom", value="1", status="SURE"), "statut inconnu"),
    ],
)
def test_invalid_rows_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        LegalParameters([bad])


def test_a_csv_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "parameters.csv"
    path.write_text("key,value\nk,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Colonnes inattendues"):
        read_rows(path)


def test_a_csv_with_a_bad_date_is_refused(tmp_path):
    path = tmp_path / "parameters.csv"
    path.write_text(",".join(CSV_COLUMNS) + "\nk,metropole,1,01/01/2020,,CONFIRMED,R1,https://x,l\n", encoding="utf-8")
    with pytest.raises(ValueError, match="date invalide"):
        read_rows(path)


@settings(deadline=None, database=None)
@given(
    cuts=st.lists(st.dates(date(2000, 1, 2), date(2040, 12, 31)), min_size=1, max_size=6, unique=True),
    on=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
)
def test_successive_periods_answer_with_the_period_containing_the_date(cuts, on):
    # Rows [.., c1 - 1], [c1, c2 - 1], …, [cn, ..] cut the time line; each date belongs to exactly one.
    cuts = sorted(cuts)
    starts = [None, *cuts]
    ends = [c - timedelta(days=1) for c in cuts] + [None]
    params = LegalParameters(
        row(value=str(i), valid_from=s, valid_to=e) for i, (s, e) in enumerate(zip(starts, ends, strict=True))
    )
    expected = sum(1 for c in cuts if c <= on)
    assert params.value("k", on) == str(expected)
