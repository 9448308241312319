"""Writing the audit log. Every service calls `audit_record` inside its transaction."""

from contextvars import ContextVar

from .audit_actions import AuditAction
from .models import AuditEvent

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def known_action(action: str) -> str:
    """`action` if `AuditAction` labels it; a ValueError otherwise, so an unlabelled action fails its first test."""
    try:
        return AuditAction(action).value
    except ValueError:
        raise ValueError(
            f"Unknown audit action {action!r}: add it, with its French label, to AuditAction "
            "(habiter/core/audit_actions.py)."
        ) from None


def _event(*, actor, action: str, obj=None, household_id=None, detail=None, organisation=None) -> AuditEvent:
    return AuditEvent(
        organisation_id=organisation.pk if organisation else getattr(actor, "organisation_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        action=known_action(action),
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        household_id=household_id,
        ip=current_ip.get(),
        detail=detail or {},
    )


def audit_record(*, actor, action: str, obj=None, household_id=None, detail=None, organisation=None) -> AuditEvent:
    """Append one audit event for `actor`; the IP comes from the request being served, if any."""
    event = _event(
        actor=actor, action=action, obj=obj, household_id=household_id, detail=detail, organisation=organisation
    )
    event.save()
    return event


def audit_record_many(*, actor, action: str, items) -> None:
    """Append one event per `(obj, household_id, detail)` of `items` in one insert: for batch services that write
    hundreds of rows at once (the month-end rent calls)."""
    AuditEvent.objects.bulk_create(
        [
            _event(actor=actor, action=action, obj=obj, household_id=household_id, detail=detail)
            for obj, household_id, detail in items
        ]
    )
