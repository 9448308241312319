"""The indicators, each defined once: a named query over what the apps already record, with its counting rule
written beside it (DOMAIN-2 W39: "one entry, many reports").

An indicator is a function of a `ReportScope` (organisation, and the team lead's households) and a `Period`,
returning one table. A variant is the same function with other parameters (`params`), never a copy of the
query. A report is a list of indicators. Figures are counted from the rows, never stored as totals (R84); what
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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.evictions.models import CaseOutcome, PreventionCase
from habiter.leases.models import Lease, LeaseKind, LeaseStatus
from habiter.people.models import Concern, Person
from habiter.reception.models import DeskVisit, Enrolment, Topic, WorkshopTheme
from habiter.support.models import Intervention, InterventionKind, MeasureStatus, SupportMeasure

from .queries import ReportScope


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

    def table(self, scope: ReportScope, period: Period) -> dict:
        columns, rows = self.compute(scope, period, **self.params)
        return {"code": self.code, "title": str(self.title), "columns": [str(c) for c in columns], "rows": rows}


@dataclass(frozen=True)
class Report:
    code: str
    title: str
    description: str
    indicators: tuple[str, ...]


INDICATORS: dict[str, Indicator] = {}
REPORTS: dict[str, Report] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in INDICATORS or indicator.code in REPORTS:
        raise ValueError(f"Indicator code {indicator.code!r} is already registered.")
    INDICATORS[indicator.code] = indicator
    return indicator


# --- households and measures -------------------------------------------------------------------------------


def _measures(scope: ReportScope):
    """The scope's measures that were ever under way (a measure still « demandée » has not begun)."""
    return SupportMeasure.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households).exclude(
        status=MeasureStatus.REQUESTED
    )


def _during(period: Period, start="start_date", end="end_date") -> Q:
    return Q(**{f"{start}__lte": period.end}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": period.start}))


def _in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def households_by_programme(scope: ReportScope, period: Period, *, counting: str):
    """Households and their persons by programme; `counting` is "presence" (a measure under way during the
    period) or "entry" (a measure started in the period)."""
    measures = _measures(scope).filter(_during(period) if counting == "presence" else _in_period(period, "start_date"))
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


def measures_by_programme(scope: ReportScope, period: Period):
    """Measures started, ended and under way on the last day, by programme."""
    rows = [
        [row["programme__name"], row["opened"], row["closed"], row["active_at_end"]]
        for row in _measures(scope)
        .values("programme__name", "programme__position")
        .annotate(
            opened=Count("pk", filter=_in_period(period, "start_date")),
            closed=Count("pk", filter=Q(status=MeasureStatus.CLOSED) & _in_period(period, "end_date")),
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


def leases_flow(scope: ReportScope, period: Period):
    """By kind of lease: leases started (a slide is not a new start), slid, and ended in the period."""
    counts = {
        row["kind"]: row
        for row in Lease.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
        .values("kind")
        .annotate(
            started=Count(
                "pk",
                filter=_in_period(period, "start_date")
                & Q(slid_from__isnull=True)
                & Q(status__in=(LeaseStatus.SIGNED, LeaseStatus.SLID, LeaseStatus.ENDED)),
            ),
            slid=Count("pk", filter=Q(status=LeaseStatus.SLID) & _in_period(period, "end_date")),
            ended=Count("pk", filter=Q(status=LeaseStatus.ENDED) & _in_period(period, "end_date")),
        )
        .order_by()
    }
    rows = [
        [str(label), row["started"], row["slid"], row["ended"]]
        for kind, label in LeaseKind.choices
        if (row := counts.get(kind)) and (row["started"] or row["slid"] or row["ended"])
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


def indicator_codes(code: str) -> tuple[str, ...]:
    """The indicators a report or an indicator code stands for; KeyError for an unknown code."""
    if code in REPORTS:
        return REPORTS[code].indicators
    if code in INDICATORS:
        return (code,)
    raise KeyError(code)


def compute(code: str, scope: ReportScope, period: Period) -> list[dict]:
    """The tables of a report (or of one indicator) over `period`, within `scope`."""
    return [INDICATORS[indicator].table(scope, period) for indicator in indicator_codes(code)]


def code_version(code: str) -> str:
    """A fingerprint of what counts `code`'s figures: each indicator's code, revision, parameters and the source
    of its query. It changes whenever a counting rule does, so a stored run says which definitions made it."""
    digest = hashlib.sha256()
    for indicator_code in indicator_codes(code):
        indicator = INDICATORS[indicator_code]
        digest.update(f"{indicator.code}:{indicator.revision}:{sorted(indicator.params.items())}".encode())
        digest.update(inspect.getsource(indicator.compute).encode())
    return digest.hexdigest()[:16]
