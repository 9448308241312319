"""Rate limits of the API (django-ninja throttles), read from `HABITER_API_THROTTLE_RATES` at each request.

Three limits, each "<number>/<period>" (s, min, h, day) or None to switch it off:
- `token`: requests for a token, per client address (django-axes locks an account and an address after a few
  failures; this bounds how fast anyone may try at all);
- `auth_failure`: requests with a bad bearer token, per client address; past it, every request of the address is
  refused until the window passes, valid token or not;
- `user`: requests of one user's tokens, for a script that loops.

The client address is the one the journal and the lockout use (`client_ip`: X-Forwarded-For only from trusted
proxies), not django-ninja's, which believes any X-Forwarded-For. The counts live in Django's cache: with several
server processes, give them a shared cache, or each process counts on its own.
"""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from .middleware import client_ip


class HabiterThrottle(SimpleRateThrottle):
    """A django-ninja throttle whose rate is read from the settings at each request (so a deployment and a test
    can change it), and that counts per the address `client_ip` gives."""

    def get_rate(self):
        return getattr(settings, "HABITER_API_THROTTLE_RATES", {}).get(self.scope)

    def allow_request(self, request) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class TokenRequestThrottle(HabiterThrottle):
    scope = "token"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthFailureThrottle(HabiterThrottle):
    """Counts failed bearer authentications of an address; `exceeded` tells, without counting, whether the address
    is over its limit."""

    scope = "auth_failure"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exceeded(self, request) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return False
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.get_cache_key(request), []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests


class UserThrottle(HabiterThrottle):
    scope = "user"

    def get_cache_key(self, request):
        user = getattr(request, "auth", None)
        if user is None or not getattr(user, "pk", None):
            return None  # anonymous: the token endpoint has its own limit
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
