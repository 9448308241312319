"""The director's dashboard (« Pilotage »): a few series over the last months or on today, each read in a few
queries whatever the number of households, drawn as server-side SVG (`rules.bar_chart`) with its data table beside
it. The series of prevention outcomes, captation, vacancy and occupancy are the indicators of the reports counted
over the dashboard's own periods (never a copy of their queries)."""

from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habiter.evictions.models import CaseOutcome, CaseStep, PreventionCase, Step
from habiter.ledger.rent.queries import arrears
from habiter.support.models import Intervention, MeasureStatus, SupportMeasure

from . import indicators, rules
from .queries import ReportScope, reporting_scope

ACTIVITY_MONTHS = 24
TIME_MONTHS = 12
VISIT_WEEKS = 12


def _month_label(first: date) -> str:
    return formats.date_format(first, "F Y")


def _axis_month(first: date) -> str:
    return formats.date_format(first, "m/y")


def activity_series(scope: ReportScope, today: date) -> dict:
    """Households and measures under way at the end of each of the last 24 months (today for this month), with the
    measures by programme: one query."""
    months = rules.month_starts(today, ACTIVITY_MONTHS)
    measures = list(
        SupportMeasure.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
        .exclude(status=MeasureStatus.REQUESTED)
        .filter(Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=months[0])))
        .values_list("programme__name", "household_id", "start_date", "end_date")
    )
    rows = rules.active_by_month(measures, [(first, min(rules.month_end(first), today)) for first in months])
    programmes = sorted({m[0] for m in measures})
    chart = rules.bar_chart(
        [_axis_month(row["month"]) for row in rows],
        [[row["households"] for row in rows], [row["measures"] for row in rows]],
        names=[_("Ménages"), _("Mesures")],
        label_every=3,
    )
    return {
        "chart": chart,
        "legend": [_("Ménages accompagnés"), _("Mesures en cours")],
        "columns": [_("Mois"), _("Ménages"), _("Mesures"), *programmes],
        "rows": [
            [
                _month_label(row["month"]),
                row["households"],
                row["measures"],
                *(row["by_programme"].get(p, 0) for p in programmes),
            ]
            for row in rows
        ],
    }


def time_series(scope: ReportScope, today: date) -> dict:
    """Hours of interventions with the person and without them, per month over the last 12 months: one query."""
    months = rules.month_starts(today, TIME_MONTHS)
    sums = {
        row["month"]: row
        for row in Intervention.objects.filter(
            organisation_id=scope.organisation_id,
            household__in=scope.households,
            occurred_on__gte=months[0],
            occurred_on__lte=today,
        )
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(
            front=Sum("duration_minutes", filter=Q(back_office=False), default=0),
            back=Sum("duration_minutes", filter=Q(back_office=True), default=0),
        )
        .order_by()
    }
    front = [round(sums[m]["front"] / 60, 1) if m in sums else 0 for m in months]
    back = [round(sums[m]["back"] / 60, 1) if m in sums else 0 for m in months]
    return {
        "chart": rules.bar_chart(
            [_axis_month(m) for m in months],
            [front, back],
            names=[_("Avec la personne"), _("Sans la personne")],
            label_every=2,
        ),
        "legend": [_("Heures avec la personne"), _("Heures sans la personne (back-office)")],
        "columns": [_("Mois"), _("Heures avec la personne"), _("Heures sans la personne")],
        "rows": [
            [_month_label(m), rules.plain(f), rules.plain(b)] for m, f, b in zip(months, front, back, strict=True)
        ],
    }


def visit_series(scope: ReportScope, today: date) -> dict:
    """Desk visits per week (Monday to Sunday, Paris time) over the last 12 weeks: one query."""
    weeks = rules.week_starts(today, VISIT_WEEKS)
    counts = dict.fromkeys(weeks, 0)
    visits = indicators.reception.desk_visits_in_scope(scope, indicators.Period(weeks[0], today)).values_list(
        "visited_at", flat=True
    )
    for visited_at in visits:
        day = timezone.localtime(visited_at).date()
        counts[rules.week_starts(day, 1)[0]] += 1
    labels = [formats.date_format(w, "d/m") for w in weeks]
    return {
        "chart": rules.bar_chart(labels, [[counts[w] for w in weeks]], names=[_("Passages")], label_every=2),
        "legend": [_("Passages à l'accueil")],
        "columns": [_("Semaine du"), _("Passages")],
        "rows": [[formats.date_format(w, "j F Y"), counts[w]] for w in weeks],
    }


def prevention_series(scope: ReportScope) -> dict:
    """Open prevention cases by the last step noted: one query."""
    last_step = CaseStep.objects.filter(case=OuterRef("pk")).order_by("-on_date", "-created_at").values("step")[:1]
    stages = list(
        PreventionCase.objects.filter(
            organisation_id=scope.organisation_id, household__in=scope.households, closed_on__isnull=True
        )
        .annotate(stage=Subquery(last_step))
        .values_list("stage", flat=True)
    )
    counts = {value: stages.count(value) for value in set(stages)}
    rows = [[str(label), counts[value]] for value, label in Step.choices if counts.get(value)]
    if counts.get(None):
        rows.append([_("Aucune étape notée"), counts[None]])
    return {
        "chart": rules.bar_chart([row[0] for row in rows], [[row[1] for row in rows]], names=[_("Dossiers")]),
        "legend": [_("Dossiers ouverts")],
        "columns": [_("Dernière étape"), _("Dossiers ouverts")],
        "rows": rows,
    }


def prevention_outcome_series(scope: ReportScope, today: date) -> dict:
    """Prevention cases closed over the last 12 months (from the first day of the month eleven months ago), by
    outcome, with the evictions avoided: the indicator `prevention_outcomes` over those months, one query."""
    months = rules.month_starts(today, TIME_MONTHS)
    _columns, counted = indicators.prevention.prevention_outcomes(scope, indicators.Period(months[0], today))
    # the indicator's rows: the cases opened, then one row per outcome in the order of its choices, then the avoided
    closed = counted[1 : 1 + len(CaseOutcome.choices)]
    rows = [[str(label), row[1]] for (_value, label), row in zip(CaseOutcome.choices, closed, strict=True)]
    avoided = counted[-1][1]
    return {
        "chart": rules.bar_chart([row[0] for row in rows], [[row[1] for row in rows]], names=[_("Dossiers clos")]),
        "legend": [_("Dossiers clos")],
        "figures": [
            (
                avoided,
                ngettext(
                    "expulsion évitée (dette réglée, plan respecté, relogement)",
                    "expulsions évitées (dette réglée, plan respecté, relogement)",
                    avoided,
                ),
            )
        ],
        "columns": [_("Issue"), _("Dossiers clos")],
        "rows": rows,
    }


def captation_series(scope: ReportScope, today: date) -> dict:
    """This year's prospects by the furthest stage reached (the indicator `captation_funnel` from 1 January to
    today: one query), and, for a director, the dwellings managed and vacant today (the indicator `iml_dwellings`
    over today alone, whose vacant days are then the dwellings vacant: three queries). A vacant dwelling houses no
    household, so it belongs to no team: a team lead does not see that figure."""
    columns, counted = indicators.captation.captation_funnel(scope, indicators.Period(date(today.year, 1, 1), today))
    stages = counted[:-1]  # the last row is the total
    series = {
        "chart": rules.bar_chart(
            [row[0] for row in stages],
            [[row[1] for row in stages], [row[2] for row in stages]],
            names=[_("Ont atteint l'étape"), _("Arrêtés à cette étape")],
        ),
        "legend": [
            _("Prospects ayant atteint au moins cette étape"),
            _("Prospects dont c'est l'étape la plus avancée"),
        ],
        "columns": columns,
        "rows": counted,
    }
    if not scope.whole_organisation:
        return series | {"note": _("Les logements vacants ne sont d'aucune équipe : seule la direction les voit ici.")}
    _columns, dwellings = indicators.leases.iml_dwellings(scope, indicators.Period(today, today))
    managed, vacant = dwellings[-1][1], dwellings[-1][5]  # every dwelling once; over one day, vacant days = dwellings
    return series | {
        "figures": [
            (managed, ngettext("logement géré aujourd'hui", "logements gérés aujourd'hui", managed)),
            (vacant, ngettext("logement vacant aujourd'hui", "logements vacants aujourd'hui", vacant)),
        ]
    }


def occupancy_series(scope: ReportScope, today: date) -> dict:
    """Places occupied and free today in each residence: the indicator `residence_occupancy` over today alone (the
    residences' own counting), whose place-days are then places; four queries whatever the number of residences."""
    _columns, counted = indicators.residences.residence_occupancy(scope, indicators.Period(today, today))
    residences = counted[:-1]  # the last row is all of them together (none without a residence)
    return {
        "chart": rules.bar_chart(
            [row[0] for row in residences],
            [[row[3] for row in residences], [row[4] for row in residences]],
            names=[_("Occupées"), _("Libres")],
        ),
        "legend": [_("Places occupées"), _("Places libres")],
        "columns": [_("Résidence"), _("Places ouvertes"), _("Occupées"), _("Libres")],
        "rows": [[row[0], row[2], row[3], row[4]] for row in counted],
    }


def arrears_summary(user, today: date) -> dict | None:
    """Today's rent arrears of the households in reach and those past the CAF threshold, through the ledger's own
    arrears query (a constant number of queries); None for a user who may not see balances."""
    if not user.has_perm("ledger.view_balance"):
        return None
    rows = arrears(user, today)
    return {
        "total": sum((row.total for row in rows), start=Decimal("0.00")),
        "households": len({row.lease.household_id for row in rows}),
        "over_caf_threshold": len({row.lease.household_id for row in rows if row.caf.reached}),
    }


def _labelled(series: dict) -> dict:
    """The series with each table cell paired with its column's name (a table stacked on a phone shows it)."""
    return series | {"cells": [list(zip(series["columns"], row, strict=False)) for row in series["rows"]]}


def dashboard(user, today: date) -> dict:
    scope = reporting_scope(user)
    return {
        "activity": _labelled(activity_series(scope, today)),
        "time": _labelled(time_series(scope, today)),
        "visits": _labelled(visit_series(scope, today)),
        "prevention": _labelled(prevention_series(scope)),
        "prevention_outcomes": _labelled(prevention_outcome_series(scope, today)),
        "captation": _labelled(captation_series(scope, today)),
        "occupancy": _labelled(occupancy_series(scope, today)),
        "arrears": arrears_summary(user, today),
    }
