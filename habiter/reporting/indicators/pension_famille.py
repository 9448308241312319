"""The tables only the boarding houses' annual report has (DOMAIN-2 W34): the residents present on the period's last
day by sex and age, and each residence's staffing — its places, its hosts' full-time equivalents (ETP) typed by the
director for the year, and the staffing rate, ETP per ten places.

A module of its own, so that its source counts in the fingerprint of this report's tables only (ADR 0022)."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.people.models import Sex
from habiter.residences.models import HostingStaff, Place, Residence

from .. import rules
from ..scope import ReportScope
from .base import Indicator, Period, during, register
from .residences import age_band_label, present_on, stays_in_scope

HUNDREDTHS = Decimal("0.01")
# The staffing rate is said per this many places (W34's regional studies: « ETP pour 10 places »).
RATE_PLACES = 10


def residents_by_sex_and_age(scope: ReportScope, period: Period, *, residence_kinds=None):
    """Residents present on the period's last day, by age band on that day and by sex: women, men, sex not said, and
    both together; then all ages. One query."""
    counts = Counter(
        (rules.age_band(birth_date, period.end), sex)
        for _resident, birth_date, sex in stays_in_scope(scope, residence_kinds)
        .filter(present_on(period.end))
        .values_list("resident_id", "resident__birth_date", "resident__sex")
        .order_by()
        .distinct()
    )
    sexes = (Sex.FEMALE, Sex.MALE, "")
    rows = []
    for band in (*rules.AGE_BANDS, None):
        figures = [counts[(band, sex)] for sex in sexes]
        rows.append([age_band_label(band), *figures, sum(figures)])
    rows.append([_("Tous âges"), *(sum(row[column] for row in rows) for column in range(1, len(sexes) + 2))])
    columns = [_("Tranche d'âge"), _("Femmes"), _("Hommes"), _("Sexe non renseigné"), _("Ensemble")]
    return columns, rows


register(
    Indicator(
        code="residents_by_sex_and_age",
        title=gettext_lazy("Résidents par sexe et par âge"),
        unit=gettext_lazy("personne (résident)"),
        rule=gettext_lazy(
            "Résidents dont le séjour en résidence a commencé au plus tard le dernier jour de la période et n'a pas "
            "pris fin avant ce jour-là ; âge révolu ce jour-là ; sexe dit sur la fiche de la personne (facultatif). "
            "Une personne compte une fois ; une date de naissance inconnue est comptée « Âge non renseigné », un "
            "sexe non dit « Sexe non renseigné », jamais deviné."
        ),
        compute=residents_by_sex_and_age,
    )
)


def _hundredths(value: Decimal) -> float:
    return float(value.quantize(HUNDREDTHS, rounding=ROUND_HALF_UP))


def staffing_rate(fte: Decimal, places: int) -> Decimal | None:
    """ETP per ten places, rounded to the hundredth (half up); None without a place."""
    if not places:
        return None
    return (fte * RATE_PLACES / places).quantize(HUNDREDTHS, rounding=ROUND_HALF_UP)


def hosting_staffing(scope: ReportScope, period: Period, *, residence_kinds=None):
    """By residence, then all together: the places in service on the period's last day, the hosts' ETP the director
    typed for the year of that day, and the staffing rate, ETP per ten places; « non renseigné » where no ETP was
    typed. The residences are those `residence_occupancy` counts: a team lead's are those where a household in their
    reach stayed during the period. Three queries."""
    residences = Residence.objects.filter(organisation_id=scope.organisation_id)
    if residence_kinds:
        residences = residences.filter(kind__in=residence_kinds)
    if not scope.whole_organisation:
        stayed = stays_in_scope(scope).filter(during(period, "entered_on", "left_on")).values("place__residence_id")
        residences = residences.filter(pk__in=stayed)
    residences = list(residences.order_by("name", "id").only("pk", "name", "opened_on"))
    ids = [residence.pk for residence in residences]
    opened = {residence.pk: residence.opened_on for residence in residences}
    places = Counter()
    for residence_id, opened_on in Place.objects.filter(residence_id__in=ids).values_list("residence_id", "opened_on"):
        in_service_from = opened_on or opened[residence_id]  # a place without its date: since the residence opened
        if in_service_from is None or in_service_from <= period.end:
            places[residence_id] += 1
    fte = dict(
        HostingStaff.objects.filter(residence_id__in=ids, year=period.end.year).values_list("residence_id", "fte")
    )
    unknown = _("non renseigné")

    def row(label, place_count, hosts):
        if hosts is None:
            return [label, place_count, unknown, unknown]
        rate = staffing_rate(hosts, place_count)
        return [label, place_count, _hundredths(hosts), float(rate) if rate is not None else ""]

    rows = [row(residence.name, places[residence.pk], fte.get(residence.pk)) for residence in residences]
    if rows:
        # all together only when every residence's ETP is typed: a partial sum would understate the staffing
        known = len(fte) == len(residences)
        rows.append(
            row(_("Toutes les résidences"), sum(places.values()), sum(fte.values(), Decimal("0")) if known else None)
        )
    columns = [
        _("Résidence"),
        _("Places le dernier jour"),
        _("Temps des hôtes (ETP)"),
        _("Taux d'encadrement (ETP pour 10 places)"),
    ]
    return columns, rows


register(
    Indicator(
        code="hosting_staffing",
        title=gettext_lazy("Encadrement"),
        unit=gettext_lazy("place ; équivalent temps plein (ETP)"),
        rule=gettext_lazy(
            "Places : les places en service le dernier jour de la période (comme dans le tableau d'occupation). "
            "Temps des hôtes : les équivalents temps plein que la direction a saisis pour la résidence et l'année "
            "du dernier jour de la période (pour une période sur plusieurs années, ceux de sa dernière année), "
            "« non renseigné » s'ils ne l'ont pas été. Taux d'encadrement = ETP × 10 / places, arrondi au "
            "centième. « Toutes les résidences » : toutes les places ; les ETP et le taux seulement si ceux de "
            "chaque résidence sont saisis. Pour un chef de service : les résidences où un ménage de son équipe a "
            "séjourné pendant la période."
        ),
        compute=hosting_staffing,
    )
)
