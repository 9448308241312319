"""The indicators, each defined once: a named query over what the apps already record, with its counting rule
written beside it (DOMAIN-2 W39: "one entry, many reports").

An indicator is a function of a `ReportScope` (organisation, and the team lead's households) and a `Period`,
returning one table. A variant is the same function with other parameters (`params`), never a copy of the
query. A report is a list of indicators, each possibly a `Use` with a funder's parameters (the programmes of one
scheme, the outcome categories grouped as the funder counts them: ADR 0025); each table carries its definition id
(`indicator/variant`), unit and rule. Figures are counted from the rows, never stored as totals (R84); what
a run counted is frozen in a `ReportRun` (ADR 0022).

One module per sub-domain (`measures`, `concerns`, `reception`, `prevention`, `fsl`, `arrears`, `leases`, `iml`,
`captation`, `residences`, `boarding`, `pension_famille`, `agls`, `costs`) defines and registers its indicators;
`reports` lists the reports; `base` holds what they share.

Shared counting rules:
- *during the period* = start ≤ period end and (no end or end ≥ period start);
- *entries* = start in the period; *exits* = end in the period; *at a date* = started on or before it and
  not ended before it;
- the unit (household, person, visit, minute) is named in each column; a household is counted once per row
  and once in the total, however many measures it has.
"""

import hashlib
import inspect
import json
import sys

from django.utils.translation import gettext as _

from habiter.core.legal_queries import legal_parameters

from .. import rules
from ..scope import ReportScope
from . import (  # noqa: F401  (they register)
    agls,
    arrears,
    base,
    boarding,
    captation,
    concerns,
    costs,
    fsl,
    history,
    iml,
    leases,
    measures,
    pension_famille,
    prevention,
    reception,
    reports,
    residences,
)
from .base import INDICATORS, REPORTS, Indicator, Period, Report, Use

__all__ = [
    "INDICATORS",
    "REPORTS",
    "Indicator",
    "Period",
    "Report",
    "Use",
    "code_version",
    "compute",
    "definition_line",
    "definitions_changed",
    "described",
    "indicator_codes",
    "uses_of",
    "with_small_cells_masked",
]


def uses_of(code: str) -> tuple[Use, ...]:
    """The indicators (with their variants) a report or an indicator code stands for; KeyError for an unknown
    code."""
    if code in REPORTS:
        return REPORTS[code].uses()
    if code in INDICATORS:
        return (Use(code),)
    raise KeyError(code)


def indicator_codes(code: str) -> tuple[str, ...]:
    """The definition ids of a report's tables (or of one indicator); KeyError for an unknown code."""
    return tuple(use.definition for use in uses_of(code))


def compute(code: str, scope: ReportScope, period: Period) -> list[dict]:
    """The tables of a report (or of one indicator) over `period`, within `scope`."""
    tables = [INDICATORS[use.indicator].table(scope, period, use) for use in uses_of(code)]
    if code in REPORTS and REPORTS[code].small_cells:
        threshold = rules.small_cell_threshold(period.end, legal_parameters())
        tables = [with_small_cells_masked(table, threshold) for table in tables]
    return tables


def with_small_cells_masked(table: dict, threshold: int) -> dict:
    """The table with its small counts masked (`rules.masked_rows`, W43), the rule saying so."""
    rows, _masked = rules.masked_rows(table["rows"], threshold)
    note = _(
        "Secret des petits effectifs : un effectif de 1 à %(last)s est masqué (« %(mask)s »), ainsi que le plus "
        "petit autre effectif de sa colonne quand il y est le seul masqué."
    ) % {"last": threshold - 1, "mask": rules.mask(threshold)}
    return table | {"rows": rows, "rule": f"{table['rule']} {note}"}


def described(table: dict) -> dict:
    """A stored table with its definition id, unit and counting rule: those stored with it, or, for a run stored
    before they were, its indicator's current ones."""
    indicator = INDICATORS.get(table["code"])
    return table | {
        "definition": table.get("definition") or table["code"],
        "unit": table.get("unit") or (str(indicator.unit) if indicator else ""),
        "rule": table.get("rule") or (str(indicator.rule) if indicator else ""),
    }


def definition_line(table: dict) -> str:
    """What an export writes under a table's title: the definition id, the unit and the counting rule."""
    table = described(table)
    return _("Définition %(definition)s — unité : %(unit)s. %(rule)s") % table


def _stable(params: dict) -> str:
    """Parameters as text that does not depend on memory addresses (lazy labels are written out)."""
    return json.dumps(params, sort_keys=True, default=str)


def code_version(code: str) -> str:
    """A fingerprint of what counts `code`'s figures: each table's definition id, revision and parameters, and
    the whole source of the modules that count them (the compute function's module, the shared counting rules of
    `base` and the pure rules), so a change in a helper a query uses changes it too. A stored run says which
    definitions made it."""
    digest = hashlib.sha256()
    modules = {}
    for use in uses_of(code):
        indicator = INDICATORS[use.indicator]
        params = indicator.params | use.params
        digest.update(f"{use.definition}:{indicator.revision}:{_stable(params)}".encode())
        for module in (*_counting_modules(indicator.compute), base, rules):
            modules.setdefault(module.__name__, module)
    for name in sorted(modules):
        digest.update(inspect.getsource(modules[name]).encode())
    return digest.hexdigest()[:16]


def _counting_modules(compute) -> list:
    """The compute function's module and the other indicator modules whose functions it imports (AGLS's exits are
    the residences' count): a change in either changes what the indicator counts."""
    module = inspect.getmodule(compute)
    siblings = {getattr(value, "__module__", None) for value in vars(module).values() if inspect.isfunction(value)} - {
        module.__name__
    }
    package = __name__ + "."
    return [module, *(sys.modules[name] for name in sorted(siblings) if name and name.startswith(package))]


def definitions_changed(code: str, stored_version: str) -> bool:
    """Whether `code` is counted today otherwise than when a run stored `stored_version`. A fingerprint from
    before a move of the code that left the counting unchanged is read as the one it became (`history`)."""
    return code_version(code) != history.moved(code, stored_version)
