"""Reads of the reporting app: the stored report runs, always scoped, and what a re-run would change; the
subsidies (DOMAIN-2 W31, W32), always scoped to the reader's organisation: per funder and year, the payments each
received, the comptes rendus financiers due and overdue, the accounts threshold of a year and its checklist, and the
home page's alert.
PermissionDenied for who may not read them; a row out of scope is DoesNotExist (a 404 for pages)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from habiter.core.legal_queries import legal_parameters

from . import indicators, rules
from .models import AccountsObligations, Funder, ImlActivityCosts, ReportRun, Subsidy, SubsidyPayment, SubsidyStatus
from .scope import ReportScope, reporting_scope, run_scope  # noqa: F401 (re-exported)


def report_runs_visible_to(user):
    """The stored runs the user may read: every run of the organisation for a director (the team leads' too),
    their own team's for a team lead."""
    scope = reporting_scope(user)
    runs = ReportRun.objects.filter(organisation_id=scope.organisation_id).select_related("generated_by", "team")
    if scope.whole_organisation:
        return runs
    return runs.filter(team_id=scope.team_id, team__isnull=False) if scope.team_id else runs.none()


def report_run_for(user, run_id) -> ReportRun:
    """A stored run the user may read; raises DoesNotExist otherwise (a 404 for pages)."""
    return report_runs_visible_to(user).get(pk=run_id)


def report_run_changes(user, run: ReportRun):
    """What a re-run today would change in `run`: the fresh tables, whether the definitions changed, and every
    differing figure. The recount uses the run's own scope (`run_scope`), not the reader's: a director opening a
    team lead's run compares the team's figures with the team's. Nothing is written; the stored run stays."""
    reporting_scope(user)  # only those who may read reports compare
    fresh = indicators.compute(run.code, run_scope(run), indicators.Period(run.start, run.end))
    return {
        "fresh": fresh,
        "definitions_changed": indicators.definitions_changed(run.code, run.code_version),
        "differences": rules.differences(run.result, fresh),
    }


# --- subsidies (DOMAIN-2 W31, W32) ------------------------------------------------------------------------------

ZERO = Decimal("0.00")


def _organisation_id(user):
    if not user.has_perm("reporting.view_subsidies"):
        raise PermissionDenied
    return user.organisation_id


def subsidies_visible_to(user):
    return Subsidy.objects.filter(organisation_id=_organisation_id(user)).select_related("funder", "programme")


def subsidy_for(user, subsidy_id) -> Subsidy:
    return subsidies_visible_to(user).get(pk=subsidy_id)


def funders_visible_to(user):
    return Funder.objects.filter(organisation_id=_organisation_id(user))


def iml_costs_of(user, year: int) -> ImlActivityCosts | None:
    """The costs of intermédiation locative typed in for `year`, if any (W36)."""
    return ImlActivityCosts.objects.filter(organisation_id=_organisation_id(user), year=year).first()


def years_of(user) -> list[int]:
    """The financial years that have a subsidy, latest first."""
    return sorted({d.year for d in subsidies_visible_to(user).dates("year_end", "year")}, reverse=True)


def totals_by_funder(user, year: int) -> list[dict]:
    """Per funder, the subsidies of the financial year ending in `year`: how many, requested, granted (granted
    ones only). One query."""
    rows = (
        subsidies_visible_to(user)
        .filter(year_end__year=year)
        .values("funder_id", "funder__name", "funder__kind", "funder__public")
        .annotate(
            count=Count("id"),
            requested=Sum("amount_requested"),
            granted=Sum("amount_granted", filter=Q(status=SubsidyStatus.GRANTED)),
        )
        .order_by("funder__name")
    )
    return [row | {"granted": row["granted"] or ZERO} for row in rows]


def received_total():
    """The expression of what a subsidy received: the sum of its payments not cancelled (0,00 without any), as a
    subquery, so a list of subsidies stays one query and its other sums are not multiplied by a join."""
    paid = (
        SubsidyPayment.objects.filter(subsidy_id=OuterRef("pk"), cancelled_at__isnull=True)
        .order_by()
        .values("subsidy_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)


def with_received(subsidies):
    """`subsidies` with `received` (the payments not cancelled) on each."""
    return subsidies.annotate(received=received_total())


def subsidy_payments(user, subsidy: Subsidy) -> list[SubsidyPayment]:
    """The payments of a subsidy, in the order received, the cancelled ones too (they are listed, struck through),
    with who typed and who cancelled them. One query."""
    return list(
        SubsidyPayment.objects.filter(organisation_id=_organisation_id(user), subsidy=subsidy).select_related(
            "created_by", "cancelled_by"
        )
    )


def payment_for(user, payment_id) -> SubsidyPayment:
    """A payment of the user's organisation, with its subsidy and funder; DoesNotExist otherwise (a 404)."""
    return SubsidyPayment.objects.select_related("subsidy__funder", "created_by", "cancelled_by").get(
        pk=payment_id, organisation_id=_organisation_id(user)
    )


def public_total(user, year: int) -> Decimal:
    """The public cash subsidies received in the calendar year `year` (W32's total: « received in the year »,
    whatever financial year they fund): the payments not cancelled of public funders' subsidies, each in the year
    of its `received_on`, so a grant paid half in one year and half in the next counts each half in its year. What
    is not yet received counts nowhere (`public_outstanding`)."""
    total = SubsidyPayment.objects.filter(
        organisation_id=_organisation_id(user),
        cancelled_at__isnull=True,
        received_on__year=year,
        subsidy__funder__public=True,
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def public_outstanding(user, year: int) -> list[Subsidy]:
    """The public subsidies granted for the financial year ending in `year` not entirely received (their payments
    total less than the amount granted), each with `received`: what remains is in no year's total until it is
    received, which the threshold's page says."""
    return list(
        with_received(
            subsidies_visible_to(user).filter(year_end__year=year, status=SubsidyStatus.GRANTED, funder__public=True)
        )
        .filter(received__lt=F("amount_granted"))
        .order_by("funder__name", "purpose")
    )


@dataclass(frozen=True)
class Checklist:
    year: int
    total: Decimal  # received in the calendar year
    threshold: Decimal
    above: bool
    obligations: list  # rules.Obligation
    record: AccountsObligations | None
    outstanding: list  # granted for the year's financial year, not entirely received: the rest not counted


def threshold_checklist(user, year: int) -> Checklist:
    params = legal_parameters()
    total = public_total(user, year)
    record = AccountsObligations.objects.filter(organisation_id=user.organisation_id, year=year).first()
    obligations = rules.accounts_obligations(
        accounts_drawn_up_on=record and record.accounts_drawn_up_on,
        auditor_appointed_on=record and record.auditor_appointed_on,
        accounts_approved_on=record and record.accounts_approved_on,
        published_on=record and record.published_on,
        params=params,
    )
    return Checklist(
        year=year,
        total=total,
        threshold=rules.accounts_threshold(year, params),
        above=rules.above_accounts_threshold(total, year, params),
        obligations=obligations,
        record=record,
        outstanding=public_outstanding(user, year),
    )


def crfs_pending(user, today: date) -> dict:
    """The granted subsidies whose compte rendu financier is not sent: the overdue ones and those due within the
    alert window, oldest due date first, and the later ones."""
    params = legal_parameters()
    pending = list(
        subsidies_visible_to(user)
        .filter(status=SubsidyStatus.GRANTED, crf_sent_on__isnull=True, crf_due_on__isnull=False)
        .order_by("crf_due_on", "funder__name")
    )
    overdue = [s for s in pending if rules.crf_is_overdue(s.crf_due_on, s.crf_sent_on, today)]
    soon = [s for s in pending if rules.crf_due_soon(s.crf_due_on, s.crf_sent_on, today, params)]
    later = [s for s in pending if s not in overdue and s not in soon]
    return {
        "overdue": overdue,
        "soon": soon,
        "later": later,
        "alert_days": params.integer(rules.CRF_ALERT_DAYS_KEY, today),
        "due_months": params.integer(rules.CRF_DUE_MONTHS_KEY, today),
    }


def overdue_crfs_of_funder(organisation_id, funder_id, today: date) -> list[Subsidy]:
    """The funder's granted subsidies whose compte rendu financier is overdue on `today` (for the services)."""
    candidates = Subsidy.objects.filter(
        organisation_id=organisation_id,
        funder_id=funder_id,
        status=SubsidyStatus.GRANTED,
        crf_sent_on__isnull=True,
        crf_due_on__lt=today,
    ).order_by("crf_due_on")
    return [s for s in candidates if rules.crf_is_overdue(s.crf_due_on, s.crf_sent_on, today)]


def home_panel(user, today: date) -> dict | None:
    """For a director or an accountant: the comptes rendus financiers overdue and those due within the alert window;
    None when there is none. One query for the subsidies, one for the table."""
    if not user.has_perm("reporting.view_subsidies"):
        return None
    params = legal_parameters()
    days = params.integer(rules.CRF_ALERT_DAYS_KEY, today)
    pending = list(
        subsidies_visible_to(user)
        .filter(
            status=SubsidyStatus.GRANTED,
            crf_sent_on__isnull=True,
            crf_due_on__lte=today + timedelta(days=days),
        )
        .order_by("crf_due_on")
    )
    overdue = [s for s in pending if rules.crf_is_overdue(s.crf_due_on, s.crf_sent_on, today)]
    soon = [s for s in pending if rules.crf_due_soon(s.crf_due_on, s.crf_sent_on, today, params)]
    if not overdue and not soon:
        return None
    return {"overdue": overdue, "soon": soon, "alert_days": days}
