"""Indicator of the rent arrears on the period's last day: the households owing rent, what they owe, and those past
the CAF's unpaid-rent threshold (R40–R42).

The ledger's own arrears query (`ledger.rent.queries.arrears`, the dashboard's figures for today) cannot answer for a
past day: it reads the calls still marked open and every allocation made to them so far, whatever its date, so a
call paid since would not show as owed then. The figures are therefore counted from the dated ledger entries
only: each lease's tenant account summed over the entries booked up to that day (`ledger.rent.queries.lease_balance`
and `household_debt` count a debt the same way), and the impayé au sens de la CAF as the ledger recorded it when it
happened, open that day (`ledger.rent.queries.caf_episodes_on`)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.ledger.models import Line, money_sum
from habiter.ledger.rent.queries import caf_episodes_on

from ..scope import ReportScope
from .base import Indicator, Period, register

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value: Decimal) -> float:
    return float(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def lease_debts_on(scope: ReportScope, day) -> dict:
    """{lease id: (household id, what the tenant owes on `day`)} for the leases of the households in scope whose
    tenant account, summed over the entries booked up to `day`, is in debit. One query."""
    balances = (
        Line.objects.filter(
            account__lease__organisation_id=scope.organisation_id,
            account__lease__household__in=scope.households,
            transaction__booked_on__lte=day,
        )
        .values("account__lease_id", "account__lease__household_id")
        .annotate(balance=money_sum("amount"))
        .order_by()
    )
    return {
        row["account__lease_id"]: (row["account__lease__household_id"], row["balance"])
        for row in balances
        if row["balance"] > 0
    }


def rent_arrears(scope: ReportScope, period: Period):
    """On the period's last day: the households in debit on at least one lease and the sum of those debts; then
    those of them with an impayé au sens de la CAF open that day and what they owe. Two queries (one when nothing is
    owed)."""
    debts = lease_debts_on(scope, period.end)
    episodes = caf_episodes_on(set(debts), period.end) if debts else {}
    owed: dict = {}
    over_threshold: set = set()
    for lease_id, (household_id, balance) in debts.items():
        owed[household_id] = owed.get(household_id, ZERO) + balance
        if lease_id in episodes:
            over_threshold.add(household_id)
    rows = [
        [_("Ménages en impayé de loyer"), len(owed), _money(sum(owed.values(), start=ZERO))],
        [
            _("dont au-delà du seuil d'impayé de la CAF"),
            len(over_threshold),
            _money(sum((owed[household_id] for household_id in over_threshold), start=ZERO)),
        ],
    ]
    return [_("Impayés le dernier jour de la période"), _("Ménages"), _("Montant dû (€)")], rows


register(
    Indicator(
        code="rent_arrears",
        title=gettext_lazy("Impayés de loyer le dernier jour de la période"),
        unit=gettext_lazy("ménage ; euro"),
        rule=gettext_lazy(
            "Pour chaque bail, le solde du compte du locataire au dernier jour de la période, lu dans les seules "
            "écritures datées jusqu'à ce jour-là (appels de loyer et de charges, paiements, avances, régularisations, "
            "contre-passations) : un solde débiteur est une dette. L'appel d'un mois est daté de son premier jour. "
            "Un ménage compte une fois, ses dettes sur plusieurs baux additionnées ; le crédit d'un bail n'efface "
            "pas la dette d'un autre. Au-delà du seuil de la CAF : un impayé au sens de la CAF (R40) constitué au "
            "plus tard ce jour-là et pas encore résorbé, tel que le grand livre l'a enregistré quand il est survenu. "
            "Les redevances des résidences n'en font pas partie."
        ),
        compute=rent_arrears,
    )
)
