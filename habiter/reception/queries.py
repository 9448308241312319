"""Reads of desk visits and workshops, scoped to the acting user's organisation."""

import uuid
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from habiter.core.models import Role, User
from habiter.core.queries import named_users_only
from habiter.people.models import Person
from habiter.people.queries import household_search, households_searchable_by

from .models import DeskVisit, Enrolment, Workshop, WorkshopSession

CANDIDATES = 10


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of `day` and of the next one, in the local time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def desk_visits_on(user, day: date):
    """The organisation's visits of one day, newest first, with what the list shows, in one query."""
    start, end = day_bounds(day)
    return (
        DeskVisit.objects.filter(organisation_id=user.organisation_id, visited_at__gte=start, visited_at__lt=end)
        .select_related("recorded_by", "referral_worker", "household")
        .order_by("-visited_at")
    )


def desk_visits_today_count(user) -> int:
    return desk_visits_on(user, timezone.localdate()).count()


def desk_visits_of(household):
    return named_users_only(DeskVisit.objects.filter(household=household), "recorded_by", "referral_worker")


def referral_worker_choices(user):
    """The workers a visitor may be referred to: active casework staff of the organisation."""
    return User.objects.filter(
        organisation_id=user.organisation_id,
        is_active=True,
        role__in=(Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR),
    )


def facilitator_choices(user):
    """Who may facilitate a session: any active user of the organisation (volunteers included)."""
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True)


def household_candidates(user, text: str):
    """Households the user may find by search (names and members only), for linking or enrolling."""
    if not (text or "").strip():
        return []
    households = (
        household_search(households_searchable_by(user), text)
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("birth_date", "last_name")))
        .order_by("name", "id")
    )
    return list(households[:CANDIDATES])


def workshops_for(user, *, since: date):
    """The organisation's workshops with their sessions from `since` on and each one's number of enrolled
    households, in two queries."""
    sessions = (
        WorkshopSession.objects.filter(starts_at__gte=day_bounds(since)[0])
        .select_related("facilitator")
        .annotate(enrolled=Count("enrolments"))
        .order_by("starts_at")
    )
    return Workshop.objects.filter(organisation_id=user.organisation_id).prefetch_related(
        Prefetch("sessions", queryset=sessions)
    )


def workshop_for(user, workshop_id) -> Workshop:
    """A workshop of the user's organisation; raises DoesNotExist otherwise (a 404 for pages)."""
    return Workshop.objects.get(pk=workshop_id, organisation_id=user.organisation_id)


def session_for(user, session_id) -> WorkshopSession:
    """A session of the user's organisation with its enrolled households, in two queries."""
    return (
        WorkshopSession.objects.select_related("workshop", "facilitator")
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("household").order_by("household__name"))
        )
        .get(pk=session_id, organisation_id=user.organisation_id)
    )


def enrolments_of(household):
    return Enrolment.objects.filter(household=household).select_related("session__workshop")


def searchable_household(user, household_id):
    """The household of that id if the user may find it by search, else None (also for a malformed id)."""
    try:
        household_id = uuid.UUID(str(household_id))
    except ValueError:
        return None
    return households_searchable_by(user).filter(pk=household_id).prefetch_related("members").first()
