"""What the association's activities cost, as its analytical accounts give them (typed in, not counted from files):
the three activities of intermédiation locative per modality (DOMAIN-2 W36)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ImlActivity, ImlActivityCosts, ImlModality
from ..scope import ReportScope
from .base import Indicator, Period, register


def _covered_years(period: Period) -> range:
    """The calendar years wholly inside the period: a year's costs are not cut into months."""
    first = period.start.year if (period.start.month, period.start.day) == (1, 1) else period.start.year + 1
    last = period.end.year if (period.end.month, period.end.day) == (12, 31) else period.end.year - 1
    return range(first, last + 1)


def _money(value: Decimal | None):
    return "" if value is None else float(value)


def iml_activity_costs(scope: ReportScope, period: Period):
    """By modality: the cost of captation, adapted rental management and social support, summed over the calendar
    years wholly inside the period; a cost typed for none of them stays empty (unknown, not zero). One query."""
    columns = [_("Modalité"), *(label for _code, label in ImlActivity.choices), _("Total")]
    years = _covered_years(period)
    if not scope.whole_organisation or not years:
        return columns, []
    records = list(
        ImlActivityCosts.objects.filter(
            organisation_id=scope.organisation_id, year__gte=years.start, year__lt=years.stop
        )
    )

    def summed(modalities, activities):
        values = [
            value
            for record in records
            for modality in modalities
            for activity in activities
            if (value := record.cost(modality, activity)) is not None
        ]
        return sum(values, Decimal("0.00")) if values else None

    every_activity = ImlActivity.values
    rows = [
        [
            str(label),
            *(_money(summed([modality], [a])) for a in every_activity),
            _money(summed([modality], every_activity)),
        ]
        for modality, label in ImlModality.choices
    ]
    rows.append(
        [
            _("Total"),
            *(_money(summed(ImlModality.values, [a])) for a in every_activity),
            _money(summed(ImlModality.values, every_activity)),
        ]
    )
    return columns, rows


register(
    Indicator(
        code="iml_activity_costs",
        title=gettext_lazy("Coût des trois activités, par modalité"),
        unit=gettext_lazy("euro"),
        rule=gettext_lazy(
            "Les coûts de la captation de logements, de la gestion locative adaptée et de l'accompagnement social, "
            "tels que la comptabilité analytique de l'association les donne, saisis par année civile (Subventions "
            "› Coûts de l'intermédiation locative) ; additionnés sur les années civiles entièrement comprises dans "
            "la période. Une case vide : coût non saisi. Ce sont les coûts de toute l'association : le rapport d'un "
            "chef de service ne les montre pas."
        ),
        compute=iml_activity_costs,
    )
)
