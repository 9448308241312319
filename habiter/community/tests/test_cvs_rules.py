"""The pure rules of the statutory CVS (DOMAIN-2 W16–W18), worked examples with literal answers: its least composition
since 2023 (W16, D311-5: exactly half is not more than half), the règlement intérieur adopted at its first meeting
(W18, D311-19), the seniority of a professionals' candidate and the tie between professionals (W17, D311-13)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.community import rules
from habiter.community.models import MemberRole
from habiter.core.dates import add_months
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


@pytest.mark.parametrize(
    ("in_post_since", "vote_on", "months", "missing"),
    [
        # add_months(15/01/2026, 6) = 15/07/2026, the day of the vote: six whole months, nothing missing
        (date(2026, 1, 15), date(2026, 7, 15), 6, 0),
        # add_months(16/01/2026, 6) = 16/07/2026, a day after the vote; add_months(…, 5) = 16/06/2026: 5 months
        (date(2026, 1, 16), date(2026, 7, 15), 5, 1),
        # add_months(01/03/2026, 4) = 01/07/2026 ≤ 15/07/2026 < 01/08/2026: 4 months, 2 missing
        (date(2026, 3, 1), date(2026, 7, 15), 4, 2),
        # 31 August + 6 months is 28 February (the last day of the month): in time
        (date(2025, 8, 31), date(2026, 2, 28), 6, 0),
        # 1 September + 6 months is 1 March: on 28 February, 5 months (1 February ≤ 28 February), 1 missing
        (date(2025, 9, 1), date(2026, 2, 28), 5, 1),
        (date(2026, 7, 15), date(2026, 7, 15), 0, 6),  # took up the post on the day of the vote
        (date(2026, 7, 20), date(2026, 7, 15), 0, 6),  # after it: no seniority at all
        (date(2019, 3, 4), date(2026, 7, 15), 88, 0),  # 7 years (84) and 4 months, 4 March ≤ 15 July
    ],
)
def test_the_months_a_professionals_candidate_served_and_lacks(in_post_since, vote_on, months, missing):
    assert rules.seniority_months(in_post_since, vote_on) == months
    assert rules.seniority_months_missing(in_post_since, vote_on) == missing


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=400))
def test_months_missing_says_short_exactly_when_the_rule_does(in_post_since, days):
    vote_on = in_post_since + timedelta(days=days)
    months = rules.seniority_months(in_post_since, vote_on)
    assert add_months(in_post_since, months) <= vote_on < add_months(in_post_since, months + 1)
    missing = rules.seniority_months_missing(in_post_since, vote_on)
    assert (missing == 0) == (rules.seniority_short_of_minimum(in_post_since, vote_on) is None)
    assert missing == max(6 - months, 0)


# --- W17: a tie between professionals goes to the greatest seniority -------------------------------------------


def test_a_tie_between_professionals_goes_to_the_earliest_in_post():
    candidates = [
        rules.Candidate("Roux", 5, in_post_since=date(2026, 1, 15)),
        rules.Candidate("Benali", 5, in_post_since=date(2019, 3, 4)),
        rules.Candidate("Morel", 2, in_post_since=date(2018, 1, 8)),
    ]
    result = rules.allocate_seats(candidates, seats=1, substitute_seats=1, tie_rule=rules.SENIORITY)
    assert result == rules.Allocation(elected=("Benali",), substitutes=("Roux",), tie_broken_by=rules.SENIORITY)


def test_professionals_in_post_since_the_same_day_and_split_by_the_seat_are_drawn_by_lots():
    candidates = [
        rules.Candidate("Aubry", 4, in_post_since=date(2020, 1, 6)),
        rules.Candidate("Blanc", 4, in_post_since=date(2020, 1, 6)),
        rules.Candidate("Colin", 4, in_post_since=date(2018, 5, 14)),
    ]
    # Colin, the most senior, takes the first seat; Aubry and Blanc, in post since the same day, share the second
    assert rules.allocate_seats(candidates, seats=2, tie_rule=rules.SENIORITY).tied == ("Aubry", "Blanc")
    assert rules.allocate_seats(candidates, seats=2, tie_rule=rules.SENIORITY, drawn=["Blanc"]) == rules.Allocation(
        elected=("Colin", "Blanc"), tie_broken_by=rules.SENIORITY_THEN_LOTS
    )


def test_professionals_in_post_since_the_same_day_but_not_split_by_a_seat_need_no_draw():
    candidates = [
        rules.Candidate("Aubry", 4, in_post_since=date(2020, 1, 6)),
        rules.Candidate("Blanc", 4, in_post_since=date(2020, 1, 6)),
        rules.Candidate("Colin", 4, in_post_since=date(2022, 5, 14)),
    ]
    result = rules.allocate_seats(candidates, seats=2, tie_rule=rules.SENIORITY)
    assert result == rules.Allocation(elected=("Aubry", "Blanc"), tie_broken_by=rules.SENIORITY)
