"""Reads of `core`, scoped to the acting user's organisation."""

from django.db.models import Q

from . import registry
from .models import AuditEvent, User

# What a page needs of a user it names (`str(user)`: full name, else user name); the rest of the row (password
# hash, flags, dates…) is left unread.
USER_UNSHOWN_FIELDS = (
    "password",
    "last_login",
    "is_superuser",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "organisation",
    "team",
    "role",
)


def named_users_only(queryset, *relations):
    """`queryset` (with `relations` select_related) reading only the names of the users those relations lead to."""
    return queryset.select_related(*relations).defer(
        *(f"{relation}__{name}" for relation in relations for name in USER_UNSHOWN_FIELDS)
    )


def audit_events_for(user, *, actor_id=None, person=None, date_from=None, date_to=None, household_id=None):
    """The audit log of the user's organisation, filtered; empty for anyone but a director. `person` is a name:
    the events about the households whose name or a member's name matches it (accents and case aside);
    `household_id` one household's events (its reads included)."""
    if not user.has_perm("core.view_audit"):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(organisation_id=user.organisation_id).select_related("actor")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if household_id:
        events = events.filter(household_id=household_id)
    if person and person.strip():
        about = Q(pk__in=[])
        for finder in registry.household_finders():
            about |= Q(household_id__in=finder(user.organisation_id, person))
        events = events.filter(about)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events


def organisation_users(user):
    if not getattr(user, "organisation_id", None):
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id).select_related("team")


def api_tokens_of(user):
    return user.api_tokens.all()
