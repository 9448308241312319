"""Indicators of the housing solidarity fund (FSL): the applications filed in the period by purpose, with the
decision known on its last day and the amounts granted by form of aid, and the association's advances of rent while
the FSL decides, made and repaid in the period and still to recover on its last day."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.evictions.models import (
    Advance,
    AdvanceRepayment,
    AdvanceSettlement,
    AidForm,
    FslApplication,
    FslDecision,
    FslPurpose,
)

from ..scope import ReportScope
from .base import Indicator, Period, in_period, register

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value: Decimal) -> float:
    """An amount counted in Decimal, written as the stored tables hold figures (JSON): rounded to the cent."""
    return float(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def fsl_applications(scope: ReportScope, period: Period):
    """By purpose, then in all: the applications filed in the period, the households that filed them, and how many
    were granted, refused or still undecided on the period's last day (a decision dated after it is not known
    then), with the amounts granted by form of aid (grant or loan). One query."""
    rows_by_purpose: dict[str, dict] = {}
    households: dict[str, set] = {}
    for purpose, household_id, aid_form, decision, decided_on, amount_granted in (
        FslApplication.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
        .filter(in_period(period, "submitted_on"))
        .values_list("purpose", "household_id", "aid_form", "decision", "decided_on", "amount_granted")
    ):
        counts = rows_by_purpose.setdefault(
            purpose,
            {"filed": 0, "granted": 0, "refused": 0, "undecided": 0, AidForm.GRANT: ZERO, AidForm.LOAN: ZERO},
        )
        households.setdefault(purpose, set()).add(household_id)
        counts["filed"] += 1
        known = decided_on is not None and decided_on <= period.end
        if known and decision == FslDecision.GRANTED:
            counts["granted"] += 1
            counts[aid_form] += amount_granted or ZERO
        elif known and decision == FslDecision.REFUSED:
            counts["refused"] += 1
        else:
            counts["undecided"] += 1

    def row(label, counts, household_ids):
        return [
            label,
            counts["filed"],
            len(household_ids),
            counts["granted"],
            counts["refused"],
            counts["undecided"],
            _money(counts[AidForm.GRANT]),
            _money(counts[AidForm.LOAN]),
        ]

    empty = {"filed": 0, "granted": 0, "refused": 0, "undecided": 0, AidForm.GRANT: ZERO, AidForm.LOAN: ZERO}
    rows = [
        row(str(label), rows_by_purpose.get(value, empty), households.get(value, set()))
        for value, label in FslPurpose.choices
    ]
    total = {key: sum((counts[key] for counts in rows_by_purpose.values()), start=empty[key]) for key in empty}
    everyone = set().union(*households.values()) if households else set()
    rows.append(row(_("Total (chaque ménage une fois)"), total, everyone))
    columns = [
        _("Objet de la demande"),
        _("Demandes déposées"),
        _("Ménages"),
        _("Accordées"),
        _("Refusées"),
        _("Sans décision le dernier jour"),
        _("Accordé en subvention (€)"),
        _("Accordé en prêt (€)"),
    ]
    return columns, rows


register(
    Indicator(
        code="fsl_applications",
        title=gettext_lazy("Demandes au FSL, par objet et décision"),
        unit=gettext_lazy("demande ; ménage (colonne « Ménages ») ; euro"),
        rule=gettext_lazy(
            "Demandes au fonds de solidarité pour le logement déposées dans la période, par objet. Accordées, "
            "refusées : décision datée au plus tard le dernier jour de la période ; une demande décidée après ce "
            "jour-là, ou pas encore décidée, est « sans décision le dernier jour ». Montants : ceux accordés par ces "
            "décisions, selon la forme de l'aide (subvention ou prêt). Ménages : ceux qui ont déposé au moins une "
            "demande, une fois par ligne et une fois dans le total."
        ),
        compute=fsl_applications,
    )
)


def fsl_advances(scope: ReportScope, period: Period):
    """The association's advances of rent while the FSL decides: made in the period, the repayments received in it
    by who paid (the FSL or the household), and the advances still to recover on the period's last day (their
    amount less the repayments received by then). Two queries."""
    made_by_end = Advance.objects.filter(
        organisation_id=scope.organisation_id, household__in=scope.households, advanced_on__lte=period.end
    )
    advances = {
        pk: (household_id, amount, advanced_on)
        for pk, household_id, amount, advanced_on in made_by_end.values_list(
            "pk", "household_id", "amount", "advanced_on"
        )
    }
    repaid_by_end: dict = {}
    received: dict[str, list] = {AdvanceSettlement.FSL: [], AdvanceSettlement.HOUSEHOLD: []}
    for advance_id, source, amount, received_on in AdvanceRepayment.objects.filter(
        advance__in=made_by_end, received_on__lte=period.end
    ).values_list("advance_id", "source", "amount", "received_on"):
        repaid_by_end[advance_id] = repaid_by_end.get(advance_id, ZERO) + amount
        if received_on >= period.start:
            received[source].append((advances[advance_id][0], amount))
    made = [(household_id, amount) for household_id, amount, on in advances.values() if on >= period.start]
    left = [
        (household_id, amount - repaid_by_end.get(pk, ZERO))
        for pk, (household_id, amount, _on) in advances.items()
        if amount > repaid_by_end.get(pk, ZERO)
    ]

    def row(label, items):
        return [
            label,
            len(items),
            len({household_id for household_id, _amount in items}),
            _money(sum((amount for _household, amount in items), start=ZERO)),
        ]

    rows = [
        row(_("Avances faites dans la période"), made),
        row(_("Remboursements reçus du FSL"), received[AdvanceSettlement.FSL]),
        row(_("Remboursements reçus des ménages"), received[AdvanceSettlement.HOUSEHOLD]),
        row(_("Avances restant à recouvrer le dernier jour"), left),
    ]
    return [_("Avances de loyer de l'association"), _("Nombre"), _("Ménages"), _("Montant (€)")], rows


register(
    Indicator(
        code="fsl_advances",
        title=gettext_lazy("Avances de loyer de l'association en attendant le FSL"),
        unit=gettext_lazy("avance ou remboursement (colonne « Nombre ») ; ménage ; euro"),
        rule=gettext_lazy(
            "Avances faites : avances de loyer versées par l'association au compte d'un locataire, datées dans la "
            "période. Remboursements : sommes reçues dans la période sur une avance, du FSL ou du ménage ; une "
            "avance remboursée en plusieurs fois compte un remboursement par versement. Restant à recouvrer : "
            "avances faites au plus tard le dernier jour, diminuées des remboursements reçus jusqu'à ce jour-là, "
            "quand il en reste. Ménages : une fois par ligne."
        ),
        compute=fsl_advances,
    )
)
