"""System checks of `core`'s settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def audit_retention_check(app_configs, **kwargs):
    from .services import AUDIT_RETENTION_MAX_DAYS, AUDIT_RETENTION_MIN_DAYS

    days = settings.HABITER_AUDIT_RETENTION_DAYS
    if AUDIT_RETENTION_MIN_DAYS <= days <= AUDIT_RETENTION_MAX_DAYS:
        return []
    return [
        Error(
            f"HABITER_AUDIT_RETENTION_DAYS is {days}: the CNIL's range is {AUDIT_RETENTION_MIN_DAYS} to "
            f"{AUDIT_RETENTION_MAX_DAYS} days (6 months to 3 years).",
            id="habiter.E001",
        )
    ]
