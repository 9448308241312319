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
