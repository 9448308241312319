"""Reads of eviction-prevention cases, scoped to those who may see restricted data of the household."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from habiter.core import registry
from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role
from habiter.people.queries import households_visible_to

from . import rules as eviction_rules
from .models import (
    Advance,
    AdvanceRepayment,
    CaseStep,
    Diagnosis,
    FslApplication,
    FslFund,
    LegalDeskSession,
    LegalDeskVisit,
    PreventionCase,
)


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


def diagnosis_of(case) -> Diagnosis | None:
    """The case's diagnosis, if written (the case comes from `case_for_page`, already scoped)."""
    return Diagnosis.objects.filter(case=case).select_related("written_by").first()


def diagnosis_deadlines(case, diagnosis, params=None) -> list:
    """The interview offer's last day after the referral, and from when a new one may be offered before the
    hearing (R28)."""
    params = params or legal_parameters()
    found = []
    if diagnosis is not None:
        found.append(
            eviction_rules.Deadline(
                eviction_rules.dsf_interview_deadline(diagnosis.referred_on, params=params),
                "Proposer l'entretien au locataire au plus tard",
                "15 jours ouvrés après la saisine par le préfet, jours fériés exclus.",
            )
        )
    hearings = [s.hearing_on for s in case.steps.all() if s.hearing_on]
    if hearings:
        found.append(
            eviction_rules.Deadline(
                eviction_rules.dsf_new_interview_from(hearings[-1], params=params),
                "Sans réponse, nouvel entretien proposable à partir du",
                "15 jours ouvrés avant l'audience.",
            )
        )
    return found


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


def open_cases(user) -> list:
    """The user's open cases with their household and steps, read once per home page (the deadlines and the early
    warnings both ask)."""
    return registry.page_read(
        ("evictions.open_cases", user.pk),
        lambda: list(
            cases_visible_to(user).filter(closed_on__isnull=True).select_related("household").prefetch_related("steps")
        ),
    )


def upcoming_deadlines(user, today, days=60):
    """The open cases' deadlines from today to `days` ahead, soonest first, for the to-do list."""
    from datetime import timedelta

    params = legal_parameters()
    horizon = today + timedelta(days=days)
    found = []
    for case in open_cases(user):
        for deadline in deadlines_of(case, params):
            if today <= deadline.on <= horizon:
                found.append((deadline, case))
    return sorted(found, key=lambda pair: pair[0].on)


# The issue's own alert rule, a management choice next to the CAF threshold: warn as soon as the arrears reach
# this many months of rent and charges, even where the CAF threshold (R40–R42) is not reached yet.
EARLY_WARNING_MONTHS = 2
EARLY_WARNING_ROLES = (Role.TEAM_LEAD, Role.SOCIAL_WORKER)


@dataclass
class EarlyWarning:
    """A household whose unpaid rent calls for a prevention case: from the ledger (no case yet, `lease` set) or
    typed in on an open case for a tenant housed by someone else (`case` set, CAF not told yet)."""

    household: object
    debt: Decimal
    monthly: Decimal
    caf_reached: bool
    report_by: date | None
    lease: object = None
    case: object = None


def early_warnings(user, today) -> list[EarlyWarning]:
    """The referent's and the team lead's early warnings (issue: "early warning"), most urgent CAF report first:
    the ledger's arrears reaching the CAF threshold or two months of rent for a household without an open case; for
    a household with an open case whose CAF is not told yet, the impayé au sens de la CAF the ledger recorded on its
    lease (its date and report-by date), and the debt typed on the case only when the household has no lease in the
    ledger (a tenant housed by someone else). A bounded number of queries, whatever the number of households."""
    from habiter.ledger.rent import queries as ledger_queries

    role = getattr(user, "role", None)
    if role not in EARLY_WARNING_ROLES:
        return []
    params = legal_parameters()
    cases = open_cases(user)
    case_of = {case.household_id: case for case in cases}
    told = {case.household_id for case in cases if any(s.step == eviction_rules.CAF_TOLD for s in case.steps.all())}
    # The debt typed on a case counts only out of the ledger: asked only for those cases (no query when there is none).
    typed = [case for case in cases if case.debt and case.household_id not in told]
    in_ledger = ledger_queries.households_in_ledger({case.household_id for case in typed})
    found = []
    rows = ledger_queries.arrears(user, today, params, referent_only=role == Role.SOCIAL_WORKER, with_plans=False)
    for row in rows:
        household = row.lease.household
        monthly = row.lease.rent + row.lease.charges
        case = case_of.get(household.pk)
        if case is not None:
            if row.caf.reached and household.pk not in told:
                found.append(
                    EarlyWarning(household, row.total, monthly, True, row.caf.report_by, lease=row.lease, case=case)
                )
            continue
        if row.caf.reached or (monthly > 0 and row.total >= EARLY_WARNING_MONTHS * monthly):
            found.append(
                EarlyWarning(household, row.total, monthly, row.caf.reached, row.caf.report_by, lease=row.lease)
            )
    for case in typed:
        if case.household_id in in_ledger:
            continue
        if eviction_rules.caf_threshold_reached(
            case.debt, case.monthly_amount, today, case.first_unpaid_on, params=params
        ):
            report_by = eviction_rules.caf_report_deadline(case.first_unpaid_on, params=params)
            found.append(EarlyWarning(case.household, case.debt, case.monthly_amount, True, report_by, case=case))
    return sorted(found, key=lambda w: (w.report_by is None, w.report_by or today, -w.debt))


def case_caf_unpaid(case, today):
    """The impayé au sens de la CAF of the case's household as the ledger recorded it on its leases: (in the ledger,
    the open episodes). Out of the ledger, the case page shows only the debt typed on the case."""
    from habiter.ledger.rent import queries as ledger_queries

    in_ledger, episodes = ledger_queries.caf_episodes_of_households({case.household_id}, today)
    return case.household_id in in_ledger, episodes.get(case.household_id, [])


def fsl_applications_visible_to(user):
    """FSL applications, with the same scope as prevention cases (the household's restricted data)."""
    households = restricted_households(user)
    if households is None:
        return FslApplication.objects.none()
    return FslApplication.objects.filter(household__in=households)


def fsl_of_household(user, household):
    return list(fsl_applications_visible_to(user).filter(household=household).select_related("fund"))


def fsl_funds(user, *, active_only=True):
    funds = FslFund.objects.filter(organisation_id=user.organisation_id).select_related("manager")
    return funds.filter(active=True) if active_only else funds


# --- legal desk --------------------------------------------------------------------------------------------------


def legal_sessions_visible_to(user):
    """The legal-desk sessions the user sees: the director every session of the organisation; the team lead those
    of the team's social workers and their own; a social worker or a lawyer the sessions they are on."""
    if not user.has_perm("evictions.legal_desk"):
        return LegalDeskSession.objects.none()
    sessions = LegalDeskSession.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.DIRECTOR:
        return sessions
    if user.role == Role.LAWYER:
        return sessions.filter(lawyer=user)
    if user.role == Role.TEAM_LEAD and user.team_id:
        return sessions.filter(Q(social_worker__team_id=user.team_id) | Q(social_worker=user))
    return sessions.filter(social_worker=user)


def legal_follow_ups_owed(user):
    """The households seen at the user's sessions whose follow-up is written and not done yet, oldest first."""
    return (
        LegalDeskVisit.objects.filter(session__in=legal_sessions_visible_to(user), follow_up_done_on__isnull=True)
        .exclude(follow_up="")
        .select_related("session", "household")
        .order_by("session__held_on", "created_at")
    )


def legal_sessions(user):
    """The list page: sessions with their people and the number of households seen (one query)."""
    return legal_sessions_visible_to(user).select_related("social_worker", "lawyer").annotate(seen=Count("visits"))


def legal_session_for_page(user, session_id) -> LegalDeskSession:
    return (
        legal_sessions_visible_to(user)
        .select_related("social_worker", "lawyer", "bar")
        .prefetch_related(Prefetch("visits", queryset=LegalDeskVisit.objects.select_related("household", "created_by")))
        .get(pk=session_id)
    )


def legal_visit_for_page(user, visit_id) -> LegalDeskVisit:
    return (
        LegalDeskVisit.objects.filter(session__in=legal_sessions_visible_to(user))
        .select_related("household", "session")
        .get(pk=visit_id)
    )


def legal_desk_people(organisation_id):
    """Who can run a session: the casework staff and the lawyers of the organisation."""
    from habiter.core.models import User

    users = User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("last_name", "first_name")
    return (
        users.filter(role__in=[Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER]),
        users.filter(role=Role.LAWYER),
    )


# --- advances ----------------------------------------------------------------------------------------------------


def advances_visible_to(user):
    """The association's advances: seen by who posts to the ledger (directors, rental managers, accountants)."""
    if not user.has_perm("ledger.post"):
        return Advance.objects.none()
    return Advance.objects.filter(organisation_id=user.organisation_id)


def outstanding_advances(user, today):
    """The advances not yet cleared, oldest first, each with `age` in days and `left` to repay (one query)."""
    advances = list(
        advances_visible_to(user)
        .filter(settled_on__isnull=True)
        .annotate(repaid=Coalesce(Sum("repayments__amount"), Value(Decimal("0.00")), output_field=DecimalField()))
        .select_related("household", "lease__dwelling", "fsl_application")
        .order_by("advanced_on", "created_at")
    )
    for advance in advances:
        advance.age = (today - advance.advanced_on).days
        advance.left = advance.amount - advance.repaid
    return advances


def advance_for_page(user, advance_id) -> Advance:
    """The advance with its repayments (`repayments_list`) and what is `left` to repay."""
    advance = (
        advances_visible_to(user)
        .select_related("household", "lease__dwelling", "fsl_application", "transaction")
        .prefetch_related(
            Prefetch("repayments", queryset=AdvanceRepayment.objects.select_related("transaction", "fsl_application"))
        )
        .get(pk=advance_id)
    )
    advance.repayments_list = list(advance.repayments.all())
    advance.left = advance.amount - sum((r.amount for r in advance.repayments_list), Decimal("0.00"))
    return advance


def fsl_applications_awaited(organisation_id, household_id):
    """The household's FSL applications an advance may wait for: not refused, not paid yet."""
    return FslApplication.objects.filter(
        organisation_id=organisation_id, household_id=household_id, paid_on__isnull=True
    ).exclude(decision="refused")


def fsl_applications_granted(organisation_id, household_id):
    return FslApplication.objects.filter(organisation_id=organisation_id, household_id=household_id, decision="granted")


# --- statistics --------------------------------------------------------------------------------------------------


@dataclass
class CaseStatistics:
    start: date
    end: date
    opened: int
    closed: int
    by_outcome: list  # (label, count), every outcome listed
    avoided: int
    average_case_days: Decimal | None  # from the first unpaid rent to the closing
    step_delays: list  # (label, average days, count), in the procedure's order


def case_statistics(user, start: date, end: date) -> CaseStatistics | None:
    """The director's figures over a period: cases opened and closed (by outcome), evictions avoided, average
    days per step and per case. Four queries whatever the number of cases."""
    from .models import CaseOutcome, Step

    if not user.has_perm("evictions.view_statistics"):
        return None
    cases = PreventionCase.objects.filter(organisation_id=user.organisation_id)
    opened = cases.filter(opened_on__range=(start, end)).count()
    closed_rows = list(
        cases.filter(closed_on__range=(start, end)).values_list("outcome", "first_unpaid_on", "closed_on")
    )
    counts = {outcome: 0 for outcome in CaseOutcome.values}
    for outcome, _first_unpaid_on, _closed_on in closed_rows:
        counts[outcome] += 1
    durations = [(closed_on - first_unpaid_on).days for _outcome, first_unpaid_on, closed_on in closed_rows]
    steps = (
        CaseStep.objects.filter(organisation_id=user.organisation_id, case__in=cases)
        .order_by("case_id", "on_date", "created_at")
        .values_list("case_id", "step", "on_date")
    )
    delays = eviction_rules.average_step_delays(steps, start, end)
    return CaseStatistics(
        start=start,
        end=end,
        opened=opened,
        closed=len(closed_rows),
        by_outcome=[(CaseOutcome(outcome).label, count) for outcome, count in counts.items()],
        avoided=sum(counts[outcome] for outcome in eviction_rules.AVOIDED_OUTCOMES),
        average_case_days=(Decimal(sum(durations)) / len(durations)).quantize(Decimal("0.1")) if durations else None,
        step_delays=[(Step(step).label, *delays[step]) for step in eviction_rules.STEP_ORDER if step in delays],
    )
