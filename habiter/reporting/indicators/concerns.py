"""The panorama of the households' concerns (the seed's « panorama des problématiques sociales »): for each calendar
year of the period, how many households accompanied that year carry each concern, the most frequent first.

Which households a year counts is dated: a household is counted in a year when one of its measures was under way
on at least one day of that year inside the period (the rule of « Ménages accompagnés », `measures`), so a measure
closed or opened after a year is over leaves that year's column as it was. The concerns a household carries are not
dated (a current field of the file, edited in place, with no history): they are read as they are when the table is
counted, and the stored run freezes them (ADR 0022). The pure cutting of a period into calendar years stays here, so
that the shared rules' source, part of every indicator's fingerprint, is unchanged.
"""

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.people.models import Household

from ..scope import ReportScope
from .base import Indicator, Period, during, register
from .measures import _measures


def calendar_years(period: Period) -> list[Period]:
    """The period cut at each 1 January: one piece per calendar year it touches, oldest first (a period from 1 July
    2024 to 30 June 2025 gives 1 July → 31 December 2024, then 1 January → 30 June 2025)."""
    return [
        Period(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31)))
        for year in range(period.start.year, period.end.year + 1)
    ]


def year_column(piece: Period) -> str:
    """A year's column title: the year, and the days of it the period covers when it does not cover it whole."""
    if (piece.start.month, piece.start.day, piece.end.month, piece.end.day) == (1, 1, 12, 31):
        return str(piece.start.year)
    return _("%(year)s (du %(start)s au %(end)s)") % {
        "year": piece.start.year,
        "start": piece.start.strftime("%d/%m"),
        "end": piece.end.strftime("%d/%m"),
    }


def concerns_panorama(scope: ReportScope, period: Period):
    """The « panorama des problématiques » by year: for each concern carried by a household accompanied during the
    period, the households accompanied each calendar year that carry it, most frequent over the whole period first
    (each household once), then as the organisation orders its categories. A period over several years adds the
    whole period's column, the one the rows are sorted by. Two queries, whatever the number of households."""
    years = calendar_years(period)
    accompanied = _measures(scope).filter(during(period))
    years_of: dict = defaultdict(set)  # household id → the indexes of the years it was accompanied in
    for household_id, start, end in accompanied.values_list("household_id", "start_date", "end_date"):
        for index, year in enumerate(years):
            if start <= year.end and (end is None or end >= year.start):
                years_of[household_id].add(index)
    names: dict = {}
    carriers: dict = defaultdict(set)  # concern id → the households carrying it
    for concern_id, household_id, position, category, label in (
        Household.concerns.through.objects.filter(
            household_id__in=accompanied.values("household_id"), concern__organisation_id=scope.organisation_id
        )
        .values_list(
            "concern_id", "household_id", "concern__category__position", "concern__category__name", "concern__label"
        )
        .order_by()
    ):
        names[concern_id] = (position, category, label)
        carriers[concern_id].add(household_id)
    rows = []
    for concern_id in sorted(names, key=lambda pk: (-len(carriers[pk]), *names[pk])):
        _position, category, label = names[concern_id]
        per_year = [sum(1 for pk in carriers[concern_id] if index in years_of[pk]) for index in range(len(years))]
        whole = [len(carriers[concern_id])] if len(years) > 1 else []
        rows.append([category, label, *per_year, *whole])
    columns = [_("Catégorie"), _("Problématique"), *(year_column(year) for year in years)]
    if len(years) > 1:
        columns.append(_("Toute la période (chaque ménage une fois)"))
    return columns, rows


register(
    Indicator(
        code="concerns_panorama",
        title=gettext_lazy("Panorama des problématiques des ménages accompagnés"),
        unit=gettext_lazy("ménage"),
        rule=gettext_lazy(
            "Une colonne par année civile de la période (la part de l'année comprise dans la période quand elle "
            "n'y est pas entière) : les ménages accompagnés pendant cette année (même règle que « Ménages "
            "accompagnés » : une mesure en cours au moins un jour de l'année ; une mesure seulement demandée ne "
            "compte pas) portant chaque problématique. Un ménage compte une fois par problématique et par année. "
            "Les problématiques sont rangées de la plus fréquente à la plus rare sur toute la période, chaque "
            "ménage une fois ; une période de plusieurs années a aussi la colonne de toute la période. Les dates "
            "des mesures situent chaque ménage dans ses années : une mesure close ou ouverte après une année ne "
            "change pas son compte. Les problématiques ne sont pas datées : c'est l'état du dossier au moment du "
            "calcul, que le rapport enregistré fige."
        ),
        compute=concerns_panorama,
    )
)
