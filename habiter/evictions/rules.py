"""Pure rules of eviction prevention: the deadlines of the procedure and the CAF unpaid-rent threshold.

No Django here: dates are `datetime.date`, amounts `Decimal`, and every delay the law sets is read from the
dated legal-parameter table (`params=None` means the table shipped with the code). DOMAIN.md §2 and §3.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from habiter.core.dates import add_months
from habiter.core.legal import LegalParameters, MissingLegalParameter, default_parameters

__all__ = [
    "AVOIDED_OUTCOMES",
    "add_working_days",
    "average_step_delays",
    "caf_report_deadline",
    "dsf_interview_deadline",
    "easter_sunday",
    "french_public_holidays",
    "caf_threshold_reached",
    "earliest_forced_eviction",
    "in_winter_truce",
    "latest_prefect_notification",
    "payment_order_expiry",
]


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def _amount(value, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"{name} : montant attendu (Decimal), reçu {type(value).__name__}.")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} : montant positif attendu (reçu {value}).")
    return number


def payment_order_expiry(
    served_on: date,
    lease_signed_on: date,
    contractual_months: int = 2,
    *,
    territory: str = "metropole",
    params: LegalParameters | None = None,
) -> date:
    """The day the payment order's delay ends (commandement de payer, R22–R23): 6 weeks (42 days) after it was
    served for a lease signed since the loi Kasbarian (29 July 2023), else the lease's own delay in months
    (usually 2). The delay in weeks is looked up on the lease's signature date."""
    if contractual_months < 1:
        raise ValueError("Le délai contractuel du commandement est d'au moins un mois.")
    try:
        weeks = _params(params).integer("cdp_delay_weeks", lease_signed_on, territory)
    except MissingLegalParameter:  # a lease signed before the reform keeps its clause
        return add_months(served_on, contractual_months)
    return served_on + timedelta(weeks=weeks)


def latest_prefect_notification(
    hearing_on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """The last day the summons may reach the prefect (R27): 42 clear days before the hearing, counted back
    without extension (Cass. avis 6 Nov 2025), so hearing − 43 days — the safe reading. Before the reform,
    2 months before the hearing, and the day before for the same safety."""
    table = _params(params)
    try:
        days = table.integer("prefect_notice_days_before_hearing", hearing_on, territory)
    except MissingLegalParameter:
        months = table.integer("prefect_notice_months_before_hearing", hearing_on, territory)
        return add_months(hearing_on, -months) - timedelta(days=1)
    return hearing_on - timedelta(days=days + 1)


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def in_winter_truce(day: date, *, territory: str = "metropole", params: LegalParameters | None = None) -> bool:
    """Whether `day` falls in the winter truce (R32, CPCE L412-6): from 1 November to 31 March inclusive, the
    bounds read from the table (an extension by decree is a new dated row)."""
    table = _params(params)
    start = _month_day(table.value("winter_truce_start", day, territory))
    end = _month_day(table.value("winter_truce_end", day, territory))
    return (day.month, day.day) >= start or (day.month, day.day) <= end


def earliest_forced_eviction(
    order_to_leave_served_on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """The first day a forced eviction may take place: 2 calendar months after the order to leave (R30, CPCE
    L412-1), moved to the day after the winter truce when it falls in it (R32)."""
    table = _params(params)
    months = table.integer("cql_min_delay_months", order_to_leave_served_on, territory)
    earliest = add_months(order_to_leave_served_on, months)
    if not in_winter_truce(earliest, territory=territory, params=table):
        return earliest
    end_month, end_day = _month_day(table.value("winter_truce_end", earliest, territory))
    year = earliest.year if (earliest.month, earliest.day) <= (end_month, end_day) else earliest.year + 1
    return date(year, end_month, end_day) + timedelta(days=1)


def caf_threshold_reached(
    debt,
    monthly_amount,
    on: date,
    first_unpaid_on: date | None = None,
    *,
    territory: str = "metropole",
    params: LegalParameters | None = None,
) -> bool:
    """Whether the debt is an unpaid-rent situation the landlord must report to CAF (R40–R42), on `on`.

    Until 31 December 2026: the debt reaches twice the monthly amount (rent + charges, net of the housing
    benefit when it is paid to the landlord). From 1 January 2027: three months after a first unpaid instalment
    still unpaid, or a debt above 450 € (décret 2026-84; "above" read strictly, UNCONFIRMED)."""
    debt = _amount(debt, "Dette")
    monthly_amount = _amount(monthly_amount, "Montant mensuel")
    if debt == 0:
        return False
    table = _params(params)
    try:
        multiple = table.decimal("caf_impaye_rent_multiple", on, territory)
    except MissingLegalParameter:
        months = table.integer("caf_impaye_months_after_default", on, territory)
        threshold = table.decimal("caf_impaye_debt_threshold_eur", on, territory)
        late = first_unpaid_on is not None and on >= add_months(first_unpaid_on, months)
        return late or debt > threshold
    return monthly_amount > 0 and debt >= multiple * monthly_amount


def caf_report_deadline(
    constituted_on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """The day by which the landlord must report the unpaid situation to CAF: 2 months after it is constituted
    (R41, CCH R824-4)."""
    return add_months(constituted_on, _params(params).integer("caf_report_deadline_months", constituted_on, territory))


# --- the procedure, step by step -------------------------------------------------------------------------------

UNPAID = "unpaid_recorded"
CAF_TOLD = "caf_told"
PAYMENT_ORDER = "payment_order"
CCAPEX = "ccapex_referral"
SUMMONS = "summons"
DIAGNOSIS = "diagnosis"
HEARING = "hearing"
JUDGMENT = "judgment"
ORDER_TO_LEAVE = "order_to_leave"
POLICE_REQUEST = "police_request"
PREFECT_ANSWER = "prefect_answer"
EVICTION = "eviction"

# The order of the procedure (DOMAIN.md §2, "eviction timeline as data"); optional steps may be skipped, but a
# step never comes before one that precedes it, and some need an earlier one to have happened.
STEP_ORDER = (
    UNPAID,
    CAF_TOLD,
    PAYMENT_ORDER,
    CCAPEX,
    SUMMONS,
    DIAGNOSIS,
    HEARING,
    JUDGMENT,
    ORDER_TO_LEAVE,
    POLICE_REQUEST,
    PREFECT_ANSWER,
    EVICTION,
)
STEP_LABELS = {
    UNPAID: "impayé constaté",
    CAF_TOLD: "signalement à la CAF",
    PAYMENT_ORDER: "commandement de payer",
    CCAPEX: "saisine de la CCAPEX",
    SUMMONS: "assignation",
    DIAGNOSIS: "diagnostic social et financier",
    HEARING: "audience",
    JUDGMENT: "jugement",
    ORDER_TO_LEAVE: "commandement de quitter les lieux",
    POLICE_REQUEST: "demande de concours de la force publique",
    PREFECT_ANSWER: "réponse du préfet",
    EVICTION: "expulsion",
}
REQUIRES = {
    DIAGNOSIS: SUMMONS,
    HEARING: SUMMONS,
    JUDGMENT: HEARING,
    ORDER_TO_LEAVE: JUDGMENT,
    POLICE_REQUEST: ORDER_TO_LEAVE,
    PREFECT_ANSWER: POLICE_REQUEST,
    EVICTION: ORDER_TO_LEAVE,
}
REPEATABLE = frozenset({HEARING, CAF_TOLD})  # a hearing may be postponed, a report repeated


def step_error(previous: list[tuple[str, date]], step: str, on: date) -> str | None:
    """None when `step` on `on` may follow the steps already recorded (`previous`, in order), else why not."""
    if step not in STEP_ORDER:
        return f"Étape inconnue : {step}."
    done = {name for name, _day in previous}
    if previous:
        last_step, last_day = previous[-1]
        if on < last_day:
            return (
                f"Cette étape ne peut pas être datée avant la précédente ({STEP_LABELS[last_step]} du "
                f"{last_day:%d/%m/%Y})."
            )
        later = [name for name in done if STEP_ORDER.index(name) > STEP_ORDER.index(step)]
        if later:
            latest = STEP_LABELS[max(later, key=STEP_ORDER.index)]
            return f"« {STEP_LABELS[step].capitalize()} » ne peut pas venir après « {latest} »."
        if step in done and step not in REPEATABLE:
            return f"L'étape « {STEP_LABELS[step]} » est déjà notée."
    needed = REQUIRES.get(step)
    if needed and needed not in done:
        return f"« {STEP_LABELS[step].capitalize()} » suppose « {STEP_LABELS[needed]} » : notez-la d'abord."
    return None


@dataclass(frozen=True)
class Deadline:
    on: date
    label: str
    advice: str = ""


def case_deadlines(
    steps: list[tuple[str, date, date | None]],
    *,
    landlord_is_legal_person: bool,
    lease_signed_on: date,
    contractual_months: int = 2,
    territory: str = "metropole",
    params: LegalParameters | None = None,
) -> list[Deadline]:
    """The deadlines the recorded steps open, with what the worker can still do before each. `steps` are
    (step, date, hearing date for a summons or None), in order."""
    table = _params(params)
    deadlines = []
    for step, on, hearing_on in steps:
        if step == PAYMENT_ORDER:
            deadlines.append(
                Deadline(
                    payment_order_expiry(on, lease_signed_on, contractual_months, territory=territory, params=table),
                    "Fin du délai du commandement de payer",
                    "Avant : demande d'aide au maintien auprès du FSL, plan d'apurement avec le bailleur, "
                    "demande de délais au juge.",
                )
            )
        elif step == CCAPEX and landlord_is_legal_person:
            months = table.integer("ccapex_before_assignation_months", on, territory)
            deadlines.append(
                Deadline(
                    add_months(on, months),
                    "Assignation possible (bailleur personne morale) à partir de",
                    "La CCAPEX peut encore proposer un plan ou une aide avant toute assignation.",
                )
            )
        elif step == SUMMONS and hearing_on is not None:
            deadlines.append(
                Deadline(
                    latest_prefect_notification(hearing_on, territory=territory, params=table),
                    "Notification de l'assignation au préfet, au plus tard",
                    "Sinon l'assignation est irrecevable : à vérifier avec le bailleur ou son avocat.",
                )
            )
            deadlines.append(
                Deadline(
                    hearing_on,
                    "Audience",
                    "Demander des délais de paiement (jusqu'à 3 ans) : le loyer courant doit avoir repris avant "
                    "l'audience.",
                )
            )
        elif step == ORDER_TO_LEAVE:
            deadlines.append(
                Deadline(
                    earliest_forced_eviction(on, territory=territory, params=table),
                    "Expulsion possible au plus tôt le",
                    "Saisir le juge de l'exécution pour des délais ; relogement (DALO, SIAO) ; trêve hivernale.",
                )
            )
        elif step == POLICE_REQUEST:
            months = table.integer("prefect_cfp_answer_months", on, territory)
            deadlines.append(Deadline(add_months(on, months), "Réponse du préfet attendue (silence = refus)", ""))
    return deadlines


# --- working days and the social and financial diagnosis (R28) ---------------------------------------------------


def easter_sunday(year: int) -> date:
    """Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def french_public_holidays(year: int) -> frozenset[date]:
    """The eleven public holidays of the Code du travail (art. L3133-1) in `year`: 1 January, Easter Monday,
    1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December. The days
    proper to Alsace-Moselle and to each overseas département are not counted (the safe reading: a shorter
    delay)."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + timedelta(days=1), easter + timedelta(days=39), easter + timedelta(days=50)]
    return frozenset([date(year, month, day) for month, day in fixed] + movable)


def is_working_day(day: date) -> bool:
    """A jour ouvré: Monday to Friday, not a public holiday."""
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (negative: before it); `start` itself is not counted."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError("Nombre de jours ouvrés attendu (entier).")
    step = 1 if days >= 0 else -1
    day, left = start, abs(days)
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def dsf_interview_deadline(
    referred_on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """The last day for offering the tenant an interview for the social and financial diagnosis: 15 working days
    (jours ouvrés, French public holidays excluded) after the prefect's referral (R28, décret 2021-8)."""
    days = _params(params).integer("dsf_interview_offer_working_days", referred_on, territory)
    return add_working_days(referred_on, days)


def dsf_new_interview_from(
    hearing_on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """Without an answer from the tenant, a new interview may be offered from 15 working days before the hearing
    (R28)."""
    days = _params(params).integer("dsf_interview_offer_working_days", hearing_on, territory)
    return add_working_days(hearing_on, -days)


# --- statistics --------------------------------------------------------------------------------------------------

# The outcomes that count as an eviction avoided: the household stays (debt settled, plan respected) or is rehoused.
AVOIDED_OUTCOMES = ("debt_settled", "plan_respected", "rehoused")


def average_step_delays(steps, start: date, end: date) -> dict[str, tuple[Decimal, int]]:
    """Per step, the average number of days since the case's previous step, over the steps dated from `start` to
    `end` (inclusive), and how many there were: {step: (average days to one decimal, count)}. `steps` are
    (case id, step, date) in each case's order (the first step of a case has no delay)."""
    totals: dict[str, list[int]] = {}
    previous_case, previous_day = None, None
    for case_id, step, on in steps:
        if case_id == previous_case and start <= on <= end:
            totals.setdefault(step, []).append((on - previous_day).days)
        previous_case, previous_day = case_id, on
    return {
        step: ((Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")), len(days)) for step, days in totals.items()
    }
