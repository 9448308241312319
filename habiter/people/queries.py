"""Reads of households shared by pages, API and exports, always scoped to the acting user."""

import uuid

from django.db import connections
from django.db.models import Prefetch, Q

from habiter.core import registry
from habiter.core.models import AuditEvent, Role, User
from habiter.core.queries import named_users_only

from . import rules as people_rules
from .models import Concern, ConcernCategory, Household, HouseholdNote, Person, person_summary

# Who may be a household's referent: the casework roles, and a host who follows a resident as a social worker would
# (W10: the host then reads the resident's whole file, notes included).
REFERENT_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR, Role.HOST)
WRITE_ACTIONS = ("household.create", "household.update", "person.create", "person.update")


def households_visible_to(user):
    """The households whose file the user may open: the whole organisation for a director, the team's
    (and their own as referent) for team leads and social workers, those they are the referent of for a host (W10: a
    host reads a resident's practical file, and the whole file only as its referent), none for anyone else."""
    if not getattr(user, "organisation_id", None) or not user.is_active:
        return Household.objects.none()
    households = Household.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.DIRECTOR:
        return households
    if user.role in (Role.TEAM_LEAD, Role.SOCIAL_WORKER):
        scope = Q(referent_id=user.pk)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return households.filter(scope)
    if user.role == Role.HOST:
        return households.filter(referent_id=user.pk)
    return Household.objects.none()


def households_searchable_by(user):
    """What the search shows: the visible households, or — for reception staff and volunteers — every
    household of the organisation, of which they see only names and contact."""
    if user.role in (Role.RECEPTIONIST, Role.VOLUNTEER):
        if getattr(user, "organisation_id", None) and user.is_active:
            return Household.objects.filter(organisation_id=user.organisation_id)
        return Household.objects.none()
    return households_visible_to(user)


def household_search(households, text: str):
    """Filter by name (accent- and case-insensitive, every word), by phone, or by a member's birth date."""
    text = (text or "").strip()
    if not text:
        return households
    birth_date = people_rules.parse_search_date(text)
    if birth_date is not None:
        return households.filter(id__in=Person.objects.filter(birth_date=birth_date).values("household_id"))
    if people_rules.looks_like_phone(text):
        return households.filter(search_phones__contains=people_rules.normalise_phone(text))
    for term in people_rules.search_terms(text):
        households = households.filter(search_text__contains=term)
    return households


def household_list(user, text: str = ""):
    """The household list page and API list: one query for the rows, one for the members."""
    return (
        household_search(households_searchable_by(user), text)
        .select_related("referent", "team")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("birth_date", "last_name")))
        .order_by("name", "id")
    )


def household_results(user, text: str = ""):
    """The search page's rows: only the columns it shows (name, contact, referent); their members come from
    `with_member_summaries`."""
    return (
        household_search(households_searchable_by(user), text)
        .select_related("referent")
        .only("name", "phone", "email", "postal_code", "city", *(f"referent__{f}" for f in USER_NAME_FIELDS))
        .order_by("name", "id")
    )


USER_NAME_FIELDS = ("first_name", "last_name", "username")  # what str(user) shows


def with_member_summaries(households, *, birth_dates: bool = True) -> list:
    """The households as a list, each with `member_summaries` (the members' `Person.summary`, oldest first),
    read in one query of four columns."""
    households = list(households)
    summaries = {household.pk: [] for household in households}
    members = (
        Person.objects.filter(household_id__in=list(summaries))
        .order_by("birth_date", "last_name")
        .values_list("household_id", "first_name", "last_name", "birth_date")
    )
    for household_id, first_name, last_name, birth_date in members:
        summaries[household_id].append(person_summary(first_name, last_name, birth_date if birth_dates else None))
    for household in households:
        household.member_summaries = summaries[household.pk]
    return households


def household_for_page(user, household_id):
    """One household the user may open, with what its page shows and whether each app has rows for it
    (`household_presence`); raises DoesNotExist otherwise."""
    household = (
        households_visible_to(user)
        .select_related("referent", "team")
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("birth_date", "last_name")),
            Prefetch("concerns", queryset=Concern.objects.select_related("category")),
        )
        .get(pk=household_id)
    )
    household.__dict__.update(household_presence(household.pk))
    return household


# The statement of `household_presence`, per database alias and set of registered keys: (sql, params, the index of
# the household's id among the params, the annotation names). See docs/adr/0032-presence-statement-compiled-once.md.
_presence_statements: dict[tuple, tuple[str, list, int, list[str]]] = {}
_PRESENCE_SENTINEL = uuid.UUID("00000000-0000-4000-8000-00000000dead")


def _presence_statement(using: str):
    key = (using, registry.presence_names())
    statement = _presence_statements.get(key)
    if statement is None:
        connection = connections[using]
        annotations = registry.presence_annotations()
        query = Household.objects.filter(pk=_PRESENCE_SENTINEL).annotate(**annotations).values_list(*annotations)
        sql, params = query.query.get_compiler(using=using).as_sql()
        sentinel = Household._meta.pk.get_db_prep_value(_PRESENCE_SENTINEL, connection)
        slots = [i for i, param in enumerate(params) if param == sentinel]
        if len(slots) != 1:  # the sentinel must be the household's id and nothing else
            raise RuntimeError(f"household_presence: {len(slots)} places for the household's id")
        statement = _presence_statements[key] = (sql, list(params), slots[0], list(annotations))
    return statement


def household_presence(household_id, using: str = "default") -> dict[str, bool]:
    """Whether each app has rows for the household (`registry.presence_annotations`: one `EXISTS` per app), in one
    query whose SQL is compiled once per process: building and compiling twenty subqueries cost the household page
    more than running them."""
    sql, params, slot, names = _presence_statement(using)
    params = list(params)
    params[slot] = Household._meta.pk.get_db_prep_value(household_id, connections[using])
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # no such household: every app is asked, as without the answers
        return {}
    return {name: bool(value) for name, value in zip(names, row, strict=True)}


def visible_concerns(user, household):
    allowed_restricted = user.has_perm("people.view_restricted", household)
    return [c for c in household.concerns.all() if allowed_restricted or not c.category.restricted]


def notes_visible_to(user, household):
    notes = named_users_only(HouseholdNote.objects.filter(household=household), "author")
    if not user.has_perm("people.view_restricted", household):
        notes = notes.filter(restricted=False)
    return notes


def concern_choices(user, household=None):
    """The organisation's active concerns, grouped by category; health only for those allowed."""
    categories = ConcernCategory.objects.filter(organisation_id=user.organisation_id).prefetch_related(
        Prefetch("concerns", queryset=Concern.objects.filter(active=True))
    )
    may_restricted = user.role in (Role.DIRECTOR, Role.TEAM_LEAD) or (
        household is not None and household.referent_id == user.pk
    )
    if household is None and user.role == Role.SOCIAL_WORKER:
        may_restricted = True  # the creator becomes the referent
    return [c for c in categories if may_restricted or not c.restricted]


def write_events(household):
    return named_users_only(AuditEvent.objects.filter(household_id=household.pk, action__in=WRITE_ACTIONS), "actor")


def last_change(household):
    return write_events(household).first()


def possible_duplicates(user, first_name, last_name, birth_date, exclude_person_id=None):
    """People visible to the user with the same normalised name and birth date."""
    if not birth_date:
        return Person.objects.none()
    key = people_rules.person_identity_key(first_name, last_name)
    people = Person.objects.filter(
        household__in=households_searchable_by(user), identity_key=key, birth_date=birth_date
    ).select_related("household")
    if exclude_person_id:
        people = people.exclude(pk=exclude_person_id)
    return people


def referent_choices(user):
    users = User.objects.filter(
        organisation_id=user.organisation_id,
        is_active=True,
        role__in=REFERENT_ROLES,
    ).select_related("team")
    if user.role != Role.DIRECTOR and user.team_id:
        users = users.filter(team_id=user.team_id)
    return users


def concern_taxonomy(user):
    """Every category of the user's organisation with all its concerns, retired ones included."""
    return ConcernCategory.objects.filter(organisation_id=user.organisation_id).prefetch_related("concerns")
