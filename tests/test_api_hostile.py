"""The API under hostile input: every case answers a JSON 4xx with a French `detail`, never a 500 nor HTML, and
writes nothing. Each case spoils one thing of a valid request (tests/api_hostile_common.py).

Run on PostgreSQL too: it refuses NUL in text, too-long strings and out-of-range numbers where SQLite stores them.
"""

import json
import uuid

import pytest
from django.test import Client

from habiter.housing.models import Dwelling, Owner
from habiter.leases.models import Lease
from habiter.ledger.models import Payment
from habiter.people.models import Household, Person
from habiter.reception.models import DeskVisit
from habiter.support.models import Appointment, Intervention, SupportMeasure
from tests.api_hostile_common import assert_french_json_error, valid_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """One world for the module (tests/conftest.py): every test here only reads it or writes in its savepoint."""
    return shared_world


NUL = "\x00"


@pytest.fixture
def api(world):
    return valid_requests(world)


def _counts():
    return tuple(
        model.objects.count()
        for model in (Household, Person, SupportMeasure, Intervention, Appointment, DeskVisit, Owner, Dwelling, Lease)
    ) + (Payment.objects.count(),)


def test_every_valid_request_is_valid(api):
    """The base of every hostile case: unspoilt, each request succeeds (so a refusal below is the spoilt part's)."""
    for name in api.writes:
        response = api.write(name)
        assert response.status_code in (200, 201), (name, response.content[:300])


# --- NUL bytes ------------------------------------------------------------------------------------------------

STRING_FIELDS = [
    ("household", "name"),
    ("household", "city"),
    ("household_patch", "city"),
    ("measure", "programme_code"),
    ("measure", "prescriber"),
    ("intervention", "note"),
    ("appointment", "title"),
    ("appointment", "place"),
    ("desk_visit", "postcode"),
    ("desk_visit", "information_given"),
    ("desk_visit", "referral_partner"),
    ("owner", "name"),
    ("owner", "email"),
    ("owner", "notes"),
    ("owner", "iban"),
    ("dwelling", "reference"),
    ("dwelling", "address"),
    ("lease", "visale_number"),
    ("rent_call", "period"),
    ("payment", "reference"),
]


@pytest.mark.parametrize(("name", "field"), STRING_FIELDS)
def test_a_nul_byte_in_a_string_field_is_refused(api, name, field):
    before = _counts()
    assert_french_json_error(api.write(name, **{field: f"Ava{NUL}nt"}), 400)
    assert _counts() == before


def test_a_nul_byte_in_a_nested_field_or_a_key_is_refused(api):
    member = {"first_name": f"Al{NUL}ix", "last_name": "Nouveau"}
    assert_french_json_error(api.write("household", members=[member]), 400)
    assert_french_json_error(api.write("household", **{f"na{NUL}me": "x"}), 400)
    assert not Household.objects.filter(name="Nouveau").exists()


def test_a_nul_byte_in_the_token_request_is_refused():
    for payload in ({"username": f"a.director{NUL}", "password": "x"}, {"username": "a", "password": f"x{NUL}"}):
        response = Client().post("/api/v1/auth/token", json.dumps(payload), content_type="application/json")
        assert_french_json_error(response, 400)


QUERIES = [
    ("/api/v1/households", "q"),
    ("/api/v1/owners", "q"),
    ("/api/v1/dwellings", "q"),
    ("/api/v1/dwellings", "city"),
    ("/api/v1/dwellings", "energy_class"),
    ("/api/v1/leases", "status"),
    ("/api/v1/reception/visits", "day"),
    ("/api/v1/ledger/trial-balance", "on"),
]


@pytest.mark.parametrize(("url", "param"), QUERIES)
def test_a_nul_byte_in_the_query_is_refused(api, url, param):
    assert_french_json_error(api.get(url, {param: f"Lyon{NUL}"}), 400)


def test_a_nul_byte_in_the_path_is_refused(api):
    household = api.world.own_household.pk
    for url in (
        f"/api/v1/households/{NUL}",
        f"/api/v1/households/{household}{NUL}",
        f"/api/v1/households/{household}/measures{NUL}",
        f"/api/v1/leases/{NUL}/balance",
        f"/api/v1/nowhere{NUL}",
    ):
        assert_french_json_error(api.get(url), 400, 404)


def test_a_nul_byte_in_the_bearer_token_is_refused(api):
    response = Client().get("/api/v1/households", headers={"Authorization": f"Bearer {api.token}{NUL}"})
    assert_french_json_error(response, 401)


# --- lists: limit and offset ----------------------------------------------------------------------------------


def _lists(api):
    return (
        "/api/v1/households",
        "/api/v1/owners",
        "/api/v1/dwellings",
        "/api/v1/leases",
        f"/api/v1/households/{api.world.own_household.pk}/interventions",
    )


BAD_PAGES = [
    ("limit", "-1"),
    ("limit", "0"),
    ("limit", "201"),
    ("limit", str(10**30)),
    ("limit", "abc"),
    ("limit", "1.5"),
    ("limit", ""),
    ("offset", "-1"),
    ("offset", "1000001"),
    ("offset", str(2**63)),
    ("offset", str(10**30)),
    ("offset", "1e3"),
    ("offset", "abc"),
]


def test_a_bad_limit_or_offset_is_refused(api):
    for param, value in BAD_PAGES:
        for url in _lists(api):
            assert_french_json_error(api.get(url, {param: value}), 400)


def test_a_large_offset_past_the_end_is_an_empty_page(api):
    for url in _lists(api):
        response = api.get(url, {"offset": "1000000"})
        assert response.status_code == 200, (url, response.content[:200])
        assert response.json()["items"] == []


# --- over-long strings ----------------------------------------------------------------------------------------

LONG = "x" * 5000
# Fields stored in a text column without a length (notes, names and addresses of people): bounded only by the
# body size (413 past it).
UNBOUNDED_FIELDS = {
    ("intervention", "note"),
    ("owner", "notes"),
    ("desk_visit", "information_given"),
    ("household", "name"),
    ("household", "city"),
    ("household_patch", "city"),
}
# Fields stored in a bounded column: a value longer than the column is refused, on SQLite as on PostgreSQL.
BOUNDED_FIELDS = [(name, field) for name, field in STRING_FIELDS if (name, field) not in UNBOUNDED_FIELDS]


@pytest.mark.parametrize(("name", "field"), BOUNDED_FIELDS)
def test_an_over_long_string_is_refused(api, name, field):
    before = _counts()
    assert_french_json_error(api.write(name, **{field: LONG}), 400)
    assert _counts() == before


def test_an_over_long_member_phone_is_refused(api):
    member = {"first_name": "Alix", "last_name": "Nouveau", "phone": "0" * 5000}
    assert_french_json_error(api.write("household", members=[member]), 400)
    assert not Household.objects.filter(name="Nouveau").exists()


def test_an_over_long_search_is_answered(api):
    for url in ("/api/v1/households", "/api/v1/owners", "/api/v1/dwellings"):
        response = api.get(url, {"q": "é" * 3000})
        assert response.status_code in (200, 400), (url, response.status_code)
        if response.status_code == 400:
            assert_french_json_error(response, 400)


# --- the body: its size, its syntax, its type -----------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    method, url, payload = api.writes["household"]
    before = _counts()
    assert_french_json_error(api.post(url, {**payload, "address": "x" * 20_000}), 413)
    response = Client().post(
        "/api/v1/auth/token", json.dumps({"username": "x" * 20_000, "password": "y"}), content_type="application/json"
    )
    assert_french_json_error(response, 413)
    assert _counts() == before


@pytest.mark.parametrize(
    "body",
    [
        "",
        "{",
        '{"name": }',
        "[]",
        "null",
        '"Nouveau"',
        "42",
        '{"name": NaN}',
        '{"name": "x"} trailing',
        "[" * 100_000,
        '{"a":' * 50_000,
        b"\xff\xfe{}",
        '{"name": "\\ud800"}',
    ],
    ids=lambda body: repr(body[:20]),
)
def test_malformed_json_is_400(api, body):
    method, url, _payload = api.writes["household"]
    before = _counts()
    assert_french_json_error(api.send(method, url, body), 400)
    assert_french_json_error(Client().post("/api/v1/auth/token", body, content_type="application/json"), 400)
    assert _counts() == before


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "name=Nouveau"),
        ("application/x-www-form-urlencoded", "name=Nouveau"),
        (
            "multipart/form-data; boundary=xyz",
            '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\r\n--xyz--',
        ),
        ("application/xml", "<name>Nouveau</name>"),
    ],
)
def test_a_body_of_another_content_type_is_refused(api, content_type, body):
    method, url, _payload = api.writes["household"]
    before = _counts()
    assert_french_json_error(api.send(method, url, body, content_type=content_type), 400, 415)
    assert _counts() == before


# --- amounts ---------------------------------------------------------------------------------------------------

BAD_AMOUNTS = [
    "10000000000",
    "10000000000.00",
    "1e10",
    10**10,
    1e308,
    "1.23456",
    "0.001",
    "NaN",
    "Infinity",
    "-Infinity",
    "-5.00",
    "0",
    "",
    "12,50",
    True,
]


def test_a_bad_payment_amount_is_refused(api):
    for amount in BAD_AMOUNTS:
        for confirm in (False, True):
            assert_french_json_error(api.write("payment", amount=amount, confirm=confirm), 400)
    assert not Payment.objects.exists()


def test_the_largest_payment_amount_is_answered(api):
    response = api.write("payment", amount="9999999999.99", confirm=True)
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 400:
        assert_french_json_error(response, 400)


@pytest.mark.parametrize(("name", "field"), [("lease", "rent"), ("lease", "deposit"), ("dwelling", "surface")])
def test_a_bad_amount_elsewhere_is_refused(api, name, field):
    before = _counts()
    for amount in ("10000000000", "1.23456", "NaN", "1e400", -1):
        assert_french_json_error(api.write(name, **{field: amount}), 400)
    assert _counts() == before


# --- dates ------------------------------------------------------------------------------------------------------

BAD_DATES = ["0000-01-01", "9999-99-99", "0001-01-01", "9999-12-31", "2025-02-30", "-001-01-01", "+10000-01-01", "1"]
DATE_FIELDS = [
    ("household", "members"),
    ("measure", "start_date"),
    ("intervention", "occurred_on"),
    ("appointment", "starts_at"),
    ("desk_visit", "visited_at"),
    ("dwelling", "decency_checked_on"),
    ("lease", "start_date"),
    ("lease", "end_date"),
    ("payment", "received_on"),
]


@pytest.mark.parametrize(("name", "field"), DATE_FIELDS)
def test_a_date_out_of_range_is_refused(api, name, field):
    before = _counts()
    for value in BAD_DATES:
        if field == "members":
            changes = {"members": [{"first_name": "Alix", "last_name": "Nouveau", "birth_date": value}]}
        elif field in ("starts_at", "visited_at"):
            changes = {field: f"{value}T10:00:00+01:00"}
        else:
            changes = {field: value}
        assert_french_json_error(api.write(name, **changes), 400)
    assert _counts() == before


def test_a_query_date_out_of_range_is_refused(api):
    lease = api.lease.pk
    for value in BAD_DATES:
        for url, param in (
            (f"/api/v1/leases/{lease}/balance", "on"),
            ("/api/v1/ledger/trial-balance", "on"),
            ("/api/v1/reception/visits", "day"),
        ):
            assert_french_json_error(api.get(url, {param: value}), 400)


@pytest.mark.parametrize("year", ["0", "-1", "99999", str(10**30), "2025.5"])
def test_a_year_out_of_range_is_refused(api, year):
    assert_french_json_error(api.get(f"/api/v1/leases/{api.lease.pk}/periods", {"year": year}), 400)


@pytest.mark.parametrize("period", ["0000-01", "2025-00", "2025-13", "9999-12", "10000-01"])
def test_a_rent_call_period_out_of_range_is_refused(api, period):
    assert_french_json_error(api.write("rent_call", period=period), 400)


# --- forged identifiers -----------------------------------------------------------------------------------------


def test_a_forged_id_is_404_in_json(api):
    foreign = api.world.other_org_household.pk
    for url in (
        f"/api/v1/households/{uuid.uuid4()}",
        f"/api/v1/households/{foreign}",
        f"/api/v1/households/{foreign}/measures",
        f"/api/v1/leases/{uuid.uuid4()}/balance",
        f"/api/v1/owners/{uuid.uuid4()}",
        f"/api/v1/dwellings/{uuid.uuid4()}",
    ):
        assert_french_json_error(api.get(url), 404)
    for url in ("/api/v1/households/not-a-uuid", f"/api/v1/households/{uuid.uuid4()}-0", "/api/v1/owners/0"):
        assert_french_json_error(api.get(url), 400, 404)


def test_a_forged_id_in_a_body_is_404_or_400(api):
    before = _counts()
    foreign_household = str(api.world.other_org_household.pk)
    for name, changes in (
        ("payment", {"lease_id": str(uuid.uuid4())}),
        ("dwelling", {"owner_id": str(uuid.uuid4())}),
        ("lease", {"household_id": foreign_household}),
        ("lease", {"dwelling_id": str(uuid.uuid4())}),
        ("intervention", {"measure_id": str(uuid.uuid4())}),
        ("appointment", {"worker_id": str(api.world.outsider.pk)}),
        ("desk_visit", {"household_id": foreign_household}),
        ("desk_visit", {"referral_worker_id": str(api.world.outsider.pk)}),
    ):
        assert_french_json_error(api.write(name, **changes), 400, 404)
    assert _counts() == before
