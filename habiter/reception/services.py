"""Every write of the reception desk and the workshops: permission, one transaction, validation, audit."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.people.queries import households_searchable_by

from . import queries
from . import rules as reception_rules
from .models import AgeBracket, DeskVisit, Enrolment, Sex, Workshop, WorkshopSession


def _searchable_household(actor, household_id):
    household = households_searchable_by(actor).filter(pk=household_id).first()
    if household is None:
        raise ValidationError(
            {"household": _("Ce ménage est introuvable : choisissez-le parmi les résultats de la recherche.")}
        )
    return household


def desk_visit_record(
    *,
    actor,
    topics,
    visited_at: datetime | None = None,
    age_bracket: str = AgeBracket.UNKNOWN,
    sex: str = Sex.UNSPECIFIED,
    postcode: str = "",
    information_given: str = "",
    referral_partner: str = "",
    referral_worker_id=None,
    household_id=None,
) -> DeskVisit:
    """Note a walk-in visit, anonymous or linked to a household the actor can find by search."""
    if not actor.has_perm("reception.log_visit"):
        raise PermissionDenied
    now = timezone.now()
    visited_at = visited_at or now
    errors = {}
    postcode = reception_rules.normalise_postcode(postcode)
    if error := reception_rules.postcode_error(postcode):
        errors["postcode"] = error
    if error := reception_rules.topics_error(topics):
        errors["topics"] = error
    if error := reception_rules.visited_at_error(visited_at, now):
        errors["visited_at"] = error
    with transaction.atomic():
        household = None
        if household_id:
            try:
                household = _searchable_household(actor, household_id)
            except ValidationError as error:
                errors.update(error.message_dict)
        worker = None
        if referral_worker_id:
            worker = queries.referral_worker_choices(actor).filter(pk=referral_worker_id).first()
            if worker is None:
                errors["referral_worker"] = _("Cette personne ne fait pas partie des salariés de l'association.")
        if errors:
            raise ValidationError(errors)
        visit = DeskVisit(
            organisation_id=actor.organisation_id,
            visited_at=visited_at,
            age_bracket=age_bracket or AgeBracket.UNKNOWN,
            sex=sex or Sex.UNSPECIFIED,
            postcode=postcode,
            topics=list(topics),
            information_given=information_given or "",
            referral_partner=(referral_partner or "").strip(),
            referral_worker=worker,
            household=household,
            recorded_by=actor,
        )
        visit.full_clean()
        visit.save()
        audit_record(
            actor=actor,
            action="desk_visit.record",
            obj=visit,
            household_id=household.pk if household else None,
            detail={"topics": visit.topics, "anonymous": household is None},
        )
    return visit


def workshop_create(*, actor, title: str, theme: str) -> Workshop:
    """Add a workshop to the organisation's offer."""
    if not actor.has_perm("reception.manage_workshops"):
        raise PermissionDenied
    with transaction.atomic():
        workshop = Workshop(
            organisation_id=actor.organisation_id, title=(title or "").strip(), theme=theme, created_by=actor
        )
        workshop.full_clean()
        workshop.save()
        audit_record(actor=actor, action="workshop.create", obj=workshop)
    return workshop


def workshop_session_create(
    *, actor, workshop_id, starts_at: datetime, place: str, facilitator_id, capacity: int
) -> WorkshopSession:
    """Schedule a session of a workshop of the organisation."""
    if not actor.has_perm("reception.manage_workshops"):
        raise PermissionDenied
    with transaction.atomic():
        workshop = Workshop.objects.get(pk=workshop_id, organisation_id=actor.organisation_id)
        errors = {}
        facilitator = queries.facilitator_choices(actor).filter(pk=facilitator_id).first()
        if facilitator is None:
            errors["facilitator"] = _("Choisissez l'animateur·rice parmi les membres de l'association.")
        if error := reception_rules.capacity_value_error(capacity):
            errors["capacity"] = error
        if errors:
            raise ValidationError(errors)
        session = WorkshopSession(
            organisation_id=actor.organisation_id,
            workshop=workshop,
            starts_at=starts_at,
            place=(place or "").strip(),
            facilitator=facilitator,
            capacity=capacity,
            created_by=actor,
        )
        session.full_clean()
        session.save()
        audit_record(actor=actor, action="workshop_session.create", obj=session, detail={"workshop": str(workshop)})
    return session


def enrolment_add(*, actor, session_id, household_id) -> Enrolment:
    """Enrol a household the actor can find by search in a session, within its capacity."""
    if not actor.has_perm("reception.manage_workshops"):
        raise PermissionDenied
    with transaction.atomic():
        session = (
            WorkshopSession.objects.select_for_update()
            .select_related("workshop")
            .get(pk=session_id, organisation_id=actor.organisation_id)
        )
        household = _searchable_household(actor, household_id)
        if session.enrolments.filter(household=household).exists():
            raise ValidationError({"household": _("Ce ménage est déjà inscrit à cette séance.")})
        if error := reception_rules.capacity_error(session.capacity, session.enrolments.count()):
            raise ValidationError({"household": error})
        enrolment = Enrolment(
            organisation_id=actor.organisation_id, session=session, household=household, enrolled_by=actor
        )
        enrolment.full_clean()
        enrolment.save()
        audit_record(
            actor=actor,
            action="enrolment.add",
            obj=enrolment,
            household_id=household.pk,
            detail={"workshop": session.workshop.title},
        )
    return enrolment


def attendance_take(*, actor, session_id, present_ids) -> WorkshopSession:
    """Record who came: every enrolment of the session is marked present (its id in `present_ids`) or absent."""
    if not actor.has_perm("reception.take_attendance"):
        raise PermissionDenied
    present = {str(pk) for pk in present_ids}
    with transaction.atomic():
        session = (
            WorkshopSession.objects.select_for_update()
            .select_related("workshop")
            .get(pk=session_id, organisation_id=actor.organisation_id)
        )
        if error := reception_rules.attendance_error(timezone.localdate(session.starts_at), timezone.localdate()):
            raise ValidationError(error)
        enrolments = list(session.enrolments.all())
        unknown = present - {str(e.pk) for e in enrolments}
        if unknown:
            raise ValidationError(_("Une personne cochée n'est pas inscrite à cette séance."))
        for enrolment in enrolments:
            attended = str(enrolment.pk) in present
            if enrolment.attended != attended:
                enrolment.attended = attended
                enrolment.full_clean()
                enrolment.save(update_fields=["attended", "updated_at"])
            audit_record(
                actor=actor,
                action="attendance.take",
                obj=enrolment,
                household_id=enrolment.household_id,
                detail={"attended": attended, "workshop": session.workshop.title},
            )
        session.attendance_taken_at = timezone.now()
        session.save(update_fields=["attendance_taken_at", "updated_at"])
    return session
