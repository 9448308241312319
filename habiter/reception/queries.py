"""Reads of desk visits and workshops, scoped to the acting user's organisation."""

import uuid
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from habiter.core.models import Role, User
from habiter.core.queries import named_users_only
from habiter.people.models import Person
from habiter.people.queries import household_search, households_searchable_by

from .models import DeskVisit, Enrolment, Referral, ReferralStatus, Workshop, WorkshopSession

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
        .select_related("recorded_by", "referral_worker", "household", "referral_partner", "present_professional")
        .order_by("-visited_at")
    )


def desk_visits_today_count(user) -> int:
    return desk_visits_on(user, timezone.localdate()).count()


def present_professional_today(user):
    """The professional a volunteer last named as present at the desk today, offered again for the next visitor (W24);
    None for anyone else or on a new day."""
    if user.role != Role.VOLUNTEER:
        return None
    return (
        desk_visits_on(user, timezone.localdate())
        .filter(recorded_by=user, present_professional__in=professional_choices(user))
        .values_list("present_professional_id", flat=True)
        .first()
    )


def desk_visits_of(household):
    return named_users_only(
        DeskVisit.objects.filter(household=household).select_related("referral_partner"),
        "recorded_by",
        "referral_worker",
    )


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


def professional_choices(user):
    """Who may be the professional present at a session a volunteer facilitates: active staff of the organisation,
    neither volunteers nor the legal desk's lawyers (W24)."""
    return facilitator_choices(user).exclude(role__in=(Role.VOLUNTEER, Role.LAWYER))


def household_candidates(user, text: str):
    """Households the user may find by search (names and members only), for linking or enrolling."""
    if not (text or "").strip():
        return []
    households = (
        household_search(households_searchable_by(user), text)
        .select_related("referent")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("birth_date", "last_name")))
        .order_by("name", "id")
    )
    return list(households[:CANDIDATES])


def workshops_for(user, *, since: date):
    """The organisation's workshops with their sessions from `since` on and each one's number of enrolled
    households, in two queries."""
    sessions = (
        WorkshopSession.objects.filter(starts_at__gte=day_bounds(since)[0])
        .select_related("facilitator", "present_professional")
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
        WorkshopSession.objects.select_related("workshop", "facilitator", "present_professional")
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
    return (
        households_searchable_by(user)
        .filter(pk=household_id)
        .select_related("referent")
        .prefetch_related("members")
        .first()
    )


# --- referrals (orientations) -------------------------------------------------------------------------------------

REFERRAL_RELATED = ("from_user", "to_user", "household", "taken_up_by")


def referrals_visible_to(user):
    """The referrals the user may see: those they sent or received; a team lead's, those received by the team's
    members; a director's, the organisation's. Nothing for a user without an organisation."""
    if not getattr(user, "organisation_id", None) or not user.is_active:
        return Referral.objects.none()
    referrals = Referral.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.DIRECTOR:
        return referrals
    scope = Q(from_user_id=user.pk) | Q(to_user_id=user.pk)
    if user.role == Role.TEAM_LEAD and user.team_id:
        scope |= Q(to_user__team_id=user.team_id)
    return referrals.filter(scope)


def referral_for(user, referral_id) -> Referral:
    """A referral the user may see, with who and whom; raises Referral.DoesNotExist otherwise (a 404 for pages)."""
    return referrals_visible_to(user).select_related(*REFERRAL_RELATED).get(pk=referral_id)


def referrals_to_take_up(user):
    """The open referrals sent to the user, oldest first (the longest waiting on top), in one query."""
    return (
        Referral.objects.filter(organisation_id=user.organisation_id, to_user_id=user.pk, status=ReferralStatus.OPEN)
        .select_related(*REFERRAL_RELATED)
        .order_by("created_at", "id")
    )


def referrals_page(user, *, limit: int = 50, recent_days: int = 30) -> dict:
    """What the referrals page lists, in four queries: the user's to take up, those they took up lately (to reopen
    one by mistake), those they sent, and — for a team lead or a director — the others they oversee, open or lately
    taken up."""
    visible = referrals_visible_to(user).select_related(*REFERRAL_RELATED)
    since = timezone.now() - timedelta(days=recent_days)
    recent = Q(status=ReferralStatus.TAKEN_UP, taken_up_at__gte=since)
    oversees = user.role in (Role.DIRECTOR, Role.TEAM_LEAD)
    return {
        "to_take_up": list(referrals_to_take_up(user)),
        "taken_up_recently": list(visible.filter(recent, to_user_id=user.pk).order_by("-taken_up_at", "id")[:limit]),
        "sent": list(visible.filter(from_user_id=user.pk).order_by("-created_at", "id")[:limit]),
        "overseen": (
            list(
                visible.filter(Q(status=ReferralStatus.OPEN) | recent)
                .exclude(to_user_id=user.pk)
                .exclude(from_user_id=user.pk)
                .order_by("status", "created_at", "id")[:limit]
            )
            if oversees
            else []
        ),
    }


def referrals_of(household):
    return named_users_only(Referral.objects.filter(household=household), "from_user", "to_user")


def desk_visit_for(user, visit_id) -> DeskVisit:
    """A desk visit of the user's organisation (a referral starts from it); raises DoesNotExist otherwise, also for
    a malformed id."""
    try:
        visit_id = uuid.UUID(str(visit_id))
    except ValueError:
        raise DeskVisit.DoesNotExist from None
    return DeskVisit.objects.select_related("household__referent").get(
        pk=visit_id, organisation_id=user.organisation_id
    )
