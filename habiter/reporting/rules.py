"""Pure rules of reporting: what changed between a stored run and a fresh one, the dashboard's geometry, and the
subsidies' deadlines and threshold. No database, no Django."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from habiter.core.dates import add_months
from habiter.core.legal import default_parameters


@dataclass(frozen=True)
class Difference:
    table: str  # the indicator's title
    row: str  # the row's label (its first cell)
    column: str
    before: object  # None when the row did not exist
    after: object  # None when the row no longer exists


def _cells(table: dict) -> dict:
    """{(row label, column): value} for every figure of a table: the leading text cells label the row (at least the
    first cell), every cell after them is a figure, a masked one (text, W43) included."""
    columns = table["columns"]
    cells = {}
    for row in table["rows"]:
        labels = 1
        while labels < len(row) and isinstance(row[labels], str) and not is_mask(row[labels]):
            labels += 1
        label = " — ".join(str(cell) for cell in row[:labels])
        for column, value in zip(columns[labels:], row[labels:], strict=False):
            cells[(label, column)] = value
    return cells


def differences(stored: list[dict], fresh: list[dict]) -> list[Difference]:
    """Every figure that differs between two results of the same report, in the fresh result's order (then the
    rows that disappeared). Tables are matched by definition id (the indicator code in runs stored before ids)."""
    stored_by_code = {table.get("definition", table["code"]): table for table in stored}
    changes = []
    for table in fresh:
        key = table.get("definition", table["code"])
        before = _cells(stored_by_code.get(key, {"columns": table["columns"], "rows": []}))
        after = _cells(table)
        for key, value in after.items():
            if before.get(key) != value:
                changes.append(Difference(table["title"], key[0], key[1], before.get(key), value))
        for key, value in before.items():
            if key not in after:
                changes.append(Difference(table["title"], key[0], key[1], value, None))
    return changes


# --- dashboard series and chart geometry ----------------------------------------------------------------------


def month_starts(last: date, count: int) -> list[date]:
    """The first days of the `count` months ending with `last`'s month, oldest first."""
    months = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(first: date) -> date:
    following = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return following - timedelta(days=1)


def week_starts(last: date, count: int) -> list[date]:
    """The Mondays of the `count` weeks ending with `last`'s week, oldest first."""
    monday = last - timedelta(days=last.weekday())
    return [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def active_by_month(measures, months: list[date]) -> list[dict]:
    """For each month, the measures under way on its last day (or today for the current month, `months` carry
    it): `measures` are (programme, household id, start, end or None). Households are counted once per month."""
    rows = []
    for first, at in months:
        under_way = [m for m in measures if m[2] <= at and (m[3] is None or m[3] >= at)]
        by_programme = {}
        for programme, *_rest in under_way:
            by_programme[programme] = by_programme.get(programme, 0) + 1
        rows.append(
            {
                "month": first,
                "households": len({m[1] for m in under_way}),
                "measures": len(under_way),
                "by_programme": by_programme,
            }
        )
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # the index of its series: a CSS class colours it
    title: str  # what a pointer shows: label and value


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list
    labels: list  # (x, text) under the bars
    ticks: list  # (y, text) of the value axis
    maximum: float


CHART_WIDTH, CHART_HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 44, 28, 8
MAX_BAR_WIDTH = 48


def _nice_maximum(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (the axis top), 1 for an empty chart."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(labels: list[str], series: list[list[float]], *, names: list[str], label_every: int = 1) -> Chart:
    """Grouped vertical bars, one group per label and one bar per series, in a CHART_WIDTH × CHART_HEIGHT box,
    with four value ticks; the geometry only (the template draws it)."""
    maximum = _nice_maximum(max((v for values in series for v in values), default=0))
    plot_width, plot_height = CHART_WIDTH - LEFT - 4, CHART_HEIGHT - BOTTOM - TOP
    group = plot_width / max(len(labels), 1)
    bar_width = min(group * 0.8 / max(len(series), 1), MAX_BAR_WIDTH)
    margin = (group - bar_width * len(series)) / 2  # the bars of a group, centred in it
    bars = []
    for s, values in enumerate(series):
        for i, value in enumerate(values):
            height = plot_height * value / maximum
            bars.append(
                Bar(
                    x=round(LEFT + i * group + margin + s * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    series=s,
                    title=f"{labels[i]} — {names[s]} : {plain(value)}",
                )
            )
    shown = [(round(LEFT + i * group + group / 2, 1), label) for i, label in enumerate(labels) if i % label_every == 0]
    ticks = [(round(TOP + plot_height * (1 - k / 4), 1), plain(maximum * k / 4)) for k in range(5)]
    return Chart(CHART_WIDTH, CHART_HEIGHT, bars, shown, ticks, maximum)


def plain(value: float) -> str:
    """A figure as the French write it: no useless decimals, a comma otherwise."""
    return f"{value:g}".replace(".", ",")


# --- measure durations (DOMAIN-2 W39) ---------------------------------------------------------------------


def measure_duration_days(start: date, end: date | None, period_end: date) -> int:
    """Days from a measure's start to its end, or to the period's last day for a measure still open on it (no end,
    or an end after the period): `end − start`, so a measure begun and ended the same day lasts 0 days."""
    last = period_end if end is None or end > period_end else end
    return (last - start).days


def _whole_days(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def mean_and_median(days: list[int]) -> tuple[int, int] | None:
    """The mean and the median of durations in days, each rounded to the nearest whole day (half up); None for no
    duration. The median of an even count is the mean of the two middle values."""
    if not days:
        return None
    ordered = sorted(days)
    middle = len(ordered) // 2
    median = Decimal(ordered[middle]) if len(ordered) % 2 else Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return _whole_days(Decimal(sum(ordered)) / len(ordered)), _whole_days(median)


# --- subsidies: the compte rendu financier (DOMAIN-2 W31) and the accounts threshold (W32) ------------------------
# The delays and the threshold are rows of the legal-parameter table (habiter/core/legal_parameters.csv), never
# literals here.

CRF_DUE_MONTHS_KEY = "crf_due_months_after_year_end"
CRF_ALERT_DAYS_KEY = "crf_alert_days"
THRESHOLD_KEY = "public_subsidies_accounts_threshold"
PUBLICATION_MONTHS_KEY = "accounts_publication_months_after_approval"


def _params(params):
    return default_parameters() if params is None else params


CER_REQUIRED_KEY = "cer_required"


def cer_missing(requested_on: date, cer_signed_on: date | None, params=None) -> bool:
    """Whether a request of a public subsidy made on `requested_on` lacks the contrat d'engagement républicain: the
    table says whether it is required on that day (from 2 January 2022, W31), and then it must have been subscribed
    on or before the request."""
    if not _params(params).integer(CER_REQUIRED_KEY, requested_on):
        return False
    return cer_signed_on is None or cer_signed_on > requested_on


def crf_due_on(year_end: date, params=None) -> date:
    """The last day to file the compte rendu financier of a subsidy granted for the financial year ending on
    `year_end`: the six months (the table's delay in force on that day) that follow the year's end, so
    31/12/2025 → 30/06/2026 and 30/06/2025 → 31/12/2025 (W31)."""
    months = _params(params).integer(CRF_DUE_MONTHS_KEY, year_end)
    return add_months(year_end + timedelta(days=1), months) - timedelta(days=1)


# The decisions a subsidy may take from each state: a request is granted or refused; a decision may be corrected,
# except that a grant whose compte rendu financier was sent, or of which a payment was received, is no longer refused
# (the money came, was spent and reported).
SUBSIDY_TRANSITIONS = {
    "requested": frozenset({"granted", "refused"}),
    "granted": frozenset({"granted", "refused"}),
    "refused": frozenset({"granted", "refused"}),
}


def subsidy_decision_allowed(status: str, new_status: str, crf_sent: bool, received: bool = False) -> bool:
    """Whether a subsidy in `status` may be recorded as `new_status` (SUBSIDY_TRANSITIONS); `received`: a payment
    not cancelled is recorded."""
    if new_status not in SUBSIDY_TRANSITIONS.get(status, ()):
        return False
    return not ((crf_sent or received) and new_status == "refused")


def subsidy_remaining(granted: Decimal | None, received: Decimal) -> Decimal:
    """What the funder has still to pay of a grant: the amount granted less the payments received (not cancelled);
    nothing for a subsidy not granted."""
    return Decimal("0.00") if granted is None else granted - received


def subsidy_payment_problem(
    *, status: str, decided_on: date | None, granted: Decimal | None, received: Decimal, received_on: date, amount
) -> str | None:
    """Why a payment of `amount` received on `received_on` cannot be added to a subsidy that already received
    `received` (its payments not cancelled), or None: `not_granted` (only a granted subsidy is paid),
    `not_positive`, `before_decision` (the decision's day itself is allowed), `above_grant` (the payments would
    total more than the amount granted; reaching it exactly is allowed)."""
    if status != "granted" or granted is None or decided_on is None:
        return "not_granted"
    if amount <= 0:
        return "not_positive"
    if received_on < decided_on:
        return "before_decision"
    if received + amount > granted:
        return "above_grant"
    return None


def crf_is_overdue(due_on: date | None, sent_on: date | None, on: date) -> bool:
    """Whether a compte rendu financier is late on `on`: due, not sent, and its last day is past (overdue from the
    day after the due date)."""
    return due_on is not None and sent_on is None and on > due_on


def crf_due_soon(due_on: date | None, sent_on: date | None, on: date, params=None) -> bool:
    """Whether a compte rendu financier not yet sent falls due within the alert window (days) from `on`, its last
    day included; an overdue one is not « soon »: it is late."""
    if due_on is None or sent_on is not None or on > due_on:
        return False
    return (due_on - on).days <= _params(params).integer(CRF_ALERT_DAYS_KEY, on)


def accounts_threshold(year: int, params=None) -> Decimal:
    """The public subsidies threshold in force at the end of `year` (W32)."""
    return _params(params).decimal(THRESHOLD_KEY, date(year, 12, 31))


def above_accounts_threshold(total: Decimal, year: int, params=None) -> bool:
    """Whether the public cash subsidies of `year` total more than the threshold (W32: « > 153 000 € », so exactly
    the threshold is not above it)."""
    return total > accounts_threshold(year, params)


def publication_due_on(approved_on: date | None, params=None) -> date | None:
    """The last day to publish the accounts approved on `approved_on`: the delay (months) after the approval (W32),
    so approved on 30/06/2026 → published by 30/09/2026. None while the accounts are not approved."""
    if approved_on is None:
        return None
    return add_months(approved_on, _params(params).integer(PUBLICATION_MONTHS_KEY, approved_on))


@dataclass(frozen=True)
class Obligation:
    code: str  # accounts, auditor, publication
    done_on: date | None
    due_on: date | None  # a deadline the law sets (the publication only)

    @property
    def done(self) -> bool:
        return self.done_on is not None


OBLIGATIONS = ("accounts", "auditor", "publication")


def accounts_obligations(
    *, accounts_drawn_up_on=None, auditor_appointed_on=None, accounts_approved_on=None, published_on=None, params=None
) -> list[Obligation]:
    """The obligations W32 lists for an association above the threshold, in order, each done or to do: draw up the
    annual accounts (bilan, compte de résultat, annexe), appoint a commissaire aux comptes, publish the accounts
    and the auditor's report on the DILA site within the delay after their approval."""
    return [
        Obligation("accounts", accounts_drawn_up_on, None),
        Obligation("auditor", auditor_appointed_on, None),
        Obligation("publication", published_on, publication_due_on(accounts_approved_on, params)),
    ]


# --- dwellings managed: vacancy days (DOMAIN-2 W36) --------------------------------------------------------------

Interval = tuple[date, date | None]  # first and last day, both counted; None: not ended


def _clipped(intervals, start: date, end: date) -> list[tuple[date, date]]:
    """The intervals cut to `start`–`end` and merged where they overlap or touch, in order."""
    cut = sorted(
        (max(first, start), min(last or end, end))
        for first, last in intervals
        if first <= end and (last or end) >= start
    )
    merged: list[tuple[date, date]] = []
    for first, last in cut:
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _days(intervals) -> int:
    return sum((last - first).days + 1 for first, last in intervals)


@dataclass(frozen=True)
class DwellingDays:
    managed: int  # days the dwelling was managed within the period
    occupied: int  # of them, days a lease ran
    vacant: int  # of them, days no lease ran


def dwelling_days(managed: list[Interval], occupied: list[Interval], start: date, end: date) -> DwellingDays:
    """Of the days from `start` to `end` (both counted) on which the dwelling was managed (a head lease or a
    management mandate ran), those on which one of its leases ran and those on which none did: the vacancy days.
    Overlapping periods count each day once; a day outside every management period is not a vacancy."""
    managed_spans = _clipped(managed, start, end)
    occupied_spans = _clipped(occupied, start, end)
    both = 0
    for first, last in managed_spans:
        for o_first, o_last in occupied_spans:
            overlap = (min(last, o_last) - max(first, o_first)).days + 1
            both += max(overlap, 0)
    total = _days(managed_spans)
    return DwellingDays(managed=total, occupied=both, vacant=total - both)


# --- anonymity: age bands and small cells (DOMAIN-2 W33, W43) ---------------------------------------------------

# (lowest age, highest age or None): the bands of an anonymous row and of the tables by age, never a birth date.
AGE_BANDS = ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None))
SMALL_CELL_THRESHOLD_KEY = "small_cell_threshold"


def age_on(birth_date: date, on: date) -> int:
    """Age in full years on `on` (a person born on 29 February is a year older on 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date | None, on: date) -> tuple[int, int | None] | None:
    """The band of `AGE_BANDS` a person born on `birth_date` is in on `on`; None when the birth date is unknown."""
    if birth_date is None:
        return None
    age = age_on(birth_date, on)
    for low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return (low, high)
    return None


def small_cell_threshold(on: date, params=None) -> int:
    """The count under which a cell of an anonymised table is masked, in force on `on` (W43: no official norm,
    a dated parameter)."""
    return _params(params).integer(SMALL_CELL_THRESHOLD_KEY, on)


def is_small(value, threshold: int) -> bool:
    """A count from 1 to `threshold` − 1 is masked; zero and counts at or above the threshold are shown."""
    return _is_count(value) and 0 < value < threshold


def mask(threshold: int) -> str:
    """What a masked cell shows: « < 5 » (the same in every language, and never a row's label)."""
    return f"< {threshold}"


def is_mask(cell) -> bool:
    return isinstance(cell, str) and re.fullmatch(r"< \d+", cell) is not None


def masked_rows(rows: list[list], threshold: int) -> tuple[list[list], int]:
    """The rows with each small count (`is_small`) replaced by `mask(threshold)`, and how many cells were masked;
    a row's labels (text) are kept. A column with a single small count also masks its next smallest count above
    zero, so that the column's total, known from elsewhere, does not give the masked one back by subtraction."""
    hidden = {(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if is_small(cell, threshold)}
    for column in {c for _r, c in hidden}:
        if sum(1 for _r, c in hidden if c == column) == 1:
            others = [
                (rows[r][column], r)
                for r in range(len(rows))
                if (r, column) not in hidden and _is_count(rows[r][column]) and rows[r][column] > 0
            ]
            if others:
                hidden.add((min(others)[1], column))
    marker = mask(threshold)
    result = [[marker if (r, c) in hidden else cell for c, cell in enumerate(row)] for r, row in enumerate(rows)]
    return result, len(hidden)


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
