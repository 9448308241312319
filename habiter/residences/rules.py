"""Pure rules of the residences: no database, no Django; dates in, answers out."""

from datetime import date

from habiter.core.legal import LegalParameters, default_parameters

# W11 (Unafo; DREETS Occitanie 2024): a pension de famille has at most about 25 places. Guidance, not a
# validation rule (R72): above it the director is warned, never stopped. The number is in the legal-parameter
# table, key below.
PLACES_SOFT_MAX_KEY = "residence_places_soft_max"


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def places_above_soft_max(place_count: int, on: date, params: LegalParameters | None = None) -> int | None:
    """The soft maximum of places (W11) when `place_count` is above it on `on`, else None."""
    limit = _params(params).integer(PLACES_SOFT_MAX_KEY, on)
    return limit if place_count > limit else None


def house_rules_frozen(valid_from: date, today: date) -> bool:
    """A version of the règlement intérieur in force since today or before may have been signed: frozen."""
    return valid_from <= today


FREE, RESERVED, OCCUPIED = "free", "reserved", "occupied"


def stay_covers(entered_on: date, left_on: date | None, on: date) -> bool:
    """A stay occupies its place from the day of entry to the day of exit, both included."""
    return entered_on <= on and (left_on is None or on <= left_on)


def periods_overlap(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two periods (inclusive; an empty end is open) share a day."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)
