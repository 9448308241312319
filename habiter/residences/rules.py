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


# The steps of an orientation (W3), in order; each may be done only when the ones before it are.
INTERVIEW, DECISION, NOTIFICATION, ENTRY = "interview", "decision", "notification", "entry"


def orientation_next_steps(*, interview_on, decision: str, notified_on, entered: bool) -> tuple[str, ...]:
    """The steps an orientation may take now: an interview (set or moved) and the decision while the commission has
    not decided (the decision after an interview date only), the notification to the SIAO once decided, the
    entry once an admission is notified."""
    if not decision:
        return (INTERVIEW, DECISION) if interview_on is not None else (INTERVIEW,)
    if notified_on is None:
        return (NOTIFICATION,)
    if decision == "admitted" and not entered:
        return (ENTRY,)
    return ()


def days_from_vacancy_to_entry(declared_on: date, entered_on: date) -> int:
    """The « délai vacance → entrée » of W3, in calendar days."""
    return (entered_on - declared_on).days
