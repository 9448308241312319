"""The IML report per modality (DOMAIN-2 W36): the households housed through intermédiation locative — location /
sous-location (a sublease resting on an ordinary head lease of the association, with or without bail glissant) and
mandat de gestion (a lease under a management mandate) — their entries, exits and glissements, the length of their
stays, where they went, and the dwellings they lived in by the surface the head lease rents.

Everything is counted from dated facts: a lease's first and last days, its slide, its recorded end; the outcome noted
when a measure was closed (a closed measure never changes); the surface written in the head lease when it was
signed. What the application keeps with no date is not counted, and the rules say so: the owner's type and the
dwelling's Anah convention (fields of the owner's and the dwelling's records, edited in place), the surface of a
dwelling under mandate (the mandate records none) and places (a dwelling's capacity is not recorded, and a
household's members are today's).

The arithmetic of the stays stays in this module (not in `reporting.rules`) so that the fingerprints of the reports
that do not count them are unchanged (decision record 0022).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.leases.models import HeadLeaseKind, Lease, LeaseKind, LeaseStatus
from habiter.support.models import MeasureStatus, OutcomeCategory

from .. import rules
from ..scope import ReportScope
from .base import Indicator, Period, register
from .leases import MODALITIES, MODALITY_MANDATE, MODALITY_SUBLEASE, OCCUPYING, _management_periods
from .measures import _measures

# What a lease is, for the modalities: a sublease with or without bail glissant, or a lease under mandate.
SLIDING = "sublease_sliding"
PLAIN = "sublease_plain"
MANDATE = "mandate"
SUBLEASES = frozenset({SLIDING, PLAIN})
EVERY = frozenset({SLIDING, PLAIN, MANDATE})
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Tenancy:
    """One lease of the modalities as the stays are made of it."""

    household_id: object
    dwelling_id: object
    key: str  # SLIDING, PLAIN or MANDATE
    start: date
    end: date | None  # its last day once its end is recorded (ended or slid); None while it runs
    slid: bool
    surface: Decimal | None  # the surface the head lease rents (a sublease); None under mandate


@dataclass(frozen=True)
class Stay:
    """A household's tenancies of one group of modalities that follow each other without a day between them."""

    household_id: object
    start: date
    end: date | None
    slid: bool  # its last tenancy ended by the slide of the lease


@dataclass(frozen=True)
class Measure:
    household_id: object
    start: date
    end: date | None  # its closing day, if closed
    category: str  # the funder category of the outcome noted when it was closed ("" unknown)


def _rows():
    """(label, keys) of the modality rows, then the total."""
    labels = dict(MODALITIES)
    return (
        (str(labels[MODALITY_SUBLEASE]), SUBLEASES),
        (_("dont avec bail glissant"), frozenset({SLIDING})),
        (_("dont sans bail glissant"), frozenset({PLAIN})),
        (str(labels[MODALITY_MANDATE]), frozenset({MANDATE})),
        (_("Total (chaque ménage une fois)"), EVERY),
    )


def _leases(scope: ReportScope, period: Period):
    """The scope's leases of the modalities that ran (signed, slid or ended) and began by the period's last day."""
    return Lease.objects.filter(
        organisation_id=scope.organisation_id,
        household__in=scope.households,
        status__in=OCCUPYING,
        start_date__lte=period.end,
    ).filter(Q(kind=LeaseKind.MANDATE) | Q(kind=LeaseKind.SUBLEASE, head_lease__kind=HeadLeaseKind.ORDINARY))


def _measure_facts(scope: ReportScope, period: Period, leases, schemes) -> list[Measure]:
    """The measures (of `schemes`, if any) begun by the period's last day of the households of `leases`; a measure
    closed after that day is still under way on it. One query."""
    facts = []
    for household_id, start, end, status, category in (
        _measures(scope, schemes)
        .filter(household_id__in=leases.values("household_id"), start_date__lte=period.end)
        .order_by("end_date", "created_at", "pk")
        .values_list("household_id", "start_date", "end_date", "status", "outcome__category")
    ):
        closed = status == MeasureStatus.CLOSED and end is not None and end <= period.end
        facts.append(Measure(household_id, start, end if closed else None, (category or "") if closed else ""))
    return facts


def _overlaps(tenancy: Tenancy, measure: Measure) -> bool:
    return (tenancy.end is None or measure.start <= tenancy.end) and (
        measure.end is None or measure.end >= tenancy.start
    )


def tenancies_and_measures(scope: ReportScope, period: Period, schemes=None, *, with_measures=False):
    """The tenancies of the modalities begun by the period's last day and, with `schemes`, only those during which
    the household had a measure of those schemes under way; the measures too when asked (or needed). One query for
    the leases, one for the measures."""
    leases = _leases(scope, period)
    tenancies = []
    for household_id, dwelling_id, kind, sliding, status, start, end, surface in leases.order_by(
        "start_date", "pk"
    ).values_list(
        "household_id", "dwelling_id", "kind", "sliding", "status", "start_date", "end_date", "head_lease__surface"
    ):
        recorded_end = end if status in (LeaseStatus.ENDED, LeaseStatus.SLID) else None
        key = MANDATE if kind == LeaseKind.MANDATE else (SLIDING if sliding else PLAIN)
        tenancies.append(
            Tenancy(
                household_id,
                dwelling_id,
                key,
                start,
                recorded_end,
                status == LeaseStatus.SLID,
                surface if key != MANDATE else None,
            )
        )
    measures = _measure_facts(scope, period, leases, schemes) if (schemes or with_measures) else []
    if schemes:
        by_household: dict = {}
        for measure in measures:
            by_household.setdefault(measure.household_id, []).append(measure)
        tenancies = [t for t in tenancies if any(_overlaps(t, m) for m in by_household.get(t.household_id, []))]
    return tenancies, measures


def stays(tenancies) -> list[Stay]:
    """Each household's tenancies in order of their first day, joined into one stay while the next begins by the day
    after the last day of those before it (a move from one dwelling to another of the modality is not an exit): the
    stay begins with its first and ends with the last, or runs while one runs."""
    found: list[Stay] = []
    by_household: dict = {}
    for tenancy in sorted(tenancies, key=lambda t: (str(t.household_id), t.start, t.end or date.max)):
        by_household.setdefault(tenancy.household_id, []).append(tenancy)
    for household_id, ordered in by_household.items():
        start, end, slid = ordered[0].start, ordered[0].end, ordered[0].slid
        for tenancy in ordered[1:]:
            if end is not None and tenancy.start > end + ONE_DAY:
                found.append(Stay(household_id, start, end, slid))
                start, end, slid = tenancy.start, tenancy.end, tenancy.slid
            elif end is not None and (tenancy.end is None or tenancy.end >= end):
                end, slid = tenancy.end, tenancy.slid
        found.append(Stay(household_id, start, end, slid))
    return found


def _during(item, period: Period) -> bool:
    return item.start <= period.end and (item.end is None or item.end >= period.start)


def _exited(stay: Stay, period: Period) -> bool:
    return stay.end is not None and period.start <= stay.end <= period.end


def _last_exits(stays_of_row, period: Period) -> dict:
    """{household id: the stay whose end is its last exit in the period}."""
    last: dict = {}
    for stay in stays_of_row:
        if _exited(stay, period) and (stay.household_id not in last or stay.end > last[stay.household_id].end):
            last[stay.household_id] = stay
    return last


# --- households housed, entered and left ---------------------------------------------------------------------


def iml_households(scope: ReportScope, period: Period, *, schemes=None):
    """By modality (the subleases, with and without bail glissant, then the mandates) and in all: the households
    housed during the period, those who entered and left, those whose last exit was the slide of their lease, and the
    dwellings their leases of the period were on. Two queries."""
    tenancies, _measures_found = tenancies_and_measures(scope, period, schemes)
    rows = []
    for label, keys in _rows():
        mine = [t for t in tenancies if t.key in keys]
        during = [stay for stay in stays(mine) if _during(stay, period)]
        last_exits = _last_exits(during, period)
        rows.append(
            [
                label,
                len({stay.household_id for stay in during}),
                len({stay.household_id for stay in during if period.start <= stay.start}),
                len(last_exits),
                sum(1 for stay in last_exits.values() if stay.slid),
                len({t.dwelling_id for t in mine if _during(t, period)}),
            ]
        )
    columns = [
        _("Modalité"),
        _("Ménages logés"),
        _("Ménages entrés"),
        _("Ménages sortis"),
        _("dont par glissement du bail"),
        _("Logements occupés"),
    ]
    return columns, rows


MODALITIES_RULE = gettext_lazy(
    "Modalités : location / sous-location, un bail de sous-location adossé à un bail principal de l'association "
    "pour sous-louer (avec ou sans bail glissant) ; mandat de gestion, un bail sous mandat de gestion. Un bail compte "
    "s'il a été signé (signé, glissé ou terminé) ; il court de son premier jour jusqu'à sa fin enregistrée (fin du "
    "bail ou glissement) : une fin seulement prévue n'est pas une sortie. Séjour : les baux d'un ménage dans la "
    "modalité qui se suivent sans un jour entre eux (un changement de logement sans interruption n'est ni une sortie "
    "ni une entrée). Avec un type de dispositif, seuls comptent les baux pendant lesquels le ménage avait une mesure "
    "d'un dispositif de ce type en cours (une mesure seulement demandée ne compte pas)."
)

register(
    Indicator(
        code="iml_households",
        title=gettext_lazy("IML : ménages logés, entrés et sortis, par modalité"),
        unit=gettext_lazy("ménage ; logement"),
        rule=format_lazy(
            "{} {}",
            MODALITIES_RULE,
            gettext_lazy(
                "Ménages logés : un séjour pendant la période ; entrés : séjour commencé dans la période ; sortis : "
                "séjour terminé dans la période ; dont par glissement : la dernière sortie du ménage dans la période "
                "est le glissement de son bail. Un ménage compte une fois par ligne et une fois dans le total. "
                "Logements occupés : les logements de ces baux pendant la période. Non compté : les places (la "
                "capacité d'un logement n'est pas enregistrée, et la composition d'un ménage n'est pas datée)."
            ),
        ),
        compute=iml_households,
    )
)


# --- lengths of stay -----------------------------------------------------------------------------------------


def iml_stay_durations(scope: ReportScope, period: Period, *, schemes=None):
    """By modality and in all: the stays during the period, those still running on its last day, and their mean and
    median length in days (end − start; a stay running on the last day counts to it). Two queries."""
    tenancies, _measures_found = tenancies_and_measures(scope, period, schemes)
    rows = []
    for label, keys in _rows():
        during = [stay for stay in stays(t for t in tenancies if t.key in keys) if _during(stay, period)]
        days = [rules.measure_duration_days(stay.start, stay.end, period.end) for stay in during]
        mean_median = rules.mean_and_median(days) or ("", "")
        running = sum(1 for stay in during if stay.end is None or stay.end > period.end)
        rows.append([label, len(during), running, *mean_median])
    columns = [
        _("Modalité"),
        _("Séjours"),
        _("dont en cours le dernier jour"),
        _("Durée moyenne (jours)"),
        _("Durée médiane (jours)"),
    ]
    return columns, rows


register(
    Indicator(
        code="iml_stay_durations",
        title=gettext_lazy("IML : durée des séjours, par modalité"),
        unit=gettext_lazy("séjour ; jour"),
        rule=format_lazy(
            "{} {}",
            MODALITIES_RULE,
            gettext_lazy(
                "Séjours pendant la période. Durée = dernier jour − premier jour du séjour, en jours, depuis son "
                "premier bail même avant la période ; pour un séjour en cours le dernier jour de la période, jusqu'à "
                "ce jour-là. Moyenne et médiane arrondies au jour le plus proche (une demi-journée compte pour un "
                "jour) ; vides sans séjour."
            ),
        ),
        compute=iml_stay_durations,
    )
)


# --- exit destinations ---------------------------------------------------------------------------------------


def _destination(stay: Stay, closed: list[Measure], period: Period) -> str:
    """The category a household's exit counts as: the slide of its lease, or the outcome noted at the closing of its
    last measure closed from the stay's first day to the period's last; "" when none says."""
    if stay.slid:
        return OutcomeCategory.LEASE_SLID
    noted = [m for m in closed if m.end is not None and stay.start <= m.end <= period.end]
    return noted[-1].category if noted else ""  # the measures come ordered by their closing day


def iml_exit_destinations(scope: ReportScope, period: Period, *, schemes=None, groups=None):
    """The households who left a modality in the period, each once per column by its last exit, by destination: the
    slide of the lease, else the category of the outcome of its measure closed last (of `schemes`, if any); with
    `groups`, in the funder's categories, the others « Autre issue »; unknown always a row. Two queries."""
    tenancies, measures = tenancies_and_measures(scope, period, schemes, with_measures=True)
    closed: dict = {}
    for measure in measures:
        if measure.end is not None:
            closed.setdefault(measure.household_id, []).append(measure)
    labels = dict(MODALITIES)
    columns_keys = ((labels[MODALITY_SUBLEASE], SUBLEASES), (labels[MODALITY_MANDATE], frozenset({MANDATE})))
    counts = []
    for _label, keys in (*columns_keys, (None, EVERY)):
        last_exits = _last_exits(stays(t for t in tenancies if t.key in keys), period)
        counts.append(
            Counter(
                _destination(stay, closed.get(household_id, []), period) for household_id, stay in last_exits.items()
            )
        )
    if groups:
        grouped = {category for _label, categories in groups for category in categories}
        rows = [[str(label), *(sum(c[x] for x in categories) for c in counts)] for label, categories in groups]
        rows.append([_("Autre issue"), *(sum(n for x, n in c.items() if x and x not in grouped) for c in counts)])
    else:
        rows = [[str(label), *(c[value] for c in counts)] for value, label in OutcomeCategory.choices]
    rows.append([_("Issue non renseignée"), *(c[""] for c in counts)])
    rows.append([_("Total des ménages sortis"), *(sum(c.values()) for c in counts)])
    columns = [
        _("Destination à la sortie"),
        *(str(label) for label, _keys in columns_keys),
        _("Total (chaque ménage une fois)"),
    ]
    return columns, rows


register(
    Indicator(
        code="iml_exit_destinations",
        title=gettext_lazy("IML : destination des ménages sortis, par modalité"),
        unit=gettext_lazy("ménage"),
        rule=format_lazy(
            "{} {}",
            MODALITIES_RULE,
            gettext_lazy(
                "Ménages dont un séjour s'est terminé dans la période, chacun une fois par colonne selon sa dernière "
                "sortie. Destination : le glissement du bail quand le séjour s'est terminé ainsi ; sinon la catégorie "
                "de l'issue notée à la clôture de la dernière mesure du ménage (d'un dispositif du type, s'il est dit) "
                "clôturée entre le premier jour du séjour et le dernier jour de la période. Sans une telle mesure, ou "
                "si son issue n'a pas de catégorie : « Issue non renseignée », jamais écartée."
            ),
        ),
        compute=iml_exit_destinations,
    )
)


# --- dwellings by the surface the head lease rents -----------------------------------------------------------

SURFACE_BANDS = (
    (Decimal("20"), gettext_lazy("Moins de 20 m²")),
    (Decimal("40"), gettext_lazy("De 20 à moins de 40 m²")),
    (Decimal("60"), gettext_lazy("De 40 à moins de 60 m²")),
    (Decimal("80"), gettext_lazy("De 60 à moins de 80 m²")),
    (None, gettext_lazy("80 m² et plus")),
)


def surface_band(surface: Decimal) -> int:
    """The index of the band of `surface` in `SURFACE_BANDS` (each band includes its lower bound)."""
    return next(index for index, (below, _label) in enumerate(SURFACE_BANDS) if below is None or surface < below)


def iml_dwellings_by_surface(scope: ReportScope, period: Period, *, schemes=None):
    """The dwellings in location / sous-location where a household (with `schemes`, of those schemes) had a sublease
    during the period, by band of the surface their head lease rents (that of the last sublease of the period), and
    among them those captured in the period as `iml_dwellings` counts them (their management under a head lease
    began in it); the number and the surface in m². Four queries."""
    tenancies, _measures_found = tenancies_and_measures(scope, period, schemes)
    surfaces: dict = {}
    for tenancy in tenancies:  # in order of their first day: the last one of the period wins
        if tenancy.key in SUBLEASES and _during(tenancy, period) and tenancy.surface is not None:
            surfaces[tenancy.dwelling_id] = tenancy.surface
    managed = _management_periods(scope, period)[MODALITY_SUBLEASE]
    captured = {
        dwelling_id
        for dwelling_id in surfaces
        if dwelling_id in managed and min(start for start, _end in managed[dwelling_id]) >= period.start
    }
    bands = [[0, Decimal("0.00"), 0, Decimal("0.00")] for _band in SURFACE_BANDS]
    for dwelling_id, surface in surfaces.items():
        band = bands[surface_band(surface)]
        band[0] += 1
        band[1] += surface
        if dwelling_id in captured:
            band[2] += 1
            band[3] += surface
    rows = [
        [str(label), count, float(total), captured_count, float(captured_total)]
        for (_below, label), (count, total, captured_count, captured_total) in zip(SURFACE_BANDS, bands, strict=True)
    ]
    rows.append(
        [
            _("Total"),
            len(surfaces),
            float(sum(surfaces.values(), Decimal("0.00"))),
            len(captured),
            float(sum((surfaces[d] for d in captured), Decimal("0.00"))),
        ]
    )
    columns = [
        _("Surface louée"),
        _("Logements"),
        _("Surface louée totale (m²)"),
        _("dont captés dans la période"),
        _("Surface louée des logements captés (m²)"),
    ]
    return columns, rows


register(
    Indicator(
        code="iml_dwellings_by_surface",
        title=gettext_lazy("IML : logements en location / sous-location, par surface louée"),
        unit=gettext_lazy("logement ; m²"),
        rule=format_lazy(
            "{} {}",
            MODALITIES_RULE,
            gettext_lazy(
                "Les logements où un ménage a eu une sous-location pendant la période, par la surface que loue le "
                "bail principal de la dernière de ces sous-locations (écrite dans le bail à sa signature). Captés : "
                "dont la gestion par un bail principal a commencé dans la période, comme dans « Logements gérés et "
                "jours de vacance » ; un logement capté qu'aucun ménage compté n'a occupé pendant la période n'est "
                "que dans ce tableau-là. Non comptés, faute d'être enregistrés à une date : la surface des logements "
                "sous mandat de gestion (le mandat n'en écrit pas), le type de propriétaire et le conventionnement "
                "Anah (des champs des fiches du propriétaire et du logement, modifiés sur place, sans date)."
            ),
        ),
        compute=iml_dwellings_by_surface,
    )
)
