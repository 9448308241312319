import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from .audit import current_ip
from .backends import user_has_confirmed_device


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class HabiterLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a logged-in user, except the API (bearer tokens, JSON 401) and the views
    marked `login_not_required`. Also remembers the client's IP for the audit log."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        current_ip.set(client_ip(request))
        match = request.resolver_match
        if match is not None and match.namespace.startswith("api-"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


SECOND_FACTOR_FREE_URLS = ("core:otp_verify", "core:otp_enrol", "core:logout", "core:login")


class SecondFactorMiddleware:
    """A user with a second factor must verify it after the password; when HABITER_REQUIRE_MFA is on,
    a user without one must enrol before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match is None or match.namespace.startswith("api-"):
            return None
        if match.view_name in SECOND_FACTOR_FREE_URLS or request.path.startswith(settings.STATIC_URL):
            return None
        if user.is_verified():
            return None
        if user_has_confirmed_device(user):
            query = QueryDict(mutable=True)
            query["next"] = request.get_full_path()  # encoded: an address with "&" comes back whole
            return redirect(f"{reverse('core:otp_verify')}?{query.urlencode(safe='/')}")
        if settings.HABITER_REQUIRE_MFA:
            return redirect("core:otp_enrol")
        return None


class SessionActivityMiddleware:
    """Expiry after inactivity without a database write on every request: a logged-in user's session is
    saved (and so its expiry pushed back by SESSION_COOKIE_AGE) at most once a minute. The idle limit is
    therefore SESSION_COOKIE_AGE, less up to one minute."""

    refresh_seconds = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("_seen", 0) >= self.refresh_seconds:
                request.session["_seen"] = now
        return self.get_response(request)
