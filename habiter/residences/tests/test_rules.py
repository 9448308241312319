from datetime import date

import pytest

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
