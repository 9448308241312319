"""The pure rules of councils and elections, with hand-computed expectations (DOMAIN-2 W12–W21)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.community import rules
from habiter.community.rules import Candidate, allocate_seats


def test_w21_vector_one_seat_one_substitute_most_votes_win():
    # 22 inscrits, 15 votants, 1 blanc: A 8, B 6 → A elected titulaire, B suppléant
    assert rules.count_errors(registered=22, voters=15, blank=1, null=0, votes=[8, 6]) == ()
    result = allocate_seats([Candidate("A", 8), Candidate("B", 6)], seats=1, substitute_seats=1)
    assert result == rules.Allocation(elected=("A",), substitutes=("B",))


def test_w21_vector_a_tie_for_the_seat_needs_lots_before_the_result():
    result = allocate_seats([Candidate("A", 7), Candidate("B", 7)], seats=1, substitute_seats=1)
    assert result.tied == ("A", "B") and result.elected == ()
    drawn = allocate_seats([Candidate("A", 7), Candidate("B", 7)], seats=1, substitute_seats=1, drawn=["B"])
    assert drawn == rules.Allocation(elected=("B",), substitutes=("A",), tie_broken_by=rules.LOTS)


def test_the_oldest_wins_a_tie_when_the_rule_says_so():
    candidates = [
        Candidate("Amina", 4, date(1980, 5, 2)),
        Candidate("Bernard", 4, date(1957, 11, 30)),
        Candidate("Chloé", 9, date(1999, 1, 1)),
    ]
    result = allocate_seats(candidates, seats=2, tie_rule=rules.OLDEST)
    assert result == rules.Allocation(elected=("Chloé", "Bernard"), tie_broken_by=rules.OLDEST)


def test_the_oldest_rule_falls_back_on_lots_without_a_birth_date():
    candidates = [Candidate("A", 4, date(1980, 5, 2)), Candidate("B", 4, None)]
    assert allocate_seats(candidates, seats=1, tie_rule=rules.OLDEST).tied == ("A", "B")
    assert allocate_seats(candidates, seats=1, tie_rule=rules.OLDEST, drawn=["A"]).elected == ("A",)


def test_a_tie_inside_the_elected_needs_no_draw():
    # both tied candidates are elected whatever their order: no boundary between them
    result = allocate_seats([Candidate("A", 5), Candidate("B", 5), Candidate("C", 1)], seats=2)
    assert result.elected == ("A", "B") and result.tied == () and result.tie_broken_by == ""


def test_a_candidate_without_a_vote_is_not_elected_and_seats_may_stay_empty():
    result = allocate_seats([Candidate("A", 3), Candidate("B", 0)], seats=2, substitute_seats=1)
    assert result == rules.Allocation(elected=("A",), substitutes=())


def test_a_three_way_tie_across_the_last_seat_needs_as_many_drawn_as_places():
    candidates = [Candidate("A", 6), Candidate("B", 2), Candidate("C", 2), Candidate("D", 2)]
    assert allocate_seats(candidates, seats=2, substitute_seats=1, drawn=["C"]).tied == ("B", "C", "D")
    result = allocate_seats(candidates, seats=2, substitute_seats=1, drawn=["D", "B"])
    assert result.elected == ("A", "D") and result.substitutes == ("B",)


@pytest.mark.parametrize(
    ("registered", "voters", "blank", "null", "votes", "errors"),
    [
        (22, 15, 1, 0, [8, 6], ()),
        (10, 11, 0, 0, [6, 5], (rules.VOTERS_ABOVE_ROLL,)),
        (22, 15, 0, 0, [8, 6], (rules.BALLOTS_MISMATCH,)),
        (22, 15, 1, 1, [8, 5], ()),
    ],
)
def test_the_ballots_must_add_up(registered, voters, blank, null, votes, errors):
    assert rules.count_errors(registered=registered, voters=voters, blank=blank, null=null, votes=votes) == errors


@pytest.mark.parametrize(
    ("noted_on", "due"),
    [
        (date(2026, 3, 10), date(2026, 9, 10)),
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February: the last day of the month
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
    ],
)
def test_after_a_carence_a_new_election_within_six_months(noted_on, due):
    assert rules.carence_new_election_due(noted_on) == due


def test_a_term_ends_the_day_before_its_anniversary():
    assert rules.term_end_for(date(2026, 3, 15), 36) == date(2029, 3, 14)
    assert rules.term_end_for(date(2026, 1, 31), 1) == date(2026, 2, 27)


@pytest.mark.parametrize(
    ("term_end", "soon"),
    [
        (None, False),
        (date(2026, 5, 31), False),
        (date(2026, 6, 1), True),
        (date(2026, 7, 31), True),
        (date(2026, 8, 1), False),
    ],
)
def test_the_renewal_alert_covers_the_next_sixty_days(term_end, soon):
    assert rules.term_ends_soon(term_end, date(2026, 6, 1)) is soon


def test_statutory_meeting_minimums_apply_only_to_their_legal_basis():
    assert rules.meetings_short_of_minimum("casf_cvs", 2, 2026) == 3
    assert rules.meetings_short_of_minimum("casf_cvs", 3, 2026) is None
    assert rules.meetings_short_of_minimum("cch_conseil_concertation", 0, 2026) == 1
    assert rules.meetings_short_of_minimum("voluntary", 0, 2026) is None
    assert rules.meetings_short_of_minimum("statutes", 0, 2026) is None


def test_a_comite_de_residents_term_is_three_years_at_most():
    assert rules.term_above_maximum("cch_comite_residents", 37, date(2026, 1, 1)) == 36
    assert rules.term_above_maximum("cch_comite_residents", 36, date(2026, 1, 1)) is None
    assert rules.term_above_maximum("voluntary", 72, date(2026, 1, 1)) is None


def test_deadlines_include_their_day_and_actions_are_overdue_the_day_after():
    assert rules.proposals_open(date(2026, 6, 1), date(2026, 6, 1))
    assert not rules.proposals_open(date(2026, 6, 1), date(2026, 6, 2))
    assert not rules.action_overdue(date(2026, 6, 1), None, date(2026, 6, 1))
    assert rules.action_overdue(date(2026, 6, 1), None, date(2026, 6, 2))
    assert not rules.action_overdue(date(2026, 6, 1), date(2026, 6, 5), date(2026, 6, 9))


@given(
    votes=st.lists(st.integers(min_value=0, max_value=30), min_size=0, max_size=8),
    seats=st.integers(min_value=1, max_value=4),
    substitute_seats=st.integers(min_value=0, max_value=3),
)
def test_seats_go_to_the_most_votes_and_a_tie_never_decides_itself(votes, seats, substitute_seats):
    candidates = [Candidate(n, v) for n, v in enumerate(votes)]
    result = allocate_seats(candidates, seats=seats, substitute_seats=substitute_seats)
    by_key = dict(enumerate(votes))
    if result.tied:
        assert result.elected == result.substitutes == ()
        assert len({by_key[k] for k in result.tied}) == 1  # the tied share their votes
        return
    chosen = result.elected + result.substitutes
    assert len(result.elected) <= seats and len(result.substitutes) <= substitute_seats
    assert len(set(chosen)) == len(chosen) and all(by_key[k] > 0 for k in chosen)
    others = [v for k, v in by_key.items() if k not in chosen]
    assert all(by_key[k] >= max(others, default=0) for k in chosen)
    assert [by_key[k] for k in chosen] == sorted((by_key[k] for k in chosen), reverse=True)


# --- the conseil de concertation (W12) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("residents", "manager", "owner", "expected"),
    [
        (0, 0, 0, rules.NO_RESIDENT_REPS),
        (0, 1, 0, rules.NO_RESIDENT_REPS),
        (1, 1, 0, None),
        (1, 1, 1, rules.TOO_FEW_RESIDENT_REPS),
        (2, 1, 1, None),
        (3, 2, 2, rules.TOO_FEW_RESIDENT_REPS),
        (4, 2, 2, None),
        (3, 1, 0, None),
    ],
)
def test_w12_residents_have_at_least_as_many_representatives(residents, manager, owner, expected):
    assert rules.concertation_composition_error(residents, manager, owner) == expected


@pytest.mark.parametrize(
    ("last", "constituted", "today", "expected"),
    [
        # never met: convened within 2 months of the constitution (R633-5)
        (None, date(2026, 1, 15), date(2026, 3, 15), False),
        (None, date(2026, 1, 15), date(2026, 3, 16), True),
        (None, date(2025, 12, 31), date(2026, 2, 28), False),
        (None, date(2025, 12, 31), date(2026, 3, 1), True),
        # met: at least once a year (L633-4, PARTIAL)
        (date(2025, 3, 15), date(2020, 1, 1), date(2026, 3, 15), False),
        (date(2025, 3, 15), date(2020, 1, 1), date(2026, 3, 16), True),
        (date(2024, 2, 29), date(2020, 1, 1), date(2025, 2, 28), False),
        (date(2024, 2, 29), date(2020, 1, 1), date(2025, 3, 1), True),
        (date(2026, 2, 1), date(2026, 1, 15), date(2026, 6, 1), False),
    ],
)
def test_w12_meeting_overdue_boundaries(last, constituted, today, expected):
    assert rules.concertation_meeting_overdue(last, constituted, today, months=2, per_year=1) is expected


@pytest.mark.parametrize(("contracts", "expected"), [(0, False), (29, False), (30, True), (31, True)])
def test_w12_the_obligation_starts_at_thirty_residents_with_a_contract(contracts, expected):
    assert rules.concertation_required(contracts, 30) is expected


def test_w12_the_delays_and_threshold_are_dated_parameters():
    params = rules.default_parameters()
    on = date(2026, 1, 1)
    assert params.integer(rules.CONCERTATION_MIN_RESIDENTS_KEY, on) == 30
    assert params.integer(rules.CONCERTATION_FIRST_MEETING_KEY, on) == 2
    assert params.integer(rules.CONCERTATION_MEETINGS_KEY, on) == 1
