"""The API's authorization: every household endpoint × every role (and anonymous) × scope.

Bearer tokens are made with the same service as the account page. Anonymous is 401, out of scope is 404
like a missing row, a role without household rights gets 403 on the collection and 404 on a household.
"""

import json
import uuid

import pytest
from django.test import Client

from habiter.core import services as core_services
from habiter.core.models import Role
from habiter.people.models import Household

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = [role.value for role in Role]
ACTORS = [ANONYMOUS, *ROLES]
SCOPES = ("own_team", "other_team", "other_org")

HOUSEHOLDS = "/api/v1/households"

CASE_FILE = {
    ANONYMOUS: (401, 401, 401),
    "director": (200, 200, 404),
    "team_lead": (200, 404, 404),
    "social_worker": (200, 404, 404),
    "rental_manager": (404, 404, 404),
    "accountant": (404, 404, 404),
    "technician": (404, 404, 404),
    "receptionist": (404, 404, 404),
    "volunteer": (404, 404, 404),
    "host": (404, 404, 404),
    "lawyer": (404, 404, 404),
}
EXPECTED = {
    "GET list": {
        ANONYMOUS: 401,
        "director": 200,
        "team_lead": 200,
        "social_worker": 200,
        "rental_manager": 403,
        "accountant": 403,
        "technician": 403,
        "receptionist": 200,  # the search, names and contact only
        "volunteer": 200,
        "host": 403,
        "lawyer": 403,
    },
    "POST list": {
        ANONYMOUS: 401,
        "director": 201,
        "team_lead": 201,
        "social_worker": 201,
        "rental_manager": 403,
        "accountant": 403,
        "technician": 403,
        "receptionist": 403,
        "volunteer": 403,
        "host": 403,
        "lawyer": 403,
    },
    "GET detail": CASE_FILE,
    "PATCH detail": CASE_FILE,
}
# Which households each role finds in the list: (own team, other team, other organisation).
LISTED = {
    "director": (True, True, False),
    "team_lead": (True, False, False),
    "social_worker": (True, False, False),
    "receptionist": (True, True, False),
    "volunteer": (True, True, False),
}


class Api:
    def __init__(self, world):
        self.world = world
        self.households = dict(
            zip(SCOPES, (world.own_household, world.other_team_household, world.other_org_household), strict=True)
        )
        self.raw_tokens = {
            role: core_services.api_token_create(actor=user, name="Tests")[1] for role, user in world.users.items()
        }
        self.client = Client()

    def headers(self, actor):
        return {} if actor == ANONYMOUS else {"Authorization": f"Bearer {self.raw_tokens[actor]}"}

    def get(self, actor, url, **params):
        return self.client.get(url, params, headers=self.headers(actor))

    def post(self, actor, url, payload):
        return self.client.post(url, json.dumps(payload), content_type="application/json", headers=self.headers(actor))

    def patch(self, actor, url, payload):
        return self.client.patch(url, json.dumps(payload), content_type="application/json", headers=self.headers(actor))


@pytest.fixture
def api(world):
    return Api(world)


def _check(response, expected, label, mismatches):
    if response.status_code != expected:
        mismatches.append(f"{label}: expected {expected}, got {response.status_code} {response.content[:200]!r}")
        return
    if expected >= 400:
        body = response.json()
        if not isinstance(body.get("detail"), str) or not body["detail"]:
            mismatches.append(f"{label}: the error has no French `detail`: {body}")


def test_every_row_covers_every_actor():
    for name, row in EXPECTED.items():
        assert set(row) == set(ACTORS), name


def test_list(api):
    mismatches = []
    names = {scope: household.name for scope, household in api.households.items()}
    for actor in ACTORS:
        response = api.get(actor, HOUSEHOLDS)
        _check(response, EXPECTED["GET list"][actor], f"GET list as {actor}", mismatches)
        if response.status_code == 200:
            listed = {item["name"] for item in response.json()["items"]}
            got = tuple(names[scope] in listed for scope in SCOPES)
            if got != LISTED[actor]:
                mismatches.append(f"GET list as {actor}: lists {got}, expected {LISTED[actor]}")
    assert not mismatches, "\n".join(mismatches)


def test_search_never_crosses_the_organisation(api):
    for actor in ("director", "receptionist"):
        response = api.get(actor, HOUSEHOLDS, q=api.households["other_org"].name)
        assert response.status_code == 200
        assert response.json()["count"] == 0, actor


def test_create(api):
    mismatches = []
    for actor in ACTORS:
        name = f"Créé par {actor}"
        payload = {"name": name, "members": [{"first_name": "Alix", "last_name": f"Test {actor}"}]}
        response = api.post(actor, HOUSEHOLDS, payload)
        expected = EXPECTED["POST list"][actor]
        _check(response, expected, f"POST list as {actor}", mismatches)
        created = Household.objects.filter(name=name).exists()
        if created != (expected == 201):
            mismatches.append(f"POST list as {actor}: {'created' if created else 'not created'}")
    assert not mismatches, "\n".join(mismatches)


def test_detail(api):
    mismatches = []
    for actor in ACTORS:
        for scope, expected in zip(SCOPES, EXPECTED["GET detail"][actor], strict=True):
            household = api.households[scope]
            response = api.get(actor, f"{HOUSEHOLDS}/{household.pk}")
            _check(response, expected, f"GET detail {scope} as {actor}", mismatches)
            if response.status_code == 200 and response.json()["id"] != str(household.pk):
                mismatches.append(f"GET detail {scope} as {actor}: another household")
    assert not mismatches, "\n".join(mismatches)


def test_patch(api):
    mismatches = []
    for actor in ACTORS:
        for scope, expected in zip(SCOPES, EXPECTED["PATCH detail"][actor], strict=True):
            household = Household.objects.get(pk=api.households[scope].pk)
            city = f"Ville de {actor}"
            response = api.patch(actor, f"{HOUSEHOLDS}/{household.pk}", {"version": household.version, "city": city})
            _check(response, expected, f"PATCH detail {scope} as {actor}", mismatches)
            household.refresh_from_db()
            if (household.city == city) != (expected == 200):
                mismatches.append(f"PATCH detail {scope} as {actor}: city is now {household.city!r}")
    assert not mismatches, "\n".join(mismatches)


def test_a_missing_household_is_the_same_404_as_one_out_of_scope(api):
    hidden = api.get("social_worker", f"{HOUSEHOLDS}/{api.households['other_org'].pk}")
    missing = api.get("social_worker", f"{HOUSEHOLDS}/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_bad_or_missing_token_is_401_in_french(api):
    for header in ("Bearer hab_not-a-real-token", "Bearer ", "Basic YTpi", "hab_no-scheme", "Bearer " + "x" * 5000):
        response = api.client.get(HOUSEHOLDS, headers={"Authorization": header})
        assert response.status_code == 401, header[:40]
        assert response.json()["detail"].startswith("Authentification requise"), header[:40]
    assert api.client.get(HOUSEHOLDS).json()["detail"].startswith("Authentification requise")


def test_a_token_of_a_deactivated_user_is_refused(api):
    user = api.world.users["director"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("director", HOUSEHOLDS).status_code == 401


def test_pages_session_does_not_open_the_api(client, world):
    """The API authenticates bearer tokens only: a logged-in browser session is not enough."""
    client.force_login(world.users["director"])
    assert client.get(HOUSEHOLDS).status_code == 401
