"""The indicators, each defined once: a named query over what the apps already record, with its counting rule
written beside it (DOMAIN-2 W39: "one entry, many reports").

An indicator is a function of a `ReportScope` (organisation, and the team lead's households) and a `Period`,
returning one table. A variant is the same function with other parameters (`params`), never a copy of the
query. A report is a list of indicators, each possibly a `Use` with a funder's parameters (the programmes of one
scheme, the outcome categories grouped as the funder counts them: ADR 0025); each table carries its definition id
(`indicator/variant`), unit and rule. Figures are counted from the rows, never stored as totals (R84); what
a run counted is frozen in a `ReportRun` (ADR 0022).

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.dates import add_months
from habiter.core.legal_queries import legal_parameters
from habiter.evictions.models import CaseOutcome, PreventionCase
from habiter.leases.models import HeadLease, HeadLeaseKind, Lease, LeaseKind, LeaseStatus, ManagementMandate
from habiter.people.models import Concern, Person
from habiter.reception.models import DeskVisit, Enrolment, Topic, WorkshopTheme
from habiter.residences.models import ExitDestination, Residence, ResidenceKind, ResidenceStay
from habiter.residences.queries import period_occupancy
from habiter.support import rules as support_rules
from habiter.support.models import (
    HOMELESS_AT_ENTRY,
    EntrySituation,
    FollowUpSituation,
    Intervention,
    InterventionKind,
    MeasureStatus,
    OutcomeCategory,
    Scheme,
    SupportMeasure,
)

from . import rules
from .scope import ReportScope


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


# --- households and measures -------------------------------------------------------------------------------


def _measures(scope: ReportScope, schemes=None):
    """The scope's measures that were ever under way (a measure still « demandée » has not begun), of programmes
    of the given schemes if any."""
    measures = SupportMeasure.objects.filter(
        organisation_id=scope.organisation_id, household__in=scope.households
    ).exclude(status=MeasureStatus.REQUESTED)
    return measures.filter(programme__scheme__in=schemes) if schemes else measures


def _exited(period: Period) -> Q:
    return Q(status=MeasureStatus.CLOSED) & _in_period(period, "end_date")


COUNTINGS = {"presence", "entry", "exit"}


def _during(period: Period, start="start_date", end="end_date") -> Q:
    return Q(**{f"{start}__lte": period.end}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period.start}))


def _in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def households_by_programme(scope: ReportScope, period: Period, *, counting: str, schemes=None):
    """Households and their persons by programme; `counting` is "presence" (a measure under way during the
    period), "entry" (a measure started in the period) or "exit" (a measure closed in the period)."""
    if counting not in COUNTINGS:
        raise ValueError(f"Unknown counting {counting!r}.")
    measures = _measures(scope, schemes).filter(
        {"presence": _during(period), "entry": _in_period(period, "start_date"), "exit": _exited(period)}[counting]
    )
    by_programme = (
        measures.values("programme__name", "programme__position")
        .annotate(households=Count("household", distinct=True), persons=Count("household__members", distinct=True))
        .order_by("programme__position", "programme__name")
    )
    rows = [[row["programme__name"], row["households"], row["persons"]] for row in by_programme]
    household_ids = measures.values("household_id")
    total_households = scope.households.filter(pk__in=household_ids).count()
    total_persons = Person.objects.filter(household_id__in=household_ids).count()
    rows.append([_("Total (chaque ménage une fois)"), total_households, total_persons])
    return [_("Dispositif"), _("Ménages"), _("Personnes")], rows


register(
    Indicator(
        code="households_accompanied",
        title=gettext_lazy("Ménages et personnes accompagnés, par dispositif"),
        unit=gettext_lazy("ménage ; personne (membres actuels du ménage)"),
        rule=gettext_lazy(
            "Un ménage est compté s'il a au moins une mesure en cours pendant la période (début au plus tard "
            "le dernier jour, et pas de fin ou une fin au plus tôt le premier jour) ; une mesure seulement "
            "demandée ne compte pas. Un ménage compte une fois par dispositif et une fois dans le total. "
            "Les personnes sont les membres du ménage."
        ),
        compute=households_by_programme,
        params={"counting": "presence"},
    )
)
register(
    Indicator(
        code="households_entered",
        title=gettext_lazy("Ménages et personnes entrés en accompagnement, par dispositif"),
        unit=gettext_lazy("ménage ; personne (membres actuels du ménage)"),
        rule=gettext_lazy(
            "Un ménage est compté si une de ses mesures a commencé pendant la période (date de début). "
            "Un ménage compte une fois par dispositif et une fois dans le total."
        ),
        compute=households_by_programme,
        params={"counting": "entry"},
    )
)
register(
    Indicator(
        code="households_exited",
        title=gettext_lazy("Ménages et personnes sortis d'accompagnement, par dispositif"),
        unit=gettext_lazy("ménage ; personne (membres actuels du ménage)"),
        rule=gettext_lazy(
            "Un ménage est compté si une de ses mesures a été clôturée pendant la période (date de fin). "
            "Un ménage compte une fois par dispositif et une fois dans le total."
        ),
        compute=households_by_programme,
        params={"counting": "exit"},
    )
)


def measures_by_programme(scope: ReportScope, period: Period, *, schemes=None):
    """Measures started, ended and under way on the last day, by programme."""
    rows = [
        [row["programme__name"], row["opened"], row["closed"], row["active_at_end"]]
        for row in _measures(scope, schemes)
        .values("programme__name", "programme__position")
        .annotate(
            opened=Count("pk", filter=_in_period(period, "start_date")),
            closed=Count("pk", filter=_exited(period)),
            active_at_end=Count(
                "pk", filter=Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gt=period.end))
            ),
        )
        .order_by("programme__position", "programme__name")
        if row["opened"] or row["closed"] or row["active_at_end"]
    ]
    return [_("Dispositif"), _("Mesures ouvertes"), _("Mesures clôturées"), _("En cours le dernier jour")], rows


register(
    Indicator(
        code="measures_flow",
        title=gettext_lazy("Mesures ouvertes, clôturées et en cours, par dispositif"),
        unit=gettext_lazy("mesure"),
        rule=gettext_lazy(
            "Ouvertes : date de début dans la période. Clôturées : date de fin dans la période. En cours le "
            "dernier jour : commencées au plus tard ce jour-là et pas finies avant le lendemain. Une mesure "
            "seulement demandée ne compte pas."
        ),
        compute=measures_by_programme,
    )
)


def follow_up_situations(scope: ReportScope, period: Period, *, schemes=None):
    """The situation a year after the end (W35) of the measures whose year after their end falls in the period,
    by situation, with those in rent arrears of more than three months; a measure without a recorded situation is
    counted « Situation non relevée », never dropped."""
    ended = _measures(scope, schemes).filter(
        status=MeasureStatus.CLOSED,
        end_date__gte=add_months(period.start, -support_rules.FOLLOW_UP_MONTHS),
        end_date__lte=add_months(period.end, -support_rules.FOLLOW_UP_MONTHS),
    )
    counts = {
        row["follow_up__situation"]: row
        for row in ended.values("follow_up__situation")
        .annotate(measures=Count("pk"), arrears=Count("pk", filter=Q(follow_up__arrears_over_three_months=True)))
        .order_by()
    }
    rows = [
        [str(label), counts.get(value, {}).get("measures", 0), counts.get(value, {}).get("arrears", 0)]
        for value, label in FollowUpSituation.choices
    ]
    rows.append([_("Situation non relevée"), counts.get(None, {}).get("measures", 0), 0])
    return [_("Situation un an après la fin"), _("Mesures"), _("Dont impayé de plus de trois mois")], rows


register(
    Indicator(
        code="follow_up_situations",
        title=gettext_lazy("Situation un an après la fin de la mesure"),
        unit=gettext_lazy("mesure"),
        rule=gettext_lazy(
            "Mesures clôturées dont la date de fin, plus douze mois, tombe dans la période, par situation relevée "
            "un an après (facultatif) ; une mesure sans situation relevée est comptée « Situation non relevée »."
        ),
        compute=follow_up_situations,
    )
)


def entry_situations(scope: ReportScope, period: Period, *, schemes=None):
    """Households who entered a measure in the period, by where they lived then (W37): each household once, with the
    situation recorded on its first measure begun in the period; « non renseignée » kept as a row."""
    first: dict = {}
    for household_id, situation in (
        _measures(scope, schemes)
        .filter(_in_period(period, "start_date"))
        .order_by("start_date", "created_at", "pk")
        .values_list("household_id", "situation_at_entry")
    ):
        first.setdefault(household_id, situation)
    counts = Counter(first.values())
    rows = [[str(label), counts[value]] for value, label in EntrySituation.choices]
    rows.append([_("Situation non renseignée"), counts[""]])
    rows.append([_("Dont sans domicile"), sum(counts[value] for value in HOMELESS_AT_ENTRY)])
    rows.append([_("Total des ménages entrés"), len(first)])
    return [_("Situation de logement à l'entrée"), _("Ménages")], rows


register(
    Indicator(
        code="entry_situations",
        title=gettext_lazy("Situation de logement à l'entrée"),
        unit=gettext_lazy("ménage"),
        rule=gettext_lazy(
            "Ménages dont une mesure a commencé dans la période, chacun une fois, selon la situation notée sur la "
            "première de ces mesures. « Sans domicile » : sans abri, habitat de fortune, hôtel, hébergé en "
            "structure ou chez un tiers. Une situation non notée est comptée « non renseignée »."
        ),
        compute=entry_situations,
    )
)

# Where a household without a home at entry went (W37: « ménages sans domicile relogés », by destination).
REHOUSING_DESTINATIONS = (
    (gettext_lazy("Logement social"), (OutcomeCategory.HOUSED_SOCIAL,)),
    (gettext_lazy("Logement privé"), (OutcomeCategory.HOUSED_PRIVATE,)),
    (gettext_lazy("Glissement du bail (sous-location, IML)"), (OutcomeCategory.LEASE_SLID,)),
    (gettext_lazy("Résidence sociale ou pension de famille"), (OutcomeCategory.HOUSED_SUPPORTED,)),
    (gettext_lazy("Logement, type non précisé"), (OutcomeCategory.HOUSED,)),
)


def homeless_rehoused(scope: ReportScope, period: Period, *, schemes=None):
    """Households without a home at the start of a measure closed in the period, by destination at exit (W37):
    each household once, by its last measure closed in the period; the others not rehoused, the unknown kept."""
    last: dict = {}
    for household_id, category in (
        _measures(scope, schemes)
        .filter(_exited(period), situation_at_entry__in=HOMELESS_AT_ENTRY)
        .order_by("end_date", "created_at", "pk")
        .values_list("household_id", "outcome__category")
    ):
        last[household_id] = category or ""
    counts = Counter(last.values())
    rows = [[str(label), sum(counts[c] for c in categories)] for label, categories in REHOUSING_DESTINATIONS]
    rehoused = sum(row[1] for row in rows)
    known = {c for _label, categories in REHOUSING_DESTINATIONS for c in categories}
    rows.append([_("Dont relogés"), rehoused])
    rows.append([_("Non relogés (autre issue)"), sum(n for c, n in counts.items() if c and c not in known)])
    rows.append([_("Issue non renseignée"), counts[""]])
    rows.append([_("Total des ménages sans domicile sortis"), len(last)])
    return [_("Destination à la sortie"), _("Ménages")], rows


register(
    Indicator(
        code="homeless_rehoused",
        title=gettext_lazy("Ménages sans domicile à l'entrée relogés, par destination"),
        unit=gettext_lazy("ménage"),
        rule=gettext_lazy(
            "Ménages sans domicile au début d'une mesure clôturée dans la période (sans abri, habitat de fortune, "
            "hôtel, hébergé en structure ou chez un tiers), chacun une fois, selon la catégorie de l'issue de la "
            "dernière de ces mesures ; une issue sans catégorie est comptée « non renseignée »."
        ),
        compute=homeless_rehoused,
    )
)


def measure_outcomes(scope: ReportScope, period: Period):
    """Measures closed in the period by their outcome; a measure closed without one is counted as unknown."""
    counts = (
        _measures(scope)
        .filter(Q(status=MeasureStatus.CLOSED) & _in_period(period, "end_date"))
        .values("outcome__label", "outcome__position")
        .annotate(measures=Count("pk"))
        .order_by("outcome__position", "outcome__label")
    )
    rows = [[row["outcome__label"], row["measures"]] for row in counts if row["outcome__label"] is not None]
    # Last whatever the database's order of nulls: an unknown outcome is shown, never dropped (W39).
    rows += [[_("Issue non renseignée"), row["measures"]] for row in counts if row["outcome__label"] is None]
    return [_("Issue à la sortie"), _("Mesures clôturées")], rows


register(
    Indicator(
        code="measure_outcomes",
        title=gettext_lazy("Issue des mesures clôturées"),
        unit=gettext_lazy("mesure"),
        rule=gettext_lazy(
            "Mesures dont la date de fin est dans la période, par issue ; une mesure clôturée sans issue est "
            "comptée « Issue non renseignée », jamais écartée."
        ),
        compute=measure_outcomes,
    )
)


def outcomes_by_category(scope: ReportScope, period: Period, *, schemes=None, groups=None):
    """Measures closed in the period by the funder category of their outcome (R84); with `groups` ((label,
    categories), …), by the funder's own categories, the others in « Autre issue ». Unknown stays a row."""
    counts = Counter(
        category or ""
        for category in _measures(scope, schemes).filter(_exited(period)).values_list("outcome__category", flat=True)
    )
    if groups:
        grouped = {category for _label, categories in groups for category in categories}
        rows = [[str(label), sum(counts[c] for c in categories)] for label, categories in groups]
        rows.append([_("Autre issue"), sum(n for c, n in counts.items() if c and c not in grouped)])
    else:
        rows = [[str(label), counts[value]] for value, label in OutcomeCategory.choices]
    rows.append([_("Issue non renseignée"), counts[""]])
    rows.append([_("Total des mesures clôturées"), sum(counts.values())])
    return [_("Issue à la sortie"), _("Mesures clôturées")], rows


register(
    Indicator(
        code="outcomes_by_category",
        title=gettext_lazy("Issue à la sortie, par catégorie"),
        unit=gettext_lazy("mesure"),
        rule=gettext_lazy(
            "Mesures dont la date de fin est dans la période, par catégorie de leur issue (la catégorie que la "
            "direction donne à chaque issue du catalogue). Une mesure sans issue, ou dont l'issue n'a pas de "
            "catégorie, est comptée « Issue non renseignée », jamais écartée."
        ),
        compute=outcomes_by_category,
    )
)


def measure_durations(scope: ReportScope, period: Period, *, schemes=None):
    """By programme: measures under way during the period, those still open on its last day, and the mean and
    median duration in days (`rules.measure_duration_days`: an open measure counts up to the period's end)."""
    by_programme: dict[str, dict] = {}
    for name, start, end in (
        _measures(scope, schemes)
        .filter(_during(period))
        .order_by("programme__position", "programme__name", "start_date")
        .values_list("programme__name", "start_date", "end_date")
    ):
        row = by_programme.setdefault(name, {"days": [], "open": 0})
        row["days"].append(rules.measure_duration_days(start, end, period.end))
        row["open"] += end is None or end > period.end
    rows = [
        [name, len(row["days"]), row["open"], *rules.mean_and_median(row["days"])] for name, row in by_programme.items()
    ]
    if rows:
        every = [days for row in by_programme.values() for days in row["days"]]
        rows.append(
            [_("Toutes les mesures"), len(every), sum(r["open"] for r in by_programme.values())]
            + list(rules.mean_and_median(every))
        )
    columns = [
        _("Dispositif"),
        _("Mesures"),
        _("dont en cours le dernier jour"),
        _("Durée moyenne (jours)"),
        _("Durée médiane (jours)"),
    ]
    return columns, rows


register(
    Indicator(
        code="measure_durations",
        title=gettext_lazy("Durée des mesures, par dispositif"),
        unit=gettext_lazy("mesure ; jour"),
        rule=gettext_lazy(
            "Mesures en cours pendant la période. Durée = date de fin − date de début, en jours ; pour une "
            "mesure encore en cours le dernier jour de la période, jusqu'à ce jour-là. Moyenne et médiane "
            "arrondies au jour le plus proche (une demi-journée compte pour un jour)."
        ),
        compute=measure_durations,
    )
)


# --- time spent ---------------------------------------------------------------------------------------------


def intervention_minutes(scope: ReportScope, period: Period):
    """Minutes of interventions with the person (front office) and without them (back office), by kind."""
    sums = {
        row["kind"]: row
        for row in Intervention.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
        .filter(_in_period(period, "occurred_on"))
        .values("kind")
        .annotate(
            front=Sum("duration_minutes", filter=Q(back_office=False), default=0),
            back=Sum("duration_minutes", filter=Q(back_office=True), default=0),
        )
        .order_by()
    }
    rows = [
        [str(label), sums[kind]["front"], sums[kind]["back"]]
        for kind, label in InterventionKind.choices
        if kind in sums
    ]
    rows.append([_("Total"), sum(row["front"] for row in sums.values()), sum(row["back"] for row in sums.values())])
    return [_("Type d'intervention"), _("Minutes avec la personne"), _("Minutes sans la personne")], rows


register(
    Indicator(
        code="intervention_minutes",
        title=gettext_lazy("Temps d'accompagnement avec et sans la personne"),
        unit=gettext_lazy("minute"),
        rule=gettext_lazy(
            "Durée des interventions datées dans la période, séparée entre le temps avec la personne et le "
            "temps de travail sans elle (back-office), par type d'intervention."
        ),
        compute=intervention_minutes,
    )
)


# --- reception desk and workshops -------------------------------------------------------------------------


def desk_visits_in_scope(scope: ReportScope, period: Period):
    visits = DeskVisit.objects.filter(
        organisation_id=scope.organisation_id,
        visited_at__date__gte=period.start,
        visited_at__date__lte=period.end,
    )
    # A team lead's figures: the visits of their households only (anonymous visits belong to no team).
    return visits if scope.whole_organisation else visits.filter(household__in=scope.households)


def desk_visits(scope: ReportScope, period: Period):
    """Desk visits by topic (a visit with two topics counts in both rows), then all visits and anonymous ones."""
    topics = Counter()
    total = anonymous = 0
    for visit_topics, household_id in desk_visits_in_scope(scope, period).values_list("topics", "household_id"):
        total += 1
        anonymous += household_id is None
        topics.update(set(visit_topics))
    rows = [[str(label), topics[value]] for value, label in Topic.choices if topics[value]]
    rows.append([_("Passages (tous motifs)"), total])
    rows.append([_("dont passages anonymes"), anonymous])
    return [_("Motif de venue"), _("Passages")], rows


register(
    Indicator(
        code="desk_visits",
        title=gettext_lazy("Passages à l'accueil, par motif"),
        unit=gettext_lazy("passage"),
        rule=gettext_lazy(
            "Passages dont la date (heure de Paris) est dans la période. Un passage à plusieurs motifs compte "
            "une fois par motif, et une fois dans le total. Pour un chef de service : les passages des ménages "
            "de son équipe seulement (les passages anonymes ne sont d'aucune équipe)."
        ),
        compute=desk_visits,
    )
)


def workshop_attendance(scope: ReportScope, period: Period):
    """By theme: sessions held, households enrolled, households present at least once, attendances."""
    enrolments = Enrolment.objects.filter(
        organisation_id=scope.organisation_id,
        session__starts_at__date__gte=period.start,
        session__starts_at__date__lte=period.end,
    )
    if not scope.whole_organisation:
        enrolments = enrolments.filter(household__in=scope.households)
    by_theme = {
        row["session__workshop__theme"]: row
        for row in enrolments.values("session__workshop__theme")
        .annotate(
            sessions=Count("session", distinct=True),
            enrolled=Count("household", distinct=True),
            present=Count("household", filter=Q(attended=True), distinct=True),
            attendances=Count("pk", filter=Q(attended=True)),
        )
        .order_by()
    }
    rows = [
        [str(label), row["sessions"], row["enrolled"], row["present"], row["attendances"]]
        for theme, label in WorkshopTheme.choices
        if (row := by_theme.get(theme))
    ]
    columns = [_("Thème"), _("Séances"), _("Ménages inscrits"), _("Ménages venus"), _("Présences")]
    return columns, rows


register(
    Indicator(
        code="workshop_attendance",
        title=gettext_lazy("Participation aux ateliers collectifs, par thème"),
        unit=gettext_lazy("séance ; ménage ; présence"),
        rule=gettext_lazy(
            "Séances ayant au moins un inscrit, dont le début est dans la période. Ménages inscrits et ménages "
            "venus au moins une fois comptent une fois par thème ; les présences comptent chaque venue."
        ),
        compute=workshop_attendance,
    )
)


# --- eviction prevention -----------------------------------------------------------------------------------

# The outcomes where the household kept a home: « expulsions évitées ».
EVICTION_AVOIDED = (CaseOutcome.DEBT_SETTLED, CaseOutcome.PLAN_RESPECTED, CaseOutcome.REHOUSED)


def prevention_outcomes(scope: ReportScope, period: Period):
    """Cases opened in the period, cases closed in it by outcome, and evictions avoided."""
    cases = PreventionCase.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
    counts = cases.aggregate(
        opened=Count("pk", filter=_in_period(period, "opened_on")),
        **{
            value: Count("pk", filter=Q(outcome=value) & _in_period(period, "closed_on"))
            for value in CaseOutcome.values
        },
    )
    rows = [[_("Dossiers ouverts"), counts["opened"]]]
    rows += [[_("Clos : %(outcome)s") % {"outcome": label}, counts[value]] for value, label in CaseOutcome.choices]
    rows.append([_("Expulsions évitées"), sum(counts[value] for value in EVICTION_AVOIDED)])
    return [_("Dossiers de prévention"), _("Dossiers")], rows


register(
    Indicator(
        code="prevention_outcomes",
        title=gettext_lazy("Prévention des expulsions : dossiers ouverts et issues"),
        unit=gettext_lazy("dossier"),
        rule=gettext_lazy(
            "Ouverts : date d'ouverture dans la période. Clos : date de clôture dans la période, par issue. "
            "Expulsions évitées : dossiers clos dans la période sur une dette réglée, un plan d'apurement "
            "respecté ou un relogement."
        ),
        compute=prevention_outcomes,
    )
)


# --- leases --------------------------------------------------------------------------------------------------


OCCUPYING = (LeaseStatus.SIGNED, LeaseStatus.SLID, LeaseStatus.ENDED)  # a draft or a cancelled lease never ran


def leases_flow(scope: ReportScope, period: Period, *, kinds=None, split_sliding=False):
    """By kind of lease: leases started (a slide is not a new start), slid, and ended in the period. `kinds` keeps
    some kinds only; `split_sliding` shows the subleases with a bail glissant on a row of their own (IML, W36)."""
    leases = Lease.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
    if kinds:
        leases = leases.filter(kind__in=kinds)
    counts: dict[tuple, Counter] = {}
    for row in (
        leases.values("kind", "sliding")
        .annotate(
            started=Count(
                "pk",
                filter=_in_period(period, "start_date") & Q(slid_from__isnull=True) & Q(status__in=OCCUPYING),
            ),
            slid=Count("pk", filter=Q(status=LeaseStatus.SLID) & _in_period(period, "end_date")),
            ended=Count("pk", filter=Q(status=LeaseStatus.ENDED) & _in_period(period, "end_date")),
        )
        .order_by()
    ):
        key = (row["kind"], split_sliding and row["kind"] == LeaseKind.SUBLEASE and row["sliding"])
        counts.setdefault(key, Counter()).update({name: row[name] for name in ("started", "slid", "ended")})
    labels = []
    for kind, label in LeaseKind.choices:
        if split_sliding and kind == LeaseKind.SUBLEASE:
            labels += [
                ((kind, True), _("Sous-location, bail glissant")),
                ((kind, False), _("Sous-location, sans bail glissant")),
            ]
        else:
            labels.append(((kind, False), str(label)))
    rows = [
        [label, row["started"], row["slid"], row["ended"]]
        for key, label in labels
        if (row := counts.get(key)) and (row["started"] or row["slid"] or row["ended"])
    ]
    return [_("Type de bail"), _("Baux commencés"), _("Baux glissés"), _("Baux terminés")], rows


register(
    Indicator(
        code="leases_flow",
        title=gettext_lazy("Baux commencés, glissés et terminés"),
        unit=gettext_lazy("bail"),
        rule=gettext_lazy(
            "Commencés : bail signé dont le début est dans la période (le bail direct né d'un glissement n'est "
            "pas un nouveau bail). Glissés : sous-location glissée dont le dernier jour est dans la période. "
            "Terminés : bail terminé dont la fin est dans la période. Un bail en préparation ou abandonné ne "
            "compte pas."
        ),
        compute=leases_flow,
    )
)


# --- IML: dwellings managed and their vacancy days, by modality (W36) ----------------------------------------

MODALITY_SUBLEASE = "sublease"  # location / sous-location: the association holds a head lease on the dwelling
MODALITY_MANDATE = "mandate"  # mandat de gestion: the owner stays the landlord
MODALITIES = (
    (MODALITY_SUBLEASE, gettext_lazy("Location / sous-location (bail principal de l'association)")),
    (MODALITY_MANDATE, gettext_lazy("Mandat de gestion")),
)


def _management_periods(scope: ReportScope, period: Period) -> dict[str, dict]:
    """{modality: {dwelling id: [(first day, last day or None), …]}}: the periods during which the association
    managed each dwelling, from the dated facts of the leases app: an ordinary head lease on the dwelling (from its
    start to its end or its termination, whichever comes first) or a management mandate (start to end). For a team
    lead, only the dwellings where a household in their reach had a lease running in the period (an empty dwelling
    belongs to no team). Two queries, plus the team's subquery."""
    head_leases = HeadLease.objects.filter(
        organisation_id=scope.organisation_id, kind=HeadLeaseKind.ORDINARY, dwelling__isnull=False
    ).filter(_during(period))
    mandates = ManagementMandate.objects.filter(organisation_id=scope.organisation_id).filter(_during(period))
    if not scope.whole_organisation:
        housed = (
            Lease.objects.filter(
                organisation_id=scope.organisation_id, household__in=scope.households, status__in=OCCUPYING
            )
            .filter(_during(period))
            .values("dwelling_id")
        )
        head_leases, mandates = head_leases.filter(dwelling_id__in=housed), mandates.filter(dwelling_id__in=housed)
    periods: dict[str, dict] = {MODALITY_SUBLEASE: {}, MODALITY_MANDATE: {}}
    for dwelling_id, start, end, ended_on in head_leases.values_list(
        "dwelling_id", "start_date", "end_date", "ended_on"
    ):
        last = min(day for day in (end, ended_on) if day) if (end or ended_on) else None
        periods[MODALITY_SUBLEASE].setdefault(dwelling_id, []).append((start, last))
    for dwelling_id, start, end in mandates.values_list("dwelling_id", "start_date", "end_date"):
        periods[MODALITY_MANDATE].setdefault(dwelling_id, []).append((start, end))
    return periods


def iml_dwellings(scope: ReportScope, period: Period):
    """By modality: dwellings managed during the period, those captured in it, and their days managed, occupied
    and vacant (`rules.dwelling_days`); then every dwelling once."""
    periods = _management_periods(scope, period)
    managed_ids = {dwelling_id for by_dwelling in periods.values() for dwelling_id in by_dwelling}
    occupied: dict = {}
    for dwelling_id, start, end in (
        Lease.objects.filter(organisation_id=scope.organisation_id, status__in=OCCUPYING, dwelling_id__in=managed_ids)
        .filter(_during(period))
        .values_list("dwelling_id", "start_date", "end_date")
    ):
        occupied.setdefault(dwelling_id, []).append((start, end))

    def figures(label, by_dwelling):
        days = [
            rules.dwelling_days(spans, occupied.get(dwelling_id, []), period.start, period.end)
            for dwelling_id, spans in by_dwelling.items()
        ]
        captured = sum(1 for spans in by_dwelling.values() if min(start for start, _end in spans) >= period.start)
        return [
            label,
            len(by_dwelling),
            captured,
            sum(d.managed for d in days),
            sum(d.occupied for d in days),
            sum(d.vacant for d in days),
        ]

    rows = [figures(str(label), periods[modality]) for modality, label in MODALITIES]
    every: dict = {}
    for by_dwelling in periods.values():
        for dwelling_id, spans in by_dwelling.items():
            every.setdefault(dwelling_id, []).extend(spans)
    rows.append(figures(_("Total (chaque logement une fois)"), every))
    columns = [
        _("Modalité"),
        _("Logements gérés"),
        _("dont captés dans la période"),
        _("Jours de gestion"),
        _("Jours occupés"),
        _("Jours de vacance"),
    ]
    return columns, rows


register(
    Indicator(
        code="iml_dwellings",
        title=gettext_lazy("Logements gérés et jours de vacance, par modalité"),
        unit=gettext_lazy("logement ; jour"),
        rule=gettext_lazy(
            "Un logement est géré pendant les jours où court un bail principal de l'association pour le sous-louer "
            "(location / sous-location, jusqu'à sa fin ou sa résiliation) ou un mandat de gestion (mandat). "
            "Logements gérés : au moins un jour de gestion dans la période ; captés : dont la gestion a commencé "
            "dans la période. Jours de gestion : jours de la période où le logement est géré ; jours occupés : "
            "parmi eux, ceux où court un bail signé, glissé ou terminé (du début à la fin du bail) ; jours de "
            "vacance : les autres. Un jour couvert deux fois ne compte qu'une fois. Pour un chef de service : les "
            "logements où un ménage de son équipe a eu un bail pendant la période (un logement vide n'est d'aucune "
            "équipe)."
        ),
        compute=iml_dwellings,
    )
)


# --- panorama of concerns ---------------------------------------------------------------------------------


def concerns_panorama(scope: ReportScope, period: Period):
    """The « panorama des problématiques »: how many accompanied households carry each concern, most frequent
    first."""
    accompanied = _measures(scope).filter(_during(period)).values("household_id")
    concerns = (
        Concern.objects.filter(organisation_id=scope.organisation_id, households__in=accompanied)
        .values("category__name", "label")
        .annotate(households=Count("households", distinct=True))
        .order_by("-households", "category__position", "category__name", "label")
    )
    rows = [[row["category__name"], row["label"], row["households"]] for row in concerns]
    return [_("Catégorie"), _("Problématique"), _("Ménages")], rows


register(
    Indicator(
        code="concerns_panorama",
        title=gettext_lazy("Panorama des problématiques des ménages accompagnés"),
        unit=gettext_lazy("ménage"),
        rule=gettext_lazy(
            "Ménages accompagnés pendant la période (même règle que « Ménages accompagnés ») portant chaque "
            "problématique, de la plus fréquente à la plus rare. Un ménage compte une fois par problématique. "
            "Les problématiques ne sont pas datées : c'est l'état du dossier au moment du calcul, que le "
            "rapport enregistré fige."
        ),
        compute=concerns_panorama,
    )
)


# --- residents of the boarding houses and résidences (W33, W34) ---------------------------------------------------


def _stays(scope: ReportScope, residence_kinds=None):
    stays = ResidenceStay.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
    return stays.filter(place__residence__kind__in=residence_kinds) if residence_kinds else stays


def residence_occupancy(scope: ReportScope, period: Period, *, residence_kinds=None):
    """By residence, then all together: places on the last day, place-days available and occupied, vacancy days,
    occupancy rate, entries, exits and average length of the stays ended, counted by the residences' own figures
    (`residences.queries.period_occupancy`). For a team lead, the residences where a household in their reach
    stayed during the period."""
    residences = Residence.objects.filter(organisation_id=scope.organisation_id)
    if residence_kinds:
        residences = residences.filter(kind__in=residence_kinds)
    if not scope.whole_organisation:
        stayed = _stays(scope).filter(_during(period, "entered_on", "left_on")).values("place__residence_id")
        residences = residences.filter(pk__in=stayed)
    by_residence, everything = period_occupancy(residences.order_by("name", "id"), start=period.start, end=period.end)

    def row(label, figures):
        rate = figures.occupancy_rate
        return [
            label,
            figures.places,
            figures.available_days,
            figures.occupied_days,
            figures.vacancy_days,
            float(rate) if rate is not None else "",
            figures.entries,
            figures.exit_count,
            figures.average_stay_days if figures.average_stay_days is not None else "",
        ]

    rows = [row(residence.name, figures) for residence, figures in by_residence]
    if rows:
        rows.append(row(_("Toutes les résidences"), everything))
    columns = [
        _("Résidence"),
        _("Places le dernier jour"),
        _("Journées disponibles"),
        _("Journées occupées"),
        _("Journées de vacance"),
        _("Taux d'occupation (%)"),
        _("Entrées"),
        _("Sorties"),
        _("Durée moyenne des séjours terminés (jours)"),
    ]
    return columns, rows


register(
    Indicator(
        code="residence_occupancy",
        title=gettext_lazy("Places et occupation, par résidence"),
        unit=gettext_lazy("place ; journée ; séjour"),
        rule=gettext_lazy(
            "Journées disponibles : pour chaque place, les jours de la période où elle est ouverte ; journées "
            "occupées : ceux où un résident y vit (jour d'entrée compris) ; taux d'occupation = journées occupées / "
            "journées disponibles. Entrées et sorties : séjours dont la date d'entrée ou de sortie est dans la "
            "période ; durée moyenne : des séjours terminés dans la période, jours d'entrée et de sortie compris. "
            "Les mêmes calculs que les chiffres annuels de chaque résidence. Pour un chef de service : les "
            "résidences où un ménage de son équipe a séjourné pendant la période (toute la résidence y est comptée)."
        ),
        compute=residence_occupancy,
    )
)


def present_on(day: date) -> Q:
    """A stay under way on `day`: entered on or before it and not left before it."""
    return Q(entered_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


def age_band_label(band) -> str:
    if band is None:
        return _("Âge non renseigné")
    low, high = band
    if low == 0:
        return _("Moins de %(age)s ans") % {"age": high + 1}
    if high is None:
        return _("%(age)s ans et plus") % {"age": low}
    return _("%(low)s à %(high)s ans") % {"low": low, "high": high}


def residents_by_age(scope: ReportScope, period: Period, *, residence_kinds=None):
    """Residents present on the period's last day, by age band on that day; an unknown birth date is a row."""
    counts = Counter(
        rules.age_band(birth_date, period.end)
        for _resident, birth_date in _stays(scope, residence_kinds)
        .filter(present_on(period.end))
        .values_list("resident_id", "resident__birth_date")
        .distinct()
    )
    rows = [[age_band_label(band), counts[band]] for band in (*rules.AGE_BANDS, None)]
    return [_("Tranche d'âge"), _("Résidents présents le dernier jour")], rows


register(
    Indicator(
        code="residents_by_age",
        title=gettext_lazy("Résidents présents le dernier jour, par tranche d'âge"),
        unit=gettext_lazy("personne (résident)"),
        rule=gettext_lazy(
            "Résidents dont le séjour en résidence a commencé au plus tard le dernier jour de la période et n'a pas "
            "pris fin avant ce jour-là ; âge révolu ce jour-là. Une personne compte une fois ; une date de "
            "naissance inconnue est comptée « Âge non renseigné »."
        ),
        compute=residents_by_age,
    )
)


def stay_exits_by_destination(scope: ReportScope, period: Period, *, residence_kinds=None):
    """Stays ended in the period by the destination at exit, every destination shown (« Inconnue » included)."""
    counts = Counter(
        _stays(scope, residence_kinds).filter(_in_period(period, "left_on")).values_list("exit_destination", flat=True)
    )
    rows = [[str(label), counts[value]] for value, label in ExitDestination.choices]
    return [_("Destination à la sortie"), _("Sorties")], rows


register(
    Indicator(
        code="stay_exits_by_destination",
        title=gettext_lazy("Sorties de résidence, par destination"),
        unit=gettext_lazy("sortie (séjour)"),
        rule=gettext_lazy(
            "Séjours en résidence dont la date de sortie est dans la période, par destination à la sortie ; "
            "chaque destination est une ligne, « Inconnue » comprise."
        ),
        compute=stay_exits_by_destination,
    )
)


# --- reports -------------------------------------------------------------------------------------------------

REPORTS["activity"] = Report(
    code="activity",
    title=gettext_lazy("Rapport d'activité de l'association"),
    description=gettext_lazy(
        "Les tableaux du rapport d'activité annuel : ménages et personnes par dispositif, mesures, temps "
        "d'accompagnement, accueil, ateliers, prévention des expulsions, baux et panorama des problématiques."
    ),
    indicators=(
        "households_accompanied",
        "households_entered",
        "measures_flow",
        "measure_outcomes",
        "intervention_minutes",
        "desk_visits",
        "workshop_attendance",
        "prevention_outcomes",
        "leases_flow",
        "concerns_panorama",
    ),
)


# --- funder reports: profiles that choose variants of the same indicators (W39) ------------------------------

C = OutcomeCategory
HOUSED = (C.HOUSED_SOCIAL, C.HOUSED_PRIVATE, C.HOUSED_SUPPORTED, C.HOUSED)


def funder_uses(scheme: str, groups: tuple) -> tuple[Use, ...]:
    """The tables of a funder's report on one scheme: households at entry, present and at exit, measures,
    durations and outcomes at exit in the funder's categories; the same indicators as the activity report."""
    only = {"schemes": (scheme,)}
    return (
        Use("households_entered", scheme, only),
        Use("households_accompanied", scheme, only),
        Use("households_exited", scheme, only),
        Use("measures_flow", scheme, only),
        Use("measure_durations", scheme, only),
        Use("outcomes_by_category", scheme, only | {"groups": groups}),
    )


# AVDL (R81, W35): outcome at exit « relogement, maintien, orientation »; the diagnostic may end the measure.
AVDL_GROUPS = (
    (gettext_lazy("Relogement (accès au logement, glissement du bail)"), (*HOUSED, C.LEASE_SLID)),
    (gettext_lazy("Maintien dans le logement"), (C.MAINTAINED,)),
    (gettext_lazy("Orientation"), (C.ORIENTED,)),
    (gettext_lazy("Fin après le diagnostic"), (C.AFTER_DIAGNOSIS,)),
)
# ASLL (R80): measures « nécessaires à l'installation ou au maintien dans un logement ».
ASLL_GROUPS = (
    (gettext_lazy("Installation dans un logement"), (*HOUSED, C.LEASE_SLID)),
    (gettext_lazy("Maintien dans le logement"), (C.MAINTAINED,)),
    (gettext_lazy("Orientation vers un autre accompagnement"), (C.ORIENTED,)),
    (gettext_lazy("Interruption (refus, perte de contact)"), (C.REFUSED, C.LOST_CONTACT)),
)
# IML (W36): glissements and exit destinations.
IML_GROUPS = (
    (gettext_lazy("Glissement du bail"), (C.LEASE_SLID,)),
    (gettext_lazy("Relogement dans le parc social"), (C.HOUSED_SOCIAL,)),
    (gettext_lazy("Relogement dans le parc privé"), (C.HOUSED_PRIVATE,)),
    (gettext_lazy("Résidence sociale ou pension de famille"), (C.HOUSED_SUPPORTED,)),
    (gettext_lazy("Logement, type non précisé"), (C.HOUSED,)),
    (gettext_lazy("Orientation"), (C.ORIENTED,)),
    (
        gettext_lazy("Rupture (expulsion, rue ou hébergement, perte de contact)"),
        (C.EVICTED, C.STREET_OR_HOSTED, C.LOST_CONTACT),
    ),
)

REPORTS["avdl"] = Report(
    code="avdl",
    title=gettext_lazy("Rapport AVDL — accompagnement vers et dans le logement"),
    description=gettext_lazy(
        "Les mesures des dispositifs de type AVDL : ménages entrés, accompagnés et sortis, mesures, durées et "
        "issue à la sortie, situation un an après la fin de la mesure."
    ),
    # W35: the State follows the share in rent arrears a year after the end of the AVDL (optional follow-up).
    indicators=(
        *funder_uses(Scheme.AVDL, AVDL_GROUPS),
        Use("follow_up_situations", "avdl", {"schemes": (Scheme.AVDL,)}),
    ),
    funder=gettext_lazy("État (DDETS) et bailleurs sociaux, par le FNAVDL"),
    categories=gettext_lazy(
        "Issues à la sortie : relogement, maintien dans le logement, orientation ; fin après le diagnostic."
    ),
)
REPORTS["asll"] = Report(
    code="asll",
    title=gettext_lazy("Rapport ASLL — accompagnement social lié au logement (FSL)"),
    description=gettext_lazy(
        "Les mesures des dispositifs de type ASLL financées par le fonds de solidarité pour le logement : "
        "ménages entrés, accompagnés et sortis, mesures, durées et issue à la sortie."
    ),
    indicators=funder_uses(Scheme.ASLL, ASLL_GROUPS),
    funder=gettext_lazy("Département (FSL)"),
    categories=gettext_lazy(
        "Issues à la sortie : installation dans un logement, maintien dans le logement, orientation, interruption."
    ),
)
REPORTS["iml"] = Report(
    code="iml",
    title=gettext_lazy("Rapport IML — intermédiation locative"),
    description=gettext_lazy(
        "Les mesures des dispositifs de type IML, chaque dispositif étant une modalité (sous-location, bail "
        "glissant, mandat de gestion) : ménages entrés, accompagnés et sortis, durées des mesures, glissements "
        "et destinations à la sortie ; baux en sous-location (avec ou sans bail glissant) et sous mandat, "
        "glissements ; logements gérés, captés et jours de vacance, par modalité. Le coût de chacune des trois "
        "activités n'est pas encore compté ici."
    ),
    indicators=(
        *funder_uses(Scheme.IML, IML_GROUPS),
        Use(
            "leases_flow",
            "iml",
            {"kinds": (LeaseKind.SUBLEASE, LeaseKind.MANDATE), "split_sliding": True},
        ),
        Use("iml_dwellings"),
    ),
    funder=gettext_lazy("État (DDETS)"),
    categories=gettext_lazy(
        "Destinations à la sortie : glissement du bail, relogement (parc social, parc privé, résidence sociale "
        "ou pension de famille), orientation, rupture."
    ),
)


# ES-DS (W33): the DREES survey of establishments for adults and families in social difficulty; anonymous rows
# of the persons present on the last day and of those who left during the period, exported beside it (W43).
REPORTS["esds"] = Report(
    code="esds",
    title=gettext_lazy("Enquête ES-DS (DREES) — résidents présents et sortis"),
    description=gettext_lazy(
        "Pour l'enquête quadriennale de la DREES auprès des établissements pour adultes et familles en difficulté "
        "sociale : les résidents présents le dernier jour de la période, par tranche d'âge, et les sorties de la "
        "période, par destination (édition 2024-2025 : sorties du 1er janvier 2024 au 31 janvier 2025, présents "
        "le 31 janvier 2025). Les petits effectifs sont masqués ; les lignes individuelles anonymes se "
        "téléchargent à part."
    ),
    indicators=("residents_by_age", "stay_exits_by_destination"),
    funder=gettext_lazy("DREES (enquête statistique obligatoire)"),
    categories=gettext_lazy(
        "Tranches d'âge ; destinations à la sortie des résidences. Le sexe, les ressources et la situation avant "
        "l'entrée ne sont pas enregistrés."
    ),
    small_cells=True,
    anonymous_rows=True,
)


# Logement d'abord (W37): the programme 177 indicators the association feeds, from the situation at entry recorded
# on the measures and the category of their outcome; every programme counts.
REPORTS["logement_dabord"] = Report(
    code="logement_dabord",
    title=gettext_lazy("Logement d'abord — ménages sans domicile relogés"),
    description=gettext_lazy(
        "Pour les indicateurs du Logement d'abord (programme 177) : les ménages entrés par situation de logement "
        "à l'entrée (valeurs de la demande de logement social), et les ménages sans domicile à l'entrée sortis "
        "dans la période, par destination."
    ),
    indicators=("entry_situations", "homeless_rehoused"),
    funder=gettext_lazy("État (Dihal, DDETS)"),
    categories=gettext_lazy(
        "Situations à l'entrée du SNE (correspondance avec ses codes à confirmer) ; destinations : logement "
        "social, privé, glissement du bail, résidence sociale ou pension de famille."
    ),
)


# Pensions de famille and résidences accueil (W34): no national template; the fields regional State studies use
# that the application records, as variants of the residences' indicators restricted to these kinds.
BOARDING_HOUSES = {"residence_kinds": (ResidenceKind.PENSION_DE_FAMILLE, ResidenceKind.RESIDENCE_ACCUEIL)}
REPORTS["pension_famille"] = Report(
    code="pension_famille",
    title=gettext_lazy("Rapport annuel des pensions de famille"),
    description=gettext_lazy(
        "Les pensions de famille et résidences accueil : places et taux d'occupation, entrées, sorties et durée "
        "des séjours, résidents présents par tranche d'âge, destinations à la sortie."
    ),
    indicators=(
        Use("residence_occupancy", "pension_famille", BOARDING_HOUSES),
        Use("residents_by_age", "pension_famille", BOARDING_HOUSES),
        Use("stay_exits_by_destination", "pension_famille", BOARDING_HOUSES),
    ),
    funder=gettext_lazy("État (DDETS)"),
    categories=gettext_lazy(
        "Aucun modèle national : les champs des études régionales de l'État que l'application enregistre. Les "
        "ressources, la situation avant l'entrée, l'orientation, le temps d'hôte et le reste à charge ne sont "
        "pas encore comptés."
    ),
)


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
    the whole source of the modules that count them (the compute function's module and the pure rules), so a
    change in a helper a query uses changes it too. A stored run says which definitions made it."""
    digest = hashlib.sha256()
    modules = {}
    for use in uses_of(code):
        indicator = INDICATORS[use.indicator]
        params = indicator.params | use.params
        digest.update(f"{use.definition}:{indicator.revision}:{_stable(params)}".encode())
        for module in (inspect.getmodule(indicator.compute), rules):
            modules.setdefault(module.__name__, module)
    for name in sorted(modules):
        digest.update(inspect.getsource(modules[name]).encode())
    return digest.hexdigest()[:16]
