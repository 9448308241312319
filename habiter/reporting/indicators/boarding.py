"""Who lives in the boarding houses, for their annual report (DOMAIN-2 W34): the residents' situation before entry
and main resource at entry (said on each stay), how they were oriented (an SIAO orientation or not), and the
redevance left to pay once the CAF's APL-foyer is deducted (reste à charge, from the ledger)."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.ledger.models import RedevanceCall, RedevancePayment, RedevancePaymentSource
from habiter.residences.models import MainResource
from habiter.support.models import EntrySituation

from ..scope import ReportScope
from .base import Indicator, Period, in_period, register
from .residences import present_on, stays_in_scope

CENTS = Decimal("0.01")


def _entries_and_present(scope: ReportScope, period: Period, field: str, choices, residence_kinds) -> list[list]:
    """For each value of `field` (then « non renseignée »): the stays entered in the period, and the residents
    present on its last day. One query."""
    entered, present = Counter(), Counter()
    for value, entered_on, left_on in (
        stays_in_scope(scope, residence_kinds)
        .filter(in_period(period, "entered_on") | present_on(period.end))
        .values_list(field, "entered_on", "left_on")
    ):
        if period.start <= entered_on <= period.end:
            entered[value] += 1
        if entered_on <= period.end and (left_on is None or left_on >= period.end):
            present[value] += 1
    rows = [[str(label), entered[value], present[value]] for value, label in choices]
    rows.append([_("Non renseignée"), entered[""], present[""]])
    return rows


def stays_by_situation_before_entry(scope: ReportScope, period: Period, *, residence_kinds=None):
    rows = _entries_and_present(scope, period, "situation_before_entry", EntrySituation.choices, residence_kinds)
    return [_("Situation avant l'entrée"), _("Entrées"), _("Résidents présents le dernier jour")], rows


register(
    Indicator(
        code="stays_by_situation_before_entry",
        title=gettext_lazy("Situation de logement avant l'entrée"),
        unit=gettext_lazy("séjour en résidence"),
        rule=gettext_lazy(
            "La situation de logement du résident avant son entrée, dite sur son séjour (valeurs de la demande de "
            "logement social). Entrées : séjours dont la date d'entrée est dans la période ; présents : séjours "
            "commencés au plus tard le dernier jour et pas terminés avant ce jour-là. « Non renseignée » : "
            "situation pas encore dite."
        ),
        compute=stays_by_situation_before_entry,
    )
)


def stays_by_main_resource(scope: ReportScope, period: Period, *, residence_kinds=None):
    rows = _entries_and_present(scope, period, "main_resource", MainResource.choices, residence_kinds)
    return [_("Ressource principale à l'entrée"), _("Entrées"), _("Résidents présents le dernier jour")], rows


register(
    Indicator(
        code="stays_by_main_resource",
        title=gettext_lazy("Ressource principale à l'entrée"),
        unit=gettext_lazy("séjour en résidence"),
        rule=gettext_lazy(
            "La ressource principale du résident à son entrée, dite sur son séjour. Entrées : séjours dont la date "
            "d'entrée est dans la période ; présents : séjours commencés au plus tard le dernier jour et pas "
            "terminés avant ce jour-là. « Non renseignée » : ressource pas encore dite."
        ),
        compute=stays_by_main_resource,
    )
)


def stay_entries_by_orientation(scope: ReportScope, period: Period, *, residence_kinds=None):
    """Stays entered in the period by who oriented the resident: each SIAO named on the orientation, an
    orientation without its SIAO named, no orientation recorded. One query."""
    counts = Counter(
        (oriented, siao or "")
        for oriented, siao in stays_in_scope(scope, residence_kinds)
        .filter(in_period(period, "entered_on"))
        .values_list("orientation__id", "orientation__siao__name")
        .order_by()
    )
    by_siao = Counter()
    without = 0
    for (oriented, siao), count in counts.items():
        if oriented is None:
            without += count
        else:
            by_siao[siao] += count
    rows = [[name or _("SIAO (non nommé)"), by_siao[name]] for name in sorted(by_siao, key=lambda n: (n == "", n))]
    rows.append([_("Sans orientation du SIAO enregistrée"), without])
    return [_("Orientation"), _("Entrées")], rows


register(
    Indicator(
        code="stay_entries_by_orientation",
        title=gettext_lazy("Entrées, par orientation"),
        unit=gettext_lazy("entrée (séjour)"),
        rule=gettext_lazy(
            "Séjours dont la date d'entrée est dans la période, selon l'orientation qui a mené à l'entrée : une "
            "ligne par SIAO nommé sur l'orientation (admission par la commission), puis les entrées enregistrées "
            "sans orientation du SIAO."
        ),
        compute=stay_entries_by_orientation,
    )
)


def _money(value: Decimal) -> float:
    return float(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def redevance_rest_to_pay(scope: ReportScope, period: Period, *, residence_kinds=None):
    """By residence, then all together: the months of redevance called in the period (calls not cancelled, whose
    month is in the period), the redevance called, the APL-foyer the CAF paid for those contracts in the period
    (payments not reversed), the rest left to the residents, and that rest per month called. Two queries."""
    calls = RedevanceCall.objects.filter(
        organisation_id=scope.organisation_id,
        contract__household__in=scope.households,
        cancelled_on__isnull=True,
    ).filter(in_period(period, "period"))
    payments = RedevancePayment.objects.filter(
        organisation_id=scope.organisation_id,
        contract__household__in=scope.households,
        source=RedevancePaymentSource.CAF,
        reversed_on__isnull=True,
    ).filter(in_period(period, "received_on"))
    if residence_kinds:
        calls = calls.filter(contract__place__residence__kind__in=residence_kinds)
        payments = payments.filter(contract__place__residence__kind__in=residence_kinds)
    months, called, apl = Counter(), defaultdict(Decimal), defaultdict(Decimal)
    names = {}
    for residence_id, name, total in calls.values_list(
        "contract__place__residence_id", "contract__place__residence__name", "total"
    ):
        months[residence_id] += 1
        called[residence_id] += total
        names[residence_id] = name
    for residence_id, name, amount in payments.values_list(
        "contract__place__residence_id", "contract__place__residence__name", "amount"
    ):
        apl[residence_id] += amount
        names[residence_id] = name

    def row(label, month_count, called_total, apl_total):
        rest = called_total - apl_total
        return [
            label,
            month_count,
            _money(called_total),
            _money(apl_total),
            _money(rest),
            _money(rest / month_count) if month_count else "",
        ]

    ordered = sorted(names, key=lambda pk: (names[pk], str(pk)))
    rows = [row(names[pk], months[pk], called[pk], apl[pk]) for pk in ordered]
    if rows:
        rows.append(
            row(
                _("Toutes les résidences"),
                sum(months.values()),
                sum(called.values(), Decimal("0")),
                sum(apl.values(), Decimal("0")),
            )
        )
    columns = [
        _("Résidence"),
        _("Mois de redevance appelés"),
        _("Redevances appelées (€)"),
        _("APL-foyer versée par la CAF (€)"),
        _("Reste à charge des résidents (€)"),
        _("Reste à charge moyen par mois (€)"),
    ]
    return columns, rows


register(
    Indicator(
        code="redevance_rest_to_pay",
        title=gettext_lazy("Redevance et reste à charge après l'APL-foyer, par résidence"),
        unit=gettext_lazy("mois de redevance ; euro"),
        rule=gettext_lazy(
            "Redevances appelées : les appels de redevance non annulés dont le mois est dans la période ; APL-foyer : "
            "les versements de la CAF reçus dans la période pour les contrats de la résidence, non contre-passés ; "
            "reste à charge = redevances appelées − APL-foyer ; moyen par mois = reste à charge / mois appelés. "
            "Ce que les résidents ont réellement payé est dans leur compte."
        ),
        compute=redevance_rest_to_pay,
    )
)
