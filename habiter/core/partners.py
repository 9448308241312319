"""A partner named in a form (a measure's prescriber, a desk visit's referral, a plan step's partner).

Staff type the partner's name as before; the name resolves to the organisation's partner record, matched without
regard to case, or a new partner (of kind « Autre », « SIAO » for an orientation's SIAO) that the directors may
complete later in the partners' pages.
Called inside the caller's transaction: nothing is created if the caller's write fails."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import Partner, PartnerKind

NAME_MAX_LENGTH = Partner._meta.get_field("name").max_length


def partner_named(*, actor, name: str, field: str, origin: str, kind: str = PartnerKind.OTHER) -> Partner | None:
    """The actor's organisation's partner of that name, created of `kind` when it is new; None for a blank name.

    `field` is the form's field that holds the name (for the error of a name too long), `origin` the model's field
    that brought a new partner in, for the audit trail. Two desks typing the same new name at once get one partner."""
    name = (name or "").strip()
    if not name:
        return None
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {field: _("Le nom du partenaire tient en %(max)d caractères.") % {"max": NAME_MAX_LENGTH}}
        )
    partners = Partner.objects.filter(organisation_id=actor.organisation_id, name__iexact=name).order_by("id")
    partner = partners.first()
    if partner is None:
        try:
            with transaction.atomic():  # a savepoint: the other desk's partner wins a race on the unique name
                partner = Partner.objects.create(organisation_id=actor.organisation_id, name=name, kind=kind)
        except IntegrityError:
            return partners.first()
        audit_record(actor=actor, action="partner.create", obj=partner, detail={"kind": partner.kind, "origin": origin})
    return partner


def partner_names(user) -> list[str]:
    """The names of the user's organisation's partners, for the suggestions of a partner field."""
    return list(Partner.objects.filter(organisation_id=user.organisation_id).values_list("name", flat=True))


def demo_partners(organisation, names) -> dict[str, Partner]:
    """The demo data's partners by name, created (kind « Autre ») when the partners' demo did not: demo only."""
    found = {p.name: p for p in Partner.objects.filter(organisation=organisation, name__in=[n for n in names if n])}
    for name in names:
        if name and name not in found:
            found[name] = Partner.objects.create(organisation=organisation, name=name, kind=PartnerKind.OTHER)
    return found
