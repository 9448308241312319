"""Writing the audit log. Every service calls `audit_record` inside its transaction."""

from contextvars import ContextVar

from .models import AuditEvent

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def audit_record(*, actor, action: str, obj=None, household_id=None, detail=None, organisation=None) -> AuditEvent:
    """Append one audit event for `actor`; the IP comes from the request being served, if any."""
    return AuditEvent.objects.create(
        organisation_id=organisation.pk if organisation else getattr(actor, "organisation_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        household_id=household_id,
        ip=current_ip.get(),
        detail=detail or {},
    )
