"""Pure rules of the ledger: balanced entries, rent-call amounts, allocation to the oldest periods, receipts,
ageing of arrears and the CAF unpaid-rent threshold (CCH R824-1, R824-4; décret n° 2026-84).

No Django here: amounts are `Decimal`, dates `datetime.date`, legal numbers come from `LegalParameters`.
"""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from habiter.core.legal import LegalParameters, MissingLegalParameter, default_parameters
from habiter.leases.rules import add_months, money, monthly_prorata, prorata_in_force

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The largest amount a ledger column holds (12 digits, 2 of them decimals): beyond, the database refuses the row.
MAX_AMOUNT = Decimal("9999999999.99")
AGE_BUCKETS = ((0, 30, "d0_30"), (31, 60, "d31_60"), (61, 90, "d61_90"), (91, None, "d90_plus"))


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def cents(value) -> Decimal:
    """An amount read from the database as an exact Decimal to the cent (SQLite returns sums inexactly)."""
    return Decimal(str(value)).quantize(CENT)


def amount_error(amount) -> str | None:
    """Why `amount` cannot be stored as an amount of the ledger, in French, or None when it can: a finite Decimal,
    to the cent, of at most MAX_AMOUNT either way."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return "Chaque montant est un nombre décimal."
    if abs(amount) > MAX_AMOUNT:  # before quantize, which cannot hold more than 28 digits
        return "Montant trop grand : 9 999 999 999,99 € au plus."
    if amount != amount.quantize(CENT):
        return "Les montants s'expriment au centime près."
    return None


def lines_error(amounts: Sequence[Decimal]) -> str | None:
    """Why these line amounts cannot make a transaction, in French, or None when they can."""
    if len(amounts) < 2:
        return "Une écriture compte au moins deux lignes."
    for amount in amounts:
        if error := amount_error(amount):
            return error
        if amount == 0:
            return "Une ligne d'écriture n'est jamais nulle."
    total = sum(amounts, ZERO)
    if total != 0:
        return f"L'écriture n'est pas équilibrée : les lignes totalisent {total} € au lieu de 0."
    return None


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_period(text: str) -> date:
    """`AAAA-MM` as the first day of that month; a French ValueError otherwise."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"Période invalide : « {text} » (AAAA-MM attendu).") from None


@dataclass(frozen=True)
class CallAmounts:
    rent: Decimal  # the month's rent, with the rappel de révision `catch_up` when there is one
    service_charges: Decimal
    due_date: date
    catch_up: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.rent + self.service_charges


def rent_call_amounts(
    rent: Decimal,
    charges: Decimal,
    payment_day: int,
    month: date,
    start: date,
    end: date | None,
    *,
    params: LegalParameters | None = None,
    rent_history: Sequence[tuple[date | None, Decimal]] | None = None,
    catch_up: Decimal = ZERO,
) -> CallAmounts | None:
    """Rent and charges called for `month`, prorated by days in the first and last months of the lease, and the
    due date (the lease's payment day, not before the lease starts); None when the lease does not run then.

    `rent_history` (`leases.rules.rent_in_force`) gives the rent in force on each day: a revision takes effect on
    its date, prorated inside its month (loi 89 art. 17-1); charges are never revised by the IRL. `catch_up` is the
    rappel de révision of months called before a revision was applied, asked on top of the month's rent."""
    first, last = month_start(month), month_end(month)
    if start > last or (end is not None and end < first):
        return None
    if rent_history:
        rent_part = prorata_in_force(rent_history, first, start, end, params=params) + catch_up
    else:
        rent_part = monthly_prorata(rent, first, start, end, params=params) + catch_up
    charges_part = monthly_prorata(charges, first, start, end, params=params)
    due = first.replace(day=min(payment_day, last.day))
    if start > due:
        due = start
    return CallAmounts(rent_part, charges_part, due, catch_up)


def revision_catch_up(history, month: date, start: date, end: date | None, called_rent: Decimal, *, params=None):
    """What a call of `month` issued at `called_rent` (the month's own rent, without an earlier rappel) left out of
    the rent in force on each day (`history` now knowing the revision): the rappel de révision, negative when the
    rent went down; zero when the lease did not run that month."""
    if start > month_end(month) or (end is not None and end < month_start(month)):
        return ZERO
    return prorata_in_force(history, month_start(month), start, end, params=params) - called_rent


@dataclass(frozen=True)
class OpenItem:
    """A rent call still owed, or a payment not fully allocated: its key and the amount left; for a payment, the
    call the tenant chose to pay (`chosen`, Code civil art. 1342-10), if any."""

    key: object
    left: Decimal
    chosen: object = None


def allocate(payments: Iterable[OpenItem], calls: Iterable[OpenItem]) -> list[tuple[object, object, Decimal]]:
    """Allocate what is left of each payment (in the order given: oldest first) to what is left of each call: first
    the call the tenant chose to pay when it is still open (Code civil art. 1342-10), then the oldest period first.
    Returns (payment key, call key, amount) triples."""
    calls = [c for c in calls if c.left > 0]
    left_of = {c.key: c.left for c in calls}
    result = []
    for payment in payments:
        left = payment.left
        order = ([payment.chosen] if payment.chosen in left_of else []) + [c.key for c in calls]
        for call_key in order:
            if left <= 0:
                break
            part = min(left, left_of[call_key])
            if part <= 0:
                continue
            result.append((payment.key, call_key, part))
            left -= part
            left_of[call_key] -= part
    return result


def period_status(due: Decimal, paid: Decimal) -> str:
    """paid, partial or unpaid."""
    if paid >= due:
        return "paid"
    return "partial" if paid > 0 else "unpaid"


def receipt_kind(due: Decimal, paid: Decimal) -> str:
    """A quittance only for a fully paid period; a reçu for a partial payment (loi 89 art. 21, R3)."""
    if paid <= 0:
        raise ValueError("Aucun paiement reçu pour cette période : ni quittance ni reçu.")
    return "quittance" if paid >= due else "recu"


def age_bucket(due_date: date, on: date) -> str:
    days = max((on - due_date).days, 0)
    for low, high, label in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    raise AssertionError(days)


def aged(items: Iterable[tuple[date, Decimal]], on: date) -> dict[str, Decimal]:
    """Unpaid amounts by age since their due date (0–30, 31–60, 61–90, more than 90 days)."""
    buckets = {label: ZERO for _low, _high, label in AGE_BUCKETS}
    for due_date, left in items:
        if due_date <= on:
            buckets[age_bucket(due_date, on)] += left
    return buckets


@dataclass(frozen=True)
class CafStatus:
    """What pages and the API show of a lease's impayé au sens de la CAF on a day: read from the recorded episode
    (`CafUnpaidEpisode`), never rebuilt from the calls still unpaid."""

    reached: bool
    threshold: Decimal | None
    constituted_on: date | None
    report_by: date | None


def caf_rent_multiple(on: date, territory: str, params: LegalParameters) -> Decimal | None:
    """The number of months of rent and charges that make an impayé until 31/12/2026 (R40); None from 1/1/2027,
    when the debt is measured in euros and by time (R42): the legal-parameter table says which regime is in force."""
    try:
        return params.decimal("caf_impaye_rent_multiple", on, territory)
    except MissingLegalParameter:
        return None


def caf_threshold(
    monthly_due: Decimal,
    on: date,
    *,
    aid: Decimal = ZERO,
    territory: str = "metropole",
    params: LegalParameters | None = None,
) -> Decimal:
    """The debt that makes an impayé on `on`: until 31/12/2026 `caf_impaye_rent_multiple` × the monthly rent and
    charges less the benefit when it is paid to the landlord (`aid`, R40); from 1/1/2027 the euro amount the debt
    must exceed (`caf_impaye_debt_threshold_eur`, R42)."""
    params = _params(params)
    multiple = caf_rent_multiple(on, territory, params)
    if multiple is None:
        return params.decimal("caf_impaye_debt_threshold_eur", on, territory)
    return money(multiple * max(monthly_due - aid, ZERO), on=on, params=params)


def caf_report_by(reached_on: date, *, territory: str = "metropole", params: LegalParameters | None = None) -> date:
    """The day by which the landlord must tell the CAF: `caf_report_deadline_months` after the impayé is
    constituted (R41, CCH R824-4)."""
    params = _params(params)
    return add_months(reached_on, params.integer("caf_report_deadline_months", reached_on, territory))


@dataclass(frozen=True)
class CafCrossing:
    """What an event does to a lease's impayé au sens de la CAF: `reached_on` when it makes the debt cross the
    threshold (with `report_by`), `cleared` when it brings an open impayé back under it; neither otherwise."""

    threshold: Decimal
    reached_on: date | None = None
    report_by: date | None = None
    cleared: bool = False


def _over(owed: Sequence[tuple[date, Decimal]], on: date, threshold: Decimal, territory, params) -> date | None:
    """The day the debt of `owed` (due dates and amounts left, all counted) is an impayé, at the latest `on`, or
    None. Until 2026 the day is `on`; from 2027 the earlier of `on` (debt above the euro amount) and the day a default
    has stayed unpaid `caf_impaye_months_after_default` months."""
    debt = sum((left for _due, left in owed), ZERO)
    if debt <= 0:
        return None
    if caf_rent_multiple(on, territory, params) is not None:
        return on if threshold > 0 and debt >= threshold else None
    candidates = [on] if debt > threshold else []
    months = params.integer("caf_impaye_months_after_default", on, territory)
    late = add_months(min(due for due, _left in owed), months)
    if late <= on:
        candidates.append(late)
    return min(candidates) if candidates else None


def caf_unpaid_crossing(
    open_items: Iterable[tuple[date, Decimal]],
    monthly_due: Decimal,
    on: date,
    *,
    episode_open: bool,
    call_due: date | None = None,
    aid: Decimal = ZERO,
    territory: str = "metropole",
    params: LegalParameters | None = None,
) -> CafCrossing:
    """Whether the event of `on` makes the lease's debt cross the CAF threshold, or clears an open impayé.

    `open_items`: the lease's calls still owed after the event, as (due date, amount left); `episode_open`: whether
    an impayé was open before it (the recorded episode); `call_due`: for a rent call issued, its due date — the call
    makes the debt on the day it falls due, so the impayé is reached on that date (R40: "dette égale à deux
    mensualités"), not on the day it was issued. A payment, a reversal or the month-end check count from `on`.

    Reached: the calls due by then reach the threshold (`caf_threshold`; from 2027 also a default still unpaid
    `caf_impaye_months_after_default` months later, dated that day). Cleared: every call still owed, due or not,
    stays under the threshold — a call issued ahead of its due date keeps the impayé open. An open impayé never
    moves its date: the caller records it once."""
    params = _params(params)
    effective = call_due or on
    items = sorted((due, left) for due, left in open_items if left > 0)
    threshold = caf_threshold(monthly_due, effective, aid=aid, territory=territory, params=params)
    if episode_open:
        still = _over(items, effective, threshold, territory, params)
        return CafCrossing(threshold, cleared=still is None)
    reached = _over([(due, left) for due, left in items if due <= effective], effective, threshold, territory, params)
    if reached is None:
        return CafCrossing(threshold)
    return CafCrossing(threshold, reached, caf_report_by(reached, territory=territory, params=params))


# --- bank lines ----------------------------------------------------------------------------------------------

BANK_UNMATCHED, BANK_MATCHED, BANK_IGNORED = "unmatched", "matched", "ignored"
# The one table of allowed moves of a bank line: matched to a lease or set aside from the queue; back to the queue
# when set aside by mistake, or when the payment it recorded was reversed.
BANK_LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    BANK_UNMATCHED: frozenset({BANK_MATCHED, BANK_IGNORED}),
    BANK_IGNORED: frozenset({BANK_UNMATCHED, BANK_IGNORED}),
    BANK_MATCHED: frozenset({BANK_UNMATCHED}),
}


def bank_line_move_error(current: str, target: str, *, amount: Decimal, reason: str = "", reversed_payment=False):
    """None when a bank line may move from `current` to `target`, else the French reason."""
    if target not in BANK_LINE_TRANSITIONS.get(current, frozenset()):
        if current == target == BANK_MATCHED:
            return "Cette opération est déjà rapprochée : un encaissement ne s'enregistre qu'une fois."
        if current == BANK_MATCHED:
            return "Cette opération est rapprochée d'un encaissement : contre-passez-le d'abord."
        return "Cette opération n'est plus à rapprocher (déjà rapprochée ou mise de côté)."
    if target == BANK_MATCHED and amount <= 0:
        return (
            "Une sortie d'argent ne se rapproche pas d'un bail : rapprochez-la d'un décaissement en attente du relevé "
            "ou mettez-la de côté."
        )
    if target == BANK_IGNORED and not reason:
        return "Indiquez pourquoi cette opération est mise de côté."
    if current == BANK_MATCHED and not reversed_payment:
        return "Cette opération est rapprochée d'un encaissement : contre-passez-le d'abord."
    return None


# --- owner statements (compte rendu de gestion, R55) ----------------------------------------------------------


@dataclass(frozen=True)
class StatementAmounts:
    collected: Decimal
    fee: Decimal
    vat: Decimal
    works: Decimal
    carried: Decimal = ZERO  # the balance brought forward: negative when the owner still owed the association
    deposits: Decimal = ZERO  # deposits' retentions credited to the owner less the late penalties charged to them

    @property
    def amount_due(self) -> Decimal:
        return self.carried + self.collected - self.fee - self.vat - self.works + self.deposits


def owner_due(owner_balance: Decimal, tenants_owe: Decimal, awaiting_payout: Decimal) -> Decimal:
    """What the association holds for a mandant and has not yet put on a statement awaiting payout. The owner's
    account (debit positive) is credited by every rent call of the owner's mandate leases and debited by the fees,
    the works and the payouts: its credit balance counts the rents called, paid or not. What the tenants of those
    leases still owe (their accounts' balance, debit positive) is not in the association's hands, and the amounts
    due of the statements awaiting their payout are settled by that payout."""
    return -owner_balance - tenants_owe - awaiting_payout


def statement_carried(
    due: Decimal, unreported_collected: Decimal, unreported_works: Decimal, unreported_deposits: Decimal = ZERO
) -> Decimal:
    """The balance an owner's new statement brings forward: what is due to the owner (`owner_due`) without the
    payments (net of reversals, unpaid rent kept from a deposit included), the works invoices and the deposits'
    retentions less late penalties no statement has reported yet — the new statement reports its own, and later
    ones the rest. Negative when the owner owes the association (works that exceeded the rents, or a fee taken on
    a payment reversed since), positive when the association holds more than any statement says (money credited
    to a tenant outside a payment)."""
    return due - unreported_collected + unreported_works - unreported_deposits


def half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding="ROUND_HALF_UP")


def mandate_fee(collected: Decimal, rate_percent: Decimal) -> Decimal:
    """The management fee (before VAT) on the rents collected for one lease: collected × the mandate's rate, to
    the cent half up (away from zero). The fee is taken on what was collected only; when the reversals of payments
    already reported exceed what was collected, the amount is negative and so is the fee: it is given back."""
    return half_up(collected * rate_percent / 100)


def statement_amounts(
    collected_by_lease: Iterable[tuple[Decimal, Decimal]],
    works: Decimal,
    vat_rate: Decimal,
    carried: Decimal = ZERO,
    deposits: Decimal = ZERO,
) -> StatementAmounts:
    """The figures of an owner's statement from (collected, fee rate %) per lease, the works paid on the owner's
    behalf, the VAT rate (a fraction, e.g. 0.20), the balance brought forward (`statement_carried`) and the
    deposits' retentions less late penalties (no fee on them: they are not rent): the fee is rounded per lease, the
    VAT on the total fee."""
    rows = list(collected_by_lease)
    collected = sum((amount for amount, _rate in rows), ZERO)
    fee = sum((mandate_fee(amount, rate) for amount, rate in rows), ZERO)
    return StatementAmounts(
        collected=collected, fee=fee, vat=half_up(fee * vat_rate), works=works, carried=carried, deposits=deposits
    )


# --- repayment plans (plan d'apurement, R41) -------------------------------------------------------------------

PLAN_ACTIVE, PLAN_COMPLETED, PLAN_BROKEN, PLAN_CANCELLED = "active", "completed", "broken", "cancelled"
# The one table of a plan's status changes: once completed, broken or cancelled a plan stays so (a new plan is made).
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PLAN_ACTIVE: frozenset({PLAN_COMPLETED, PLAN_BROKEN, PLAN_CANCELLED}),
    PLAN_COMPLETED: frozenset(),
    PLAN_BROKEN: frozenset(),
    PLAN_CANCELLED: frozenset(),
}


def plan_move_error(current: str, target: str) -> str | None:
    """None when a plan may move from `current` to `target`, else the French reason."""
    if target not in PLAN_TRANSITIONS.get(current, frozenset()):
        return "Ce plan d'apurement n'est plus en cours : son état ne change plus."
    return None


def instalment_amounts(debt: Decimal, *, count: int | None = None, monthly: Decimal | None = None) -> list[Decimal]:
    """The instalments repaying `debt`, to the cent, summing to it exactly. Given a number of instalments, each is
    the debt divided by that number rounded down to the cent and the last takes the remainder; given a monthly
    amount, every instalment is that amount but the last, which is what is left. A French ValueError otherwise."""
    if not isinstance(debt, Decimal) or not debt.is_finite() or debt <= 0 or debt != debt.quantize(CENT):
        raise ValueError("La dette couverte doit être un montant positif au centime près.")
    if (count is None) == (monthly is None):
        raise ValueError("Indiquez soit le nombre d'échéances, soit le montant mensuel.")
    if count is not None:
        if count < 1:
            raise ValueError("Le plan compte au moins une échéance.")
        base = (debt / count).quantize(CENT, rounding="ROUND_DOWN")
        if base <= 0:
            raise ValueError("Trop d'échéances : chacune serait inférieure à un centime.")
        return [base] * (count - 1) + [debt - base * (count - 1)]
    if not isinstance(monthly, Decimal) or not monthly.is_finite() or monthly <= 0 or monthly != monthly.quantize(CENT):
        raise ValueError("Le montant mensuel doit être positif, au centime près.")
    if monthly > debt:
        raise ValueError("Le montant mensuel dépasse la dette couverte : une seule échéance suffit.")
    full, rest = divmod(debt, monthly)
    amounts = [monthly] * int(full)
    if rest:
        amounts.append(rest)
    return amounts


def plan_repaid(debt: Decimal, arrears_at_start: Decimal, arrears_now: Decimal) -> Decimal:
    """How much of a plan's debt is repaid: by how much the lease's arrears went down since the plan was made, at
    most the debt. Measured on the whole arrears rather than on payments, so that a month's rent left unpaid while
    the instalment is paid does not count as repaid (the debt did not go down)."""
    return min(max(arrears_at_start - arrears_now, ZERO), debt)


@dataclass(frozen=True)
class InstalmentState:
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal
    status: str  # paid, partial, unpaid, upcoming
    late: bool  # still not fully paid `grace_days` after it fell due


def plan_follow_up(
    instalments: Sequence[tuple[date, Decimal]], repaid: Decimal, on: date, grace_days: int
) -> list[InstalmentState]:
    """Each instalment's state on `on`: what was repaid settles the instalments in their order. An instalment not
    yet due is upcoming unless already covered; one still not fully paid `grace_days` days after its due date is late
    (the plan is then not respected)."""
    states = []
    left = repaid
    for number, (due_date, amount) in enumerate(instalments, start=1):
        paid = min(max(left, ZERO), amount)
        left -= paid
        if paid >= amount:
            status = "paid"
        elif due_date > on:
            status = "upcoming"
        else:
            status = "partial" if paid > 0 else "unpaid"
        late = paid < amount and (on - due_date).days >= grace_days
        states.append(InstalmentState(number, due_date, amount, paid, status, late))
    return states


# --- charge regularisation (régularisation des charges, R16–R18) ------------------------------------------------

REG_DRAFT, REG_SENT, REG_POSTED = "draft", "sent", "posted"
# The one table of a regularisation's status changes: prepared, then the statements sent to the tenants, then — at
# least a month later (R16) — the balances posted. Once posted it stays so: a mistake is corrected by a new entry.
REGULARISATION_TRANSITIONS: dict[str, frozenset[str]] = {
    REG_DRAFT: frozenset({REG_SENT}),
    REG_SENT: frozenset({REG_POSTED}),
    REG_POSTED: frozenset(),
}
LIMITATION_YEARS = 3  # loi 89 art. 7-1 (R18)
SPREAD_MONTHS = 12  # loi 89 art. 23 (R17): the balance paid par douzième on the tenant's request


def regularisation_move_error(current: str, target: str) -> str | None:
    """None when a regularisation may move from `current` to `target`, else the French reason."""
    if target not in REGULARISATION_TRANSITIONS.get(current, frozenset()):
        if current == REG_POSTED:
            return "Les soldes de cette régularisation sont déjà passés en comptabilité."
        if target == REG_POSTED:
            return "Envoyez d'abord les décomptes aux locataires : les soldes se passent un mois après."
        return "Les décomptes de cette régularisation sont déjà envoyés."
    return None


def occupancy_days(period_start: date, period_end: date, lease_start: date, lease_end: date | None) -> int:
    """The days of [period_start, period_end] the lease ran (both ends included); 0 when it did not."""
    first = max(period_start, lease_start)
    last = min(period_end, lease_end) if lease_end else period_end
    return max((last - first).days + 1, 0)


def provision_in_period(
    amount: Decimal, month: date, period_start: date, period_end: date, lease_start: date, lease_end: date | None
) -> Decimal:
    """The part of a month's provision for charges (`amount`, called for the days the lease ran in `month`) that
    falls in the regularised period: all of it when the month lies inside the period, else the provision × the
    lease's days of the month inside the period / the lease's days of the month, half up to the cent. A period
    from 15 January to 14 January counts 17/31 of the first January, the eleven months between, and 14/31 of
    the second January — never thirteen whole months."""
    first, last = month_start(month), month_end(month)
    ran = occupancy_days(first, last, lease_start, lease_end)
    inside = occupancy_days(max(first, period_start), min(last, period_end), lease_start, lease_end)
    if ran <= 0 or inside <= 0:
        return ZERO
    if inside == ran:
        return amount
    return money(amount * inside / ran)


def charge_shares(
    total: Decimal, occupancies: Sequence[tuple[object, Decimal, int]], all_surface: Decimal, period_days: int
) -> dict[object, Decimal]:
    """Each lease's share of the actual recoverable charges `total`, by (key, dwelling surface, days occupied): the
    charges are spread over every square metre of the dwellings concerned (`all_surface`, occupied or not) and every
    day of the period, so a lease bears total × surface × days / (all_surface × period_days), half up to the cent;
    what falls on vacant dwellings or days stays with the landlord, never with the other tenants."""
    if all_surface <= 0 or period_days <= 0:
        raise ValueError("La surface et la durée de la période doivent être positives.")
    return {key: half_up(total * surface * days / (all_surface * period_days)) for key, surface, days in occupancies}


def regularisation_balance(provisions: Decimal, share: Decimal) -> Decimal:
    """What the regularisation leaves to the tenant: positive to pay (the actual share exceeds the provisions
    called), negative to refund."""
    return share - provisions


def regularisation_earliest_post(statement_sent_on: date) -> date:
    """The first day the balances may be posted: one month after the statements were sent (R16)."""
    return add_months(statement_sent_on, 1)


def regularisation_entry(provisions: Decimal, share: Decimal, *, under_mandate: bool) -> list[tuple[str, Decimal]]:
    """The lines of a lease's regularisation entry as (account role, amount), debit positive, zero lines left out.
    Let by the association: the provisions called leave the provisions account (debit), the actual share is charges
    recovered (credit), the difference goes to the tenant (debit: to pay; credit: refunded). Under a management
    mandate the provisions and the charges are the owner's: only the balance moves, between tenant and owner."""
    balance = regularisation_balance(provisions, share)
    if under_mandate:
        return [("tenant", balance), ("owner", -balance)] if balance else []
    return [
        (role, amount)
        for role, amount in (("provisions", provisions), ("income", -share), ("tenant", balance))
        if amount
    ]


def regularisation_post_error(statement_sent_on: date, on: date) -> str | None:
    """The balances are called or refunded at least one month after the statement was sent to the tenant (loi 89
    art. 23: the décompte par nature de charges is sent one month before the regularisation, R16)."""
    earliest = regularisation_earliest_post(statement_sent_on)
    if on < earliest:
        return (
            f"Les soldes ne peuvent être passés qu'un mois après l'envoi des décomptes "
            f"(envoyés le {statement_sent_on:%d/%m/%Y}) : à partir du {earliest:%d/%m/%Y}."
        )
    return None


def regularisation_time_barred(period_end: date, on: date) -> bool:
    """Whether a claim for the charges of the year ending `period_end` is time-barred on `on`: more than three years
    after the end of the charges' calendar year (loi 89 art. 7-1, R18; conservative start, unconfirmed)."""
    year_end = date(period_end.year, 12, 31)
    return on > add_months(year_end, 12 * LIMITATION_YEARS)


def adjusted_provision(share: Decimal, days: int, period_days: int) -> Decimal:
    """The monthly provision that would have paid the lease's actual share over a whole period: the share brought to
    the period's length, divided by 12, half up to the cent."""
    if days <= 0:
        return ZERO
    return half_up(share * period_days / days / 12)


# --- the redevance of a residence contract (docs/adr/0030) ------------------------------------------------------

REDEVANCE_RENT_KIND = "equivalence_loyer"
REDEVANCE_CHARGES_KIND = "charges"


@dataclass(frozen=True)
class RedevanceLineCalled:
    """One line of a redevance call: the line's monthly amount and the part called for the month."""

    kind: str
    label: str
    monthly: Decimal
    amount: Decimal


@dataclass(frozen=True)
class RedevanceAmounts:
    lines: tuple
    due_date: date

    def _of(self, kinds) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind in kinds), ZERO)

    @property
    def rent_equivalent(self) -> Decimal:
        return self._of({REDEVANCE_RENT_KIND})

    @property
    def charges(self) -> Decimal:
        return self._of({REDEVANCE_CHARGES_KIND})

    @property
    def services(self) -> Decimal:
        return self.total - self.rent_equivalent - self.charges

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def redevance_end(notice_by: str, ends_on: date | None, left_on: date | None) -> date | None:
    """The last day a resident owes the redevance for (R75, CCH R633-3): when the resident gave notice, the whole
    notice (to its end, or to the day they left if later); when the manager terminated, or with no notice, the
    actual occupation (the day they left); None while they live there."""
    if notice_by == "resident" and ends_on is not None:
        return max(ends_on, left_on) if left_on else ends_on
    return left_on


def redevance_call_amounts(
    sets, month: date, start: date, end: date | None, *, params: LegalParameters | None = None
) -> RedevanceAmounts | None:
    """The redevance called for `month` of a contract running from `start` to `end` (inclusive, None: open). `sets`
    are the contract's sets of lines as (valid_from, valid_to or None, [(kind, label, monthly amount)…]). Each line
    is prorated by the days of the month the contract runs while its set is in force, over the actual length of
    the month (like a rent call), rounded to the cent line by line; the call's total is the sum of its lines.
    Due on the month's first day, or on the first day of the contract in its first month. None when the contract
    does not run in the month or no line is in force then."""
    first, last = month_start(month), month_end(month)
    if start > last or (end is not None and end < first):
        return None
    lines = []
    for valid_from, valid_to, set_lines in sorted(sets, key=lambda each: each[0]):
        day_from = max(start, valid_from)
        day_to = min(d for d in (end, valid_to) if d is not None) if (end or valid_to) else None
        if day_from > last or (day_to is not None and (day_to < first or day_to < day_from)):
            continue
        for kind, label, monthly in set_lines:
            amount = monthly_prorata(monthly, first, day_from, day_to, params=params)
            lines.append(RedevanceLineCalled(kind, label, monthly, amount))
    if not lines:
        return None
    return RedevanceAmounts(tuple(lines), max(first, start))


def foyer_unpaid_terms(terms: Sequence[tuple[Decimal, Decimal]], balance: Decimal, monthly_base: Decimal) -> bool:
    """Whether a logement-foyer's manager may terminate the contract for unpaid sums (R75, CCH R633-3): three
    consecutive monthly terms fully unpaid, or — with partial payments — a sum due of at least twice the monthly
    amount for the dwelling and the charges (`monthly_base`: équivalence de loyer + charges). `terms` are the
    (due, paid) of the contract's calls, oldest first; `balance` is what the resident owes."""
    run = 0
    for due, paid in terms:
        run = run + 1 if due > 0 and paid <= 0 else 0
        if run >= 3:
            return True
    return monthly_base > 0 and balance >= 2 * monthly_base
