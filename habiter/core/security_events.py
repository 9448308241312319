"""Hooks that journal the security events raised outside Habiter's own code: Django's failed logins and
django-axes' lockouts. The writes themselves are services (`services.login_failure_record`, `lockout_record`)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed


def on_login_failed(sender, credentials, request=None, **kwargs):
    from . import services

    services.login_failure_record(
        username=(credentials or {}).get("username"), locked=bool(getattr(request, "axes_locked_out", False))
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    from . import services

    services.lockout_record(username=username)


def connect() -> None:
    user_login_failed.connect(on_login_failed, dispatch_uid="habiter.core.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="habiter.core.locked_out")
