"""Reads of programmes and measures, scoped to the acting user."""

from django.db.models import Prefetch

from habiter.people.queries import households_visible_to

from .models import Intervention, MeasureOutcome, MeasureStatusChange, Programme, SupportMeasure


def programmes_for(user, *, active_only=True):
    programmes = Programme.objects.filter(organisation_id=user.organisation_id)
    return programmes.filter(active=True) if active_only else programmes


def outcomes_for(user, *, active_only=True):
    outcomes = MeasureOutcome.objects.filter(organisation_id=user.organisation_id)
    return outcomes.filter(active=True) if active_only else outcomes


def measures_of(household):
    """A household's measures with what the panel and the timeline show, in two queries."""
    return (
        SupportMeasure.objects.filter(household=household)
        .select_related("programme", "outcome")
        .prefetch_related(Prefetch("status_changes", queryset=MeasureStatusChange.objects.select_related("actor")))
    )


def measure_for(user, measure_id) -> SupportMeasure:
    """A measure of a household the user may open; raises DoesNotExist otherwise (a 404 for pages)."""
    return SupportMeasure.objects.select_related("household", "programme").get(
        pk=measure_id, household__in=households_visible_to(user)
    )


def interventions_visible_to(user, household):
    """A household's interventions; restricted ones only for the referent, the team lead and the director."""
    interventions = Intervention.objects.filter(household=household).select_related("author", "measure__programme")
    if not user.has_perm("people.view_restricted", household):
        interventions = interventions.filter(restricted=False)
    return interventions
