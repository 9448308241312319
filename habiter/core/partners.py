"""A partner named in a form (a measure's prescriber, a desk visit's referral, a plan step's partner).

Staff type the partner's name as before; the name resolves to the organisation's partner record, matched without
regard to case, or a new partner (of kind « Autre », « SIAO » for an orientation's SIAO) that the directors may
complete later in the partners' pages.
Called inside the caller's transaction: nothing is created if the caller's write fails."""

from habiter.core.audit import audit_record
from habiter.core.models import Partner, PartnerKind


def partner_named(*, actor, name: str, origin: str, kind: str = PartnerKind.OTHER) -> Partner | None:
    """The actor's organisation's partner of that name, created of `kind` when it is new; None for a blank name.

    `origin` names the field that brought a new partner in; it goes to the audit trail."""
    name = (name or "").strip()
    if not name:
        return None
    partner = Partner.objects.filter(organisation_id=actor.organisation_id, name__iexact=name).order_by("id").first()
    if partner is None:
        partner = Partner(organisation_id=actor.organisation_id, name=name, kind=kind)
        partner.full_clean()
        partner.save()
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
