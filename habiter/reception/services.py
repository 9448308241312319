"""Every write of the reception desk and the workshops: permission, one transaction, validation, audit."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import Role
from habiter.core.partners import partner_named
from habiter.people.queries import households_searchable_by

from . import queries
from . import rules as reception_rules
from .models import AgeBracket, DeskVisit, Enrolment, Referral, ReferralStatus, Sex, Workshop, WorkshopSession


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
    present_professional_id=None,
) -> DeskVisit:
    """Note a walk-in visit, anonymous or linked to a household the actor can find by search. A volunteer names the
    professional of the association present at the desk (W24: the volunteer's charter)."""
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
        professional = _present_professional(actor, present_professional_id, errors)
        if actor.role == Role.VOLUNTEER and professional is None:
            errors.setdefault(
                "present_professional",
                _(
                    "Un·e bénévole ne tient pas l'accueil seul·e (charte du bénévole) : "
                    "indiquez le ou la professionnel·le présent·e."
                ),
            )
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
            referral_partner=partner_named(
                actor=actor, name=referral_partner, field="referral_partner", origin="desk_visit.referral_partner"
            ),
            referral_worker=worker,
            household=household,
            recorded_by=actor,
            present_professional=professional,
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


def _present_professional(actor, professional_id, errors: dict):
    """The professional of the association named as present (W24), or None; a forged or foreign id is an error."""
    if not professional_id:
        return None
    professional = queries.professional_choices(actor).filter(pk=professional_id).first()
    if professional is None:
        errors["present_professional"] = _("Choisissez un·e salarié·e de l'association.")
    return professional


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
    *, actor, workshop_id, starts_at: datetime, place: str, facilitator_id, capacity: int, present_professional_id=None
) -> WorkshopSession:
    """Schedule a session of a workshop of the organisation; a volunteer facilitates only with a professional of the
    association present (W24: the volunteer's charter)."""
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
        professional = _present_professional(actor, present_professional_id, errors)
        if facilitator is not None and facilitator.role == Role.VOLUNTEER and professional is None:
            errors.setdefault(
                "present_professional",
                _(
                    "Un·e bénévole n'anime pas seul·e (charte du bénévole) : "
                    "indiquez le ou la professionnel·le présent·e."
                ),
            )
        if errors:
            raise ValidationError(errors)
        session = WorkshopSession(
            organisation_id=actor.organisation_id,
            workshop=workshop,
            starts_at=starts_at,
            place=(place or "").strip(),
            facilitator=facilitator,
            present_professional=professional,
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


# --- referrals (orientations) -------------------------------------------------------------------------------------


def _recipient(actor, to_user_id, field="to_user"):
    """An active colleague of the actor's organisation who follows households, else a French error on `field`."""
    if not to_user_id:
        raise ValidationError({field: _("Choisissez la personne vers qui orienter.")})
    from habiter.core.models import User

    user = User.objects.filter(pk=to_user_id).first()
    if user is None or user.organisation_id != actor.organisation_id:
        raise ValidationError({field: _("Cette personne ne fait pas partie des salariés de l'association.")})
    if not user.is_active:
        raise ValidationError({field: _("Ce compte est désactivé : orientez vers un·e collègue en poste.")})
    if not queries.referral_worker_choices(actor).filter(pk=user.pk).exists():
        raise ValidationError(
            {field: _("Orientez vers un·e travailleur·se social·e, un·e chef·fe de service ou la direction.")}
        )
    return user


def _transition(referral, target):
    if error := reception_rules.referral_transition_error(referral.status, target):
        raise ValidationError(error)


def _locked_referral(actor, referral_id) -> Referral:
    """The referral under a row lock, if the actor may see it (Referral.DoesNotExist otherwise: a 404)."""
    pk = (
        queries.referrals_visible_to(actor)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
        .get(pk=referral_id)
    )
    return Referral.objects.select_related(*queries.REFERRAL_RELATED).get(pk=pk)


def referral_create(
    *,
    actor,
    to_user_id,
    reason: str,
    household_id=None,
    desk_visit_id=None,
    visitor_name: str = "",
    visitor_phone: str = "",
    visitor_email: str = "",
) -> Referral:
    """Refer a person to a colleague who follows households: a known household the actor can find by search, or a
    visitor not yet known with a name and a phone or an e-mail; optionally from a desk visit of the organisation
    (its household, if any, is the referral's). The referral is a to-do on the recipient's home page."""
    if not actor.has_perm("reception.refer"):
        raise PermissionDenied
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Dites en quelques mots pourquoi la personne est orientée.")
    with transaction.atomic():
        visit = None
        if desk_visit_id:
            visit = DeskVisit.objects.filter(pk=desk_visit_id, organisation_id=actor.organisation_id).first()
            if visit is None:
                raise ValidationError({"desk_visit": _("Ce passage à l'accueil est introuvable.")})
        if visit is not None and visit.household_id and not household_id:
            household_id = visit.household_id
        household = None
        if household_id:
            try:
                household = _searchable_household(actor, household_id)
            except ValidationError as error:
                errors.update(error.message_dict)
        try:
            recipient = _recipient(actor, to_user_id)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if recipient.pk == actor.pk:
                errors["to_user"] = _("Orientez vers un·e collègue, pas vers vous-même.")
        if household is None and "household" not in errors:
            errors.update(
                reception_rules.referral_contact_errors(
                    has_household=False, name=visitor_name, phone=visitor_phone, email=visitor_email
                )
            )
        if errors:
            raise ValidationError(errors)
        referral = Referral(
            organisation_id=actor.organisation_id,
            from_user=actor,
            to_user=recipient,
            household=household,
            desk_visit=visit,
            visitor_name="" if household else (visitor_name or "").strip(),
            visitor_phone="" if household else (visitor_phone or "").strip(),
            visitor_email="" if household else (visitor_email or "").strip(),
            reason=reason,
        )
        referral.full_clean()
        referral.save()
        audit_record(
            actor=actor,
            action="referral.create",
            obj=referral,
            household_id=household.pk if household else None,
            detail={"to": str(recipient.pk), "from_desk_visit": visit is not None},
        )
    return referral


def referral_take_up(*, actor, referral_id, note: str = "") -> Referral:
    """The recipient takes the referral up: it leaves their to-do list, dated and signed."""
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id)
        if not actor.has_perm("reception.take_up_referral", referral):
            raise PermissionDenied
        _transition(referral, ReferralStatus.TAKEN_UP)
        referral.status = ReferralStatus.TAKEN_UP
        referral.taken_up_at = timezone.now()
        referral.taken_up_by = actor
        referral.note = (note or "").strip()
        referral.full_clean()
        referral.save(update_fields=["status", "taken_up_at", "taken_up_by", "note", "updated_at"])
        audit_record(actor=actor, action="referral.take_up", obj=referral, household_id=referral.household_id)
    return referral


def referral_reopen(*, actor, referral_id, reason: str) -> Referral:
    """Put a referral taken up (by mistake, or the person did not come) back on the recipient's to-do list; the
    recipient, their team lead or the director, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id)
        if not actor.has_perm("reception.manage_referral", referral):
            raise PermissionDenied
        _transition(referral, ReferralStatus.OPEN)
        if not reason:
            raise ValidationError({"reason": _("Dites pourquoi l'orientation est rouverte.")})
        referral.status = ReferralStatus.OPEN
        referral.taken_up_at = None
        referral.taken_up_by = None
        referral.note = reason
        referral.full_clean()
        referral.save(update_fields=["status", "taken_up_at", "taken_up_by", "note", "updated_at"])
        audit_record(
            actor=actor,
            action="referral.reopen",
            obj=referral,
            household_id=referral.household_id,
            detail={"reason": reason},
        )
    return referral


def referral_redirect(*, actor, referral_id, to_user_id, reason: str) -> Referral:
    """Send an open referral on to another colleague, with the reason: it is closed as redirected and a new open
    referral, with the same person and contact, is the other colleague's to-do. The recipient, their team lead or
    the director. Returns the new referral."""
    reason = (reason or "").strip()
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id)
        if not actor.has_perm("reception.manage_referral", referral):
            raise PermissionDenied
        _transition(referral, ReferralStatus.REDIRECTED)
        errors = {}
        if not reason:
            errors["reason"] = _("Dites pourquoi la personne est réorientée.")
        try:
            recipient = _recipient(actor, to_user_id)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if recipient.pk == referral.to_user_id:
                errors["to_user"] = _(
                    "L'orientation est déjà adressée à cette personne : choisissez un·e autre collègue."
                )
        if errors:
            raise ValidationError(errors)
        successor = Referral(
            organisation_id=referral.organisation_id,
            from_user=actor,
            to_user=recipient,
            household=referral.household,
            desk_visit=referral.desk_visit,
            visitor_name=referral.visitor_name,
            visitor_phone=referral.visitor_phone,
            visitor_email=referral.visitor_email,
            reason=f"{reason}\n\n{referral.reason}",
        )
        successor.full_clean()
        successor.save()
        referral.status = ReferralStatus.REDIRECTED
        referral.note = reason
        referral.redirected_to = successor
        referral.full_clean()
        referral.save(update_fields=["status", "note", "redirected_to", "updated_at"])
        audit_record(
            actor=actor,
            action="referral.redirect",
            obj=referral,
            household_id=referral.household_id,
            detail={"to": str(recipient.pk), "new_referral": str(successor.pk), "reason": reason},
        )
    return successor
