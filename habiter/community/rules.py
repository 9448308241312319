"""Pure rules of the councils and elections: no database, no Django; dates and counts in, answers out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from habiter.core.dates import add_months
from habiter.core.legal import LegalParameters, default_parameters

# The numbers are rows of the legal-parameter table (DOMAIN-2 §I), never literals here.
RENEWAL_NOTICE_KEY = "council_term_renewal_notice_days"
CARENCE_KEY = "election_carence_new_vote_months"
# W15: the statutory checks of a council run only for its legal basis (the values of models.LegalBasis).
MIN_MEETINGS_KEYS = {
    "casf_cvs": "cvs_min_meetings_per_year",  # W18, D311-16: at least 3 a year (PARTIAL)
    "cch_conseil_concertation": "conseil_concertation_min_meetings_per_year",  # W12, L633-4: once a year (PARTIAL)
}
TERM_MAX_KEYS = {"cch_comite_residents": "comite_residents_term_max_months"}  # W13: 3 years at most
# W12, R633-5: a logement-foyer with at least this many residents holding a contract has a conseil de concertation,
# convened within this many months of its constitution.
CONCERTATION_MIN_RESIDENTS_KEY = "conseil_concertation_min_residents"
CONCERTATION_FIRST_MEETING_KEY = "conseil_concertation_first_meeting_months"
CONCERTATION_MEETINGS_KEY = MIN_MEETINGS_KEYS["cch_conseil_concertation"]

LOTS, OLDEST, SENIORITY = "lots", "oldest", "seniority"  # models.TieRule
# How a tie was broken in the professionals' college when candidates in post since the same day were still equal.
SENIORITY_THEN_LOTS = "seniority_lots"
ELECTED, SUBSTITUTE, NOT_ELECTED = "elected", "substitute", "not_elected"


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def term_ends_soon(term_end: date | None, today: date, params: LegalParameters | None = None) -> bool:
    """Whether a term ends between today and the renewal notice (days) from today: time to prepare its renewal."""
    if term_end is None:
        return False
    notice = _params(params).integer(RENEWAL_NOTICE_KEY, today)
    return today <= term_end <= today + timedelta(days=notice)


def term_active(term_start: date, term_end: date | None, on: date) -> bool:
    return term_start <= on and (term_end is None or on <= term_end)


def term_end_for(start: date, months: int) -> date:
    """The last day of a term of `months` months begun on `start` (a 3-year term from 15/03/2026 ends 14/03/2029)."""
    return add_months(start, months) - timedelta(days=1)


def meetings_short_of_minimum(
    legal_basis: str, meetings_in_year: int, year: int, params: LegalParameters | None = None
) -> int | None:
    """The yearly minimum of meetings when the council's basis sets one and fewer are planned in `year`, else None."""
    key = MIN_MEETINGS_KEYS.get(legal_basis)
    if key is None:
        return None
    minimum = _params(params).integer(key, date(year, 12, 31))
    return minimum if meetings_in_year < minimum else None


def term_above_maximum(legal_basis: str, term_months: int, on: date, params: LegalParameters | None = None):
    """The maximum term (months) when the basis sets one and `term_months` exceeds it, else None."""
    key = TERM_MAX_KEYS.get(legal_basis)
    if key is None:
        return None
    maximum = _params(params).integer(key, on)
    return maximum if term_months > maximum else None


def proposals_open(proposals_until: date, today: date) -> bool:
    """Subjects may be proposed until the deadline, that day included."""
    return today <= proposals_until


def action_overdue(due_on: date, done_on: date | None, today: date) -> bool:
    return done_on is None and due_on < today


def candidacies_open(deadline: date, today: date) -> bool:
    return today <= deadline


def carence_new_election_due(noted_on: date, params: LegalParameters | None = None) -> date:
    """W13 (≥ 30 residents) and W21 step 7: when nobody stands, a new election within 6 months of the carence."""
    return add_months(noted_on, _params(params).integer(CARENCE_KEY, noted_on))


def carence_election_to_prepare(due: date, today: date, params: LegalParameters | None = None) -> bool:
    """Whether the new election after a carence is due within the renewal notice (the same days as a term ending,
    to prepare it: roll, candidacies, vote) or is overdue."""
    return due <= today + timedelta(days=_params(params).integer(RENEWAL_NOTICE_KEY, today))


# --- a council's own rhythm (W15: set by its règlement intérieur, not by law) -----------------------------------

RHYTHM_WINDOW_MONTHS = 12  # "par an" read as the last twelve months, whatever the day of the year


def rhythm_allowed(legal_basis: str) -> bool:
    """A council's own rhythm is followed only when its legal basis sets no minimum: a statutory basis keeps its
    legal one (W15: only the checks of the basis run)."""
    return legal_basis not in MIN_MEETINGS_KEYS


def rhythm_window_start(today: date) -> date:
    """The day before the window of the last twelve months: meetings held after it, up to today, count."""
    return add_months(today, -RHYTHM_WINDOW_MONTHS)


def meetings_expected(planned_per_year: int, since: date, today: date) -> int:
    """How many meetings a rhythm of `planned_per_year` asks over the last twelve months. A council younger than the
    window — `since`, its first meeting, or its creation when it never met, falls inside it — is asked the share of
    the window it has lived, rounded down: a monthly council whose first meeting was 45 days ago, one."""
    start = rhythm_window_start(today)
    if since <= start:
        return planned_per_year
    return planned_per_year * max((today - since).days, 0) // (today - start).days


@dataclass(frozen=True)
class RhythmCheck:
    planned: int  # a year, by the council's own rule
    held: int  # in the last twelve months
    expected: int  # over the last twelve months, or since `since` when the council is younger
    since: date | None  # the first meeting (or the creation) when inside the window, else None

    @property
    def short(self) -> bool:
        return self.held < self.expected


def rhythm_check(planned_per_year: int, held: int, since: date, today: date) -> RhythmCheck:
    """The meetings held in the last twelve months against the council's own rhythm."""
    inside = since > rhythm_window_start(today)
    return RhythmCheck(
        planned=planned_per_year,
        held=held,
        expected=meetings_expected(planned_per_year, since, today),
        since=since if inside else None,
    )


# --- the conseil de concertation (W12) -------------------------------------------------------------------------

NO_RESIDENT_REPS = "no_resident_reps"
TOO_FEW_RESIDENT_REPS = "too_few_resident_reps"
RESIDENTS_SIDE, MANAGER_SIDE, OWNER_SIDE = "residents", "manager", "owner"
# Whose representative each role of a member is (models.MemberRole). A host sits for the manager; the chair, the
# substitutes and plain members are not counted on either side.
CONCERTATION_SIDES = {
    "resident_rep": RESIDENTS_SIDE,
    "manager_rep": MANAGER_SIDE,
    "host": MANAGER_SIDE,
    "owner_rep": OWNER_SIDE,
}


def concertation_composition_error(resident_reps: int, manager_reps: int, owner_reps: int) -> str | None:
    """W12 (L633-4): the residents have at least as many representatives as the manager and the owner together, and
    some at all. A code, or None when the composition holds."""
    if resident_reps == 0:
        return NO_RESIDENT_REPS
    if resident_reps < manager_reps + owner_reps:
        return TOO_FEW_RESIDENT_REPS
    return None


def concertation_meeting_overdue(
    last_meeting_on: date | None, constituted_on: date, today: date, *, months: int, per_year: int
) -> bool:
    """W12: a conseil de concertation never met is overdue once `months` have passed since its constitution
    (R633-5); one that met is overdue once a year (`per_year` meetings: 12 // per_year months) has passed since
    its last meeting, the anniversary day itself still in time."""
    if last_meeting_on is None:
        return today > add_months(constituted_on, months)
    return today > add_months(last_meeting_on, 12 // max(per_year, 1))


def concertation_required(active_contracts: int, minimum: int) -> bool:
    """W12/W13: the obligation applies from `minimum` residents holding a contract in force."""
    return active_contracts >= minimum


# --- which statutory instance where (W1, W15) ----------------------------------------------------------------

CCH_BASES = ("cch_conseil_concertation", "cch_comite_residents")
L633_IN_ESSMS, CVS_OUTSIDE_ESSMS = "l633_in_essms", "cvs_outside_essms"


def residence_basis_error(legal_basis: str, residence_is_essms: bool) -> str | None:
    """W1 (CCH L633-5): the L633 bodies (conseil de concertation, comité de résidents) do not exist in a residence
    that is an ESSMS, where the CASF's CVS is the statutory one (W15); and a residence that is not an ESSMS has no
    statutory CVS (its own monthly « CVS » is a voluntary body). A code, or None."""
    if residence_is_essms and legal_basis in CCH_BASES:
        return L633_IN_ESSMS
    if not residence_is_essms and legal_basis == "casf_cvs":
        return CVS_OUTSIDE_ESSMS
    return None


# --- the comité de résidents (W13) --------------------------------------------------------------------------

COMITE_MIN_MEMBERS_KEY = "comite_residents_min_members"
COMITE_MAX_MEMBERS_KEY = "comite_residents_max_members"
COMITE_TOO_FEW, COMITE_TOO_MANY = "comite_too_few", "comite_too_many"


def comite_size_bounds(on: date, params: LegalParameters | None = None) -> tuple[int, int]:
    """W13 (≥ 30 residents, décret 2016-300): an elected comité de résidents has from 3 to 6 members, the number
    being set by the règlement intérieur."""
    params = _params(params)
    return params.integer(COMITE_MIN_MEMBERS_KEY, on), params.integer(COMITE_MAX_MEMBERS_KEY, on)


def comite_size_error(members: int, on: date, params: LegalParameters | None = None) -> str | None:
    """A code when an elected comité de résidents has fewer or more members than W13 allows, else None."""
    minimum, maximum = comite_size_bounds(on, params)
    if members < minimum:
        return COMITE_TOO_FEW
    if members > maximum:
        return COMITE_TOO_MANY
    return None


# --- the statutory CVS (W16, W17, W18) -------------------------------------------------------------------------

CVS_MIN_PERSONS_KEY = "cvs_min_persons_reps"
CVS_MIN_PROFESSIONALS_KEY = "cvs_min_professionals_reps"
CVS_MIN_MANAGING_BODY_KEY = "cvs_min_managing_body_reps"
CVS_SENIORITY_KEY = "cvs_professional_candidate_min_seniority_months"
CVS_PERSONS, CVS_FAMILIES, CVS_PROFESSIONALS, CVS_MANAGING_BODY, CVS_OTHERS = (
    "persons",
    "families",
    "professionals",
    "managing_body",
    "others",
)
# Whose representative each role of a member is in a CVS (models.MemberRole). The president is elected by and among
# the persons' representatives (D311-9), so counts as one. A substitute sits only in a titular's absence: not a
# member of the council's count. Every other role (host, owner, plain member) counts among the members only.
CVS_COLLEGES = {
    "resident_rep": CVS_PERSONS,
    "president": CVS_PERSONS,
    "family_rep": CVS_FAMILIES,
    "legal_rep": CVS_FAMILIES,
    "staff_rep": CVS_PROFESSIONALS,
    "manager_rep": CVS_MANAGING_BODY,
}
CVS_NOT_COUNTED = frozenset({"substitute"})
CVS_TOO_FEW_PERSONS = "cvs_too_few_persons_reps"
CVS_TOO_FEW_PROFESSIONALS = "cvs_too_few_professionals_reps"
CVS_TOO_FEW_MANAGING_BODY = "cvs_too_few_managing_body_reps"
CVS_PERSONS_NOT_MAJORITY = "cvs_persons_not_majority"
RULES_NOT_ADOPTED, RULES_ADOPTED_LATE = "rules_not_adopted", "rules_adopted_late"


def cvs_colleges(roles: Iterable[str]) -> dict[str, int]:
    """How many members of each college the roles of the members in office make, substitutes left out."""
    counts = dict.fromkeys((CVS_PERSONS, CVS_FAMILIES, CVS_PROFESSIONALS, CVS_MANAGING_BODY, CVS_OTHERS), 0)
    for role in roles:
        if role not in CVS_NOT_COUNTED:
            counts[CVS_COLLEGES.get(role, CVS_OTHERS)] += 1
    return counts


def cvs_minimums(on: date, params: LegalParameters | None = None) -> dict[str, int]:
    """The least number of representatives of each college a CVS seats on `on` (W16, D311-5 since 2023)."""
    params = _params(params)
    return {
        CVS_PERSONS: params.integer(CVS_MIN_PERSONS_KEY, on),
        CVS_PROFESSIONALS: params.integer(CVS_MIN_PROFESSIONALS_KEY, on),
        CVS_MANAGING_BODY: params.integer(CVS_MIN_MANAGING_BODY_KEY, on),
    }


def cvs_composition_errors(roles: Iterable[str], on: date, params: LegalParameters | None = None) -> list[str]:
    """W16 (D311-5, décret 2022-688): what is wrong with the composition of a CVS whose members in office on `on`
    hold `roles`: too few representatives of the persons accompanied, of the professionals, of the managing body
    (the table's minimums); the persons' and the families' or legal representatives not more than half of the
    members — exactly half is not more than half. Codes, in that order; an empty list when the composition holds.
    How the professionals' representative was designated (elected by the staff, D311-13) is not checked here."""
    counts = cvs_colleges(roles)
    minimums = cvs_minimums(on, params)
    errors = []
    for college, code in (
        (CVS_PERSONS, CVS_TOO_FEW_PERSONS),
        (CVS_PROFESSIONALS, CVS_TOO_FEW_PROFESSIONALS),
        (CVS_MANAGING_BODY, CVS_TOO_FEW_MANAGING_BODY),
    ):
        if counts[college] < minimums[college]:
            errors.append(code)
    if (counts[CVS_PERSONS] + counts[CVS_FAMILIES]) * 2 <= sum(counts.values()):
        errors.append(CVS_PERSONS_NOT_MAJORITY)
    return errors


def cvs_rules_adoption_error(adopted: Sequence[bool]) -> str | None:
    """W18 (D311-19): a CVS adopts its règlement intérieur at its first meeting. `adopted` says, for each meeting
    held, oldest first, whether it adopted the RI. None before any meeting and when the first adopted it;
    RULES_ADOPTED_LATE when a later one did; RULES_NOT_ADOPTED when none has."""
    if not adopted or adopted[0]:
        return None
    return RULES_ADOPTED_LATE if any(adopted) else RULES_NOT_ADOPTED


def seniority_short_of_minimum(in_post_since: date, on: date, params: LegalParameters | None = None) -> int | None:
    """W17 (D311-13): a candidate to represent the professionals in a CVS has at least the table's months of
    seniority in the establishment on `on` (the day of the vote). The minimum (months) when `in_post_since` is
    later than that many months before `on`, else None: in post on 15/01/2026, a vote on 15/07/2026 is in time."""
    minimum = _params(params).integer(CVS_SENIORITY_KEY, on)
    return minimum if add_months(in_post_since, minimum) > on else None


def seniority_months(in_post_since: date, on: date) -> int:
    """The whole months of seniority on `on` of someone in post since `in_post_since`, with the month arithmetic of
    `seniority_short_of_minimum` (`add_months`): the most months whose anniversary is `on` or before, 0 before the
    first. In post on 16/01/2026: 5 months on 15/07/2026, 6 on 16/07/2026; on 31/08/2025: 6 on 28/02/2026."""
    months = (on.year - in_post_since.year) * 12 + on.month - in_post_since.month
    if months > 0 and add_months(in_post_since, months) > on:
        months -= 1
    return max(months, 0)


def seniority_months_missing(in_post_since: date, on: date, params: LegalParameters | None = None) -> int:
    """How many months a professionals' candidate lacks on `on` (the day of the vote), a month begun counted as a
    month: 0 when `seniority_short_of_minimum` finds none short, else the table's minimum less the whole months
    served (a day short of six months: 1)."""
    minimum = seniority_short_of_minimum(in_post_since, on, params)
    if minimum is None:
        return 0
    return minimum - seniority_months(in_post_since, on)


# --- the count (W21 steps 5–6) ------------------------------------------------------------------------------


VOTERS_ABOVE_ROLL = "voters_above_roll"
BALLOTS_MISMATCH = "ballots_mismatch"


def count_errors(*, registered: int, voters: int, blank: int, null: int, votes: Sequence[int]) -> tuple[str, ...]:
    """What is wrong with a count: more voters than electors on the roll; ballots (votes + blank + null) that do not
    add up to the voters (one vote per elector, uninominal ballot: W13)."""
    errors = []
    if voters > registered:
        errors.append(VOTERS_ABOVE_ROLL)
    if sum(votes) + blank + null != voters:
        errors.append(BALLOTS_MISMATCH)
    return tuple(errors)


@dataclass(frozen=True)
class Candidate:
    key: object
    votes: int
    birth_date: date | None = None
    in_post_since: date | None = None  # the professionals' college (W17): the earliest is the most senior


@dataclass(frozen=True)
class Allocation:
    elected: tuple = ()
    substitutes: tuple = ()
    tied: tuple = ()  # the keys among which lots must be drawn before the result can be proclaimed
    tie_broken_by: str = ""  # "", OLDEST, LOTS, SENIORITY or SENIORITY_THEN_LOTS


def _break_tie(group: list[Candidate], places: int, tie_rule: str, drawn: Sequence) -> tuple[list, str] | None:
    """`group` (equal votes) ordered so that its first `places` are decided, or None while lots are to be drawn.
    The oldest rule falls back on lots when a birth date is missing or shared."""
    if tie_rule == OLDEST:
        births = [c.birth_date for c in group]
        if None not in births and len(set(births)) == len(births):
            return sorted(group, key=lambda c: c.birth_date), OLDEST
    winners = [key for key in drawn if any(c.key == key for c in group)]
    if len(winners) >= places:
        first = [next(c for c in group if c.key == key) for key in winners]
        return first + [c for c in group if c.key not in winners], LOTS
    return None


def _by_seniority(group: list[Candidate], cuts: Sequence[int], drawn: Sequence) -> tuple[list, str, tuple]:
    """W17 (D311-13): `group` (equal votes) ordered by seniority, the earliest `in_post_since` first, `cuts` being
    the boundaries inside it (positions from its start). Candidates in post since the same day and split by a cut
    are tied again: lots drawn by the bureau order them (`drawn`, best first). Returns the order, how the tie was
    broken (SENIORITY, or SENIORITY_THEN_LOTS when lots were needed) and the keys still to be drawn among (empty
    once decided). Without every date (a candidacy is refused without one) the whole group is drawn by lots."""
    if any(c.in_post_since is None for c in group):
        resolved = _break_tie(group, max(cuts), LOTS, drawn)
        return (resolved[0], LOTS, ()) if resolved else (group, LOTS, tuple(c.key for c in group))
    order: list[Candidate] = []
    broken_by = SENIORITY
    for _since, same_day in groupby(sorted(group, key=lambda c: c.in_post_since), key=lambda c: c.in_post_since):
        same = list(same_day)
        start, end = len(order), len(order) + len(same)
        inner = [cut for cut in cuts if start < cut < end]
        if len(same) > 1 and inner:
            resolved = _break_tie(same, max(inner) - start, LOTS, drawn)
            if resolved is None:
                return group, LOTS, tuple(c.key for c in same)
            same, broken_by = resolved[0], SENIORITY_THEN_LOTS
        order.extend(same)
    return order, broken_by, ()


def allocate_seats(
    candidates: Sequence[Candidate], *, seats: int, substitute_seats: int = 0, tie_rule: str = LOTS, drawn=()
) -> Allocation:
    """Seats to the most votes (W21 step 5): the first `seats` are elected, the next `substitute_seats` substitutes.
    A candidate without a vote is not elected. Equal votes matter only across a boundary (the last seat, the last
    substitute seat): there `tie_rule` decides — the oldest, the greatest seniority (the professionals, W17: lots
    only between candidates in post since the same day), or lots drawn by the bureau, whose winners the caller
    passes in `drawn` (best first). W21's vectors: A 8, B 6 for one seat and one substitute → A elected, B
    substitute; A 7, B 7 → lots to draw before the minutes can be closed."""
    ranked = sorted((c for c in candidates if c.votes > 0), key=lambda c: -c.votes)
    boundaries = (seats, seats + substitute_seats)
    order: list[Candidate] = []
    broken_by = ""
    for _votes, members in groupby(ranked, key=lambda c: c.votes):
        group = list(members)
        start, end = len(order), len(order) + len(group)
        inner = [b for b in boundaries if start < b < end]
        if len(group) > 1 and inner:
            if tie_rule == SENIORITY:
                group, broken_by, tied = _by_seniority(group, [b - start for b in inner], drawn)
                if tied:
                    return Allocation(tied=tied)
            else:
                resolved = _break_tie(group, max(inner) - start, tie_rule, drawn)
                if resolved is None:
                    return Allocation(tied=tuple(c.key for c in group))
                group, broken_by = resolved
        order.extend(group)
    return Allocation(
        elected=tuple(c.key for c in order[:seats]),
        substitutes=tuple(c.key for c in order[seats : seats + substitute_seats]),
        tie_broken_by=broken_by,
    )


# --- grading of strategic objectives (the project's own scale, seed 000 « système de cotation ») ------------------

GRADES = ("A", "B", "C", "D", "E")


def objective_grade(achieved: int, not_achieved: int, shared: int) -> str:
    """The grade of an objective from the participants' answers, shares taken over everyone who answered:
    A at least two in three say achieved; B at least half say achieved; E at least two in three say not achieved;
    D at least half say not achieved; C the views are shared — everything else, and exactly half achieved and half
    not achieved (both B and D would hold). "" when nobody answered. Integers only: a share is compared by
    cross-multiplication (3 × achieved ≥ 2 × total), never as a float."""
    total = achieved + not_achieved + shared
    if total == 0:
        return ""
    half_achieved = 2 * achieved >= total
    half_not = 2 * not_achieved >= total
    if half_achieved and half_not:
        return "C"
    if 3 * achieved >= 2 * total:
        return "A"
    if half_achieved:
        return "B"
    if 3 * not_achieved >= 2 * total:
        return "E"
    if half_not:
        return "D"
    return "C"


def percent(part: int, total: int) -> int:
    """`part` over `total` in whole percent, half rounded up (for display only; the grade uses the counts)."""
    if total == 0:
        return 0
    return (200 * part + total) // (2 * total)


# --- partners' agreements ------------------------------------------------------------------------------------------

# The renewal notice is no legal parameter (no text sets it) but each agreement's own préavis, in days (three months
# by habit): the models keep it, these rules take it as an argument.


def agreement_alert_from(alert_on: date | None, notice_days: int) -> date | None:
    """The first day of an agreement's renewal alert: `notice_days` (the agreement's own préavis) before its renewal
    date, or its end without one (`alert_on`); None when it has neither."""
    if alert_on is None:
        return None
    return alert_on - timedelta(days=notice_days)


def agreement_status(
    *, starts_on: date, ends_on: date | None, alert_on: date | None, notice_days: int, today: date
) -> str:
    """`upcoming`, `active`, `renewal_due` (the renewal date or end is within the agreement's notice of
    `notice_days`, or passed), or `ended`."""
    if ends_on is not None and ends_on < today:
        return "ended"
    if starts_on > today:
        return "upcoming"
    alert_from = agreement_alert_from(alert_on, notice_days)
    if alert_from is not None and alert_from <= today:
        return "renewal_due"
    return "active"


# --- volunteers (W26, W27, W28) -----------------------------------------------------------------------------------

VALUATION_RATE_KEY = "volunteer_valuation_hourly_rate_eur"  # W28: the association's method, the SMIC by default
CEC_MIN_HOURS_KEY = "cec_min_hours_per_year"
CEC_MIN_HOURS_ONE_ASSOCIATION_KEY = "cec_min_hours_one_association"
CEC_DECLARE_BY_KEY = "cec_declare_by"
CEC_VALIDATE_BY_KEY = "cec_validate_by"
# W27: the missions whose hours count for the compte d'engagement citoyen (`MissionKind` values)
CEC_GOVERNANCE_KINDS = frozenset({"governance"})  # sitting on the board or bureau
CEC_SUPERVISION_KINDS = frozenset({"supervision"})  # supervising other volunteers (encadrement de bénévoles)
CEC_MISSION_KINDS = CEC_GOVERNANCE_KINDS | CEC_SUPERVISION_KINDS
CEC_ELIGIBLE, CEC_IF_OTHER_HOURS, CEC_NOT_ELIGIBLE = "eligible", "if_other_hours", "not_eligible"
CENT = Decimal("0.01")


# How many days before the end of a volunteer's insurance the profile warns (W26). A working habit, not a law.
INSURANCE_NOTICE_DAYS = 30


def insured_on(insured_until: date | None, day: date) -> bool:
    """W26: whether the association's insurance still covers the volunteer on `day` (no end recorded: covered)."""
    return insured_until is None or day <= insured_until


def within_convention(convention_from: date | None, convention_to: date | None, day: date) -> bool:
    """W29: whether `day` is within a mécénat de compétences convention (no convention: nothing to check)."""
    if convention_from is None:
        return True
    return convention_from <= day and (convention_to is None or day <= convention_to)


def insurance_status(insured_until: date | None, today: date) -> str:
    """`ended` (past its last day), `ending` (within the notice), or "" (covered, or no end recorded)."""
    if insured_until is None:
        return ""
    if insured_until < today:
        return "ended"
    return "ending" if insured_until <= today + timedelta(days=INSURANCE_NOTICE_DAYS) else ""


def valuation_rate(day: date, params: LegalParameters | None = None) -> Decimal:
    """The valuation rate of an hour of volunteering in force on `day` (€/h)."""
    return _params(params).decimal(VALUATION_RATE_KEY, day)


def valuation(hours: Decimal, rate: Decimal) -> Decimal:
    """Hours × rate, to the cent, half up (the amount of a line of the contributions in kind)."""
    return (hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CecStatus:
    status: str  # CEC_ELIGIBLE, CEC_IF_OTHER_HOURS, CEC_NOT_ELIGIBLE
    min_hours: int
    min_hours_here: int
    declare_by: date
    validate_by: date


def cec_status(hours_here: Decimal, year: int, params: LegalParameters | None = None) -> CecStatus:
    """W27: the year's governance or supervision hours given in this association against the compte d'engagement
    citoyen's thresholds in force on 31 December of the year: at least the total threshold here is eligible; at
    least the one-association threshold is eligible if hours elsewhere make up the total; below, not eligible. The
    volunteer declares by a day of the next year and the association validates by another."""
    params = _params(params)
    year_end = date(year, 12, 31)
    min_hours = params.integer(CEC_MIN_HOURS_KEY, year_end)
    min_here = params.integer(CEC_MIN_HOURS_ONE_ASSOCIATION_KEY, year_end)
    if hours_here >= min_hours:
        status = CEC_ELIGIBLE
    elif hours_here >= min_here:
        status = CEC_IF_OTHER_HOURS
    else:
        status = CEC_NOT_ELIGIBLE

    def next_year(key: str) -> date:
        month, day = params.value(key, year_end).split("-")
        return date(year + 1, int(month), int(day))

    return CecStatus(status, min_hours, min_here, next_year(CEC_DECLARE_BY_KEY), next_year(CEC_VALIDATE_BY_KEY))
