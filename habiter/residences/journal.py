"""Every write of the hosts' house journal (W10): collective activities and individual supports. Re-exported by
`services`."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from . import queries
from .models import (
    HouseActivity,
    IndividualSupport,
    Residence,
    SupportKind,
)
from .writes import _require, _strip

# --- the house journal (W10) -------------------------------------------------------------------------------


def _journal_residence(actor, residence_id) -> Residence:
    _require(actor, "residences.keep_journal")
    return Residence.objects.get(pk=residence_id, pk__in=queries.residences_for(actor).values("pk"))


def _residents_of(residence, on, person_ids, field) -> list:
    ids = list(dict.fromkeys(person_ids or ()))
    persons = list(queries.journal_resident_choices(residence, on).filter(pk__in=ids))
    if len(persons) != len(ids):
        raise ValidationError({field: _("Choisissez des résidents de la maison.")})
    return persons


def house_activity_record(
    *, actor, residence_id, held_on: date, kind: str, title: str, note: str = "", participant_ids=(), helper_ids=()
) -> HouseActivity:
    """Log a collective activity of the house (W10), with the residents who took part and the volunteers who
    helped (volunteers of the organisation only)."""
    with transaction.atomic():
        residence = _journal_residence(actor, residence_id)
        participants = _residents_of(residence, held_on, participant_ids, "participants")
        ids = list(dict.fromkeys(helper_ids or ()))
        helpers = list(queries.volunteer_choices(actor).filter(pk__in=ids))
        if len(helpers) != len(ids):
            raise ValidationError({"helpers": _("Choisissez des bénévoles de votre association.")})
        activity = HouseActivity(
            organisation_id=actor.organisation_id,
            residence=residence,
            held_on=held_on,
            kind=kind,
            title=_strip(title) or "",
            note=_strip(note) or "",
            created_by=actor,
        )
        activity.full_clean()
        activity.save()
        activity.participants.set(participants)
        activity.helpers.set(helpers)
        audit_record(
            actor=actor, action="house_activity.record", obj=activity, detail={"participants": len(participants)}
        )
    return activity


def individual_support_record(
    *, actor, residence_id, resident_id, given_on: date, kind: str, note: str
) -> IndividualSupport:
    """Log a short practical note about the help given to one resident (W10), with its kind: against isolation,
    mediation towards outside services (two categories of the gestion locative sociale, R82), or other help."""
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Dites de quelle nature est ce soutien.")})
    with transaction.atomic():
        residence = _journal_residence(actor, residence_id)
        (resident,) = _residents_of(residence, given_on, [resident_id], "resident")
        support = IndividualSupport(
            organisation_id=actor.organisation_id,
            residence=residence,
            resident=resident,
            given_on=given_on,
            kind=kind,
            note=_strip(note) or "",
            created_by=actor,
        )
        support.full_clean()
        support.save()
        audit_record(actor=actor, action="individual_support.record", obj=support, household_id=resident.household_id)
    return support


def individual_support_set_kind(*, actor, support_id, kind: str) -> IndividualSupport:
    """Give its kind to a support noted before kinds were asked, or correct a kind already given (W10, R82): by
    whoever keeps the journal of the support's residence. The audit keeps the kind before and after, so a corrected
    kind keeps its history; choosing the kind it already has writes nothing."""
    _require(actor, "residences.keep_journal")
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Dites de quelle nature est ce soutien.")})
    with transaction.atomic():
        support = (
            IndividualSupport.objects.select_for_update()
            .select_related("resident")
            .get(pk=support_id, residence__in=queries.residences_for(actor).values("pk"))
        )
        before = support.kind
        if before == kind:
            return support
        support.kind = kind
        support.full_clean()
        support.save(update_fields=["kind"])
        audit_record(
            actor=actor,
            action="individual_support.kind",
            obj=support,
            household_id=support.resident.household_id,
            detail={"from": before, "to": kind},
        )
    return support
