"""What a report may count: the acting user's scope, or the scope a stored run counted. Shared by the indicators
and the reads of stored runs, which import it; it imports neither."""

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
