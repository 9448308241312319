"""Reads of eviction-prevention cases, scoped to those who may see restricted data of the household."""

from django.db.models import Prefetch

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role
from habiter.people.queries import households_visible_to

from . import rules as eviction_rules
from .models import CaseStep, FslApplication, FslFund, PreventionCase


def restricted_households(user):
    """The households whose restricted data the user sees: directors, every household of the organisation;
    team leads, their team's; social workers, those they are referent of; None for anyone else."""
    role = getattr(user, "role", None)
    if role not in (Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER):
        return None
    households = households_visible_to(user)
    return households.filter(referent_id=user.pk) if role == Role.SOCIAL_WORKER else households


def cases_visible_to(user):
    """The prevention cases of the households whose restricted data the user sees (see above)."""
    households = restricted_households(user)
    if households is None:
        return PreventionCase.objects.none()
    return PreventionCase.objects.filter(household__in=households)


def case_for_page(user, case_id):
    return (
        cases_visible_to(user)
        .select_related("household", "created_by")
        .prefetch_related(Prefetch("steps", queryset=CaseStep.objects.select_related("actor")))
        .get(pk=case_id)
    )


def cases_of_household(user, household):
    return list(cases_visible_to(user).filter(household=household).prefetch_related("steps"))


def deadlines_of(case, params=None):
    steps = [(s.step, s.on_date, s.hearing_on) for s in case.steps.all()]
    return eviction_rules.case_deadlines(
        steps,
        landlord_is_legal_person=case.landlord_is_legal_person,
        lease_signed_on=case.lease_signed_on,
        contractual_months=case.contractual_months,
        params=params or legal_parameters(),
    )


def upcoming_deadlines(user, today, days=60):
    """The open cases' deadlines from today to `days` ahead, soonest first, for the to-do list."""
    from datetime import timedelta

    params = legal_parameters()
    horizon = today + timedelta(days=days)
    found = []
    cases = cases_visible_to(user).filter(closed_on__isnull=True).select_related("household").prefetch_related("steps")
    for case in cases:
        for deadline in deadlines_of(case, params):
            if today <= deadline.on <= horizon:
                found.append((deadline, case))
        if (
            case.debt
            and eviction_rules.caf_threshold_reached(
                case.debt, case.monthly_amount, today, case.first_unpaid_on, params=params
            )
            and not any(s.step == eviction_rules.CAF_TOLD for s in case.steps.all())
        ):
            found.append(
                (
                    eviction_rules.Deadline(
                        eviction_rules.caf_report_deadline(case.first_unpaid_on, params=params),
                        "Signaler l'impayé à la CAF au plus tard",
                    ),
                    case,
                )
            )
    return sorted(found, key=lambda pair: pair[0].on)


def fsl_applications_visible_to(user):
    """FSL applications, with the same scope as prevention cases (the household's restricted data)."""
    households = restricted_households(user)
    if households is None:
        return FslApplication.objects.none()
    return FslApplication.objects.filter(household__in=households)


def fsl_of_household(user, household):
    return list(fsl_applications_visible_to(user).filter(household=household).select_related("fund"))


def fsl_funds(user, *, active_only=True):
    funds = FslFund.objects.filter(organisation_id=user.organisation_id)
    return funds.filter(active=True) if active_only else funds
