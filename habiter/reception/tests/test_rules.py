from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.reception import rules


@pytest.mark.parametrize(
    ("text", "postcode", "error"),
    [
        ("", "", None),
        ("13001", "13001", None),
        (" 13 001 ", "13001", None),
        ("2A004", "2A004", "Le code postal doit comporter 5 chiffres (ex. 13001)."),
        ("1300", "1300", "Le code postal doit comporter 5 chiffres (ex. 13001)."),
        ("130011", "130011", "Le code postal doit comporter 5 chiffres (ex. 13001)."),
        ("marseille", "marseille", "Le code postal doit comporter 5 chiffres (ex. 13001)."),
    ],
)
def test_postcodes(text, postcode, error):
    assert rules.normalise_postcode(text) == postcode
    assert rules.postcode_error(postcode) == error


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_any_five_digits_are_a_postcode(digits):
    assert rules.postcode_error(digits) is None


@given(st.text(max_size=12).filter(lambda t: t and not (len(t) == 5 and t.isascii() and t.isdigit())))
def test_anything_else_is_refused_in_french(text):
    assert rules.postcode_error(text) == "Le code postal doit comporter 5 chiffres (ex. 13001)."


@pytest.mark.parametrize(
    ("topics", "error"),
    [
        ([rules.HOUSING_SEARCH], None),
        ([rules.RENT_ARREARS, rules.EVICTION_THREAT], None),
        (list(rules.TOPICS), None),
        ([], "Cochez au moins un motif de venue."),
        (None, "Cochez au moins un motif de venue."),
        (["lottery"], "Motif inconnu : lottery."),
        ([rules.ENERGY, rules.ENERGY], "Un motif est coché deux fois."),
    ],
)
def test_topics(topics, error):
    assert rules.topics_error(topics) == error


NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("visited_at", "error"),
    [
        (NOW, None),
        (NOW - timedelta(days=3), None),
        (NOW + timedelta(minutes=5), None),
        (NOW + timedelta(minutes=6), "Un passage ne peut pas être daté dans le futur."),
    ],
)
def test_visit_time(visited_at, error):
    assert rules.visited_at_error(visited_at, NOW) == error


@pytest.mark.parametrize(
    ("capacity", "enrolled", "error"),
    [
        (8, 0, None),
        (8, 7, None),
        (8, 8, "Cette séance est complète : elle compte 8 places, toutes prises."),
        (1, 1, "Cette séance est complète : elle compte 1 place, toutes prises."),
        (3, 5, "Cette séance est complète : elle compte 3 places, toutes prises."),
    ],
)
def test_capacity(capacity, enrolled, error):
    assert rules.capacity_error(capacity, enrolled) == error


@pytest.mark.parametrize(("capacity", "refused"), [(1, False), (30, False), (0, True), (-2, True), (None, True)])
def test_capacity_value(capacity, refused):
    assert (rules.capacity_value_error(capacity) is not None) is refused


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=400))
def test_enrolling_one_by_one_never_exceeds_the_capacity(capacity, attempts):
    enrolled = 0
    for _attempt in range(attempts):
        if rules.capacity_error(capacity, enrolled) is None:
            enrolled += 1
    assert enrolled == min(capacity, attempts)
    assert rules.places_left(capacity, enrolled) == capacity - enrolled


@pytest.mark.parametrize(
    ("session_day", "error"),
    [
        (date(2026, 3, 2), None),
        (date(2026, 2, 1), None),
        (date(2026, 3, 3), "La présence se relève le jour de la séance ou après, pas avant."),
    ],
)
def test_attendance_day(session_day, error):
    assert rules.attendance_error(session_day, date(2026, 3, 2)) == error
