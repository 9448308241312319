"""Indicators of the aide à la gestion locative sociale (AGLS) of the résidences sociales (DOMAIN.md R82, DOMAIN-2
W38): the grant expected per residence, its residents and their movements, and the yearly activity of the gestion
locative sociale by the four categories of R82, over what the application records.

Which residences count: the résidences sociales; the pensions de famille and résidences accueil too only when the
dated parameter `agls_boarding_houses_eligible` says so on the period's last day (W38 leaves it UNCONFIRMED). The
flat amount per dwelling of the 2025 reform is the dated parameter `agls_amount_per_dwelling_eur` (its value is not
in the domain sources: « - » until an operator enters it, and « à confirmer » while it is not CONFIRMED). A foyer de
jeunes travailleurs (FJT, a résidence sociale marked `young_workers`) adds a bonus: the dated rate
`agls_fjt_bonus_rate` in force on the period's last day × the CAF's PSE the residence received in the year before the
period's last day's year (`YoungWorkersPse`), rounded to the cent; while that PSE is not recorded the bonus, and so
the grant, is not statable and the report says so, never counting it 0.

For a team lead: the residences where a household of their reach stayed during the period; what belongs to the
residence (its dwellings and grant, its collective activities, the meetings of its councils) is counted whole, what
concerns residents (presence, movements, participation, supports, arrears, terminations) for their households only.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.community.models import Meeting
from habiter.core.legal import LegalParameters, MissingLegalParameter
from habiter.core.legal_queries import legal_parameters
from habiter.ledger.models import RedevanceCall, money_sum
from habiter.residences.models import (
    HouseActivity,
    IndividualSupport,
    NoticeBy,
    Place,
    Residence,
    ResidenceContract,
    ResidenceKind,
    SupportKind,
    TerminationGround,
    YoungWorkersPse,
)

from ..scope import ReportScope
from .base import Indicator, Period, during, in_period, register
from .residences import stay_exits_by_destination, stays_in_scope

AMOUNT_KEY = "agls_amount_per_dwelling_eur"
BOARDING_HOUSES_KEY = "agls_boarding_houses_eligible"
FJT_BONUS_KEY = "agls_fjt_bonus_rate"
UNKNOWN = "-"  # the parameter's value while nobody has entered the amount
CENTS = Decimal("0.01")


# --- which residences, and the amount per dwelling (dated parameters) ---------------------------------------------


def residence_kinds(on: date, params: LegalParameters) -> tuple[str, ...]:
    """The kinds of residence the AGLS is counted for on `on`: résidences sociales, and the pensions de famille
    (résidences accueil included, R77) when the parameter says they receive it."""
    kinds = (ResidenceKind.RESIDENCE_SOCIALE,)
    if params.integer(BOARDING_HOUSES_KEY, on) == 1:
        kinds += (ResidenceKind.PENSION_DE_FAMILLE, ResidenceKind.RESIDENCE_ACCUEIL)
    return kinds


def amount_per_dwelling(on: date, params: LegalParameters) -> tuple[Decimal | None, str]:
    """The yearly flat amount per dwelling in force on `on` (None when there is none or it is not entered yet), and
    what the report says of it."""
    try:
        row = params.row(AMOUNT_KEY, on)
    except MissingLegalParameter:
        return None, _("Aucun forfait par logement en vigueur")
    if row.value.strip() == UNKNOWN:
        return None, _("Forfait non renseigné dans les paramètres légaux : à confirmer")
    amount = params.decimal(AMOUNT_KEY, on)
    return amount, _("Confirmé") if row.status == "CONFIRMED" else _("À confirmer")


def agls_residences(scope: ReportScope, period: Period, kinds) -> list[Residence]:
    """The residences of `kinds` of the organisation, by name; for a team lead, those where a household of their
    reach stayed during the period."""
    residences = Residence.objects.filter(organisation_id=scope.organisation_id, kind__in=kinds)
    if not scope.whole_organisation:
        stayed = stays_in_scope(scope).filter(during(period, "entered_on", "left_on")).values("place__residence_id")
        residences = residences.filter(pk__in=stayed)
    return list(residences.order_by("name", "id"))


def dwellings_on(residences: list[Residence], day: date) -> Counter:
    """{residence id: places in service on `day`}: a place is in service from its own opening date, else the
    residence's, and always when neither is known (the residences' own counting of places)."""
    places = (
        Place.objects.filter(residence__in=residences)
        .annotate(opening=Coalesce("opened_on", "residence__opened_on"))
        .filter(Q(opening__isnull=True) | Q(opening__lte=day))
        .values("residence_id")
        .annotate(places=Count("pk"))
        .order_by()
    )
    return Counter({row["residence_id"]: row["places"] for row in places})


def _money(value: Decimal) -> float:
    return float(value.quantize(CENTS))


def fjt_bonus_rate(on: date, params: LegalParameters) -> Decimal | None:
    """The share of the CAF's PSE of N-1 an FJT receives as AGLS bonus on `on` (None when no rate is in force)."""
    try:
        return params.decimal(FJT_BONUS_KEY, on)
    except MissingLegalParameter:
        return None


def young_workers_pse(residences: list[Residence], year: int) -> dict:
    """{residence id: the CAF's PSE recorded for `year`} of the FJTs among `residences`: one query, none without an
    FJT."""
    fjts = [r.pk for r in residences if r.young_workers]
    if not fjts:
        return {}
    return dict(YoungWorkersPse.objects.filter(residence_id__in=fjts, year=year).values_list("residence_id", "amount"))


def fjt_bonus(rate: Decimal | None, pse: Decimal | None, pse_year: int) -> Decimal | str:
    """The AGLS bonus of an FJT: `rate` × its PSE of `pse_year`, rounded to the cent (half up); what makes it not
    statable otherwise (no rate in force, PSE not recorded), as the report says it."""
    if rate is None:
        return _("Aucun taux de bonus FJT en vigueur")
    if pse is None:
        return _("PSE %(year)s non saisie") % {"year": pse_year}
    return (rate * pse).quantize(CENTS, rounding=ROUND_HALF_UP)


# --- the grant expected ------------------------------------------------------------------------------------------


def agls_grant(scope: ReportScope, period: Period):
    """By residence, then all together: the dwellings in service on the period's last day, the yearly flat amount
    per dwelling in force that day and the flat part it gives (dwellings × amount); for an FJT the CAF's PSE of the
    year before and the bonus on it (`fjt_bonus`); the grant expected (flat part + bonus), not statable while a
    bonus is not; the amount's status."""
    params = legal_parameters()
    residences = agls_residences(scope, period, residence_kinds(period.end, params))
    dwellings = dwellings_on(residences, period.end)
    amount, status = amount_per_dwelling(period.end, params)
    pse_year = period.end.year - 1
    rate = fjt_bonus_rate(period.end, params)
    pse = young_workers_pse(residences, pse_year)
    kinds = dict(ResidenceKind.choices)

    def row(label, kind, count, pse_amount, bonus):
        flat = amount * count if amount is not None else None
        if flat is None:
            total = ""
        elif isinstance(bonus, str):
            total = _("Non établie : %(reason)s") % {"reason": bonus}
        else:
            total = _money(flat + (bonus or 0))
        return [
            label,
            kind,
            count,
            _money(amount) if amount is not None else "",
            _money(flat) if flat is not None else "",
            _money(pse_amount) if pse_amount is not None else "",
            _money(bonus) if isinstance(bonus, Decimal) else (bonus or ""),
            total,
            status,
        ]

    rows, bonuses, recorded = [], [], []
    for r in residences:
        if r.young_workers:
            bonus = fjt_bonus(rate, pse.get(r.pk), pse_year)
            bonuses.append(bonus)
            recorded.append(pse.get(r.pk))
            rows.append(row(r.name, str(kinds[r.kind]), dwellings[r.pk], pse.get(r.pk), bonus))
        else:
            rows.append(row(r.name, str(kinds[r.kind]), dwellings[r.pk], None, None))
    if rows:
        # all together: a bonus not statable makes the total's not statable too (the first reason is said)
        missing = next((bonus for bonus in bonuses if isinstance(bonus, str)), None)
        all_pse = sum(recorded) if recorded and None not in recorded else None
        all_bonus = missing or (sum(bonuses) if bonuses else None)
        count = sum(dwellings[r.pk] for r in residences)
        rows.append(row(_("Toutes les résidences"), "", count, all_pse, all_bonus))
    columns = [
        _("Résidence"),
        _("Type"),
        _("Logements en service le dernier jour"),
        _("Forfait annuel par logement (€)"),
        _("Part forfaitaire (€)"),
        _("PSE de la CAF de %(year)s des FJT (€)") % {"year": pse_year},
        _("Bonus FJT (€)"),
        _("Aide annuelle attendue (€)"),
        _("Forfait"),
    ]
    return columns, rows


register(
    Indicator(
        code="agls_grant",
        title=gettext_lazy("Aide à la gestion locative sociale attendue, par résidence"),
        unit=gettext_lazy("logement ; euro par an"),
        rule=gettext_lazy(
            "Depuis la réforme de 2025, l'AGLS est un forfait par logement, calculé par résidence, plus un bonus pour "
            "un foyer de jeunes travailleurs (FJT). Logements : les places en service le dernier jour de la période "
            "(depuis leur date de mise en service, à défaut celle de la résidence). Part forfaitaire = logements × "
            "forfait annuel par logement en vigueur ce jour-là (paramètre légal daté, « à confirmer » tant qu'il "
            "n'est pas confirmé ; vide tant que son montant n'est pas saisi), non proratisée pour une place ouverte "
            "en cours d'année. Bonus FJT, pour une résidence sociale marquée foyer de jeunes travailleurs : taux en "
            "vigueur le dernier jour (paramètre légal daté) × PSE (prestation de service socio-éducative) versée par "
            "la CAF l'année précédant celle du dernier jour, arrondi au centime ; tant que cette PSE n'est pas "
            "saisie, le bonus et l'aide sont « non établis », jamais comptés à zéro. Aide annuelle attendue = part "
            "forfaitaire + bonus FJT. Résidences comptées : les résidences sociales ; les pensions de famille et "
            "résidences accueil seulement si le paramètre légal daté le prévoit (non établi). Pour un chef de "
            "service : les résidences où un ménage de son équipe a séjourné pendant la période, comptées en entier."
        ),
        compute=agls_grant,
    )
)


# --- residents and their movements ------------------------------------------------------------------------------


def agls_residents(scope: ReportScope, period: Period):
    """By residence, then all together: residents present on the period's last day, stays begun and ended in it."""
    residences = agls_residences(scope, period, residence_kinds(period.end, legal_parameters()))
    present, entries, exits = defaultdict(set), Counter(), Counter()
    for residence_id, resident_id, entered_on, left_on in (
        stays_in_scope(scope)
        .filter(place__residence__in=residences)
        .filter(during(period, "entered_on", "left_on"))
        .values_list("place__residence_id", "resident_id", "entered_on", "left_on")
    ):
        if left_on is None or left_on >= period.end:  # begun by the last day (`during`), not left before it
            present[residence_id].add(resident_id)
        entries[residence_id] += period.start <= entered_on <= period.end
        exits[residence_id] += left_on is not None and period.start <= left_on <= period.end
    rows = [[r.name, len(present[r.pk]), entries[r.pk], exits[r.pk]] for r in residences]
    if rows:
        rows.append(
            [
                _("Toutes les résidences"),
                len(set().union(*(present[r.pk] for r in residences))),
                sum(entries[r.pk] for r in residences),
                sum(exits[r.pk] for r in residences),
            ]
        )
    columns = [_("Résidence"), _("Résidents présents le dernier jour"), _("Entrées"), _("Sorties")]
    return columns, rows


register(
    Indicator(
        code="agls_residents",
        title=gettext_lazy("Résidents présents, entrées et sorties, par résidence"),
        unit=gettext_lazy("personne (résident) ; séjour"),
        rule=gettext_lazy(
            "Présents : résidents dont le séjour a commencé au plus tard le dernier jour de la période et n'a pas "
            "pris fin avant ce jour-là, chacun une fois. Entrées et sorties : séjours dont la date d'entrée ou de "
            "sortie est dans la période. Mêmes résidences que le tableau de l'aide attendue ; pour un chef de "
            "service, les séjours des ménages de son équipe seulement."
        ),
        compute=agls_residents,
    )
)


def agls_exits(scope: ReportScope, period: Period):
    """The exits from the AGLS residences by destination: the residences' own indicator, over these kinds."""
    return stay_exits_by_destination(scope, period, residence_kinds=residence_kinds(period.end, legal_parameters()))


register(
    Indicator(
        code="agls_exits",
        title=gettext_lazy("Sorties des résidences, par destination"),
        unit=gettext_lazy("sortie (séjour)"),
        rule=gettext_lazy(
            "Séjours dont la date de sortie est dans la période, par destination à la sortie, « Inconnue » "
            "comprise : le même compte que « Sorties de résidence, par destination », sur les résidences comptées "
            "pour l'AGLS. Pour un chef de service : les séjours des ménages de son équipe."
        ),
        compute=agls_exits,
    )
)


# --- the gestion locative sociale by the four categories of R82 --------------------------------------------------

REGULATION = gettext_lazy("Régulation de la vie collective")
ARREARS = gettext_lazy("Prévention et gestion des impayés")
ISOLATION = gettext_lazy("Lutte contre l'isolement")
MEDIATION = gettext_lazy("Médiation vers les services extérieurs")
UNSORTED = gettext_lazy("Hors des quatre catégories")

# (category, what is counted, key of the count): the rows of each residence, in this order.
FACTS = (
    (REGULATION, gettext_lazy("Activités collectives tenues (journal de la maison)"), "activities"),
    (
        REGULATION,
        gettext_lazy("Réunions des instances de la résidence (conseil de concertation, comité de résidents…)"),
        "meetings",
    ),
    (REGULATION, gettext_lazy("Résiliations notifiées pour manquement au règlement intérieur"), "breach"),
    (ARREARS, gettext_lazy("Résidents en impayé de redevance le dernier jour"), "in_arrears"),
    (ARREARS, gettext_lazy("Résiliations notifiées pour impayés"), "unpaid"),
    (ISOLATION, gettext_lazy("Résidents ayant pris part à au moins une activité collective"), "participants"),
    (ISOLATION, gettext_lazy("Soutiens contre l'isolement notés par les hôtes"), "isolation_supports"),
    (ISOLATION, gettext_lazy("Résidents ayant reçu au moins un soutien contre l'isolement"), "isolation_supported"),
    (MEDIATION, gettext_lazy("Démarches de médiation notées par les hôtes"), "mediation_supports"),
    (MEDIATION, gettext_lazy("Résidents accompagnés vers un service extérieur"), "mediation_supported"),
    (
        UNSORTED,
        gettext_lazy("Soutiens individuels d'une autre nature, ou notés avant que leur nature soit demandée"),
        "other_supports",
    ),
)


def _residence_counts(queryset, field="residence_id") -> Counter:
    return Counter(dict(queryset.values_list(field).annotate(count=Count("pk")).order_by()))


def gls_counts(scope: ReportScope, period: Period, residences: list[Residence]) -> dict[str, Counter]:
    """{fact key: {residence id: count}} for the facts of `FACTS`: one query per fact, whatever the number of
    residences."""
    ids = [r.pk for r in residences]
    organisation = scope.organisation_id
    activities = HouseActivity.objects.filter(organisation_id=organisation, residence_id__in=ids).filter(
        in_period(period, "held_on")
    )
    participants = Counter(
        residence_id
        for residence_id, _person in HouseActivity.participants.through.objects.filter(
            houseactivity__in=activities, person__household__in=scope.households
        )
        .values_list("houseactivity__residence_id", "person_id")
        .distinct()
    )
    meetings = Meeting.objects.filter(
        organisation_id=organisation,
        council__residence_id__in=ids,
        starts_at__date__gte=period.start,
        starts_at__date__lte=period.end,
    )
    terminations = Counter(
        {
            (residence_id, ground): count
            for residence_id, ground, count in ResidenceContract.objects.filter(
                organisation_id=organisation,
                place__residence_id__in=ids,
                household__in=scope.households,
                notice_by=NoticeBy.MANAGER,
                termination_ground__in=(TerminationGround.BREACH, TerminationGround.UNPAID),
            )
            .filter(in_period(period, "notice_on"))
            .values_list("place__residence_id", "termination_ground")
            .annotate(count=Count("pk"))
            .order_by()
        }
    )
    supports = {}  # {(residence id, kind): (notes, residents)}; a note without kind counts as « other »
    for residence_id, kind, notes, residents in (
        IndividualSupport.objects.filter(
            organisation_id=organisation, residence_id__in=ids, resident__household__in=scope.households
        )
        .filter(in_period(period, "given_on"))
        .values_list("residence_id", "kind")
        .annotate(notes=Count("pk"), residents=Count("resident", distinct=True))
        .order_by()
    ):
        supports[(residence_id, kind)] = (notes, residents)

    def support_count(kinds, which):
        return Counter({r: sum(supports.get((r, kind), (0, 0))[which] for kind in kinds) for r in ids})

    return {
        "activities": _residence_counts(activities),
        "meetings": _residence_counts(meetings, "council__residence_id"),
        "breach": Counter({r: terminations[(r, TerminationGround.BREACH)] for r in ids}),
        "in_arrears": residents_in_arrears(scope, ids, period.end),
        "unpaid": Counter({r: terminations[(r, TerminationGround.UNPAID)] for r in ids}),
        "participants": participants,
        "isolation_supports": support_count([SupportKind.ISOLATION], 0),
        "isolation_supported": support_count([SupportKind.ISOLATION], 1),
        "mediation_supports": support_count([SupportKind.MEDIATION], 0),
        "mediation_supported": support_count([SupportKind.MEDIATION], 1),
        "other_supports": support_count([SupportKind.OTHER, ""], 0),
    }


def residents_in_arrears(scope: ReportScope, residence_ids: list, day: date) -> Counter:
    """{residence id: residents owing redevance on `day`}: a resident whose contract has a call due on or before
    that day (not cancelled) that the payments received by then (not set aside) do not pay in full."""
    owing = (
        RedevanceCall.objects.filter(
            organisation_id=scope.organisation_id,
            contract__place__residence_id__in=residence_ids,
            contract__household__in=scope.households,
            cancelled_on__isnull=True,
            due_date__lte=day,
        )
        .annotate(
            paid_then=money_sum(
                "allocations__amount",
                filter=Q(allocations__payment__reversed_on__isnull=True, allocations__payment__received_on__lte=day),
            )
        )
        .filter(paid_then__lt=F("total"))
        .values_list("contract__place__residence_id", "contract__resident_id")
    )
    return Counter(residence_id for residence_id, _resident in set(owing))


def agls_activity(scope: ReportScope, period: Period):
    """For each residence, the facts the application records for each category of the gestion locative sociale
    (R82), a row each; a category it does not record is said in the report's categories, never given a figure."""
    residences = agls_residences(scope, period, residence_kinds(period.end, legal_parameters()))
    counts = gls_counts(scope, period, residences) if residences else {}
    rows = [
        [residence.name, str(category), str(fact), counts[key][residence.pk]]
        for residence in residences
        for category, fact, key in FACTS
    ]
    return [_("Résidence"), _("Catégorie d'intervention"), _("Fait enregistré"), _("Nombre")], rows


register(
    Indicator(
        code="agls_activity",
        title=gettext_lazy("Gestion locative sociale : activité par catégorie d'intervention, par résidence"),
        unit=gettext_lazy("activité, réunion, résiliation, soutien ou résident, comme le dit chaque ligne"),
        rule=gettext_lazy(
            "Les quatre catégories de la gestion locative sociale (régulation de la vie collective, prévention et "
            "gestion des impayés, lutte contre l'isolement, médiation vers les services extérieurs), chacune par "
            "les faits que l'application enregistre. Activités collectives du journal de la maison et soutiens "
            "individuels notés par les hôtes : datés dans la période. Réunions : celles des instances rattachées à "
            "la résidence, datées dans la période (heure de Paris). Résiliations : notifiées par le gestionnaire "
            "dans la période, par motif. Résidents en impayé : ceux dont un appel de redevance échu au plus tard "
            "le dernier jour (non annulé) n'était pas entièrement payé par les paiements reçus jusqu'à ce jour "
            "(hors paiements contre-passés). Un résident compte une fois par ligne. Les soutiens individuels "
            "comptent dans la catégorie que l'hôte a choisie en les notant (lutte contre l'isolement, médiation "
            "vers les services extérieurs) ; une autre aide, ou un soutien noté avant que sa nature soit demandée, "
            "est compté à part, hors des quatre catégories. Pour un chef de service : activités et réunions de la "
            "résidence en entier, les faits des résidents pour les ménages de son équipe seulement."
        ),
        compute=agls_activity,
    )
)
