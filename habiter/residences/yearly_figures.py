"""A figure the director types for a residence and a year — the CAF's PSE of an FJT, the hosts' time — recorded or
corrected the same way: permission, one transaction, validation, audit. The row is updated and the audit keeps the
value before; a row is never deleted."""

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from habiter.core.audit import audit_record

from .models import Residence


def record_yearly_figure(
    *,
    actor,
    residence_id,
    year: int,
    model,
    field: str,
    value: Decimal,
    future_year_message: str,
    correction_refusal: Callable,
    action: str,
):
    """Record `value` in `field` of the `model` row of the residence (of the actor's organisation) and `year`, or
    correct the row recorded; returns the row and the value before (None for a first record). The director only
    (PermissionDenied); a residence of another organisation: DoesNotExist. Refused in French, nothing saved
    (ValidationError): a year after the current one, what `correction_refusal(row, value)` says, what the model's
    own validation refuses. Audited `<action>.record`, or `<action>.correct` with the value before."""
    if not actor.is_active or not actor.has_perm("residences.manage_residence"):
        raise PermissionDenied
    with transaction.atomic():
        residence = Residence.objects.select_for_update().get(pk=residence_id, organisation_id=actor.organisation_id)
        if year > timezone.localdate().year:
            raise ValidationError({"year": future_year_message})
        row = model.objects.select_for_update().filter(residence=residence, year=year).first()
        refusal = correction_refusal(row, value)
        if refusal:
            raise ValidationError({field: refusal})
        before = None
        if row is None:
            row = model(organisation_id=residence.organisation_id, residence=residence, year=year)
        else:
            before = getattr(row, field)
        setattr(row, field, value)
        row.changed_by = actor
        row.full_clean()
        row.save()
        detail = {"year": year, field: f"{getattr(row, field):.2f}"}
        if before is not None:
            detail["before"] = {field: f"{before:.2f}"}
        audit_record(
            actor=actor,
            action=f"{action}.correct" if before is not None else f"{action}.record",
            obj=row,
            organisation=residence.organisation,
            detail=detail,
        )
    return row, before
