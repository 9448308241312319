"""Indicators of eviction prevention: cases opened, closed by outcome, and evictions avoided."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.evictions.models import CaseOutcome, PreventionCase

from ..scope import ReportScope
from .base import Indicator, Period, in_period, register

# The outcomes where the household kept a home: « expulsions évitées ».
EVICTION_AVOIDED = (CaseOutcome.DEBT_SETTLED, CaseOutcome.PLAN_RESPECTED, CaseOutcome.REHOUSED)


def prevention_outcomes(scope: ReportScope, period: Period):
    """Cases opened in the period, cases closed in it by outcome, and evictions avoided."""
    cases = PreventionCase.objects.filter(organisation_id=scope.organisation_id, household__in=scope.households)
    counts = cases.aggregate(
        opened=Count("pk", filter=in_period(period, "opened_on")),
        **{
            value: Count("pk", filter=Q(outcome=value) & in_period(period, "closed_on")) for value in CaseOutcome.values
        },
    )
    rows = [[_("Dossiers ouverts"), counts["opened"]]]
    rows += [[_("Clos : %(outcome)s") % {"outcome": label}, counts[value]] for value, label in CaseOutcome.choices]
    rows.append([_("Expulsions évitées"), sum(counts[value] for value in EVICTION_AVOIDED)])
    return [_("Dossiers de prévention"), _("Dossiers")], rows


register(
    Indicator(
        code="prevention_outcomes",
        title=gettext_lazy("Prévention des expulsions : dossiers ouverts et issues"),
        unit=gettext_lazy("dossier"),
        rule=gettext_lazy(
            "Ouverts : date d'ouverture dans la période. Clos : date de clôture dans la période, par issue. "
            "Expulsions évitées : dossiers clos dans la période sur une dette réglée, un plan d'apurement "
            "respecté ou un relogement."
        ),
        compute=prevention_outcomes,
    )
)
