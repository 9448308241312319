"""Pure rules of the residences: no database, no Django; dates in, answers out."""

import calendar
from datetime import date, timedelta

from habiter.core.dates import add_months
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


# --- residence contracts (R74–R75, W4–W5) ------------------------------------------------------------------

TO_SIGN, ACTIVE, NOTICE, ENDED = "to_sign", "active", "notice", "ended"

# The allowed status changes of a contract: activation once the RI is initialled, a notice (the resident's) or a
# termination (the manager's) while active, the exit while active (a death, a sudden departure) or in notice.
CONTRACT_TRANSITIONS = {
    TO_SIGN: frozenset({ACTIVE}),
    ACTIVE: frozenset({NOTICE, ENDED}),
    NOTICE: frozenset({ENDED}),
    ENDED: frozenset(),
}

RESIDENT_NOTICE_DAYS_KEY = "foyer_resident_notice_days"
# R75 (CCH R633-3): one month for a breach (unpaid amounts are a breach of the obligation to pay), three months
# when the resident no longer meets the admission conditions or the establishment closes.
TERMINATION_NOTICE_KEYS = {
    "breach": "foyer_notice_breach_months",
    "unpaid": "foyer_notice_breach_months",
    "admission_conditions": "foyer_notice_admission_months",
    "closure": "foyer_notice_admission_months",
}


def contract_may_become(current: str, target: str) -> bool:
    return target in CONTRACT_TRANSITIONS.get(current, frozenset())


def contract_may_activate(ri_initialled_on: date | None) -> bool:
    """W4: the RI is annexed to the contract and initialled by the resident before the contract is in force; a
    contract without it stays « à signer »."""
    return ri_initialled_on is not None


def resident_notice_end(notice_on: date, params: LegalParameters | None = None) -> date:
    """W5: the resident leaves at any time, after a notice of N days (parameter, default 8) from the notice date."""
    return notice_on + timedelta(days=_params(params).integer(RESIDENT_NOTICE_DAYS_KEY, notice_on))


def termination_notice_end(notified_on: date, ground: str, params: LegalParameters | None = None) -> date:
    """R75: the end of the manager's notice, from the day the termination is notified to the resident."""
    months = _params(params).integer(TERMINATION_NOTICE_KEYS[ground], notified_on)
    return add_months(notified_on, months)


def contract_covers(starts_on: date, left_on: date | None, on: date) -> bool:
    """A contract in force occupies its place from its first day to the day of exit, both included."""
    return stay_covers(starts_on, left_on, on)


# --- guests (W14, R76) -------------------------------------------------------------------------------------


def nights_between(arrived_on: date, left_on: date, start: date, end: date) -> int:
    """The nights of a stay [arrived_on, left_on) spent in the period [start, end] (inclusive): a night belongs to
    the day it begins (30 January → 2 February: two nights in January, one in February)."""
    first, last = max(arrived_on, start), min(left_on - timedelta(days=1), end)
    return max((last - first).days + 1, 0)


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _guest_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def guest_nights(stays, start: date, end: date) -> dict[str, int]:
    """Nights per guest in the period, from `(guest_name, arrived_on, left_on)` tuples; a guest is known by their
    name, compared without case or surrounding spaces."""
    totals: dict[str, int] = {}
    shown: dict[str, str] = {}
    for name, arrived_on, left_on in stays:
        nights = nights_between(arrived_on, left_on, start, end)
        if nights:
            key = _guest_key(name)
            shown.setdefault(key, " ".join(name.split()))
            totals[key] = totals.get(key, 0) + nights
    return {shown[key]: nights for key, nights in totals.items()}


def guests_at_limit(stays, start: date, end: date, limit: int | None) -> dict[str, int]:
    """The guests whose nights in the period reach the RI's limit (W14: the alert is at the limit, not past it)."""
    if limit is None:
        return {}
    return {name: nights for name, nights in guest_nights(stays, start, end).items() if nights >= limit}


GUEST_LEGAL_MAX_KEY = "foyer_third_party_max_months"


def guests_at_legal_cap(stays, params: LegalParameters | None = None) -> dict[str, int]:
    """R76 (CCH R633-9): the same person may be hosted three months at most. The guests whose nights in all reach the
    nights of that many months from their first arrival, with their nights."""
    firsts: dict[str, date] = {}
    for name, arrived_on, _left_on in stays:
        key = _guest_key(name)
        firsts[key] = min(firsts.get(key, arrived_on), arrived_on)
    reached = {}
    for name, nights in guest_nights(stays, date.min, date.max).items():
        first = firsts[_guest_key(name)]
        months = _params(params).integer(GUEST_LEGAL_MAX_KEY, first)
        if nights >= (add_months(first, months) - first).days:
            reached[name] = nights
    return reached
