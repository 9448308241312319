"""Indicators of the boarding houses and résidences (W33, W34): places and occupancy, residents present by age,
exits by destination."""

from collections import Counter
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.residences.models import ExitDestination, Residence, ResidenceStay
from habiter.residences.queries import period_occupancy

from .. import rules
from ..scope import ReportScope
from .base import Indicator, Period, during, in_period, register


def stays_in_scope(scope: ReportScope, residence_kinds=None):
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
        stayed = stays_in_scope(scope).filter(during(period, "entered_on", "left_on")).values("place__residence_id")
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
        for _resident, birth_date in stays_in_scope(scope, residence_kinds)
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
        stays_in_scope(scope, residence_kinds)
        .filter(in_period(period, "left_on"))
        .values_list("exit_destination", flat=True)
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
