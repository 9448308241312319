"""Benchmark settings (`make bench`): the production settings served over plain HTTP on the loopback interface.

DEBUG stays off, every middleware runs and static files go through WhiteNoise as in production; only what
needs HTTPS is relaxed (redirect, secure-only cookies, HSTS), the second factor is not required and the
secret key is a fixed one. Never use these settings to serve users.
"""

import os

# Production refuses to start without a long secret key: a fixed one, for benchmarks only.
os.environ.setdefault("HABITER_SECRET_KEY", "bench-only-secret-key-never-used-to-serve-users-0123456789-abcdefghij")

from .production import *  # noqa: E402, F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
HABITER_REQUIRE_MFA = False
