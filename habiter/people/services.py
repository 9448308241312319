"""Every write on households, members and notes. Each service takes the acting user, checks the
permission, runs in one transaction, validates with `full_clean()` and writes the audit event."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import Role
from habiter.core.versioning import version_check, version_claim

from . import queries
from . import rules as people_rules
from .models import Concern, ConcernCategory, Household, HouseholdNote, Person, Relation

HOUSEHOLD_FIELDS = ("name", "address", "postal_code", "city", "phone", "email")
HOUSEHOLD_FLAGS = ("sms_consent",)  # yes/no fields of the household's form
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "relation",
    "phone",
    "email",
    "nationality",
    "residence_permit_expiry",
)


@dataclass
class DuplicatePerson(Exception):
    """A person with the same normalised name and birth date is already visible to the user."""

    matches: list

    @property
    def message(self) -> str:
        names = ", ".join(f"{p.first_name} {p.last_name} (ménage {p.household.name})" for p in self.matches[:3])
        return _(
            "Une personne de même nom et de même date de naissance existe déjà : %(names)s. "
            "Vérifiez qu'il ne s'agit pas d'elle, ou confirmez la création."
        ) % {"names": names}


# --- the concerns taxonomy -------------------------------------------------------------------------

DEFAULT_CONCERNS = [
    ("family", "Famille", False, ["Séparations / divorces", "Droit de garde", "Violences intra familiales"]),
    (
        "exile",
        "Exil",
        False,
        ["Parcours traumatiques", "Barrière de la langue", "Violences intra familiales"],
    ),
    (
        "health",
        "Santé",
        True,
        ["Santé / Alimentation", "Handicap physique", "Souffrance psychique", "Addiction"],
    ),
    (
        "housing",
        "Logement",
        False,
        [
            "Inadapté",
            "Sur-occupé",
            "Insalubre ou indécent",
            "Difficulté d'appropriation",
            "Taux d'effort inadapté",
        ],
    ),
    (
        "employment",
        "Insertion professionnelle, emploi et ressources",
        False,
        ["Rupture du droit", "Formation", "Précarité financière", "Isolement"],
    ),
    (
        "young_people",
        "Public jeune",
        False,
        [
            "Instabilité des ressources",
            "Insertion / Formation",
            "Addiction / Exil / Rupture familiale",
            "Accès aux droits / Précarité menstruelle",
            "Sortie ASE (Aide Sociale à l'Enfance)",
        ],
    ),
    (
        "elderly",
        "Personnes âgées",
        False,
        ["Perte d'autonomie", "Isolement", "Précarité financière", "Mobilité"],
    ),
]


def concern_taxonomy_install(organisation) -> None:
    """Install the seed's panorama of social concerns for a new organisation (idempotent: what exists is kept).
    Four queries whatever the size of the panorama: every organisation, and every test's, is made with it."""
    with transaction.atomic():
        categories = {c.code: c for c in ConcernCategory.objects.filter(organisation=organisation)}
        ConcernCategory.objects.bulk_create(
            ConcernCategory(organisation=organisation, code=code, name=name, restricted=restricted, position=position)
            for position, (code, name, restricted, _labels) in enumerate(DEFAULT_CONCERNS)
            if code not in categories
        )
        categories = {c.code: c for c in ConcernCategory.objects.filter(organisation=organisation)}
        existing = set(Concern.objects.filter(organisation=organisation).values_list("category_id", "label"))
        Concern.objects.bulk_create(
            Concern(organisation=organisation, category=categories[code], label=label, position=label_position)
            for code, _name, _restricted, labels in DEFAULT_CONCERNS
            for label_position, label in enumerate(labels)
            if (categories[code].pk, label) not in existing
        )


# --- households --------------------------------------------------------------------------------------


def _refresh_search(household: Household) -> None:
    members = list(household.members.all())
    household.search_text = people_rules.household_search_text(
        household.name, [(m.first_name, m.last_name) for m in members]
    )
    household.search_phones = people_rules.household_phone_text([household.phone] + [m.phone for m in members])


def _check_assignment(actor, team, referent) -> None:
    if team is not None and team.organisation_id != actor.organisation_id:
        raise ValidationError({"team": _("Équipe inconnue.")})
    if referent is not None:
        if referent.organisation_id != actor.organisation_id or not referent.is_active:
            raise ValidationError({"referent": _("Référent inconnu.")})
        if referent.role not in queries.REFERENT_ROLES:
            raise ValidationError({"referent": _("Le référent doit être un travailleur social, un cadre ou un hôte.")})
    if actor.role != Role.DIRECTOR and team is not None and team.pk != actor.team_id:
        raise ValidationError({"team": _("Vous ne pouvez rattacher un ménage qu'à votre équipe.")})


def _concerns_for(actor, organisation_id, concern_ids, *, may_restricted, keep_restricted=()):
    concerns = list(
        Concern.objects.filter(organisation_id=organisation_id, pk__in=list(concern_ids or [])).select_related(
            "category"
        )
    )
    if len(concerns) != len(set(concern_ids or [])):
        raise ValidationError({"concerns": _("Problématique inconnue.")})
    if not may_restricted and any(c.category.restricted for c in concerns):
        raise ValidationError(
            {
                "concerns": _(
                    "Seuls le référent, le chef de service et la direction renseignent les problématiques de santé."
                )
            }
        )
    return concerns + [c for c in keep_restricted if c not in concerns]


def _new_person(actor, household, data) -> Person:
    person = Person(organisation_id=actor.organisation_id, household=household)
    for field in PERSON_FIELDS:
        if field in data:
            setattr(person, field, data[field] if data[field] is not None else _empty(Person, field))
    person.identity_key = people_rules.person_identity_key(person.first_name, person.last_name)
    return person


def _empty(model, field):
    return None if model._meta.get_field(field).null else ""


def _check_duplicates(actor, people, *, confirm_duplicate, exclude_person_id=None):
    if confirm_duplicate:
        return
    matches = []
    for person in people:
        matches.extend(
            queries.possible_duplicates(
                actor,
                person.first_name,
                person.last_name,
                person.birth_date,
                exclude_person_id=exclude_person_id,
            )
        )
    if matches:
        raise DuplicatePerson(matches)


def _member_error(index, error: ValidationError) -> ValidationError:
    messages = []
    for field, errors in error.message_dict.items():
        label = Person._meta.get_field(field).verbose_name if field != "__all__" else ""
        for message in errors:
            messages.append(
                _("Membre %(n)s, %(field)s : %(message)s") % {"n": index, "field": label, "message": message}
            )
    return ValidationError(messages)


def household_create(
    *,
    actor,
    data: dict,
    members: list[dict],
    concern_ids=(),
    team=None,
    referent=None,
    confirm_duplicate=False,
) -> Household:
    """Create a household with its members. Social workers become its referent, in their team."""
    if not actor.has_perm("people.add_household"):
        raise PermissionDenied
    if actor.role == Role.SOCIAL_WORKER:
        referent = referent or actor
        team = actor.team
    elif actor.role == Role.TEAM_LEAD:
        team = actor.team
    _check_assignment(actor, team, referent)
    name = (data.get("name") or "").strip()
    if not name and members:
        head = next((m for m in members if m.get("relation") == Relation.HEAD), members[0])
        name = (head.get("last_name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez le nom du ménage ou au moins un membre.")})
    with transaction.atomic():
        household = Household(organisation_id=actor.organisation_id, team=team, referent=referent, created_by=actor)
        for field in HOUSEHOLD_FIELDS:
            setattr(household, field, data.get(field) or "")
        for field in HOUSEHOLD_FLAGS:
            setattr(household, field, bool(data.get(field)))
        household.name = name
        household.full_clean(exclude=["search_text", "search_phones"])
        people = [_new_person(actor, household, member) for member in members]
        for index, person in enumerate(people, start=1):
            try:
                person.full_clean(exclude=["household", "identity_key"])
            except ValidationError as error:
                raise _member_error(index, error) from error
        _check_duplicates(actor, people, confirm_duplicate=confirm_duplicate)
        household.save()
        for person in people:
            person.household = household
            person.save()
            audit_record(actor=actor, action="person.create", obj=person, household_id=household.pk)
        may_restricted = actor.role in (Role.DIRECTOR, Role.TEAM_LEAD) or referent == actor
        household.concerns.set(
            _concerns_for(actor, household.organisation_id, concern_ids, may_restricted=may_restricted)
        )
        _refresh_search(household)
        household.save(update_fields=["search_text", "search_phones"])
        audit_record(actor=actor, action="household.create", obj=household, household_id=household.pk)
    return household


def _locked_household(actor, household_id) -> Household:
    try:
        household = queries.households_visible_to(actor).select_for_update().get(pk=household_id)
    except Household.DoesNotExist:
        raise Household.DoesNotExist from None
    if not actor.has_perm("people.change_household", household):
        raise Household.DoesNotExist
    return household


def household_update(
    *, actor, household_id, expected_version: int, data: dict, concern_ids=None, team=..., referent=...
) -> Household:
    """Change a household's fields (only those given). `expected_version` is the one the user saw: if someone
    saved in between, StaleVersion and nothing is saved (core.versioning)."""
    with transaction.atomic():
        household = _locked_household(actor, household_id)
        version_check(household, expected_version=expected_version)
        changed = []
        for field in HOUSEHOLD_FIELDS:
            if field in data:
                value = data[field] if data[field] is not None else ""
                if field == "name":
                    value = value.strip()
                if getattr(household, field) != value:
                    setattr(household, field, value)
                    changed.append(field)
        for field in HOUSEHOLD_FLAGS:
            if field in data and getattr(household, field) != bool(data[field]):
                setattr(household, field, bool(data[field]))
                changed.append(field)
        new_team = household.team if team is ... else team
        new_referent = household.referent if referent is ... else referent
        if new_team != household.team or new_referent != household.referent:
            _check_assignment(actor, new_team if new_team != household.team else None, new_referent)
            if new_team != household.team:
                household.team = new_team
                changed.append("team")
            if new_referent != household.referent:
                household.referent = new_referent
                changed.append("referent")
        if concern_ids is not None:
            current = set(household.concerns.all())
            # What the form could not offer stays: restricted concerns hidden from this user, retired ones.
            may_restricted = actor.has_perm("people.view_restricted", household)
            keep = [c for c in current if not c.active or (c.category.restricted and not may_restricted)]
            wanted = set(
                _concerns_for(
                    actor, household.organisation_id, concern_ids, may_restricted=may_restricted, keep_restricted=keep
                )
            )
            if wanted != current:
                household.concerns.set(wanted)
                changed.append("concerns")
        if not changed:
            return household
        household.full_clean(exclude=["search_text", "search_phones"])
        version_claim(household, expected_version=expected_version)
        _refresh_search(household)
        household.save()
        audit_record(
            actor=actor,
            action="household.update",
            obj=household,
            household_id=household.pk,
            detail={"fields": changed},
        )
    return household


def person_add(*, actor, household_id, data: dict, confirm_duplicate=False) -> Person:
    """Add a member to a household."""
    with transaction.atomic():
        household = _locked_household(actor, household_id)
        person = _new_person(actor, household, data)
        person.full_clean(exclude=["identity_key"])
        _check_duplicates(actor, [person], confirm_duplicate=confirm_duplicate)
        person.save()
        version_claim(household, expected_version=None)  # a form of the household opened before is refused
        _refresh_search(household)
        household.save(update_fields=["version", "search_text", "search_phones", "updated_at"])
        audit_record(actor=actor, action="person.create", obj=person, household_id=household.pk)
    return person


def person_update(*, actor, person_id, expected_version: int, data: dict, confirm_duplicate=False) -> Person:
    """Change a member's fields; a stale version raises StaleVersion, a new duplicate DuplicatePerson."""
    with transaction.atomic():
        person = Person.objects.select_related("household").get(
            pk=person_id, household__in=queries.households_visible_to(actor)
        )
        household = _locked_household(actor, person.household_id)
        person = Person.objects.select_for_update().get(pk=person.pk)
        version_check(person, expected_version=expected_version)
        changed = [f for f in PERSON_FIELDS if f in data and getattr(person, f) != data[f]]
        if not changed:
            return person
        for field in changed:
            setattr(person, field, data[field] if data[field] is not None else _empty(Person, field))
        person.identity_key = people_rules.person_identity_key(person.first_name, person.last_name)
        person.full_clean(exclude=["identity_key"])
        if {"first_name", "last_name", "birth_date"} & set(changed):
            _check_duplicates(actor, [person], confirm_duplicate=confirm_duplicate, exclude_person_id=person.pk)
        version_claim(person, expected_version=expected_version)
        person.save()
        _refresh_search(household)
        household.save(update_fields=["search_text", "search_phones", "updated_at"])
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            household_id=household.pk,
            detail={"fields": changed},
        )
    return person


def note_add(*, actor, household_id, text: str, restricted: bool = False) -> HouseholdNote:
    """Add a case note; only those who may read restricted notes may write one."""
    with transaction.atomic():
        household = _locked_household(actor, household_id)
        if not actor.has_perm("people.add_note", household):
            raise PermissionDenied
        if restricted and not actor.has_perm("people.view_restricted", household):
            raise ValidationError(
                {
                    "restricted": _(
                        "Seuls le référent, le chef de service et la direction peuvent écrire une note confidentielle."
                    )
                }
            )
        note = HouseholdNote(
            organisation_id=actor.organisation_id,
            household=household,
            author=actor,
            text=text,
            restricted=restricted,
        )
        note.full_clean()
        note.save()
        audit_record(actor=actor, action="note.create", obj=note, household_id=household.pk)
    return note


def concern_add(*, actor, category_id, label: str) -> Concern:
    """Add a concern to one of the organisation's categories (directors)."""
    if not actor.has_perm("people.configure_concerns"):
        raise PermissionDenied
    with transaction.atomic():
        category = ConcernCategory.objects.get(pk=category_id, organisation_id=actor.organisation_id)
        concern = Concern(
            organisation_id=actor.organisation_id,
            category=category,
            label=(label or "").strip(),
            position=category.concerns.count(),
        )
        concern.full_clean()
        concern.save()
        audit_record(actor=actor, action="concern.create", obj=concern, detail={"label": concern.label})
    return concern


def concern_set_active(*, actor, concern_id, active: bool) -> Concern:
    """Retire a concern from the choices, or bring it back; households keep the ones they have."""
    if not actor.has_perm("people.configure_concerns"):
        raise PermissionDenied
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern_id, organisation_id=actor.organisation_id)
        if concern.active != active:
            concern.active = active
            concern.save(update_fields=["active", "updated_at"])
            audit_record(actor=actor, action="concern.activate" if active else "concern.deactivate", obj=concern)
    return concern
