"""Reads of the reporting app: the acting user's scope, and the stored report runs, always scoped."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from habiter.core.models import Role
from habiter.people.models import Household
from habiter.people.queries import households_visible_to

from .models import ReportRun


@dataclass(frozen=True)
class ReportScope:
    """What a report may count: the organisation, the households in reach and whether it is the whole
    organisation (a director) or a team's share (a team lead: their team's households and the ones they are
    referent of, exactly the households they may open)."""

    organisation_id: object
    households: QuerySet
    whole_organisation: bool
    team_id: object = None


def reporting_scope(user) -> ReportScope:
    """The scope of `user`'s figures; PermissionDenied for anyone who may not read reports."""
    if not user.has_perm("reporting.view_reports"):
        raise PermissionDenied
    return ReportScope(
        organisation_id=user.organisation_id,
        households=households_visible_to(user),
        whole_organisation=user.role == Role.DIRECTOR,
        team_id=None if user.role == Role.DIRECTOR else user.team_id,
    )


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


def run_scope(run: ReportRun) -> ReportScope:
    """The scope `run` counted, rebuilt from the run itself, whoever reads it: the whole organisation for a run
    without a team, else its team's households and those its author is referent of (a team lead's reach)."""
    households = Household.objects.filter(organisation_id=run.organisation_id)
    if run.team_id is None:
        return ReportScope(organisation_id=run.organisation_id, households=households, whole_organisation=True)
    return ReportScope(
        organisation_id=run.organisation_id,
        households=households.filter(Q(team_id=run.team_id) | Q(referent_id=run.generated_by_id)),
        whole_organisation=False,
        team_id=run.team_id,
    )


def report_run_changes(user, run: ReportRun):
    """What a re-run today would change in `run`: the fresh tables, whether the definitions changed, and every
    differing figure. The recount uses the run's own scope (`run_scope`), not the reader's: a director opening a
    team lead's run compares the team's figures with the team's. Nothing is written; the stored run stays."""
    from . import indicators, rules

    reporting_scope(user)  # only those who may read reports compare
    fresh = indicators.compute(run.code, run_scope(run), indicators.Period(run.start, run.end))
    return {
        "fresh": fresh,
        "definitions_changed": indicators.code_version(run.code) != run.code_version,
        "differences": rules.differences(run.result, fresh),
    }
