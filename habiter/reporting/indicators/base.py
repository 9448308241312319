"""What every indicator is made of: the period, the indicator and its use by a report (a variant, W39), the
report, the registry they are listed in, and the counting rules all indicators share:
- *during the period* = start ≤ period end and (no end or end ≥ period start): `during`;
- *in the period* (entries, exits, dated events) = the date falls between the period's first and last day:
  `in_period`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from habiter.leases.models import LeaseKind
from habiter.residences.models import ResidenceKind
from habiter.support.models import OutcomeCategory, Scheme

from ..scope import ReportScope


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str  # lazy, French
    unit: str  # lazy, French: what one figure counts
    rule: str  # lazy, French: the counting rule, shown with every figure
    compute: Callable = field(repr=False)
    params: dict = field(default_factory=dict)
    revision: int = 1  # bump when the counting rule changes without the code changing

    def table(self, scope: ReportScope, period: Period, use: "Use | None" = None) -> dict:
        """One table: its figures, and what defines them (the definition id, unit and counting rule, stored with
        the figures so that a run and its exports say how they were counted)."""
        use = use or Use(self.code)
        params = self.params | use.params
        columns, rows = self.compute(scope, period, **params)
        return {
            "code": self.code,
            "definition": use.definition,
            "title": str(self.title),
            "unit": str(self.unit),
            "rule": " ".join([str(self.rule), *variant_notes(params)]),
            "columns": [str(c) for c in columns],
            "rows": rows,
        }


@dataclass(frozen=True)
class Use:
    """An indicator as a report uses it: `params` are added to the indicator's own (a variant, W39), never a copy
    of its query; `variant` names them in the definition id ("outcomes_by_category/avdl")."""

    indicator: str
    variant: str = ""
    params: dict = field(default_factory=dict)

    @property
    def definition(self) -> str:
        return f"{self.indicator}/{self.variant}" if self.variant else self.indicator


@dataclass(frozen=True)
class Report:
    code: str
    title: str
    description: str
    indicators: tuple  # indicator codes, or `Use`s for variants
    funder: str = ""  # lazy, French: who the report is for
    categories: str = ""  # lazy, French: the funder's categories, as the domain sources state them
    small_cells: bool = False  # counts under the dated threshold are masked in every output (W43)
    anonymous_rows: bool = False  # a text requires anonymous individual rows, exported beside it (W33, W43)

    def uses(self) -> tuple["Use", ...]:
        return tuple(use if isinstance(use, Use) else Use(use) for use in self.indicators)


def variant_notes(params: dict) -> list[str]:
    """What a variant's parameters change, in words, added to the counting rule."""
    notes = []
    if params.get("schemes"):
        labels = dict(Scheme.choices)
        notes.append(
            _("Seuls comptent les dispositifs de type : %(schemes)s.")
            % {"schemes": ", ".join(str(labels[scheme]) for scheme in params["schemes"])}
        )
    if params.get("kinds"):
        labels = dict(LeaseKind.choices)
        notes.append(
            _("Seuls comptent les baux de type : %(kinds)s.")
            % {"kinds": ", ".join(str(labels[kind]) for kind in params["kinds"])}
        )
    if params.get("residence_kinds"):
        labels = dict(ResidenceKind.choices)
        notes.append(
            _("Seules comptent les résidences de type : %(kinds)s.")
            % {"kinds": ", ".join(str(labels[kind]) for kind in params["residence_kinds"])}
        )
    if params.get("split_sliding"):
        notes.append(_("Les sous-locations avec bail glissant ont leur propre ligne."))
    if params.get("groups"):
        labels = dict(OutcomeCategory.choices)
        notes.append(
            _("Catégories du financeur : %(groups)s.")
            % {
                "groups": " ; ".join(
                    f"{label} = {', '.join(str(labels[c]) for c in categories)}"
                    for label, categories in params["groups"]
                )
            }
        )
    return notes


INDICATORS: dict[str, Indicator] = {}
REPORTS: dict[str, Report] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in INDICATORS or indicator.code in REPORTS:
        raise ValueError(f"Indicator code {indicator.code!r} is already registered.")
    INDICATORS[indicator.code] = indicator
    return indicator


def during(period: Period, start="start_date", end="end_date") -> Q:
    return Q(**{f"{start}__lte": period.end}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period.start}))


def in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})
