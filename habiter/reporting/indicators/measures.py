"""Indicators of the households accompanied and their measures: households and persons by programme (present,
entered, exited), measures, durations, outcomes at exit, situations at entry and a year after, the homeless
rehoused (W37), and the time spent with and without the person. The panorama of the households' concerns, counted
by year over the same households, is `concerns`."""

from collections import Counter

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.dates import add_months
from habiter.people.models import Person
from habiter.support import rules as support_rules
from habiter.support.models import (
    HOMELESS_AT_ENTRY,
    EntrySituation,
    FollowUpSituation,
    Intervention,
    InterventionKind,
    MeasureStatus,
    OutcomeCategory,
    SupportMeasure,
)

from .. import rules
from ..scope import ReportScope
from .base import Indicator, Period, during, in_period, register


def _measures(scope: ReportScope, schemes=None):
    """The scope's measures that were ever under way (a measure still « demandée » has not begun), of programmes
    of the given schemes if any."""
    measures = SupportMeasure.objects.filter(
        organisation_id=scope.organisation_id, household__in=scope.households
    ).exclude(status=MeasureStatus.REQUESTED)
    return measures.filter(programme__scheme__in=schemes) if schemes else measures


def _exited(period: Period) -> Q:
    return Q(status=MeasureStatus.CLOSED) & in_period(period, "end_date")


COUNTINGS = {"presence", "entry", "exit"}


def households_by_programme(scope: ReportScope, period: Period, *, counting: str, schemes=None):
    """Households and their persons by programme; `counting` is "presence" (a measure under way during the
    period), "entry" (a measure started in the period) or "exit" (a measure closed in the period)."""
    if counting not in COUNTINGS:
        raise ValueError(f"Unknown counting {counting!r}.")
    measures = _measures(scope, schemes).filter(
        {"presence": during(period), "entry": in_period(period, "start_date"), "exit": _exited(period)}[counting]
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
            opened=Count("pk", filter=in_period(period, "start_date")),
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
        .filter(in_period(period, "start_date"))
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
        .filter(Q(status=MeasureStatus.CLOSED) & in_period(period, "end_date"))
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
        .filter(during(period))
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
        .filter(in_period(period, "occurred_on"))
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
