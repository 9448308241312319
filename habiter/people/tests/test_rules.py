from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.people import rules


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Noël", "noel"),
        ("LEFÈVRE", "lefevre"),
        ("  Jean-Pierre   D'Arc ", "jean pierre d arc"),
        ("Œillet", "oeillet"),
        ("Ærøe", "aerøe"),
        ("Çağlar", "caglar"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_text(raw, expected):
    assert rules.normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("0033612345678", "0612345678"),
        ("", ""),
    ],
)
def test_normalise_phone(raw, expected):
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("06 12 34 56 78", True),
        ("+33 6 12 34 56 78", True),
        ("+44 20 7946 0958", True),
        ("12345", False),
        ("06 12 34 56", False),
        ("1612345678", False),
        ("abc", False),
    ],
)
def test_is_valid_french_phone(raw, valid):
    assert rules.is_valid_french_phone(raw) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1985", date(1985, 3, 12)),
        ("12-03-1985", date(1985, 3, 12)),
        ("1985-03-12", date(1985, 3, 12)),
        ("31/02/1985", None),
        ("noel", None),
    ],
)
def test_parse_search_date(text, expected):
    assert rules.parse_search_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("06 12", True), ("0612345678", True), ("+33 6", False), ("123", False), ("noel 12", False)],
)
def test_looks_like_phone(text, expected):
    assert rules.looks_like_phone(text) is expected


@given(st.text())
def test_normalise_text_is_idempotent_and_accent_free(value):
    once = rules.normalise_text(value)
    assert rules.normalise_text(once) == once
    assert once == once.casefold()


@given(st.text(alphabet="aeiouéèêëàâîïôöùûüçAEIOUÉÈÊËÀÂÎÏÔÖÙÛÜÇ ", min_size=1))
def test_accented_and_plain_spellings_normalise_alike(value):
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    assert rules.normalise_text(value) == rules.normalise_text(plain.upper())


def test_identity_key_ignores_case_accents_and_order_of_spaces():
    assert rules.person_identity_key("Noël", "LEFÈVRE") == rules.person_identity_key(" noel", "Lefevre ")
