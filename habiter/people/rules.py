"""Pure rules of `people`: normalising names and phones for search and duplicate detection.

No database and no Django imports here.
"""

import re
import unicodedata
from datetime import date, datetime

_SPACES = re.compile(r"\s+")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def normalise_text(value: str | None) -> str:
    """Lower-case, accent-free, single-spaced: "  Noël  LEFÈVRE " -> "noel lefevre"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return _SPACES.sub(" ", stripped.casefold().replace("-", " ").replace("'", " ")).strip()


def normalise_phone(value: str | None) -> str:
    """Digits only, French international prefix folded: "+33 6 12 34 56 78" -> "0612345678"."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+33") and digits.startswith("33"):
        digits = "0" + digits[2:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    return digits


def is_valid_french_phone(value: str) -> bool:
    """Ten digits starting with 0 once normalised, or an international number of 8 to 15 digits."""
    digits = normalise_phone(value)
    if value.strip().startswith("+") and not value.strip().startswith("+33"):
        return 8 <= len(digits) <= 15
    return len(digits) == 10 and digits.startswith("0")


def parse_search_date(text: str) -> date | None:
    """A birth date typed in a search box: 12/03/1985, 12-03-1985, 12.03.1985 or 1985-03-12."""
    text = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def looks_like_phone(text: str) -> bool:
    """A query of digits (with spaces, dots, dashes or a leading +) of at least 4 digits."""
    text = (text or "").strip()
    return bool(re.fullmatch(r"\+?[\d\s.\-]{4,}", text)) and len(re.sub(r"\D", "", text)) >= 4


def search_terms(text: str) -> list[str]:
    return [t for t in normalise_text(text).split(" ") if t]


def person_identity_key(first_name: str, last_name: str) -> str:
    """The normalised name used to spot a possible duplicate (with the birth date)."""
    return normalise_text(f"{last_name} {first_name}")


def household_search_text(name: str, member_names: list[tuple[str, str]]) -> str:
    parts = [name] + [f"{first} {last}" for first, last in member_names]
    return " | ".join(normalise_text(p) for p in parts if p)


def household_phone_text(phones: list[str]) -> str:
    return " ".join(p for p in (normalise_phone(x) for x in phones) if p)
