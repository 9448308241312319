"""Reads of programmes and measures, scoped to the acting user."""

from django.db.models import Prefetch

from habiter.core.queries import named_users_only
from habiter.people.queries import households_visible_to

from .models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Document,
    Intervention,
    LifeArea,
    MeasureFollowUp,
    MeasureOutcome,
    MeasureStatusChange,
    PlanGoal,
    PlanReview,
    PlanSignature,
    PlanStep,
    Programme,
    SupportMeasure,
    SupportPlan,
)


def household_for_support(actor, household_id):
    """The household, locked for a write on its support, if the actor may manage its measures; else DoesNotExist."""
    household = households_visible_to(actor).select_for_update().filter(pk=household_id).first()
    if household is None or not actor.has_perm("support.manage_measure", household):
        raise SupportMeasure.DoesNotExist
    return household


def programmes_for(user, *, active_only=True):
    programmes = Programme.objects.filter(organisation_id=user.organisation_id)
    return programmes.filter(active=True) if active_only else programmes


def outcomes_for(user, *, active_only=True):
    outcomes = MeasureOutcome.objects.filter(organisation_id=user.organisation_id)
    return outcomes.filter(active=True) if active_only else outcomes


def measures_of(household):
    """A household's measures with what the panel and the timeline show, in two queries."""
    return household.measures.select_related("programme", "outcome", "follow_up", "prescriber").prefetch_related(
        Prefetch("status_changes", queryset=named_users_only(MeasureStatusChange.objects, "actor"))
    )


def follow_up_of(measure):
    """The situation recorded a year after the measure's end, or None."""
    return MeasureFollowUp.objects.filter(measure=measure).first()


def measure_for(user, measure_id) -> SupportMeasure:
    """A measure of a household the user may open; raises DoesNotExist otherwise (a 404 for pages)."""
    return SupportMeasure.objects.select_related("household", "programme").get(
        pk=measure_id, household__in=households_visible_to(user)
    )


def interventions_visible_to(user, household):
    """A household's interventions; restricted ones only for the referent, the team lead and the director."""
    interventions = named_users_only(
        Intervention.objects.filter(household=household).select_related("measure__programme"), "author"
    )
    if not user.has_perm("people.view_restricted", household):
        interventions = interventions.filter(restricted=False)
    return interventions


def plan_of(user, household):
    """The household's plan with its goals (health goals only for those allowed), steps, reviews, signatures."""
    goals = PlanGoal.objects.prefetch_related(Prefetch("steps", queryset=PlanStep.objects.select_related("partner")))
    if not user.has_perm("people.view_restricted", household):
        goals = goals.exclude(life_area=LifeArea.HEALTH)
    return (
        SupportPlan.objects.filter(household=household)
        .prefetch_related(
            Prefetch("goals", queryset=goals),
            Prefetch("reviews", queryset=PlanReview.objects.select_related("recorded_by")),
            Prefetch("signatures", queryset=PlanSignature.objects.select_related("recorded_by")),
        )
        .first()
    )


def reviews_due(user, *, within_days=30):
    """Plans of the households the user is referent of whose next review is due within `within_days`."""
    from datetime import timedelta

    from django.utils import timezone

    limit = timezone.localdate() + timedelta(days=within_days)
    return (
        SupportPlan.objects.filter(household__in=households_visible_to(user), household__referent=user)
        .filter(next_review_on__lte=limit)
        .select_related("household")
        .order_by("next_review_on")
    )


def measures_ending(user, *, within_days=30):
    """Active or suspended measures of the user's households (as referent) whose planned end is near."""
    from datetime import timedelta

    from django.utils import timezone

    limit = timezone.localdate() + timedelta(days=within_days)
    return (
        SupportMeasure.objects.filter(household__in=households_visible_to(user), household__referent=user)
        .exclude(status="closed")
        .filter(planned_end_date__lte=limit)
        .select_related("household", "programme")
        .order_by("planned_end_date")
    )


def documents_of(household):
    """All the household's documents, archived ones included (the panel shows the others)."""
    return named_users_only(Document.objects.filter(household=household), "uploaded_by")


def archived_documents_of(household):
    return documents_of(household).filter(archived_at__isnull=False).order_by("-archived_at")


def document_for(user, document_id) -> Document:
    """A document of a household the user may open; raises DoesNotExist otherwise."""
    document = Document.objects.select_related("household").get(
        pk=document_id, household__in=households_visible_to(user)
    )
    if not user.has_perm("support.manage_measure", document.household):
        raise Document.DoesNotExist
    return document


def documents_expiring(user, *, within_days=30):
    """Documents of the user's households (as referent) expiring within `within_days` (or expired)."""
    from datetime import timedelta

    from django.utils import timezone

    limit = timezone.localdate() + timedelta(days=within_days)
    return (
        Document.objects.filter(household__in=households_visible_to(user), household__referent=user)
        .filter(expires_on__lte=limit, archived_at__isnull=True)
        .select_related("household")
        .order_by("expires_on")
    )


def feed_owner(raw_key: str):
    """The active user behind a private calendar address, or None."""
    import hashlib

    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=hashlib.sha256((raw_key or "").encode()).hexdigest())
        .first()
    )
    return feed.user if feed and feed.user.is_active else None


def appointment_workers(user):
    from habiter.core.models import Role, User

    return User.objects.filter(
        organisation_id=user.organisation_id,
        is_active=True,
        role__in=(Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR, Role.RECEPTIONIST),
    )


def today_appointments(user):
    from django.utils import timezone

    return day_appointments(user, timezone.localdate())


def day_appointments(user, day):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(day, time.min))
    return (
        Appointment.objects.filter(worker=user, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("household")
        .order_by("starts_at")
    )


def desk_appointments_on(user, day):
    """What the reception desk expects on `day`, in one query: the user's organisation's appointments not
    cancelled, with only what the desk may see (time, place, household name, the worker), never their object."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(day, time.min))
    return (
        Appointment.objects.filter(
            organisation_id=user.organisation_id, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("household", "worker")
        .only("starts_at", "place", "status", "household__name", "worker__first_name", "worker__last_name")
        .order_by("starts_at")
    )


def household_appointments(household):
    return named_users_only(Appointment.objects.filter(household=household), "worker").order_by("starts_at")


def plan_summary(household):
    """The household's plan with its author and its number of goals (all of them), or None."""
    from django.db.models import Count

    return (
        named_users_only(SupportPlan.objects.filter(household=household), "created_by")
        .annotate(goal_count=Count("goals"))
        .first()
    )


def plan_goals(user, household, plan):
    """The plan's goals the user may see (health goals only for the referent, the team lead and the director)."""
    if plan is None:
        return []
    goals = PlanGoal.objects.filter(plan=plan)
    if not user.has_perm("people.view_restricted", household):
        goals = goals.exclude(life_area=LifeArea.HEALTH)
    return list(goals)


_UNREAD = object()


def plan_history(user, household, plan=_UNREAD, goals=None):
    """(title, when, actor, body) of the plan's events, for the household's timeline; `plan` (with its
    `created_by`, or None) and `goals` (`plan_goals`) when the caller has already read them."""
    from django.utils.translation import gettext as _

    if plan is _UNREAD:
        plan = SupportPlan.objects.filter(household=household).select_related("created_by").first()
    if plan is None:
        return []
    events = [(_("Projet personnalisé commencé"), plan.created_at, str(plan.created_by), "")]
    if goals is None:
        goals = plan_goals(user, household, plan)
    for goal in goals:
        title = _("Objectif : %(title)s (%(area)s)") % {"title": goal.title, "area": goal.get_life_area_display()}
        events.append((title, goal.created_at, "", goal.person_words))
    for review in PlanReview.objects.filter(plan=plan).select_related("recorded_by"):
        body = _("Ce qui a bougé : %(moved)s\nLa suite : %(next)s") % {
            "moved": review.what_moved,
            "next": review.what_next,
        }
        events.append((_("Bilan du projet"), review.created_at, str(review.recorded_by), body))
    for signature in PlanSignature.objects.filter(plan=plan):
        title = _("Projet signé (%(method)s)") % {"method": signature.get_method_display()}
        events.append((title, signature.created_at, "", signature.signatories))
    return events
