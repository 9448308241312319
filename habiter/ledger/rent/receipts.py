"""Quittances and reçus of rent: numbered without gaps, their PDF."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.pdf import pdf_render
from habiter.ledger import rules
from habiter.ledger.entries.services import (
    check_open,
    tenant_account,
)
from habiter.ledger.models import (
    PaymentAllocation,
    PaymentSource,
    ReceiptCounter,
    ReceiptKind,
    RentCall,
    RentReceipt,
)
from habiter.people.models import Relation

from . import queries
from .queries import OWNER_LEASE_MESSAGE


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


# --- receipts ------------------------------------------------------------------------------------------------


def next_receipt_number(organisation_id, kind: str) -> int:
    """The next number of `kind`, taken under a row lock on the counter: no gap, no duplicate (the redevance
    receipts share the series)."""
    counter, _created = ReceiptCounter.objects.get_or_create(organisation_id=organisation_id, kind=kind)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def tenant_names(household) -> str:
    adults = [
        f"{p.first_name} {p.last_name}"
        for p in household.members.all()
        if p.relation in (Relation.HEAD, Relation.SPOUSE)
    ]
    return ", ".join(adults) or household.name


def receipt_issue(*, actor, rent_call_id, on: date | None = None) -> RentReceipt:
    """Issue the document of a paid period, free of charge (loi 89 art. 21): a quittance when the period is fully
    paid, else a reçu that says it is not a quittance. Names, address, period and amounts are copied onto it; its
    PDF is rendered after commit. A period's quittance is issued once; asking again returns it."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    with transaction.atomic():
        call = (
            RentCall.objects.filter(organisation_id=actor.organisation_id, pk=rent_call_id)
            .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
            .first()
        )
        if call is None:
            raise RentCall.DoesNotExist
        lease = call.lease
        tenant_account(lease, lock=True)
        check_open(call.organisation_id, on, "on")  # a dated ledger document, as an entry
        if call.cancelled_on:
            raise ValidationError(_("Cet appel de loyer est annulé."))
        if not queries.lease_billed_in_month(lease, call.period):
            raise ValidationError(OWNER_LEASE_MESSAGE)
        existing = RentReceipt.objects.filter(rent_call=call, kind=ReceiptKind.QUITTANCE).first()
        if existing is not None:
            return existing
        allocations = list(
            PaymentAllocation.objects.filter(rent_call=call, payment__reversed_on__isnull=True).select_related(
                "payment"
            )
        )
        paid = sum((a.amount for a in allocations), rules.ZERO)
        try:
            kind = rules.receipt_kind(call.due, paid)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        dwelling = lease.dwelling
        means = sorted({str(PaymentSource(a.payment.source).label) for a in allocations})
        receipt = RentReceipt(
            organisation_id=call.organisation_id,
            lease=lease,
            rent_call=call,
            kind=kind,
            number=next_receipt_number(call.organisation_id, kind),
            issued_on=on,
            tenant_names=tenant_names(lease.household),
            landlord_name=lease.landlord.name if lease.landlord else call.organisation.name,
            agent_name=call.organisation.name if lease.landlord else "",
            dwelling_address=f"{dwelling.address}\n{dwelling.postal_code} {dwelling.city}",
            period_start=max(call.period, lease.start_date),
            period_end=min([rules.month_end(call.period)] + [d for d in (lease.end_date,) if d]),
            rent=call.rent,
            service_charges=call.service_charges,
            total_due=call.due,  # rent and charges only: a plan's instalment is never receipted as rent
            paid=paid,
            paid_on=max(a.payment.received_on for a in allocations),
            payment_means=", ".join(means),
            issued_by=actor,
        )
        receipt.full_clean()
        receipt.save()
        audit_record(
            actor=actor,
            action=f"ledger.{kind}_issue",
            obj=receipt,
            household_id=lease.household_id,
            detail={"number": receipt.number, "period": f"{call.period:%Y-%m}"},
        )
        transaction.on_commit(lambda: receipt_pdf(receipt.pk))
    return receipt


def receipt_pdf(receipt_id) -> bytes:
    """The document's PDF, rendered once from the copied fields and kept."""
    receipt = RentReceipt.objects.get(pk=receipt_id)
    if receipt.pdf:
        return bytes(receipt.pdf)
    content = pdf_render("ledger/receipt_pdf.html", {"receipt": receipt})
    RentReceipt.objects.filter(pk=receipt.pk, pdf__isnull=True).update(pdf=content)
    return content
