"""The API's authorization matrix, generated from the router: every operation of `api` × every role (and
anonymous) × the scope of the row it names (own team, other team, other organisation).

The operations are read from the OpenAPI schema of the NinjaAPI instance (paths × methods), so a new operation
without a row in EXPECTED makes the suite fail: its authorization has to be decided, not inherited. Same spirit
as tests/test_authorization_matrix.py for the pages.

An operation is scoped when it names a row: by its path (`{household_id}`, `{lease_id}`…) or, for a payment, by
the lease of its body. Its row then has one outcome per scope: for household rows, the household of the user's
team, of another team, of another organisation; for organisation-wide rows (owners, dwellings, leases), two rows of
the user's organisation (the lease of an own-team household, of an other-team household) and one of another
organisation. Anonymous is 401; a role without the right gets 403 on a collection and 404 on a row; out of scope
is 404 like a missing row; a write refused writes nothing.
"""

import copy
import itertools
import json
import re
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from habiter.api import api as habiter_api
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory, api_token_for
from habiter.housing.models import Dwelling, Owner
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_dwelling, make_owner
from habiter.ledger.models import Payment, RentCall
from habiter.ledger.tests.factories import make_signed_lease
from habiter.people.models import Household
from habiter.reception.models import DeskVisit
from habiter.support.models import Appointment, Intervention, SupportMeasure
from tests.api_hostile_common import assert_french_json_error
from tests.authz_common import ACTORS, ANONYMOUS, ROLES, SCOPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """One world for the module (tests/conftest.py): every test here only reads it or writes in its savepoint."""
    return shared_world


# --- the router -------------------------------------------------------------------------------------------------

PREFIX = "/api/v1"
OPERATIONS = sorted(
    f"{method.upper()} {path.removeprefix(PREFIX)}"
    for path, methods in habiter_api.get_openapi_schema()["paths"].items()
    for method in methods
)
PARAM = re.compile(r"{(\w+)}")
BODY_SCOPED = {"POST /payments"}  # scoped by the lease its body names


def _params(operation):
    return PARAM.findall(operation)


def _scoped(operation):
    return bool(_params(operation)) or operation in BODY_SCOPED


# --- what every role may do -------------------------------------------------------------------------------------

A, NF, FB, UN = 200, 404, 403, 401  # allowed (a GET), not found, forbidden, unauthenticated


def row(allowed, yes, no=FB, anonymous=UN):
    """A collection: `yes` for the roles in `allowed`, `no` for the others."""
    return {ANONYMOUS: anonymous, **{r: yes if r in allowed else no for r in ROLES}}


def scoped(rules, default=(NF, NF, NF)):
    """A row per scope: `rules` maps roles to their three outcomes, the other roles get `default`."""
    return {ANONYMOUS: (UN, UN, UN), **{r: rules.get(r, default) for r in ROLES}}


def ok(status, scopes=(True, True, False)):
    """`status` in the scopes the role reaches, 404 elsewhere."""
    return tuple(status if reached else NF for reached in scopes)


CASEWORK = ("director", "team_lead", "social_worker")
TEAM = (True, False, False)
ORGANISATION = (True, True, False)
STOCK_READ = ("director", "rental_manager", "accountant", "team_lead", "social_worker")
STOCK_WRITE = ("director", "rental_manager")
LEASE_READ = ("director", "rental_manager", "accountant", "team_lead", "social_worker")
LEDGER = ("director", "rental_manager", "accountant")
DESK = ("director", "team_lead", "social_worker", "receptionist", "volunteer")


def case_file(status):
    """A household's file: directors in the organisation, team leads and social workers in their team."""
    return scoped({"director": ok(status), "team_lead": ok(status, TEAM), "social_worker": ok(status, TEAM)})


def organisation_rows(allowed, status):
    """Organisation-wide rows: the allowed roles reach both of the organisation's; the others get 404 on a row."""
    return scoped({r: ok(status) for r in allowed})


EXPECTED = {
    # the credentials are the body's: every role the API serves gets a token with its password (anonymous: an
    # unknown user); the others have no endpoint to call, so no token (`core.use_api`)
    "POST /auth/token": {
        ANONYMOUS: UN,
        **dict.fromkeys(ROLES, 200),
        **dict.fromkeys(("technician", "host", "lawyer"), 403),
    },
    "GET /households": row(("director", "team_lead", "social_worker", "receptionist", "volunteer"), A),
    "POST /households": row(CASEWORK, 201),
    "GET /households/{household_id}": case_file(A),
    "PATCH /households/{household_id}": case_file(200),
    "GET /households/{household_id}/measures": case_file(A),
    "POST /households/{household_id}/measures": case_file(201),
    "GET /households/{household_id}/interventions": case_file(A),
    "POST /households/{household_id}/interventions": case_file(201),
    "GET /households/{household_id}/appointments": case_file(A),
    "POST /households/{household_id}/appointments": case_file(201),
    "GET /reception/visits": row(DESK, A),
    "POST /reception/visits": row(DESK, 201),
    "GET /owners": row(STOCK_READ, A),
    "POST /owners": row(STOCK_WRITE, 201),
    "GET /owners/{owner_id}": organisation_rows(STOCK_READ, A),
    "GET /dwellings": row(STOCK_READ, A),
    "POST /dwellings": row(STOCK_WRITE, 201),
    "GET /dwellings/{dwelling_id}": organisation_rows(STOCK_READ, A),
    "GET /leases": row(LEASE_READ, A),
    "POST /leases": row(STOCK_WRITE, 201),
    "GET /leases/{lease_id}": scoped(
        {
            "director": ok(A),
            "rental_manager": ok(A),
            "accountant": ok(A),
            "team_lead": ok(A, TEAM),
            "social_worker": ok(A, TEAM),
        },
        default=(FB, FB, FB),
    ),
    "POST /leases/{lease_id}/rent-calls": scoped({r: ok(201) for r in LEDGER}, default=(FB, FB, FB)),
    "POST /payments": scoped({r: ok(201) for r in LEDGER}, default=(FB, FB, FB)),
    "GET /leases/{lease_id}/balance": scoped(
        {
            **{r: ok(A) for r in LEDGER},
            "team_lead": ok(A, TEAM),
            "social_worker": ok(A, TEAM),
        },
        default=(FB, FB, FB),
    ),
    "GET /leases/{lease_id}/periods": scoped(
        {
            **{r: ok(A) for r in LEDGER},
            "team_lead": ok(A, TEAM),
            "social_worker": ok(A, TEAM),
        },
        default=(FB, FB, FB),
    ),
    "GET /ledger/trial-balance": row(("director", "accountant"), A),
    # residences: directors and team leads read every residence, a host those they host; admissions are read by
    # those who run them (director, host)
    "GET /residences": row(("director", "team_lead", "host"), A),
    "GET /residences/{residence_id}/occupancy": scoped({"director": ok(A), "team_lead": ok(A), "host": ok(A, TEAM)}),
    "GET /residences/{residence_id}/admissions": scoped({"director": ok(A), "host": ok(A, TEAM)}),
    "GET /residences/{residence_id}/contracts": scoped({"director": ok(A), "team_lead": ok(A), "host": ok(A, TEAM)}),
    "GET /residences/{residence_id}/occupancy-figures": scoped(
        {"director": ok(A), "team_lead": ok(A), "host": ok(A, TEAM)}
    ),
    "GET /reports": row(("director", "team_lead"), A),
    # A report has no organisation of its own: own team and other team ask two reports (each counted within the
    # caller's scope), the third scope an unknown code, a 404 like a row out of reach.
    "GET /reports/{code}": scoped({"director": ok(A), "team_lead": ok(A)}, default=(FB, FB, FB)),
}
REPORT_CODES = {"own_team": "activity", "other_team": "desk_visits", "other_org": "code-inconnu"}


# --- the table is complete ----------------------------------------------------------------------------------------


def test_the_router_is_read():
    assert "GET /households" in OPERATIONS and "POST /payments" in OPERATIONS
    assert len(OPERATIONS) == len(set(OPERATIONS))


def test_every_operation_of_the_router_is_in_the_expected_table():
    missing = set(OPERATIONS) - set(EXPECTED)
    stale = set(EXPECTED) - set(OPERATIONS)
    assert not missing, f"API operations without an expected authorization: {sorted(missing)}"
    assert not stale, f"entries of EXPECTED that are no longer API operations: {sorted(stale)}"


def test_every_row_covers_every_actor_and_scope():
    for operation, expected in EXPECTED.items():
        assert set(expected) == set(ACTORS), operation
        for actor, outcome in expected.items():
            if _scoped(operation):
                assert isinstance(outcome, tuple) and len(outcome) == len(SCOPES), (operation, actor)
            else:
                assert isinstance(outcome, int), (operation, actor)


def test_no_row_of_another_organisation_is_ever_reached():
    for operation, expected in EXPECTED.items():
        if _scoped(operation):
            for actor, outcomes in expected.items():
                assert outcomes[2] >= 400, (operation, actor)
        if operation != "POST /auth/token":
            assert expected[ANONYMOUS] in (UN, (UN, UN, UN)), operation


# --- the requests -----------------------------------------------------------------------------------------------


class Scenario:
    """The world, with a lease and a row of the stock per scope, a token per role, and valid requests."""

    _numbers = itertools.count(1)

    def __init__(self, world):
        self.world = world
        self.households = dict(
            zip(SCOPES, (world.own_household, world.other_team_household, world.other_org_household), strict=True)
        )
        manager = world.users["rental_manager"]
        foreign = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
        self.leases = {
            scope: make_signed_lease(foreign if scope == "other_org" else manager, household, start=date(2025, 1, 1))
            for scope, household in self.households.items()
        }
        self.owners = {
            "own_team": self.leases["own_team"].dwelling.owner,
            "other_team": make_owner(world.organisation, name="Autre propriétaire"),
            "other_org": self.leases["other_org"].dwelling.owner,
        }
        self.dwellings = {scope: lease.dwelling for scope, lease in self.leases.items()}
        self.tokens = {role: api_token_for(user, "Tests")[1] for role, user in world.users.items()}
        self.password = "mot-de-passe-de-test-assez-long"
        for user in world.users.values():
            user.set_password(self.password)
            user.save(update_fields=["password"])
        self.client = Client()

    def residence(self, scope):
        """A residence per scope, made once: the own team's is hosted by the host, the other team's has no host."""
        if not hasattr(self, "_residences"):
            from habiter.residences.tests.factories import make_place, make_residence, make_stay

            director = self.world.users["director"]
            foreign = UserFactory(organisation=self.world.other_organisation, role=Role.DIRECTOR)
            self._residences = {}
            for scope, owner in (("own_team", director), ("other_team", director), ("other_org", foreign)):
                hosts = [self.world.users["host"]] if scope == "own_team" else []
                residence = make_residence(owner, f"Pension {scope}", hosts=hosts)
                make_stay(owner, make_place(owner, residence, "1"), self.households[scope], date(2026, 1, 5))
                self._residences[scope] = residence
        return self._residences[scope]

    def headers(self, actor):
        return {} if actor == ANONYMOUS else {"Authorization": f"Bearer {self.tokens[actor]}"}

    def url(self, operation, scope):
        path = operation.split(" ", 1)[1]
        values = {
            "household_id": lambda: self.households[scope].pk,
            "lease_id": lambda: self.leases[scope].pk,
            "owner_id": lambda: self.owners[scope].pk,
            "dwelling_id": lambda: self.dwellings[scope].pk,
            "residence_id": lambda: self.residence(scope).pk,
            "code": lambda: REPORT_CODES[scope],
        }
        unknown = set(_params(operation)) - set(values)
        assert not unknown, f"{operation}: no value for {unknown}; add it to Scenario.url"
        return PREFIX + PARAM.sub(lambda m: str(values[m.group(1)]()), path)

    def payload(self, operation, actor, scope):
        """A valid body: what the write would save if the actor were allowed."""
        n = next(self._numbers)
        today = timezone.localdate()
        household = self.households.get(scope) or self.world.own_household
        if operation == "POST /auth/token":
            username = "anonyme" if actor == ANONYMOUS else self.world.users[actor].username
            return {"username": username, "password": self.password}
        if operation == "POST /households":
            return {"name": f"Créé {n}", "members": [{"first_name": "Alix", "last_name": f"Créé {n}"}]}
        if operation == "PATCH /households/{household_id}":
            return {"version": Household.objects.get(pk=household.pk).version, "city": f"Ville {n}"}
        if operation == "POST /households/{household_id}/measures":
            return {"programme_code": "asll", "start_date": "2026-01-05"}
        if operation == "POST /households/{household_id}/interventions":
            return {"kind": "phone", "occurred_on": today.isoformat(), "duration_minutes": 10, "note": f"Appel {n}"}
        if operation == "POST /households/{household_id}/appointments":
            start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=n)
            return {
                "title": f"Rendez-vous {n}",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=30)).isoformat(),
            }
        if operation == "POST /reception/visits":  # a volunteer names the professional present (W24)
            present = str(self.world.users["receptionist"].pk)
            return {"topics": ["housing_search"], "postcode": "69001", "present_professional_id": present}
        if operation == "POST /owners":
            return {"name": f"Propriétaire {n}"}
        if operation == "POST /dwellings":
            return {
                "reference": f"API-{n}",
                "owner_id": str(self.owners["own_team"].pk),
                "address": "1 rue de la Paix",
                "postal_code": "69001",
                "city": "Lyon",
                "surface": "30.00",
                "rooms": 1,
            }
        if operation == "POST /leases":
            dwelling = make_dwelling(self.world.organisation, energy_class="D")
            return {
                "kind": "direct",
                "dwelling_id": str(dwelling.pk),
                "household_id": str(self.world.own_household.pk),
                "rent": "400.00",
                "start_date": "2026-01-01",
                "irl_quarter": 4,
            }
        if operation == "POST /leases/{lease_id}/rent-calls":
            return {"period": f"2025-{1 + n % 12:02d}"}
        if operation == "POST /payments":
            return {
                "lease_id": str(self.leases[scope].pk),
                "amount": "10.00",
                "received_on": "2025-03-05",
                "source": "tenant",
                "reference": f"P-{n}",
            }
        raise AssertionError(f"{operation}: no valid body; add one to Scenario.payload")

    def prepare(self, operation, actor, scope):
        """The request, ready to send (its body's rows, such as a lease's new dwelling, made now)."""
        method = operation.split(" ", 1)[0]
        url = self.url(operation, scope)
        headers = self.headers(actor)
        if method == "GET":
            params = {"on": "2025-12-31"} if operation == "GET /ledger/trial-balance" else {}
            if operation == "GET /leases/{lease_id}/periods":
                params = {"year": "2025"}
            if operation == "GET /reports/{code}":
                params = {"start": "2025-01-01", "end": "2025-12-31"}
            return lambda: self.client.get(url, params, headers=headers)
        body = json.dumps(self.payload(operation, actor, scope))
        return lambda: self.client.generic(method, url, body, content_type="application/json", headers=headers)


WRITTEN = (Household, SupportMeasure, Intervention, Appointment, DeskVisit, Owner, Dwelling, Lease, RentCall, Payment)


def _state():
    return tuple(model.objects.count() for model in WRITTEN) + tuple(
        Household.objects.order_by("pk").values_list("version", flat=True)
    )


def prepare_world(world) -> None:
    world.api_scenario = Scenario(world)


@pytest.fixture
def scenario(world):
    """The module's scenario, copied: what a test adds to it (rows made on demand) stays on its copy, rolled back
    with the test."""
    scenario = copy.copy(world.api_scenario)
    scenario.client = Client()
    return scenario


def _cells(operation):
    for actor in ACTORS:
        expected = EXPECTED[operation][actor]
        if _scoped(operation):
            yield from ((actor, scope, outcome) for scope, outcome in zip(SCOPES, expected, strict=True))
        else:
            yield actor, None, expected


def _by_method(operations):
    """Reads run on the SQLite pass, writes on the PostgreSQL pass (decision record 0041, as the pages' matrix): who
    reaches a row is decided by the same queries on both databases; a write also meets what only PostgreSQL has
    (the ledger's append-only triggers, the application's role that owns nothing)."""
    return [
        pytest.param(op, marks=pytest.mark.one_pass("sqlite" if op.startswith("GET ") else "postgresql"))
        for op in operations
    ]


@pytest.mark.parametrize("operation", _by_method(OPERATIONS))
def test_operation(operation, scenario):
    assert operation in EXPECTED, f"{operation} is missing from EXPECTED"
    mismatches = []
    for actor, scope, expected in _cells(operation):
        send = scenario.prepare(operation, actor, scope)
        before = _state()
        response = send()
        got = response.status_code
        if operation == "POST /leases/{lease_id}/rent-calls" and got == 200:
            got = 201  # a month already called answers the existing call
        label = f"{actor:>14} {scope or '':>10} {operation}"
        if got != expected:
            mismatches.append(f"{label}: expected {expected}, got {response.status_code} {response.content[:160]!r}")
            continue
        if got >= 400:
            try:
                assert_french_json_error(response, expected)
            except AssertionError as error:
                mismatches.append(f"{label}: {error}")
            if _state() != before:
                mismatches.append(f"{label}: refused, yet something was written")
    assert not mismatches, "\n".join(mismatches)


# --- forged identifiers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", _by_method(op for op in OPERATIONS if _params(op)))
def test_a_forged_id_is_the_same_404_as_a_row_of_another_organisation(operation, scenario):
    """A random UUID and another organisation's id answer the same JSON 404, even to a director."""
    method = operation.split(" ", 1)[0]
    foreign = scenario.url(operation, "other_org")
    forged = PARAM.sub(lambda m: str(uuid.uuid4()), PREFIX + operation.split(" ", 1)[1])
    answers = []
    for url in (foreign, forged):
        if method == "GET":
            params = {"year": "2025"} if operation.endswith("/periods") else {}
            response = scenario.client.get(url, params, headers=scenario.headers("director"))
        else:
            body = json.dumps(scenario.payload(operation, "director", "other_org"))
            response = scenario.client.generic(
                method, url, body, content_type="application/json", headers=scenario.headers("director")
            )
        assert_french_json_error(response, 404)
        answers.append(response.json())
    assert answers[0] == answers[1]


# --- details -----------------------------------------------------------------------------------------------------


def test_the_household_list_finds_only_what_the_role_may_see(scenario):
    listed = {
        "director": (True, True, False),
        "team_lead": (True, False, False),
        "social_worker": (True, False, False),
        "receptionist": (True, True, False),
        "volunteer": (True, True, False),
    }
    names = {scope: household.name for scope, household in scenario.households.items()}
    for actor, expected in listed.items():
        response = scenario.client.get(f"{PREFIX}/households", headers=scenario.headers(actor))
        found = {item["name"] for item in response.json()["items"]}
        assert tuple(names[scope] in found for scope in SCOPES) == expected, actor


def test_the_search_never_crosses_the_organisation(scenario):
    for actor in ("director", "receptionist"):
        response = scenario.client.get(
            f"{PREFIX}/households", {"q": scenario.households["other_org"].name}, headers=scenario.headers(actor)
        )
        assert response.status_code == 200 and response.json()["count"] == 0, actor


def test_a_token_of_a_deactivated_user_is_refused(scenario):
    user = scenario.world.users["director"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert scenario.client.get(f"{PREFIX}/households", headers=scenario.headers("director")).status_code == 401


def test_pages_session_does_not_open_the_api(client, world):
    """The API authenticates bearer tokens only: a logged-in browser session is not enough."""
    client.force_login(world.users["director"])
    assert client.get(f"{PREFIX}/households").status_code == 401
