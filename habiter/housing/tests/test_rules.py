from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.housing import rules

# --- IBAN ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("", True),
        ("FR76 3000 6000 0112 3456 7890 189", True),
        ("fr7630006000011234567890189", True),
        ("FR1420041010050500013M02606", True),
        ("FR76 3000 6000 0112 3456 7890 188", False),  # one digit off: the check digits do not match
        ("FR76 3000 6000 0112", False),
        ("XX00 1234", False),
    ],
)
def test_iban(value, valid):
    error = rules.iban_error(value)
    assert (error is None) == valid
    if not valid:
        assert "IBAN" in error


def test_format_iban_groups_by_four():
    assert rules.format_iban("fr7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


# --- decency and rent freeze (R61, R62, DOMAIN.md test vectors) ------------------------------------------------


@pytest.mark.parametrize(
    ("on", "energy_class", "territory", "decent"),
    [
        (date(2025, 3, 1), "G", "metropole", False),
        (date(2024, 12, 31), "G", "metropole", True),
        (date(2027, 6, 1), "F", "metropole", True),
        (date(2028, 1, 1), "F", "metropole", False),
        (date(2033, 12, 31), "E", "metropole", True),
        (date(2034, 1, 1), "E", "metropole", False),
        (date(2040, 1, 1), "D", "metropole", True),
        (date(2026, 1, 1), "G", "dom", True),
        (date(2028, 1, 1), "G", "dom", False),
        (date(2030, 12, 31), "F", "dom", True),
        (date(2031, 1, 1), "F", "dom", False),
        # Corsica is metropolitan France: the mainland's calendar (R61)
        (date(2024, 12, 31), "G", "corse", True),
        (date(2025, 1, 1), "G", "corse", False),
        (date(2027, 12, 31), "F", "corse", True),
        (date(2028, 1, 1), "F", "corse", False),
    ],
)
def test_decent_for_letting(on, energy_class, territory, decent):
    assert rules.decent_for_letting(energy_class, on, territory=territory) is decent


@pytest.mark.parametrize(
    ("on", "energy_class", "territory", "until"),
    [
        (date(2026, 1, 1), "F", "metropole", date(2027, 12, 31)),
        (date(2026, 1, 1), "E", "metropole", date(2033, 12, 31)),
        (date(2026, 1, 1), "D", "metropole", None),
        (date(2024, 6, 1), "G", "metropole", date(2024, 12, 31)),
        (date(2026, 1, 1), "G", "dom", date(2027, 12, 31)),
        (date(2026, 1, 1), "F", "dom", date(2030, 12, 31)),
        (date(2026, 1, 1), "F", "corse", date(2027, 12, 31)),
    ],
)
def test_letting_allowed_until(on, energy_class, territory, until):
    assert rules.letting_allowed_until(energy_class, on, territory=territory) == until


@pytest.mark.parametrize(
    ("energy_class", "on", "territory", "allowed"),
    [
        ("F", date(2026, 1, 1), "metropole", False),
        ("G", date(2026, 1, 1), "metropole", False),
        ("E", date(2026, 1, 1), "metropole", True),
        ("F", date(2022, 8, 23), "metropole", True),  # before the freeze came into force
        ("F", date(2024, 6, 30), "dom", True),
        ("F", date(2024, 7, 1), "dom", False),
        ("F", date(2022, 8, 24), "corse", False),
    ],
)
def test_rent_increase_allowed(energy_class, on, territory, allowed):
    assert rules.rent_increase_allowed(energy_class, on, territory=territory) is allowed


@given(
    energy_class=st.sampled_from(rules.ENERGY_CLASSES),
    on=st.dates(min_value=date(2020, 1, 1), max_value=date(2045, 12, 31)),
    territory=st.sampled_from(["metropole", "corse", "dom"]),
)
def test_a_dwelling_decent_today_stays_decent_until_its_last_day_and_not_after(energy_class, on, territory):
    if not rules.decent_for_letting(energy_class, on, territory=territory):
        with pytest.raises(ValueError):
            rules.letting_allowed_until(energy_class, on, territory=territory)
        return
    until = rules.letting_allowed_until(energy_class, on, territory=territory)
    if until is None:
        assert rules.decent_for_letting(energy_class, date(2099, 1, 1), territory=territory)
    else:
        assert until >= on
        assert rules.decent_for_letting(energy_class, until, territory=territory)
        assert not rules.decent_for_letting(energy_class, until + timedelta(days=1), territory=territory)


@given(
    better=st.sampled_from(rules.ENERGY_CLASSES),
    worse=st.sampled_from(rules.ENERGY_CLASSES),
    on=st.dates(min_value=date(2020, 1, 1), max_value=date(2045, 12, 31)),
)
def test_a_better_class_is_never_less_decent(better, worse, on):
    if rules.ENERGY_CLASSES.index(better) <= rules.ENERGY_CLASSES.index(worse):
        if rules.decent_for_letting(worse, on):
            assert rules.decent_for_letting(better, on)


def test_an_unknown_class_is_refused_in_french():
    with pytest.raises(ValueError, match="Classe énergétique inconnue"):
        rules.decent_for_letting("H", date(2026, 1, 1))


# --- captation pipeline ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "kwargs", "ok"),
    [
        ("identified", "contacted", {}, True),
        ("identified", "visited", {}, True),
        ("identified", "offer_made", {"offered_rent": 500, "guarantee": "visale"}, False),
        ("contacted", "visited", {}, True),
        ("visited", "offer_made", {"offered_rent": 500, "guarantee": "visale"}, True),
        ("visited", "offer_made", {"offered_rent": 500}, False),
        ("works_assessed", "offer_made", {"guarantee": "mandate"}, False),
        ("offer_made", "signed", {}, True),
        ("offer_made", "dropped", {}, False),
        ("offer_made", "dropped", {"drop_reason": "sold"}, True),
        ("signed", "dropped", {"drop_reason": "sold"}, False),
        ("dropped", "contacted", {}, False),
        ("identified", "unknown", {}, False),
    ],
)
def test_stage_moves(current, target, kwargs, ok):
    error = rules.stage_move_error(current, target, **kwargs)
    assert (error is None) is ok


def test_final_stages_say_so():
    assert "ne change plus d'étape" in rules.stage_move_error("signed", "dropped", drop_reason="sold")


@given(current=st.sampled_from(list(rules.STAGE_TRANSITIONS)), target=st.sampled_from(list(rules.STAGE_TRANSITIONS)))
def test_no_move_goes_back_in_the_pipeline(current, target):
    kwargs = {"drop_reason": "other", "offered_rent": 1, "guarantee": "visale"}
    if rules.stage_move_error(current, target, **kwargs) is None and target != rules.DROPPED:
        assert rules.PIPELINE.index(target) > rules.PIPELINE.index(current)


@pytest.mark.parametrize(("signed", "closed", "rate"), [(0, 0, None), (1, 2, 50), (2, 3, 67), (3, 3, 100)])
def test_conversion_rate(signed, closed, rate):
    assert rules.conversion_rate(signed, closed) == rate


def test_stage_durations_count_each_stage_until_the_next_move():
    moves = [("identified", date(2026, 1, 1)), ("contacted", date(2026, 1, 11)), ("visited", date(2026, 1, 15))]
    assert rules.stage_durations(moves, date(2026, 1, 20)) == {"identified": [10], "contacted": [4], "visited": [5]}
    signed = [*moves, ("offer_made", date(2026, 1, 16)), ("signed", date(2026, 1, 18))]
    assert "signed" not in rules.stage_durations(signed, date(2026, 2, 1))
    assert rules.average_days([10, 4, 5]) == 6 and rules.average_days([]) is None


# --- tickets ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("open", "assigned", True),
        ("open", "done", True),
        ("assigned", "in_progress", True),
        ("in_progress", "assigned", False),
        ("done", "in_progress", False),
        ("cancelled", "open", False),
        ("open", "lost", False),
    ],
)
def test_ticket_transitions(current, target, ok):
    assert (rules.ticket_transition_error(current, target) is None) is ok


# --- photos ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ("image/jpeg", "jpg")),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ("image/png", "png")),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", ("image/webp", "webp")),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"GIF89a", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_photos_are_judged_by_their_content(head, expected):
    assert rules.sniff_photo_type(head) == expected


@pytest.mark.parametrize(
    ("size", "ok"), [(0, False), (1, True), (10 * 1024 * 1024, True), (10 * 1024 * 1024 + 1, False)]
)
def test_photo_size(size, ok):
    assert (rules.photo_size_error(size) is None) is ok


# --- inspections and the deposit -----------------------------------------------------------------------------


def test_compare_rooms_matches_names_and_flags_the_worse_ones():
    check_in = {"Séjour": "good", "Cuisine": "fair", "Cave": "poor"}
    check_out = {"séjour ": "poor", "CUISINE": "good", "Balcon": "good"}
    rows = rules.compare_rooms(check_in, check_out)
    assert rows == [
        ("séjour ", "good", "poor", True),
        ("CUISINE", "fair", "good", False),
        ("Balcon", None, "good", True),
        ("Cave", "poor", None, True),
    ]
    assert not rules.inventory_matches(check_in, check_out)
    assert rules.inventory_matches({"Séjour": "fair"}, {"Séjour": "good"})


@given(
    rooms=st.dictionaries(
        st.sampled_from(["Séjour", "Cuisine", "Chambre", "WC"]), st.sampled_from(rules.CONDITION_ORDER)
    )
)
def test_an_inventory_always_matches_itself(rooms):
    assert rules.inventory_matches(rooms, dict(rooms))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 10), 1, date(2026, 2, 10)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("keys", "matches", "deadline", "months"),
    [
        (date(2026, 1, 10), True, date(2026, 2, 10), 1),
        (date(2026, 1, 10), False, date(2026, 3, 10), 2),  # DOMAIN.md R21 test vector: 2-month deadline
    ],
)
def test_deposit_return_period(keys, matches, deadline, months):
    assert rules.deposit_return_period(keys, matches) == (deadline, months)
