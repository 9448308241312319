"""Indicators of the leases and of intermediation (IML, W36): leases started, slid and ended by kind, and the
dwellings managed with their vacancy days, by modality."""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.leases.models import HeadLease, HeadLeaseKind, Lease, LeaseKind, LeaseStatus, ManagementMandate

from .. import rules
from ..scope import ReportScope
from .base import Indicator, Period, during, in_period, register

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
                filter=in_period(period, "start_date") & Q(slid_from__isnull=True) & Q(status__in=OCCUPYING),
            ),
            slid=Count("pk", filter=Q(status=LeaseStatus.SLID) & in_period(period, "end_date")),
            ended=Count("pk", filter=Q(status=LeaseStatus.ENDED) & in_period(period, "end_date")),
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
    ).filter(during(period))
    mandates = ManagementMandate.objects.filter(organisation_id=scope.organisation_id).filter(during(period))
    if not scope.whole_organisation:
        housed = (
            Lease.objects.filter(
                organisation_id=scope.organisation_id, household__in=scope.households, status__in=OCCUPYING
            )
            .filter(during(period))
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
        .filter(during(period))
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
