"""Rows the lease tests stand on: owners and dwellings made directly (the housing services are tested apart)."""

import itertools
from datetime import date
from decimal import Decimal

from habiter.housing.models import Dwelling, Owner, OwnerKind

from .. import services
from ..models import HeadLeaseKind, LeaseKind

_numbers = itertools.count(1)


def make_owner(organisation, *, kind=OwnerKind.PRIVATE, name=None, iban="FR7630006000011234567890189"):
    return Owner.objects.create(
        organisation=organisation, kind=kind, name=name or f"Propriétaire {next(_numbers)}", iban=iban
    )


def make_dwelling(organisation, owner=None, *, energy_class="C", surface="50.00", furnished=False, **fields):
    owner = owner or make_owner(organisation)
    return Dwelling.objects.create(
        organisation=organisation,
        owner=owner,
        reference=fields.pop("reference", f"LOG-{next(_numbers):04d}"),
        address=fields.pop("address", "12 rue des Lilas"),
        postal_code=fields.pop("postal_code", "13001"),
        city=fields.pop("city", "Marseille"),
        surface=Decimal(surface),
        rooms=fields.pop("rooms", 2),
        furnished=furnished,
        energy_class=energy_class,
        **fields,
    )


def make_lease(actor, household, dwelling=None, *, kind=LeaseKind.DIRECT, start=date(2025, 3, 1), rent="500.00", **kw):
    dwelling = dwelling or make_dwelling(actor.organisation)
    return services.lease_create(
        actor=actor,
        kind=kind,
        dwelling_id=dwelling.pk,
        household_id=household.pk,
        rent=Decimal(rent),
        start_date=start,
        irl_quarter=kw.pop("irl_quarter", 4),
        **kw,
    )


def make_sliding_sublease(
    actor, household, *, start=date(2025, 3, 1), head_rent="600.00", rent="550.00", sign=True, energy_class="C"
):
    """A dwelling taken on an ordinary head lease and sublet to `household` as a sliding lease."""
    dwelling = make_dwelling(actor.organisation, surface="50.00", energy_class=energy_class)
    head = services.head_lease_create(
        actor=actor,
        kind=HeadLeaseKind.ORDINARY,
        owner_id=dwelling.owner_id,
        dwelling_id=dwelling.pk,
        surface=Decimal("50.00"),
        rent=Decimal(head_rent),
        start_date=start,
    )
    lease = make_lease(
        actor, household, dwelling, kind=LeaseKind.SUBLEASE, start=start, rent=rent, head_lease_id=head.pk, sliding=True
    )
    if sign:
        services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=start)
    return lease
