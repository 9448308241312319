from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.support import rules

STATUSES = [rules.REQUESTED, rules.ACTIVE, rules.SUSPENDED, rules.CLOSED]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (rules.REQUESTED, rules.ACTIVE, True),
        (rules.REQUESTED, rules.CLOSED, True),
        (rules.REQUESTED, rules.SUSPENDED, False),
        (rules.ACTIVE, rules.SUSPENDED, True),
        (rules.ACTIVE, rules.CLOSED, True),
        (rules.ACTIVE, rules.REQUESTED, False),
        (rules.ACTIVE, rules.ACTIVE, False),
        (rules.SUSPENDED, rules.ACTIVE, True),
        (rules.SUSPENDED, rules.CLOSED, True),
        (rules.CLOSED, rules.ACTIVE, False),
        (rules.CLOSED, rules.CLOSED, False),
    ],
)
def test_transition_table(current, target, allowed):
    assert (rules.transition_error(current, target) is None) is allowed


def test_refusals_are_in_french():
    assert rules.transition_error(rules.CLOSED, rules.ACTIVE) == (
        "Cette mesure est clôturée : elle ne peut plus changer de statut."
    )
    assert rules.transition_error(rules.ACTIVE, rules.REQUESTED) == (
        "Une mesure en cours ne peut pas passer à l'état demandée."
    )
    assert rules.transition_error(rules.ACTIVE, "lost") == "Statut inconnu : lost."


@given(st.lists(st.sampled_from(STATUSES), max_size=12))
def test_any_accepted_path_starting_open_never_leaves_closed(path):
    """Following only accepted transitions, once closed a measure stays closed."""
    status = rules.ACTIVE
    for target in path:
        if rules.transition_error(status, target) is None:
            assert status != rules.CLOSED
            status = target


@pytest.mark.parametrize(
    ("start", "planned", "error"),
    [
        (date(2026, 1, 1), None, None),
        (date(2026, 1, 1), date(2026, 1, 1), None),
        (date(2026, 1, 2), date(2026, 1, 1), "La fin prévue ne peut pas précéder le début."),
    ],
)
def test_dates(start, planned, error):
    assert rules.dates_error(start, planned) == error


def test_transition_dates():
    today = date(2026, 11, 21)
    start = date(2026, 1, 1)
    assert rules.transition_date_error(start, today, None, today) is None
    assert rules.transition_date_error(start, today + timedelta(days=1), None, today) == (
        "La date ne peut pas être dans le futur."
    )
    assert rules.transition_date_error(start, date(2025, 12, 31), None, today) == (
        "La date ne peut pas précéder le début de la mesure."
    )
    assert rules.transition_date_error(start, date(2026, 3, 1), date(2026, 4, 1), today) == (
        "La date ne peut pas précéder le dernier changement de statut."
    )


@pytest.mark.parametrize(
    ("occurred_on", "minutes", "fields"),
    [
        (date(2026, 11, 20), 30, set()),
        (date(2026, 11, 21), 720, set()),
        (date(2026, 11, 22), 30, {"occurred_on"}),
        (date(2026, 11, 20), 0, {"duration_minutes"}),
        (date(2026, 11, 20), -15, {"duration_minutes"}),
        (date(2026, 11, 20), 721, {"duration_minutes"}),
        (date(2026, 12, 1), 800, {"occurred_on", "duration_minutes"}),
    ],
)
def test_intervention_rules(occurred_on, minutes, fields):
    assert set(rules.intervention_error(occurred_on, minutes, date(2026, 11, 21))) == fields


@given(st.integers(min_value=1, max_value=720))
def test_any_duration_up_to_twelve_hours_is_accepted(minutes):
    assert rules.intervention_error(date(2026, 1, 1), minutes, date(2026, 1, 1)) == {}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_next_review(day, months, expected):
    assert rules.next_review(day, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=1, max_value=24))
def test_next_review_is_later_and_within_the_rhythm(day, months):
    due = rules.next_review(day, months)
    assert day < due <= day + timedelta(days=31 * months)


def test_person_words_are_never_rewritten():
    assert rules.person_words_error("", "Je veux un logement à moi.") is None
    assert rules.person_words_error("Je veux un logement.", "Je veux un logement.") is None
    assert "jamais réécrits" in rules.person_words_error("Je veux un logement.", "Souhaite un T2.")
