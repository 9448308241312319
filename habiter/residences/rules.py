"""Pure rules of the residences: no database, no Django; dates in, answers out."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

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


# W12 (CCH L633-4, R633-5, décret 2016-300): from this many residents holding a contract in force, the manager of a
# logement-foyer constitutes a conseil de concertation — the same row of the legal-parameter table `community`
# checks its councils against; the council is the one of that legal basis.
CONCERTATION_MIN_RESIDENTS_KEY = "conseil_concertation_min_residents"
CONCERTATION_LEGAL_BASIS = "cch_conseil_concertation"


def concertation_council_missing(residents: int, threshold: int, *, is_essms: bool, has_council: bool) -> bool:
    """W12: a residence with at least `threshold` residents under contract needs a conseil de concertation; an ESSMS
    does not (L633-5: the L633 regime does not apply, W1)."""
    return not is_essms and residents >= threshold and not has_council


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


# The steps of an orientation (W3), in order; each may be done only when the ones before it are. An interview is
# added (INTERVIEW), then whether the candidate came to one fixed ahead is noted (INTERVIEW_OUTCOME).
INTERVIEW, INTERVIEW_OUTCOME = "interview", "interview_outcome"
DECISION, NOTIFICATION, ENTRY = "decision", "notification", "entry"
# Whether the candidate came to an interview ("" while it is to come, or not noted yet).
PLANNED, CAME, NO_SHOW, POSTPONED = "", "came", "no_show", "postponed"
HELD = (CAME, NO_SHOW)  # an interview that took place, or should have: the commission may then decide


def orientation_next_steps(*, attendances, decision: str, notified_on, entered: bool) -> tuple[str, ...]:
    """The steps an orientation may take now, from whether the candidate came to each of its interviews
    (`attendances`): while the commission has not decided, another interview, the attendance of one to note, and
    the decision once an interview was held; the notification to the SIAO once decided, the entry once an admission
    is notified."""
    if not decision:
        attendances = tuple(attendances)
        steps = (INTERVIEW,)
        if PLANNED in attendances:
            steps += (INTERVIEW_OUTCOME,)
        if any(attendance in HELD for attendance in attendances):
            steps += (DECISION,)
        return steps
    if notified_on is None:
        return (NOTIFICATION,)
    if decision == "admitted" and not entered:
        return (ENTRY,)
    return ()


def decision_interview_missing(interviews, decided_on: date, refusal_reason: str) -> str | None:
    """Why the commission may not decide on `decided_on` given the interviews (day, attendance), or None: it decides
    after an interview the candidate came to (`no_interview`), not before its day (`before_interview`); a refusal
    because the candidate did not come, after an interview they did not come to."""
    wanted = NO_SHOW if refusal_reason == "no_show" else CAME
    days = [held_on for held_on, attendance in interviews if attendance == wanted]
    if not days:
        return "no_show_missing" if wanted == NO_SHOW else "no_interview"
    if min(days) > decided_on:
        return "before_interview"
    return None


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


def resident_notice_end(
    notice_on: date, params: LegalParameters | None = None, *, contract_of_stay_days: int | None = None
) -> date:
    """W5: the resident leaves at any time, after a notice of N days (parameter, default 8) from the notice date.
    In an ESSMS (W1: no L633 check) the notice is the one its contrat de séjour states, `contract_of_stay_days`."""
    if contract_of_stay_days is not None:
        return notice_on + timedelta(days=contract_of_stay_days)
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


# --- occupancy and funding figures (W3, W9) ----------------------------------------------------------------

# W9 (BOP 177): the State funds the host function of a pension de famille by a daily flat rate per place, dated in
# the legal-parameter table (the rate of recent years is UNCONFIRMED there).
STATE_DAILY_RATE_KEY = "pension_famille_daily_rate_eur"
CENTS = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class PlaceOpening:
    """A place as the figures see it: available from `opened_on` (None: always)."""

    place_id: object
    opened_on: date | None = None


@dataclass(frozen=True)
class StaySpan:
    """A stay as the figures see it: the place occupied from `entered_on` to `left_on`, both included."""

    place_id: object
    entered_on: date
    left_on: date | None = None
    exit_destination: str = ""
    vacancy_declared_on: date | None = None  # the SIAO vacancy this entry filled, declared that day (W3)


@dataclass(frozen=True)
class RatePeriod:
    """The State's daily rate per place (euros) from `start` to `end` (inclusive; None: open)."""

    start: date | None
    end: date | None
    rate: Decimal


@dataclass(frozen=True)
class OccupancyFigures:
    """The occupancy and funding figures of one period (a month, or a year)."""

    start: date
    end: date
    places: int  # places available on the period's last day
    available_days: int  # place-days the places were open
    occupied_days: int  # place-days a resident lived there
    entries: int
    exits: dict  # destination → number of exits in the period
    average_stay_days: int | None  # of the stays that ended in the period, entry and exit days included
    grant: Decimal | None  # the State's expected grant; None when no rate is known for an available day
    counted_until: date | None = None  # a period still running: its days after this one are not counted yet
    # W3 « délai vacance → entrée »: the SIAO vacancies filled by an entry of the period, and their days from the
    # vacancy declared to the entry (average rounded half up; None without such an entry)
    vacancies_filled: int = 0
    average_days_to_entry: int | None = None
    longest_days_to_entry: int | None = None

    @property
    def vacancy_days(self) -> int:
        return self.available_days - self.occupied_days

    @property
    def occupancy_rate(self) -> Decimal | None:
        """Occupied place-days / available place-days, a percentage with one decimal (None: no place open)."""
        return occupancy_rate(self.occupied_days, self.available_days)

    @property
    def exit_count(self) -> int:
        return sum(self.exits.values())


def _span_days(start: date, end: date) -> int:
    return max((end - start).days + 1, 0)


def available_days(opened_on: date | None, start: date, end: date) -> int:
    """The days of [start, end] a place opened on `opened_on` (None: always) is available."""
    return _span_days(max(start, opened_on) if opened_on else start, end)


def occupied_days(entered_on: date, left_on: date | None, start: date, end: date) -> int:
    """The days of [start, end] a stay occupies its place (entry and exit days included, like `stay_covers`)."""
    return _span_days(max(start, entered_on), min(end, left_on) if left_on else end)


def occupancy_rate(occupied: int, available: int) -> Decimal | None:
    if not available:
        return None
    return (Decimal(occupied * 100) / Decimal(available)).quantize(TENTH, rounding=ROUND_HALF_UP)


def stay_length(entered_on: date, left_on: date) -> int:
    """The length of a stay in days, entry and exit days included (a stay of 1 to 31 January lasts 31 days)."""
    return (left_on - entered_on).days + 1


def state_grant(openings, start: date, end: date, rates) -> Decimal | None:
    """W9: the State's expected grant over [start, end] = Σ places × days open × daily rate of each day, so a place
    opened during the period counts from its opening and a rate change splits the days. None when a day a place is
    open has no rate in the table."""
    total = Decimal("0")
    for opening in openings:
        first = max(start, opening.opened_on) if opening.opened_on else start
        if first > end:
            continue
        covered = 0
        for period in rates:
            lo = max(first, period.start) if period.start else first
            hi = min(end, period.end) if period.end else end
            days = _span_days(lo, hi)
            covered += days
            total += days * period.rate
        if covered < _span_days(first, end):
            return None
    return total.quantize(CENTS, rounding=ROUND_HALF_UP)


def rate_periods(params: LegalParameters | None = None, territory: str = "metropole") -> list[RatePeriod]:
    """The State's daily rate per place through time, from the legal-parameter table."""
    return [
        RatePeriod(row.valid_from, row.valid_to, Decimal(row.value))
        for row in _params(params).rows(key=STATE_DAILY_RATE_KEY, territory=territory)
    ]


def period_figures(openings, stays, start: date, end: date, rates, until: date | None = None) -> OccupancyFigures:
    """The figures of one period from the places (`PlaceOpening`) and the stays (`StaySpan`) of a residence. A stay's
    days count only while its place is open (a stay recorded before the place's opening date does not make the
    rate exceed 100 %). With `until` (today) inside the period, only its days up to `until` are counted — a stay
    still running is not yet a fact for the days to come, and a month to come has no figure; the State's expected
    grant stays that of the whole period, a forecast by nature."""
    counted_end = end if until is None else min(end, until)
    opened = {o.place_id: o.opened_on for o in openings}
    available = sum(available_days(o.opened_on, start, counted_end) for o in openings)
    occupied = entries = 0
    exits: dict[str, int] = {}
    lengths = []
    delays = []
    for stay in stays:
        if stay.place_id not in opened:
            continue
        from_day = max(stay.entered_on, opened[stay.place_id]) if opened[stay.place_id] else stay.entered_on
        occupied += occupied_days(from_day, stay.left_on, start, counted_end)
        if start <= stay.entered_on <= counted_end:
            entries += 1
            if stay.vacancy_declared_on is not None:
                delays.append(days_from_vacancy_to_entry(stay.vacancy_declared_on, stay.entered_on))
        if stay.left_on is not None and start <= stay.left_on <= counted_end:
            destination = stay.exit_destination or "unknown"
            exits[destination] = exits.get(destination, 0) + 1
            lengths.append(stay_length(stay.entered_on, stay.left_on))
    return OccupancyFigures(
        start=start,
        end=end,
        places=sum(1 for o in openings if o.opened_on is None or o.opened_on <= end),
        available_days=available,
        occupied_days=min(occupied, available),
        entries=entries,
        exits=exits,
        average_stay_days=_rounded_average(lengths),
        grant=state_grant(openings, start, end, rates),
        counted_until=counted_end if counted_end < end else None,
        vacancies_filled=len(delays),
        average_days_to_entry=_rounded_average(delays),
        longest_days_to_entry=max(delays, default=None),
    )


def _rounded_average(days: list[int]) -> int | None:
    """The average of a list of day counts, rounded half up to a whole day; None for an empty list."""
    if not days:
        return None
    return int((Decimal(sum(days)) / len(days)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def year_figures(
    openings, stays, year: int, rates, until: date | None = None
) -> tuple[list[OccupancyFigures], OccupancyFigures]:
    """The twelve months of `year` and the year as a whole, counted up to `until` (see `period_figures`)."""
    openings, stays, rates = list(openings), list(stays), list(rates)
    months = []
    for month in range(1, 13):
        start, end = month_bounds(date(year, month, 1))
        months.append(period_figures(openings, stays, start, end, rates, until))
    return months, period_figures(openings, stays, date(year, 1, 1), date(year, 12, 31), rates, until)


# --- the redevance and the APL-foyer base (R73, W7–W8) --------------------------------------------------------

# W7 (CCH L353-9-2): the convention's maxima are revised each 1 January with the IRL of a quarter of the year
# before (the 2nd, PARTIAL in DOMAIN-2): the quarter is in the legal-parameter table, key below.
APL_MAX_IRL_QUARTER_KEY = "apl_foyer_max_irl_quarter"
RENT_EQUIVALENT = "equivalence_loyer"
CHARGES = "charges"
APL_BASE_KINDS = frozenset({RENT_EQUIVALENT, CHARGES})
CENT = Decimal("0.01")


def apl_base(lines) -> Decimal:
    """The part of the redevance that enters the APL-foyer scale: équivalence de loyer + charges, the services
    (compulsory or optional) left out. `lines` are `(kind, amount)` pairs.

    Source: DOMAIN-2 W7 — the APL convention (CCH R353-165-1 ff.) defines the part of the redevance « assimilable
    au loyer et aux charges locatives récupérables », made of an « élément équivalent au loyer » and an element for
    the charges; only this part enters the APL-foyer scale."""
    return sum((amount for kind, amount in lines if kind in APL_BASE_KINDS), Decimal("0.00"))


def redevance_total(lines) -> Decimal:
    """The monthly redevance the resident owes: every line, services included (R73). `lines`: `(kind, amount)`."""
    return sum((amount for _kind, amount in lines), Decimal("0.00"))


def deposit_cap(monthly_redevance: Decimal | None, months: int) -> Decimal | None:
    """W6: a 2021 text caps the deposit a manager asks of its residents at `months` of redevance (parameter
    `foyer_deposit_max_months`, UNCONFIRMED for pensions de famille: the application warns, it does not refuse).
    None when the contract has no redevance yet.

    Worked example: a redevance of 350.00 + 50.00 = 400.00 € a month and one month: the cap is 400.00 €, which a
    deposit of 450.00 € exceeds and one of 150.00 € does not."""
    if monthly_redevance is None:
        return None
    return (monthly_redevance * months).quantize(Decimal("0.01"))


def revised_apl_maximum(amount: Decimal, from_year: int, to_year: int, irl) -> Decimal | None:
    """The convention's maximum for `to_year`, from its value for `from_year`, revised each 1 January with the IRL
    (W7, CCH L353-9-2): max(N) = max(N−1) × IRL(q, N−1) / IRL(q, N−2), rounded to the cent (half up) each year as
    the yearly maxima are published. `irl` maps a year to the IRL of the revision quarter q that year; None when a
    value needed is missing (the maximum cannot be stated).

    Worked example (IRL of the 2nd quarter, habiter/leases/irl.csv: 2023 140.59, 2024 145.17, 2025 146.68), a T1
    whose convention maximum was 430.00 € in 2024:
      2025: 430.00 × 145.17 / 140.59 = 62 423.10 / 140.59 = 444.008… → 444.01 €
      2026: 444.01 × 146.68 / 145.17 = 65 127.3868 / 145.17 = 448.628… → 448.63 €"""
    if to_year < from_year:
        return None
    value = amount
    for year in range(from_year + 1, to_year + 1):
        new_index, old_index = irl.get(year - 1), irl.get(year - 2)
        if new_index is None or old_index is None:
            return None
        value = (value * new_index / old_index).quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def apl_maximum_for_year(maxima, year: int, irl) -> tuple[Decimal | None, int | None]:
    """The maximum of one typology in `year` and the year of the convention value it was revised from. `maxima`
    maps a year to the convention's value that year: the latest on or before `year` is revised up to it. (None,
    None) when the convention states none that early; (None, base year) when an IRL value is missing."""
    known = [known_year for known_year in maxima if known_year <= year]
    if not known:
        return None, None
    base = max(known)
    return revised_apl_maximum(maxima[base], base, year, irl), base


def apl_base_above_maximum(base: Decimal, maximum: Decimal | None) -> bool:
    """W7: lines whose APL base is above the convention's maximum are refused; equal is allowed."""
    return maximum is not None and base > maximum
