"""Rows the ledger tests stand on: a signed lease with its dwelling, made through the leases services."""

from datetime import date
from decimal import Decimal

from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_dwelling, make_lease


def make_signed_lease(actor, household, *, start=date(2025, 1, 1), rent="500.00", charges="50.00", **kw):
    """A signed direct lease of a new dwelling for `household`, with a named head of household."""
    dwelling = kw.pop("dwelling", None) or make_dwelling(actor.organisation)
    lease = make_lease(actor, household, dwelling, start=start, rent=rent, charges=Decimal(charges), **kw)
    lease_services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=start)
    lease.refresh_from_db()
    return lease


def make_mandate_lease(
    actor,
    household,
    *,
    owner=None,
    fee_rate="8.00",
    start=date(2025, 1, 1),
    rent="500.00",
    charges="50.00",
    **dwelling_fields,
):
    """A signed lease under a management mandate of `owner` (a new one with a valid IBAN by default), of a new
    dwelling (`dwelling_fields`: its reference, address…)."""
    from habiter.leases.models import LeaseKind
    from habiter.leases.tests.factories import make_owner

    owner = owner or make_owner(actor.organisation)
    dwelling = make_dwelling(actor.organisation, owner, **dwelling_fields)
    mandate = lease_services.mandate_create(
        actor=actor,
        owner_id=owner.pk,
        dwelling_id=dwelling.pk,
        fee_rate=Decimal(fee_rate),
        start_date=start,
        payout_iban=owner.iban or "FR7630006000011234567890189",
    )
    return make_signed_lease(
        actor,
        household,
        dwelling=dwelling,
        start=start,
        rent=rent,
        charges=charges,
        kind=LeaseKind.MANDATE,
        mandate_id=mandate.pk,
    )
