"""Demo rent history: the calls of the last six months for every demo lease, payments by tenants and CAF, a
partial payer, a household past the CAF unpaid-rent threshold, and a few quittances. Made through the services."""

from django.utils import timezone

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.leases.models import Lease, LeaseStatus

from . import services
from .models import RentCall

MONTHS = 6


def seed_ledger(organisation, users, count, rng) -> None:
    """Once per organisation (nothing added if it has rent calls)."""
    if RentCall.objects.filter(organisation=organisation).exists():
        return
    actor = next((u for u in users.values() if u.role == Role.ACCOUNTANT), None) or next(
        (u for u in users.values() if u.role == Role.DIRECTOR), None
    )
    leases = list(
        Lease.objects.filter(organisation=organisation, status=LeaseStatus.SIGNED).order_by("start_date", "id")
    )
    if actor is None or not leases:
        return
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -MONTHS)
    for month_index in range(MONTHS + 1):
        services.rent_calls_issue(actor=actor, month=add_months(first, month_index))
    for index, lease in enumerate(leases):
        calls = list(RentCall.objects.filter(lease=lease).order_by("period"))
        behaviour = "late" if index == 1 else "partial" if index == 2 else "caf" if index % 3 == 0 else "tenant"
        for position, call in enumerate(calls):
            paid_on = min(call.due_date, today)
            if behaviour == "late" and position >= len(calls) - 4:
                continue  # four months unpaid: past the CAF threshold
            if behaviour == "caf":
                benefit = min(call.total, (call.total * 40 / 100).quantize(call.total))
                services.payment_record(
                    actor=actor,
                    lease_id=lease.pk,
                    amount=benefit,
                    received_on=paid_on,
                    source="caf",
                    reference=f"CAF-{call.period:%Y%m}-{index}",
                )
                rest = call.total - benefit
            else:
                rest = call.total
            if behaviour == "partial" and position == len(calls) - 1:
                rest = (rest / 2).quantize(call.total)
            if rest > 0:
                services.payment_record(
                    actor=actor,
                    lease_id=lease.pk,
                    amount=rest,
                    received_on=paid_on,
                    source="tenant",
                    reference=f"VIR-{call.period:%Y%m}-{index}",
                )
        for call in calls[-2:]:
            if call.lease.status == LeaseStatus.SIGNED and behaviour in ("tenant", "caf", "partial"):
                services.receipt_issue(actor=actor, rent_call_id=call.pk, on=today)
