"""What the authorization matrix and the security tests share with the per-app modules that extend them.

Each app past the first ones keeps its rows in `tests/authz_<app>.py`: its expected outcomes, how to fill
its URL parameters (`fillers`, by name; optionally `route_fillers(route_name, scenario, actor, scope)` for a page
whose parameter names other rows), valid POST data and the state a POST changes, and its CSRF cases. The two suites load
them from `EXTENSIONS`, so an app's authorization lives beside the others without growing one file.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client

from habiter.core.models import Role

ANONYMOUS = "anonymous"
ROLES = [role.value for role in Role]
ACTORS = [ANONYMOUS, *ROLES]
SCOPES = ("own_team", "other_team", "other_org")

# The data a POST adds to pass the confirmation page of an irreversible action (habiter.core.confirm): the
# authorization suites test who may write; tests/test_confirmations.py tests that nothing is written without it.
CONFIRMED = {"confirmed": "1"}

# Outcomes, as compared: a status code, or where a redirect goes.
OK = "200"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
LOGIN = "302 → login page"
HOME = "302 → home page"
SAVED = "302 → after a successful write"

EXTENSION_NAMES = ("housing", "leases", "ledger", "evictions", "residences", "community", "reporting")


def extensions():
    """The per-app modules, keyed by the URL namespace they cover."""
    return {name: importlib.import_module(f"tests.authz_{name}") for name in EXTENSION_NAMES}


def extension_for(route_name: str):
    namespace = route_name.split(":", 1)[0]
    return extensions().get(namespace)


def row(allowed, yes, no, anonymous=LOGIN):
    """A row of the table for a URL without parameters: `yes` for the roles in `allowed`, else `no`."""
    return {ANONYMOUS: anonymous, **{r: yes if r in allowed else no for r in ROLES}}


def scoped_row(allowed, yes=(OK, OK, NOT_FOUND), no=(NOT_FOUND,) * 3):
    """A row for a URL with parameters: one outcome per scope."""
    return {ANONYMOUS: (LOGIN,) * 3, **{r: yes if r in allowed else no for r in ROLES}}


@dataclass
class CsrfCase:
    """A POST endpoint: the page whose form it serves, the client to use, the data, what is saved."""

    client: Client
    form_page: str
    url: str
    data: dict
    saved: Callable[[], bool]


def logged_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


class LayoutSkipped:
    """Stands for WeasyPrint's HTML class in the matrix: the document's template is still rendered with the actor's
    rows (so a template error still fails the cell), but not laid out as a PDF, which took a tenth of the matrix's
    time; the PDFs' own tests lay them out and read them."""

    pages = ()

    def __init__(self, *, string, **options):
        self.string = string

    def render(self):
        return self

    def copy(self, pages):
        return self

    def write_pdf(self):
        return b"%PDF-1.7\n"
