"""Every write on the partners, their contacts and their agreements (conventions); directors only.

The signed PDF of an agreement is checked from its content with the same check as a household's documents
(`support.documents.document_check`): what is not a readable PDF is refused and nothing is stored."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import User
from habiter.support.documents import document_check

from .models import Agreement, Partner, PartnerContact, PartnerSeat

PARTNER_FIELDS = ("name", "kind", "address", "phone", "email", "notes")
CONTACT_FIELDS = ("name", "role", "phone", "email")
AGREEMENT_FIELDS = ("title", "signed_on", "starts_on", "ends_on", "amount", "renewal_on", "renewal_notice_days")
SEAT_FIELDS = ("body", "role", "started_on", "ended_on")


def _require(actor):
    if not actor.has_perm("community.manage_partners"):
        raise PermissionDenied


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _managed_partner(actor, partner_id, *, lock=False) -> Partner:
    """The partner of the actor's organisation; DoesNotExist otherwise (a 404 for the pages)."""
    rows = Partner.objects.filter(organisation_id=actor.organisation_id)
    if lock:
        rows = rows.select_for_update()
    return rows.get(pk=partner_id)


def _checked_pdf(uploaded):
    """Refuse a file that is not a readable PDF (judged from the content, not the name)."""
    content_type, _extension, _digest = document_check(uploaded)
    if content_type != "application/pdf":
        raise ValidationError({"signed_pdf": _("La convention signée doit être un PDF.")})


def _refine(error: ValidationError, field: str) -> ValidationError:
    """The upload check names the field `file`; the agreement's field is `signed_pdf`."""
    if hasattr(error, "error_dict") and "file" in error.error_dict:
        return ValidationError({field: error.error_dict["file"]})
    return error


def partner_create(*, actor, data: dict) -> Partner:
    """Record a partner of the organisation."""
    _require(actor)
    with transaction.atomic():
        partner = Partner(organisation_id=actor.organisation_id, **{f: _clean(data.get(f, "")) for f in PARTNER_FIELDS})
        partner.full_clean()
        partner.save()
        audit_record(actor=actor, action="partner.create", obj=partner, detail={"kind": partner.kind})
    return partner


def partner_update(*, actor, partner_id, data: dict) -> Partner:
    """Change a partner's name, kind or coordinates."""
    _require(actor)
    with transaction.atomic():
        partner = _managed_partner(actor, partner_id, lock=True)
        for field in PARTNER_FIELDS:
            setattr(partner, field, _clean(data.get(field, "")))
        partner.full_clean()
        partner.save()
        audit_record(actor=actor, action="partner.change", obj=partner)
    return partner


def partner_contact_add(*, actor, partner_id, data: dict) -> PartnerContact:
    """Add a person to call at a partner."""
    _require(actor)
    with transaction.atomic():
        partner = _managed_partner(actor, partner_id)
        contact = PartnerContact(
            organisation_id=actor.organisation_id,
            partner=partner,
            **{f: _clean(data.get(f, "")) for f in CONTACT_FIELDS},
        )
        contact.full_clean()
        contact.save()
        audit_record(actor=actor, action="partner_contact.add", obj=contact)
    return contact


def _set_agreement_fields(agreement, data: dict) -> None:
    """The agreement's fields from `data`; a renewal notice not given keeps the agreement's (90 days when new)."""
    for field in AGREEMENT_FIELDS:
        value = _clean(data.get(field))
        if field == "renewal_notice_days" and value is None:
            continue
        setattr(agreement, field, value)


def _store_pdf(agreement, uploaded) -> None:
    agreement.signed_pdf.save(f"{agreement.pk}.pdf", uploaded, save=False)
    agreement.signed_pdf_name = (uploaded.name or "convention.pdf")[-255:]


def _save_agreement(actor, agreement, uploaded, action) -> None:
    agreement.full_clean(exclude=["signed_pdf"])
    previous = agreement.signed_pdf.name if uploaded is not None else None
    if uploaded is not None:
        _store_pdf(agreement, uploaded)
    try:
        agreement.save()
        audit_record(
            actor=actor,
            action=action,
            obj=agreement,
            detail={
                "amount": str(agreement.amount) if agreement.amount is not None else None,
                "renewal_notice_days": agreement.renewal_notice_days,
            },
        )
    except Exception:
        if uploaded is not None:
            agreement.signed_pdf.storage.delete(agreement.signed_pdf.name)
        raise
    if previous and previous != agreement.signed_pdf.name:
        storage = agreement.signed_pdf.storage
        transaction.on_commit(lambda: storage.delete(previous))


def agreement_create(*, actor, partner_id, data: dict, uploaded=None) -> Agreement:
    """Record an agreement with a partner, with its signed PDF if given. Refused: an end before the start, a
    negative amount, a renewal notice outside 1 to 730 days, a file that is not a PDF."""
    _require(actor)
    if uploaded is not None:
        try:
            _checked_pdf(uploaded)
        except ValidationError as error:
            raise _refine(error, "signed_pdf") from None
    with transaction.atomic():
        partner = _managed_partner(actor, partner_id)
        agreement = Agreement(organisation_id=actor.organisation_id, partner=partner)
        _set_agreement_fields(agreement, data)
        _save_agreement(actor, agreement, uploaded, "agreement.create")
    return agreement


def agreement_update(*, actor, agreement_id, data: dict, uploaded=None) -> Agreement:
    """Change an agreement (e.g. its renewal: a new end and renewal date, or its notice); a new signed PDF replaces the
    old one."""
    _require(actor)
    if uploaded is not None:
        try:
            _checked_pdf(uploaded)
        except ValidationError as error:
            raise _refine(error, "signed_pdf") from None
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update().filter(organisation_id=actor.organisation_id).get(pk=agreement_id)
        )
        _set_agreement_fields(agreement, data)
        _save_agreement(actor, agreement, uploaded, "agreement.change")
    return agreement


def _seat_member(actor, member_id) -> User:
    """A member of the association who may sit for it: an active account of the actor's organisation."""
    member = User.objects.filter(organisation_id=actor.organisation_id, is_active=True, pk=member_id).first()
    if member is None:
        raise ValidationError({"member": _("Choisissez une personne de l'association.")})
    return member


def seat_add(*, actor, partner_id, member_id, data: dict) -> PartnerSeat:
    """Record that a staff member or a volunteer sits in a partner's body (cross-participation), from a date."""
    _require(actor)
    with transaction.atomic():
        partner = _managed_partner(actor, partner_id)
        seat = PartnerSeat(
            organisation_id=actor.organisation_id,
            partner=partner,
            member=_seat_member(actor, member_id),
            **{f: _clean(data.get(f)) for f in SEAT_FIELDS},
        )
        seat.full_clean()
        seat.save()
        audit_record(
            actor=actor,
            action="partner_seat.add",
            obj=seat,
            detail={"body": seat.body, "member": str(seat.member_id), "started_on": seat.started_on.isoformat()},
        )
    return seat


def seat_end(*, actor, seat_id, ended_on) -> PartnerSeat:
    """Close a representation on its last day; the row stays, with its dates, for the record."""
    _require(actor)
    with transaction.atomic():
        seat = PartnerSeat.objects.select_for_update().filter(organisation_id=actor.organisation_id).get(pk=seat_id)
        if seat.ended_on is not None:
            raise ValidationError({"ended_on": _("Cette représentation est déjà terminée.")})
        seat.ended_on = ended_on
        seat.full_clean()
        seat.save()
        audit_record(actor=actor, action="partner_seat.end", obj=seat, detail={"ended_on": ended_on.isoformat()})
    return seat
