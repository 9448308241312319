"""The pure rules of the statutory CVS (DOMAIN-2 W16–W18), worked examples with literal answers: its least composition
since 2023 (W16, D311-5: exactly half is not more than half), the règlement intérieur adopted at its first meeting
(W18, D311-19), the seniority of a professionals' candidate (W17, D311-13)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.community import rules
from habiter.community.models import MemberRole
from habiter.core.legal import MissingLegalParameter

ON = date(2026, 6, 15)
PERSONS, PROS, BODY, MAJORITY = (
    rules.CVS_TOO_FEW_PERSONS,
    rules.CVS_TOO_FEW_PROFESSIONALS,
    rules.CVS_TOO_FEW_MANAGING_BODY,
    rules.CVS_PERSONS_NOT_MAJORITY,
)


# --- W16: the composition, worked examples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        # the least composition of D311-5 is not enough: 2 of 4 is exactly half, not more than half
        (["resident_rep", "resident_rep", "staff_rep", "manager_rep"], [MAJORITY]),
        (["resident_rep"] * 3 + ["staff_rep", "manager_rep"], []),  # 3 of 5
        (["resident_rep", "resident_rep", "family_rep", "staff_rep", "manager_rep"], []),  # families count: 3 of 5
        (["resident_rep", "resident_rep", "legal_rep", "staff_rep", "manager_rep"], []),  # legal representatives too
        (["president", "resident_rep", "staff_rep", "manager_rep"], [MAJORITY]),  # the president is a persons' rep
        (["president", "resident_rep", "resident_rep", "staff_rep", "manager_rep"], []),
        (["resident_rep"] * 3 + ["staff_rep", "manager_rep", "substitute", "substitute"], []),  # substitutes apart
        (["resident_rep"] * 3 + ["staff_rep", "manager_rep", "owner_rep"], [MAJORITY]),  # 3 of 6: exactly half
        (["resident_rep"] * 3 + ["staff_rep", "manager_rep", "host", "member"], [MAJORITY]),  # 3 of 7
        (["resident_rep", "family_rep", "family_rep", "staff_rep", "manager_rep"], [PERSONS]),  # 3 of 5, 1 person
        (["resident_rep"] * 3 + ["manager_rep"], [PROS]),
        (["resident_rep"] * 3 + ["staff_rep"], [BODY]),
        (["resident_rep", "resident_rep", "family_rep", "legal_rep", "staff_rep", "manager_rep"], []),  # 4 of 6
        ([], [PERSONS, PROS, BODY, MAJORITY]),
        (["substitute", "substitute"], [PERSONS, PROS, BODY, MAJORITY]),
        (["staff_rep", "manager_rep", "manager_rep"], [PERSONS, MAJORITY]),
    ],
)
def test_the_composition_of_a_cvs(roles, expected):
    assert rules.cvs_composition_errors(roles, ON) == expected


def test_the_least_numbers_are_the_tables_since_2023():
    assert rules.cvs_minimums(ON) == {"persons": 2, "professionals": 1, "managing_body": 1}
    with pytest.raises(MissingLegalParameter):
        rules.cvs_minimums(date(2022, 12, 31))  # the 2022 reform applies from 1 January 2023


def test_the_colleges_count_every_member_but_the_substitutes():
    roles = ["president", "resident_rep", "family_rep", "legal_rep", "staff_rep", "manager_rep", "host", "substitute"]
    assert rules.cvs_colleges(roles) == {
        "persons": 2,
        "families": 2,
        "professionals": 1,
        "managing_body": 1,
        "others": 1,
    }


ROLES = st.sampled_from([role.value for role in MemberRole])


@given(st.lists(ROLES, max_size=20))
def test_the_majority_code_is_exactly_the_more_than_half_test(roles):
    counted = [r for r in roles if r != "substitute"]
    side = sum(1 for r in counted if r in ("resident_rep", "president", "family_rep", "legal_rep"))
    assert (MAJORITY in rules.cvs_composition_errors(roles, ON)) == (side * 2 <= len(counted))


@given(st.lists(ROLES, max_size=20))
def test_one_more_persons_representative_never_adds_a_code(roles):
    before = set(rules.cvs_composition_errors(roles, ON))
    assert set(rules.cvs_composition_errors([*roles, "resident_rep"], ON)) <= before


# --- W18 and W17: worked examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adopted", "expected"),
    [
        ([], None),  # no meeting held yet
        ([True], None),
        ([True, False, False], None),
        ([False], rules.RULES_NOT_ADOPTED),
        ([False, False], rules.RULES_NOT_ADOPTED),
        ([False, True], rules.RULES_ADOPTED_LATE),
    ],
)
def test_the_rules_are_adopted_at_the_first_meeting(adopted, expected):
    assert rules.cvs_rules_adoption_error(adopted) == expected


@pytest.mark.parametrize(
    ("in_post_since", "vote_on", "expected"),
    [
        (date(2026, 1, 15), date(2026, 7, 15), None),  # six months to the day
        (date(2026, 1, 16), date(2026, 7, 15), 6),  # a day short
        (date(2025, 8, 31), date(2026, 2, 28), None),  # 31 August + 6 months is 28 February
        (date(2025, 8, 31), date(2026, 2, 27), 6),
        (date(2020, 3, 1), date(2026, 7, 15), None),
    ],
)
def test_a_professionals_candidate_has_six_months_of_seniority(in_post_since, vote_on, expected):
    assert rules.seniority_short_of_minimum(in_post_since, vote_on) == expected
