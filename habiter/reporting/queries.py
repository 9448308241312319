"""Reads of the reporting app: the stored report runs, always scoped, and what a re-run would change."""

from . import indicators, rules
from .models import ReportRun
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
        "definitions_changed": indicators.code_version(run.code) != run.code_version,
        "differences": rules.differences(run.result, fresh),
    }
