"""Every write of the housing stock: permission, one transaction, validation, audit."""

import io
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.versioning import version_check, version_claim

from . import queries
from . import rules as housing_rules
from .models import (
    Building,
    Dwelling,
    Inspection,
    InspectionKind,
    InspectionRoom,
    MaintenanceTicket,
    Owner,
    OwnerContact,
    Photo,
    Prospect,
    ProspectStage,
    ProspectStageChange,
    TicketStatus,
    photo_path,
)

OWNER_FIELDS = ("kind", "name", "email", "phone", "address", "iban", "notes")
BUILDING_FIELDS = ("name", "address", "postal_code", "city")
DWELLING_FIELDS = (
    "reference",
    "address",
    "postal_code",
    "city",
    "territory",
    "surface",
    "rooms",
    "floor",
    "furnished",
    "energy_class",
    "energy_kwh",
    "rent_cap_scheme",
    "rent_cap_ceiling",
    "decency_checked_on",
)


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# --- owners ----------------------------------------------------------------------------------------------


def _owner_apply(owner: Owner, data: dict) -> None:
    for field in OWNER_FIELDS:
        if field in data:
            setattr(owner, field, _strip(data[field]) if data[field] is not None else "")
    owner.iban = housing_rules.normalise_iban(owner.iban)
    if error := housing_rules.iban_error(owner.iban):
        raise ValidationError({"iban": error})


def owner_create(*, actor, data: dict) -> Owner:
    """Add an owner; an IBAN whose check digits do not match is refused and nothing is saved."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        owner = Owner(organisation_id=actor.organisation_id, created_by=actor)
        _owner_apply(owner, data)
        owner.full_clean()
        owner.save()
        audit_record(actor=actor, action="owner.create", obj=owner, detail={"kind": owner.kind})
    return owner


def owner_update(*, actor, owner_id, data: dict, expected_version: int | None = None) -> Owner:
    """Change an owner's details (the IBAN is checked like at creation). `expected_version`: the one the form
    showed; if someone saved in between, StaleVersion and nothing is saved."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        owner = Owner.objects.get(pk=owner_id, organisation_id=actor.organisation_id)
        version_check(owner, expected_version=expected_version)
        _owner_apply(owner, data)
        owner.full_clean()
        version_claim(owner, expected_version=expected_version)
        owner.save()
        audit_record(actor=actor, action="owner.update", obj=owner, detail={"fields": sorted(data)})
    return owner


def owner_contact_add(*, actor, owner_id, occurred_on: date, channel: str, summary: str) -> OwnerContact:
    """Add an exchange with an owner to its contact history."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        owner = Owner.objects.get(pk=owner_id, organisation_id=actor.organisation_id)
        if occurred_on and occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("Un contact ne peut pas être daté dans le futur.")})
        contact = OwnerContact(
            organisation_id=actor.organisation_id,
            owner=owner,
            occurred_on=occurred_on,
            channel=channel,
            summary=(summary or "").strip(),
            author=actor,
        )
        contact.full_clean()
        contact.save()
        audit_record(actor=actor, action="owner_contact.add", obj=contact, detail={"owner": str(owner.pk)})
    return contact


# --- buildings ---------------------------------------------------------------------------------------------


def _owner_of_organisation(actor, owner_id, field="owner"):
    if not owner_id:
        return None
    owner = Owner.objects.filter(pk=owner_id, organisation_id=actor.organisation_id).first()
    if owner is None:
        raise ValidationError({field: _("Ce propriétaire est introuvable : choisissez-le dans la liste.")})
    return owner


def _building_apply(actor, building: Building, data: dict, owner_id) -> None:
    for field in BUILDING_FIELDS:
        if field in data:
            setattr(building, field, _strip(data[field]) or "")
    building.owner = _owner_of_organisation(actor, owner_id)


def building_create(*, actor, data: dict, owner_id=None) -> Building:
    """Add a building (its owner is optional: a building may be the association's own)."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        building = Building(organisation_id=actor.organisation_id)
        _building_apply(actor, building, data, owner_id)
        building.full_clean()
        building.save()
        audit_record(actor=actor, action="building.create", obj=building)
    return building


def building_update(*, actor, building_id, data: dict, owner_id=None, expected_version: int | None = None) -> Building:
    """Change a building; a stale `expected_version` (someone saved since the form was shown) saves nothing."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        building = Building.objects.get(pk=building_id, organisation_id=actor.organisation_id)
        version_check(building, expected_version=expected_version)
        _building_apply(actor, building, data, owner_id)
        building.full_clean()
        version_claim(building, expected_version=expected_version)
        building.save()
        audit_record(actor=actor, action="building.update", obj=building)
    return building


# --- dwellings ---------------------------------------------------------------------------------------------


def _dwelling_apply(actor, dwelling: Dwelling, data: dict, owner_id, building_id) -> None:
    for field in DWELLING_FIELDS:
        if field in data:
            value = _strip(data[field])
            if value is None and field in ("reference", "address", "postal_code", "city", "energy_class"):
                value = ""
            if value is None and field == "rent_cap_scheme":
                value = ""
            setattr(dwelling, field, value)
    errors = {}
    try:
        dwelling.owner = _owner_of_organisation(actor, owner_id)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not owner_id:
        errors["owner"] = [_("Indiquez le propriétaire du logement.")]
    dwelling.building = None
    if building_id:
        dwelling.building = Building.objects.filter(pk=building_id, organisation_id=actor.organisation_id).first()
        if dwelling.building is None:
            errors["building"] = [_("Cet immeuble est introuvable : choisissez-le dans la liste.")]
    if dwelling.rent_cap_scheme and dwelling.rent_cap_ceiling is None:
        errors["rent_cap_ceiling"] = [_("Un logement conventionné a un plafond de loyer : indiquez-le.")]
    if not dwelling.rent_cap_scheme and dwelling.rent_cap_ceiling is not None:
        errors["rent_cap_scheme"] = [_("Un plafond de loyer suppose une convention : choisissez-la.")]
    if dwelling.decency_checked_on and dwelling.decency_checked_on > timezone.localdate():
        errors["decency_checked_on"] = [_("La vérification de décence ne peut pas être datée dans le futur.")]
    if errors:
        raise ValidationError(errors)


def dwelling_create(*, actor, data: dict, owner_id, building_id=None) -> Dwelling:
    """Add a dwelling to the stock; its reference is unique in the organisation."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        dwelling = Dwelling(organisation_id=actor.organisation_id)
        _dwelling_apply(actor, dwelling, data, owner_id, building_id)
        dwelling.full_clean()
        dwelling.save()
        audit_record(actor=actor, action="dwelling.create", obj=dwelling, detail={"reference": dwelling.reference})
    return dwelling


def dwelling_update(
    *, actor, dwelling_id, data: dict, owner_id, building_id=None, expected_version: int | None = None
) -> Dwelling:
    """Change a dwelling; a stale `expected_version` (someone saved since the form was shown) saves nothing."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        dwelling = Dwelling.objects.get(pk=dwelling_id, organisation_id=actor.organisation_id)
        version_check(dwelling, expected_version=expected_version)
        _dwelling_apply(actor, dwelling, data, owner_id, building_id)
        dwelling.full_clean()
        version_claim(dwelling, expected_version=expected_version)
        dwelling.save()
        audit_record(actor=actor, action="dwelling.update", obj=dwelling, detail={"reference": dwelling.reference})
    return dwelling


# --- captation ---------------------------------------------------------------------------------------------


def prospect_create(
    *,
    actor,
    worker_id,
    on_date: date,
    owner_id=None,
    new_owner: dict | None = None,
    dwelling_id=None,
    new_dwelling: dict | None = None,
    market_rent: Decimal | None = None,
    notes: str = "",
) -> Prospect:
    """Open a prospect at the first stage, with an existing owner and dwelling or new ones created with it
    (all or nothing)."""
    _require(actor, "housing.manage_stock")
    if on_date and on_date > timezone.localdate():
        raise ValidationError({"on_date": _("La date ne peut pas être dans le futur.")})
    with transaction.atomic():
        worker = queries.captation_workers(actor).filter(pk=worker_id).first()
        if worker is None:
            raise ValidationError({"worker": _("Choisissez la personne chargée de la captation dans la liste.")})
        if owner_id:
            owner = _owner_of_organisation(actor, owner_id)
        elif new_owner:
            owner = owner_create(actor=actor, data=new_owner)
        else:
            raise ValidationError({"owner": _("Choisissez un propriétaire ou créez-en un.")})
        if dwelling_id:
            dwelling = Dwelling.objects.filter(pk=dwelling_id, organisation_id=actor.organisation_id).first()
            if dwelling is None:
                raise ValidationError({"dwelling": _("Ce logement est introuvable : choisissez-le dans la liste.")})
        elif new_dwelling:
            dwelling = dwelling_create(actor=actor, data=new_dwelling, owner_id=owner.pk)
        else:
            raise ValidationError({"dwelling": _("Choisissez un logement ou créez-en un.")})
        prospect = Prospect(
            organisation_id=actor.organisation_id,
            owner=owner,
            dwelling=dwelling,
            worker=worker,
            stage=ProspectStage.IDENTIFIED,
            stage_since=on_date,
            market_rent=market_rent,
            notes=(notes or "").strip(),
        )
        prospect.full_clean()
        prospect.save()
        ProspectStageChange.objects.create(
            organisation_id=actor.organisation_id,
            prospect=prospect,
            from_stage="",
            to_stage=ProspectStage.IDENTIFIED,
            on_date=on_date,
            actor=actor,
        )
        audit_record(actor=actor, action="prospect.create", obj=prospect, detail={"dwelling": dwelling.reference})
    return prospect


def prospect_move(
    *,
    actor,
    prospect_id,
    to_stage: str,
    on_date: date,
    comment: str = "",
    offered_rent: Decimal | None = None,
    guarantee: str = "",
    works_estimate: Decimal | None = None,
    drop_reason: str = "",
) -> Prospect:
    """Move a prospect along the pipeline (rules.STAGE_TRANSITIONS), dated and logged."""
    _require(actor, "housing.manage_stock")
    with transaction.atomic():
        prospect = Prospect.objects.select_for_update().get(pk=prospect_id, organisation_id=actor.organisation_id)
        if error := housing_rules.stage_move_error(
            prospect.stage, to_stage, drop_reason=drop_reason, offered_rent=offered_rent, guarantee=guarantee
        ):
            field = {"dropped": "drop_reason", "offer_made": "offered_rent"}.get(to_stage, "to_stage")
            if to_stage not in housing_rules.STAGE_TRANSITIONS.get(prospect.stage, ()):
                field = "to_stage"
            raise ValidationError({field: error})
        if on_date > timezone.localdate():
            raise ValidationError({"on_date": _("Une étape ne peut pas être datée dans le futur.")})
        if on_date < prospect.stage_since:
            raise ValidationError(
                {
                    "on_date": _("Une étape ne peut pas précéder la précédente (le %(day)s).")
                    % {"day": prospect.stage_since.strftime("%d/%m/%Y")}
                }
            )
        if to_stage == ProspectStage.OFFER_MADE and prospect.market_rent is not None and offered_rent is not None:
            if offered_rent >= prospect.market_rent:
                raise ValidationError(
                    {
                        "offered_rent": _("L'offre de l'association se fait sous le loyer de marché (%(rent)s €).")
                        % {"rent": prospect.market_rent}
                    }
                )
        from_stage = prospect.stage
        prospect.stage = to_stage
        prospect.stage_since = on_date
        if to_stage == ProspectStage.OFFER_MADE:
            prospect.offered_rent = offered_rent
            prospect.guarantee = guarantee
        if works_estimate is not None:
            prospect.works_estimate = works_estimate
        if to_stage == ProspectStage.DROPPED:
            prospect.drop_reason = drop_reason
        prospect.full_clean()
        prospect.save()
        ProspectStageChange.objects.create(
            organisation_id=actor.organisation_id,
            prospect=prospect,
            from_stage=from_stage,
            to_stage=to_stage,
            on_date=on_date,
            comment=(comment or "").strip(),
            actor=actor,
        )
        audit_record(actor=actor, action="prospect.move", obj=prospect, detail={"from": from_stage, "to": to_stage})
    return prospect


# --- photos ----------------------------------------------------------------------------------------------


def _photo_check(uploaded) -> tuple[str, str]:
    """Refuse what is not a readable JPEG, PNG or WebP image of at most 10 MB, judged from the content."""
    if error := housing_rules.photo_size_error(uploaded.size or 0):
        raise ValidationError({"photo": error})
    content = uploaded.read()
    uploaded.seek(0)
    sniffed = housing_rules.sniff_photo_type(content[:16])
    if sniffed is None:
        raise ValidationError(
            {"photo": _("Seules les photos JPEG, PNG et WebP sont acceptées (le contenu a été vérifié).")}
        )
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except Exception as broken:  # noqa: BLE001 - Pillow raises many kinds of errors on a broken image
        raise ValidationError(
            {"photo": _("Cette photo est abîmée ou incomplète : elle ne peut pas être lue.")}
        ) from broken
    return sniffed


@contextmanager
def _stored_files_removed_on_failure():
    """Files stored inside the block are deleted if the block fails: a refused request stores nothing."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


def _photo_store(actor, uploaded, stored: list, *, ticket=None, room=None) -> Photo:
    content_type, extension = _photo_check(uploaded)
    photo = Photo(
        organisation_id=actor.organisation_id,
        ticket=ticket,
        room=room,
        content_type=content_type,
        extension=extension,
        size=uploaded.size,
        uploaded_by=actor,
    )
    photo.full_clean(exclude=["file", "room" if room is None else "ticket"])
    photo.file.save(photo_path(photo, uploaded.name), uploaded, save=False)
    stored.append(photo.file)
    photo.save()
    return photo


def photo_add(*, actor, ticket_id, uploaded) -> Photo:
    """Add a photo to a ticket the actor may see; nothing is stored when it is refused."""
    _require(actor, "housing.report_ticket")
    with _stored_files_removed_on_failure() as stored, transaction.atomic():
        ticket = queries.tickets_for(actor).get(pk=ticket_id)
        photo = _photo_store(actor, uploaded, stored, ticket=ticket)
        audit_record(actor=actor, action="photo.add", obj=photo, detail={"ticket": str(ticket.pk)})
    return photo


# --- maintenance tickets ---------------------------------------------------------------------------------


def ticket_create(
    *,
    actor,
    dwelling_id,
    title: str,
    reported_by: str,
    reported_on: date,
    urgency: str,
    description: str = "",
    photos=(),
) -> MaintenanceTicket:
    """Report a repair in a dwelling of the organisation, with its photos (all or nothing)."""
    _require(actor, "housing.report_ticket")
    if reported_on and reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("Un signalement ne peut pas être daté dans le futur.")})
    for uploaded in photos:
        _photo_check(uploaded)
    with _stored_files_removed_on_failure() as stored, transaction.atomic():
        dwelling = Dwelling.objects.filter(pk=dwelling_id, organisation_id=actor.organisation_id).first()
        if dwelling is None:
            raise ValidationError({"dwelling": _("Ce logement est introuvable : choisissez-le dans la liste.")})
        ticket = MaintenanceTicket(
            organisation_id=actor.organisation_id,
            dwelling=dwelling,
            title=(title or "").strip(),
            description=(description or "").strip(),
            reported_by=reported_by,
            reported_on=reported_on,
            urgency=urgency,
            status=TicketStatus.OPEN,
            created_by=actor,
        )
        ticket.full_clean()
        ticket.save()
        for uploaded in photos:
            _photo_store(actor, uploaded, stored, ticket=ticket)
        audit_record(actor=actor, action="ticket.create", obj=ticket, detail={"dwelling": dwelling.reference})
    return ticket


def ticket_update(
    *,
    actor,
    ticket_id,
    status: str,
    technician_id=None,
    contractor: str = "",
    cost: Decimal | None = None,
    expected_version: int | None = None,
) -> MaintenanceTicket:
    """Assign, follow and close a ticket: the status moves along rules.TICKET_TRANSITIONS; closing dates it.
    A stale `expected_version` (someone followed the ticket since the form was shown) saves nothing."""
    _require(actor, "housing.handle_ticket")
    with transaction.atomic():
        ticket = MaintenanceTicket.objects.select_for_update().get(pk=ticket_id, organisation_id=actor.organisation_id)
        version_check(ticket, expected_version=expected_version)
        errors = {}
        from_status = ticket.status
        if status != ticket.status:
            if error := housing_rules.ticket_transition_error(ticket.status, status):
                errors["status"] = error
        elif ticket.status in (TicketStatus.DONE, TicketStatus.CANCELLED):
            errors["status"] = housing_rules.ticket_transition_error(ticket.status, TicketStatus.IN_PROGRESS)
        technician = None
        if technician_id:
            technician = queries.technician_choices(actor).filter(pk=technician_id).first()
            if technician is None:
                errors["technician"] = _("Choisissez l'agent technique dans la liste.")
        if status == TicketStatus.ASSIGNED and technician is None and not (contractor or "").strip():
            errors["technician"] = _("Une demande attribuée l'est à un agent technique ou à une entreprise.")
        if errors:
            raise ValidationError(errors)
        ticket.status = status
        ticket.technician = technician
        ticket.contractor = (contractor or "").strip()
        ticket.cost = cost
        if status == TicketStatus.DONE and from_status != TicketStatus.DONE:
            ticket.closed_on = timezone.localdate()
        ticket.full_clean()
        version_claim(ticket, expected_version=expected_version)
        ticket.save()
        audit_record(
            actor=actor,
            action="ticket.update",
            obj=ticket,
            detail={"from": from_status, "to": status, "cost": str(cost) if cost is not None else None},
        )
    return ticket


# --- inspections -------------------------------------------------------------------------------------------


def inspection_record(
    *,
    actor,
    dwelling_id,
    kind: str,
    done_on: date,
    rooms: list[dict],
    household_id=None,
    keys_returned_on: date | None = None,
    comment: str = "",
) -> Inspection:
    """Record a check-in or check-out room by room (each room may carry a photo); a check-out is linked to the
    latest check-in of the dwelling. All or nothing."""
    _require(actor, "housing.record_inspection")
    errors = {}
    if not rooms:
        errors["__all__"] = _("Un état des lieux décrit au moins une pièce.")
    if done_on and done_on > timezone.localdate():
        errors["done_on"] = _("Un état des lieux ne peut pas être daté dans le futur.")
    if keys_returned_on and kind != InspectionKind.CHECK_OUT:
        errors["keys_returned_on"] = _("La remise des clés se note sur l'état des lieux de sortie.")
    for room in rooms:
        if room.get("photo"):
            try:
                _photo_check(room["photo"])
            except ValidationError as error:
                errors["__all__"] = _("Pièce « %(room)s » : %(error)s") % {
                    "room": room.get("name", ""),
                    "error": " ".join(error.messages),
                }
    if errors:
        raise ValidationError(errors)
    with _stored_files_removed_on_failure() as stored, transaction.atomic():
        dwelling = Dwelling.objects.filter(pk=dwelling_id, organisation_id=actor.organisation_id).first()
        if dwelling is None:
            raise ValidationError({"dwelling": _("Ce logement est introuvable : choisissez-le dans la liste.")})
        household = None
        if household_id:
            household = queries.inspection_households(dwelling, actor).filter(pk=household_id).first()
            if household is None:
                raise ValidationError({"household": _("Ce ménage n'est pas lié à ce logement.")})
        check_in = queries.latest_check_in(dwelling, before=done_on) if kind == InspectionKind.CHECK_OUT else None
        inspection = Inspection(
            organisation_id=actor.organisation_id,
            dwelling=dwelling,
            household=household,
            kind=kind,
            done_on=done_on,
            keys_returned_on=keys_returned_on,
            check_in=check_in,
            comment=(comment or "").strip(),
            inspector=actor,
        )
        inspection.full_clean()
        inspection.save()
        for position, data in enumerate(rooms):
            room = InspectionRoom(
                organisation_id=actor.organisation_id,
                inspection=inspection,
                position=position,
                name=(data.get("name") or "").strip(),
                condition=data.get("condition") or "",
                comment=(data.get("comment") or "").strip(),
            )
            room.full_clean(exclude=["inspection"])
            room.save()
            if data.get("photo"):
                _photo_store(actor, data["photo"], stored, room=room)
        audit_record(
            actor=actor,
            action="inspection.record",
            obj=inspection,
            household_id=household.pk if household else None,
            detail={"kind": kind, "dwelling": dwelling.reference, "rooms": len(rooms)},
        )
    return inspection


def inspection_keys_returned(*, actor, inspection_id, keys_returned_on: date) -> Inspection:
    """Note when the keys were handed back: the deposit-return deadline runs from that day."""
    _require(actor, "housing.record_inspection")
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id, organisation_id=actor.organisation_id)
        if inspection.kind != InspectionKind.CHECK_OUT:
            raise ValidationError({"keys_returned_on": _("La remise des clés se note sur l'état des lieux de sortie.")})
        if keys_returned_on > timezone.localdate():
            raise ValidationError({"keys_returned_on": _("La remise des clés ne peut pas être datée dans le futur.")})
        inspection.keys_returned_on = keys_returned_on
        inspection.full_clean()
        inspection.save(update_fields=["keys_returned_on", "updated_at"])
        audit_record(
            actor=actor,
            action="inspection.keys_returned",
            obj=inspection,
            household_id=inspection.household_id,
            detail={"on": keys_returned_on.isoformat()},
        )
    return inspection
