"""Pure rules of leases: rent revision, prorata, security deposit, energy-class constraints.

No Django here: amounts are `Decimal` rounded to the cent with the rounding mode of the legal-parameter
table, dates are `datetime.date`, and every number the law sets is read from `LegalParameters`
(`params=None` means the table shipped with the code). Invalid input raises `ValueError` with a French
message that can be shown to the user.
"""

import calendar
import decimal
from datetime import date, timedelta
from decimal import Decimal

from habiter.core.dates import add_months
from habiter.core.legal import LegalParameters, default_parameters
from habiter.housing.rules import (
    ENERGY_CLASSES,
    decent_for_letting,
    deposit_return_period,
    letting_allowed_until,
    rent_increase_allowed,
)

__all__ = [
    "ENERGY_CLASSES",
    "add_months",
    "decent_for_letting",
    "deposit_return_deadline",
    "late_deposit_penalty",
    "letting_allowed_until",
    "max_deposit",
    "monthly_prorata",
    "rent_increase_allowed",
    "revised_rent",
]

CENT = Decimal("0.01")
ROUNDING_MODES = frozenset(
    {
        decimal.ROUND_CEILING,
        decimal.ROUND_DOWN,
        decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_UP,
        decimal.ROUND_05UP,
    }
)

type Amount = Decimal | int | str


# Inputs ------------------------------------------------------------------------------------------------------------


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def _amount(value: Amount, name: str, *, positive: bool = False) -> Decimal:
    """A finite, non-negative (or positive) Decimal; floats are refused, they cannot hold cents exactly."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"{name} : montant attendu (Decimal), reçu {type(value).__name__}.")
    try:
        number = Decimal(value)
    except decimal.InvalidOperation:
        raise ValueError(f"{name} : « {value} » n'est pas un nombre.") from None
    if not number.is_finite():
        raise ValueError(f"{name} : « {value} » n'est pas un nombre fini.")
    if positive and number <= 0:
        raise ValueError(f"{name} doit être strictement positif (reçu {number}).")
    if number < 0:
        raise ValueError(f"{name} ne peut pas être négatif (reçu {number}).")
    return number


def money(amount: Decimal, *, on: date | None = None, params: LegalParameters | None = None) -> Decimal:
    """`amount` rounded to the cent with the table's rounding mode (R11: not set by law, UNCONFIRMED)."""
    mode = _params(params).value("rent_rounding_mode", on)
    if mode not in ROUNDING_MODES:
        raise ValueError(f"Mode d'arrondi inconnu dans les paramètres légaux : « {mode} ».")
    return amount.quantize(CENT, rounding=mode)


# Dates ------------------------------------------------------------------------------------------------------------


def _month_bounds(month: date) -> tuple[date, date]:
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last_day)


# Rent revision (loi 89 art. 17-1) ---------------------------------------------------------------------------------


def revised_rent(
    current_rent: Amount,
    base_index: Amount,
    new_index: Amount,
    *,
    on: date | None = None,
    params: LegalParameters | None = None,
) -> Decimal:
    """Rent excluding charges after the annual revision (R11, loi 89 art. 17-1 I).

    new rent = current rent × IRL of the reference quarter of year N / IRL of the same quarter of year N−1.
    Charges are never indexed. `on` (the revision date) selects the rounding mode in force.
    """
    rent = _amount(current_rent, "Loyer actuel")
    base = _amount(base_index, "Indice de référence", positive=True)
    new = _amount(new_index, "Nouvel indice", positive=True)
    return money(rent * new / base, on=on, params=params)


def irl_yoy_percent(new: Amount, old: Amount) -> Decimal:
    """Year-on-year change of the IRL in percent, rounded half-up to 0.01 as INSEE publishes it (R15)."""
    new_value = _amount(new, "Nouvel indice", positive=True)
    old_value = _amount(old, "Ancien indice", positive=True)
    return ((new_value / old_value - 1) * 100).quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def revision_claim_expired(revision_date: date, request_date: date, *, params: LegalParameters | None = None) -> bool:
    """True when the landlord asks later than the window after the revision date (R12, loi 89 art. 17-1 I al. 3;
    art. 7-1 al. 2): the revision of that year is then waived."""
    window = _params(params).integer("revision_claim_window_months", revision_date)
    return request_date > add_months(revision_date, window)


def revision_effective_date(revision_date: date, request_date: date, *, params: LegalParameters | None = None) -> date:
    """Date from which a revision applies: the revision date, or the later request date, never retroactively
    (R12, loi 89 art. 17-1 I al. 4). A request after the claim window is refused."""
    if revision_claim_expired(revision_date, request_date, params=params):
        raise ValueError(
            f"La révision du {revision_date:%d/%m/%Y} est prescrite : demandée le {request_date:%d/%m/%Y}, "
            "plus d'un an après la date de révision."
        )
    return max(revision_date, request_date)


# Prorata ------------------------------------------------------------------------------------------------------------


def monthly_prorata(
    amount: Amount,
    month: date,
    start: date | None = None,
    end: date | None = None,
    *,
    params: LegalParameters | None = None,
) -> Decimal:
    """Share of a monthly `amount` for the days of `month` (any date in it) occupied from `start` to `end`,
    both inclusive, None meaning open; zero when the period does not touch the month. Days are counted
    against the actual length of the month."""
    value = _amount(amount, "Montant")
    if start is not None and end is not None and end < start:
        raise ValueError(f"La fin ({end:%d/%m/%Y}) précède le début ({start:%d/%m/%Y}).")
    first, last = _month_bounds(month)
    occupied_from = max(first, start) if start is not None else first
    occupied_to = min(last, end) if end is not None else last
    if occupied_to < occupied_from:
        return money(Decimal(0), on=first, params=params)
    days = (occupied_to - occupied_from).days + 1
    return money(value * days / last.day, on=first, params=params)


def rent_in_force(rent_now: Amount, revisions) -> list[tuple[date | None, Decimal]]:
    """The rent's history as (from, monthly amount) steps, oldest first, the first from None (since the start):
    `rent_now` is the rent today and `revisions` the (effective date, old rent, new rent) of the revisions
    applied, in any order. A revision takes effect on its date (loi 89 art. 17-1), not on the month's first day."""
    steps = sorted(revisions, key=lambda revision: revision[0])
    if not steps:
        return [(None, _amount(rent_now, "Loyer"))]
    history = [(None, _amount(steps[0][1], "Loyer"))]
    history += [(effective, _amount(new, "Loyer")) for effective, _old, new in steps]
    return history


def prorata_in_force(
    history,
    month: date,
    start: date | None = None,
    end: date | None = None,
    *,
    params: LegalParameters | None = None,
) -> Decimal:
    """What `month` costs when the monthly amount changes inside it: each day of the month occupied from `start` to
    `end` (both inclusive) at the amount in force that day (`history` from `rent_in_force`), over the actual
    length of the month, rounded once."""
    first, last = _month_bounds(month)
    occupied_from = max(first, start) if start is not None else first
    occupied_to = min(last, end) if end is not None else last
    total = Decimal(0)
    for index, (since, amount) in enumerate(history):
        until = history[index + 1][0] - timedelta(days=1) if index + 1 < len(history) else None
        day_from = max(occupied_from, since) if since is not None else occupied_from
        day_to = min(occupied_to, until) if until is not None else occupied_to
        if day_to >= day_from:
            total += amount * ((day_to - day_from).days + 1)
    return money(total / last.day, on=first, params=params)


# Notice (loi 89 art. 15) ---------------------------------------------------------------------------------------


def tenant_notice_end(
    received_on: date, *, reduced: bool = False, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """Last day of a tenant's notice: it runs from the day the landlord receives it, 3 months or 1 month when
    reduced (tight zone, first or lost job, health, RSA or AAH, social housing allotted: loi 89 art. 15 I), and a
    period in months ends on the same day of the last month (CPC art. 641). The tenant owes the rent until then."""
    key = "tenant_notice_reduced_months" if reduced else "tenant_notice_months"
    return add_months(received_on, _params(params).integer(key, received_on, territory))


def rent_runs_until(notice_end: date, relet_on: date | None = None) -> date:
    """Last day a tenant who gave notice owes the rent: the end of the notice, or the eve of the day a new tenant
    takes the dwelling with the landlord's agreement when that comes first (loi 89 art. 15 I)."""
    if relet_on is not None and relet_on <= notice_end:
        return relet_on - timedelta(days=1)
    return notice_end


# Security deposit (loi 89 art. 22) --------------------------------------------------------------------------------


def max_deposit(
    rent_excluding_charges: Amount,
    furnished: bool,
    *,
    on: date | None = None,
    params: LegalParameters | None = None,
) -> Decimal:
    """Highest security deposit: 1 month of rent excluding charges for an unfurnished lease (loi 89 art. 22),
    2 months furnished (art. 25-6) (R19). `on` is the lease date; None means the latest rows."""
    rent = _amount(rent_excluding_charges, "Loyer hors charges")
    key = "deposit_max_months_furnished" if furnished else "deposit_max_months_unfurnished"
    months = _params(params).integer(key, on)
    return money(rent * months, on=on, params=params)


def deposit_within_cap(
    deposit: Amount,
    rent_excluding_charges: Amount,
    furnished: bool,
    *,
    on: date | None = None,
    params: LegalParameters | None = None,
) -> bool:
    """Whether `deposit` respects the cap of `max_deposit` (R19)."""
    amount = _amount(deposit, "Dépôt de garantie")
    return amount <= max_deposit(rent_excluding_charges, furnished, on=on, params=params)


def deposit_return_deadline(
    handover: date, inventory_matches: bool, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date:
    """Last day to return the deposit: 1 month after the keys are handed back when the check-out inventory
    matches the check-in one, 2 months otherwise (R20, loi 89 art. 22 al. 3). The inspections of `housing`
    compute it with the same rule."""
    return deposit_return_period(handover, inventory_matches, territory=territory, params=params)[0]


def started_months_late(deadline: date, returned_on: date) -> int:
    """Number of monthly periods begun after `deadline` by `returned_on`: periods run from the deadline day
    ((deadline, deadline + 1 month], (deadline + 1 month, deadline + 2 months], …); 0 when on time."""
    if returned_on <= deadline:
        return 0
    # Every month before the return date's previous month is surely over; step from there.
    elapsed = (returned_on.year - deadline.year) * 12 + returned_on.month - deadline.month
    months = max(elapsed - 1, 1)
    while add_months(deadline, months) < returned_on:
        months += 1
    return months


def late_deposit_penalty(
    monthly_rent: Amount, deadline: date, returned_on: date, *, params: LegalParameters | None = None
) -> Decimal:
    """Increase of the deposit balance returned late: 10 % of the monthly rent excluding charges for each
    started month of delay, counted from the deadline day (R21, loi 89 art. 22 al. 7; month convention
    PARTIAL). Zero when returned on or before the deadline."""
    rent = _amount(monthly_rent, "Loyer mensuel hors charges")
    months = started_months_late(deadline, returned_on)
    if months == 0:
        return money(Decimal(0), on=deadline, params=params)
    rate = _params(params).decimal("deposit_late_penalty_rate", deadline)
    return money(rent * rate * months, on=deadline, params=params)


# Sublet (loi 89 art. 8) -------------------------------------------------------------------------------------------


def sublease_rent_allowed(sub_rent: Amount, sub_surface: Amount, head_rent: Amount, head_surface: Amount) -> bool:
    """The sublet's rent per m² may not exceed the principal lease's rent per m² (R50, loi 89 art. 8).
    Compared by cross-multiplication, so no rounding of the per-m² prices."""
    sub = _amount(sub_rent, "Loyer de la sous-location")
    head = _amount(head_rent, "Loyer du bail principal")
    sub_area = _amount(sub_surface, "Surface sous-louée", positive=True)
    head_area = _amount(head_surface, "Surface du bail principal", positive=True)
    return sub * head_area <= head * sub_area


# Lease status: the one table of allowed transitions -------------------------------------------------------------

DRAFT = "draft"
SIGNED = "signed"
SLID = "slid"
ENDED = "ended"
CANCELLED = "cancelled"

LEASE_TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SIGNED, CANCELLED}),
    SIGNED: frozenset({ENDED, SLID}),
    SLID: frozenset(),
    ENDED: frozenset(),
    CANCELLED: frozenset(),
}
LEASE_STATUS_LABELS = {
    DRAFT: "en préparation",
    SIGNED: "signé",
    SLID: "glissé",
    ENDED: "terminé",
    CANCELLED: "abandonné",
}


def lease_transition_error(current: str, target: str) -> str | None:
    """None when a lease may go from `current` to `target`, else the French reason."""
    if target not in LEASE_TRANSITIONS:
        return f"Statut de bail inconnu : {target}."
    if target in LEASE_TRANSITIONS.get(current, frozenset()):
        return None
    if not LEASE_TRANSITIONS.get(current):
        return f"Ce bail est {LEASE_STATUS_LABELS.get(current, current)} : son statut ne change plus."
    return f"Un bail {LEASE_STATUS_LABELS.get(current, current)} ne peut pas devenir {LEASE_STATUS_LABELS[target]}."


def periods_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Whether two inclusive date periods share a day (an open end runs forever)."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


# Sliding lease (CCH L442-8-3) -------------------------------------------------------------------------------------


def review_period_end(start: date, months: int) -> date:
    """The last day of a review period of `months` beginning on `start`."""
    if months < 1:
        raise ValueError("Une période d'examen dure au moins un mois.")
    return add_months(start, months) - timedelta(days=1)


def landlord_notice_date(period_end: date, *, on: date | None = None, params: LegalParameters | None = None) -> date:
    """The day by which the landlord is told the outcome: 2 months before the end of the review period
    (CCH L442-8-3, the months come from the table)."""
    months = _params(params).integer("sliding_landlord_notice_months", on or period_end)
    return add_months(period_end, -months)


# Yearly revision (loi 89 art. 17-1) -----------------------------------------------------------------------------


def revision_date_in(anchor: date, year: int) -> date:
    """The anniversary of `anchor` in `year` (29 February becomes 28 February)."""
    return add_months(anchor, 12 * (year - anchor.year))


def revision_due(anchor: date, month: date, last_revision: date | None, start: date, end: date | None) -> date | None:
    """The revision date falling in `month` for a lease, or None: not before the first anniversary, once
    a year (R10), and only while the lease runs."""
    revision = revision_date_in(anchor, month.year)
    if revision.month != month.month or revision <= start:
        return None
    if end is not None and revision > end:
        return None
    if last_revision is not None and revision < add_months(last_revision, 12):
        return None
    return revision


def revision_base_year(reference_year: int | None, new_year: int) -> int:
    """The year of the reference quarter's index a revision divides by (R10, R11): the lease's reference index (of
    its signature or of its last revision), but never one older than a year before the new index. The rise may not
    exceed the change of the IRL over the year: a revision waived for lack of a claim (R12) or barred in an F/G
    dwelling (R13) is lost, not caught up at the next one. When the result is not before `new_year`, the rent
    already follows the latest index and there is no rise."""
    if reference_year is None:
        return new_year - 1
    return max(reference_year, new_year - 1)


def irl_quarter_over(year: int, quarter: int, today: date) -> bool:
    """Whether the quarter has ended by `today`: INSEE publishes an IRL only after its quarter, so a value of a
    quarter still running (or to come) is a typing mistake."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("Le trimestre de référence va de 1 à 4.")
    first_day_after = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return today >= first_day_after


def reference_index_year(quarter: int, signed_on: date) -> int:
    """The year of the reference quarter's index last published when the lease was signed (R10). INSEE
    publishes a quarter about mid-way through the month after it ends (Q4 in mid-January of the next year);
    the manager can correct the year on the lease form."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("Le trimestre de référence va de 1 à 4.")
    year = signed_on.year
    while True:
        published = date(year + 1, 1, 15) if quarter == 4 else date(year, quarter * 3 + 1, 15)
        if published <= signed_on:
            return year
        year -= 1
