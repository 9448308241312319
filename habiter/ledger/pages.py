"""What the pages of every sub-domain of `ledger` share: a role's refusal answered as a 404, today's date, the lease
whose account the user may open, the page size."""

from django.http import Http404
from django.utils import timezone

from habiter.leases.models import Lease
from habiter.ledger.entries.queries import lease_for_ledger

PAGE_SIZE = 50


def require_perm(user, perm):
    """A page the user's role may not use is answered like a missing one."""
    if not user.has_perm(perm):
        raise Http404


def today():
    return timezone.localdate()


def lease_or_404(user, lease_id) -> Lease:
    try:
        return lease_for_ledger(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None
