import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import registry, services
from .audit import current_ip
from .backends import user_has_confirmed_device

API_PREFIX = "/api/"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, for the journal and the lockout (django-axes calls this too).

    REMOTE_ADDR, unless it is one of HABITER_TRUSTED_PROXIES: then the X-Forwarded-For chain is read from the right
    (the entries the proxies appended) and the first address that is not a trusted proxy is the client's. Without a
    trusted proxy the header is ignored: anyone can send it, and would choose the address that gets locked out."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _networks(tuple(getattr(settings, "HABITER_TRUSTED_PROXIES", ())))
    remote_address = _address(remote or "")
    if not proxies or remote_address is None or not any(remote_address in network for network in proxies):
        return remote
    client = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a forged or broken entry: keep the last address a trusted proxy vouched for
        client = str(address)
        if not any(address in network for network in proxies):
            break
    return client


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page served to a logged-in user and on every API answer: a person's file
    must not stay in a shared computer's browser cache or in a proxy once the session is over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RefusedAccessJournalMiddleware:
    """Journals the 403 and 404 answers a route gave a logged-in user (page or API): an element out of the user's
    reach answers 404 like a missing one, and each view scopes its reads in its own way, so the answer is where
    every refusal can be seen. Addresses that match no route are not journaled: they are typos and robots, and
    name no element of anyone's file."""

    refused = frozenset({403, 404})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if response.status_code in self.refused and match is not None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                services.access_refused_record(
                    actor=user, view_name=match.view_name, path=request.path, status=response.status_code
                )
        return response


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


class AccountGateMiddleware:
    """A logged-in user held by an account gate (`registry.register_account_gate`: a volunteer who has not signed
    the charter in force) reaches only the gate's page, the login, second-factor and logout pages: every other page
    redirects there."""

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
        gate = registry.holding_gate(user)
        if gate is None or match.view_name == gate.page:
            return None
        return redirect(gate.page)


class SessionActivityMiddleware:
    """Expiry after inactivity without a database write on every request: a logged-in user's session is
    saved (and so its expiry pushed back by SESSION_COOKIE_AGE) at most once a minute. The idle limit is
    therefore SESSION_COOKIE_AGE, less up to one minute.

    Also the absolute lifetime: a session older than HABITER_SESSION_MAX_HOURS is logged out, however active;
    its start is written by the login request, with the first activity mark (one save)."""

    refresh_seconds = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get("_started")
            if started is not None and time.time() - started >= settings.HABITER_SESSION_MAX_HOURS * 3600:
                logout(request)
                request.session["_ended"] = True  # the login page says why
        response = self.get_response(request)
        # After the view, so that the login request itself starts the lifetime; the session is saved afterwards.
        if request.user.is_authenticated:
            now = int(time.time())
            request.session.setdefault("_started", now)
            if now - request.session.get("_seen", 0) >= self.refresh_seconds:
                request.session["_seen"] = now
        return response
