"""With DEBUG off, every error of the API is JSON with a French `detail` and the right status, never an HTML
page: unknown routes, methods a route lacks, authentication failures, throttling, lockout, unexpected errors."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from habiter.core import services as core_services
from tests.api_hostile_common import assert_french_json_error

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
HOUSEHOLDS = "/api/v1/households"
PASSWORD = "mot-de-passe-de-test-assez-long"


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def director(world):
    user = world.users["director"]
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def bearer(director):
    return {"Authorization": f"Bearer {core_services.api_token_create(actor=director, name='Tests')[1]}"}


@pytest.fixture
def rates(settings):
    """Small rate limits, counted from zero."""
    cache.clear()
    settings.HABITER_API_THROTTLE_RATES = {"token": "3/min", "auth_failure": "4/min", "user": "5/min"}
    yield settings.HABITER_API_THROTTLE_RATES
    cache.clear()


def _token(client, username, password):
    return client.post(TOKEN, json.dumps({"username": username, "password": password}), content_type="application/json")


# --- routes and methods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nowhere",
        "/api/v1/households/00000000-0000-0000-0000-000000000000/nowhere",
        "/api/v1/",
        "/api/v2/households",
        "/api/",
        "/api/v1/openapi.json/x",
    ],
)
def test_an_unknown_route_under_the_api_is_a_json_404(url, bearer):
    assert_french_json_error(Client().get(url), 404)
    assert_french_json_error(Client().get(url, headers=bearer), 404)
    assert_french_json_error(Client().post(url, "{}", content_type="application/json", headers=bearer), 404)


def test_pages_keep_their_html_404(client, world):
    client.force_login(world.users["director"])
    response = client.get("/menages/nulle-part/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "url"),
    [("DELETE", HOUSEHOLDS), ("PUT", HOUSEHOLDS), ("GET", TOKEN), ("DELETE", "/api/v1/payments"), ("POST", "/api/v1/")],
)
def test_a_method_the_route_lacks_is_a_json_405(method, url, bearer):
    response = Client().generic(method, url, "{}", content_type="application/json", headers=bearer)
    if url == "/api/v1/":
        assert_french_json_error(response, 404)
        return
    detail = assert_french_json_error(response, 405)
    assert response["Allow"] and response["Allow"].split(",")[0].strip() in detail


def test_the_openapi_schema_is_served_and_documents_the_french_errors():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    household_list = schema["paths"]["/api/v1/households"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "429", "500"} <= set(map(str, household_list))
    assert schema["components"]["schemas"]["Detail"]["required"] == ["detail"]


# --- authentication -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ", "Bearer hab_faux", "Basic YTpi", "hab_faux", "Bearer " + "x" * 10_000]
)
def test_an_authentication_failure_is_a_json_401(header, world):
    headers = {"Authorization": header} if header else {}
    detail = assert_french_json_error(Client().get(HOUSEHOLDS, headers=headers), 401)
    assert detail.startswith("Authentification requise")


def test_a_wrong_password_for_a_token_is_a_json_401(director):
    detail = assert_french_json_error(_token(Client(), director.username, "faux"), 401)
    assert detail == "Identifiant ou mot de passe incorrect."
    assert_french_json_error(_token(Client(), "personne", "faux"), 401)


def test_a_refused_action_is_a_json_403(world):
    token = core_services.api_token_create(actor=world.users["accountant"], name="Tests")[1]
    response = Client().get(HOUSEHOLDS, headers={"Authorization": f"Bearer {token}"})
    assert_french_json_error(response, 403)


def test_the_lockout_answers_json_from_the_failure_that_locks(director, settings):
    client = Client()
    answers = [_token(client, director.username, "faux") for _attempt in range(settings.AXES_FAILURE_LIMIT + 1)]
    for response in answers[:-2]:
        assert_french_json_error(response, 401)
    for response in answers[-2:]:  # the failure that locks, then the next: JSON, not the lockout page
        detail = assert_french_json_error(response, 401, 429)
    assert detail.startswith("Compte bloqué")
    detail = assert_french_json_error(_token(client, director.username, PASSWORD), 429)
    assert detail.startswith("Compte bloqué")


# --- throttling -----------------------------------------------------------------------------------------------------


def test_token_requests_are_throttled_per_address(director, rates):
    client = Client()
    for _attempt in range(3):
        assert _token(client, "personne", "faux").status_code == 401
    response = _token(client, director.username, PASSWORD)
    detail = assert_french_json_error(response, 429)
    assert detail.startswith("Trop de requêtes") and int(response["Retry-After"]) >= 1
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert _token(elsewhere, director.username, PASSWORD).status_code == 200


def test_the_throttle_does_not_believe_a_forged_forwarded_for(director, rates):
    for attempt in range(3):
        _token(Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}"), "personne", "faux")
    assert_french_json_error(_token(Client(HTTP_X_FORWARDED_FOR="198.51.100.99"), "personne", "faux"), 429)


def test_failed_authentications_are_throttled_per_address(bearer, rates):
    client = Client()
    for _attempt in range(4):
        assert client.get(HOUSEHOLDS, headers={"Authorization": "Bearer hab_faux"}).status_code == 401
    response = client.get(HOUSEHOLDS, headers=bearer)  # even a valid token, from that address, until the window ends
    detail = assert_french_json_error(response, 429)
    assert detail.startswith("Trop de requêtes") and int(response["Retry-After"]) >= 1
    assert Client(REMOTE_ADDR="192.0.2.8").get(HOUSEHOLDS, headers=bearer).status_code == 200


def test_a_users_requests_are_throttled(bearer, world, rates):
    client = Client()
    for _attempt in range(5):
        assert client.get(HOUSEHOLDS, headers=bearer).status_code == 200
    assert_french_json_error(client.get(HOUSEHOLDS, headers=bearer), 429)
    other = core_services.api_token_create(actor=world.users["social_worker"], name="Tests")[1]
    assert client.get(HOUSEHOLDS, headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_rates_can_be_switched_off(director, settings):
    cache.clear()
    settings.HABITER_API_THROTTLE_RATES = {"token": None, "auth_failure": None, "user": None}
    client = Client()
    for _attempt in range(12):
        assert _token(client, director.username, PASSWORD).status_code == 200


# --- unexpected errors ------------------------------------------------------------------------------------------------


def test_an_unexpected_error_in_an_operation_is_a_json_500_without_traceback(bearer, monkeypatch, caplog):
    from habiter.people import queries

    def broken(*args, **kwargs):
        raise RuntimeError("secret interne")

    monkeypatch.setattr(queries, "household_list", broken)
    response = Client(raise_request_exception=False).get(HOUSEHOLDS, headers=bearer)
    detail = assert_french_json_error(response, 500)
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert detail.startswith("Erreur interne")
    assert any("secret interne" in str(record.exc_info) for record in caplog.records)  # logged for the admins


def test_an_unexpected_error_around_the_api_is_a_json_500(bearer, monkeypatch):
    from habiter.core import middleware

    def broken(request):
        raise RuntimeError("secret interne")

    monkeypatch.setattr(middleware, "client_ip", broken)  # called by a middleware, outside any operation
    response = Client(raise_request_exception=False).get(HOUSEHOLDS, headers=bearer)
    assert_french_json_error(response, 500)
    assert "secret" not in response.content.decode()
