"""What the pages of every sub-domain of `ledger` share: a role's refusal answered as a 404, today's date, the lease
whose account the user may open, the page size."""

from django.http import Http404
from django.utils import timezone

from habiter.core.pages import require_perm  # noqa: F401 - the ledger's pages call it as pages.require_perm
from habiter.leases.models import Lease
from habiter.ledger.entries.queries import lease_for_ledger

PAGE_SIZE = 50


def today():
    return timezone.localdate()


def lease_or_404(user, lease_id) -> Lease:
    try:
        return lease_for_ledger(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None
