"""Authentication: lockout, second factor, session expiry, API tokens, password rules, deployment checks.

django-axes needs the request to authenticate, so `client.login()` does not work here: the tests that
need a real password check POST the login page, the others use `force_login`.
"""

import hashlib
import os
import re
import secrets
import string
import subprocess
import sys
from base64 import b32decode
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from habiter.core import services
from habiter.core.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-bien-long"  # the factories' password
WRONG = "pas-le-bon-mot-de-passe"
LOGIN = reverse("core:login")
VERIFY = reverse("core:otp_verify")
ENROL = reverse("core:otp_enrol")
TOKEN = "/api/v1/auth/token"
HOUSEHOLDS = "/api/v1/households"
BASE_DIR = Path(__file__).resolve().parents[3]


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def api_token(client, **payload):
    return client.post(TOKEN, payload, content_type="application/json")


def code_of(device, drift=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift):0{device.digits}d}"


def wrong_code_for(device) -> str:
    valid = {code_of(device, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("123456", "654321", "111111") if code not in valid)


@pytest.fixture
def no_otp_throttle(settings):
    """django-otp delays a new try after a wrong code; the tests type the right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- lockout -----------------------------------------------------------------------------------------


def test_lockout_after_repeated_failures_even_with_the_right_password(client, world, settings, time_machine):
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)
    user = world.users["social_worker"]
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == int(os.environ.get("HABITER_LOCKOUT_FAILURES", "5"))
    for _attempt in range(limit - 1):
        response = log_in(client, user.username, WRONG)
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert log_in(client, user.username, WRONG).status_code in (200, 429)  # the last failure allowed

    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Compte temporairement bloqué" in body and "Réessayez dans une heure" in body
    assert SESSION_KEY not in client.session

    response = api_token(Client(), username=user.username, password=PASSWORD)
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Compte bloqué")

    # Per account and per address: the address is locked too, a colleague elsewhere still logs in.
    assert log_in(Client(), world.users["team_lead"].username, PASSWORD).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert log_in(elsewhere, world.users["team_lead"].username, PASSWORD).status_code == 302

    # After the cool-off the account opens again.
    time_machine.shift(timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    response = log_in(Client(), user.username, PASSWORD)
    assert response.status_code == 302


def test_failures_through_the_api_count_too(world, settings):
    user = world.users["director"]
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api_token(client, username=user.username, password=WRONG)
        assert response.status_code == 401
        assert response.json()["detail"] == "Identifiant ou mot de passe incorrect."
    api_token(client, username=user.username, password=WRONG)
    assert api_token(client, username=user.username, password=PASSWORD).status_code == 429
    assert log_in(Client(), user.username, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_failures(client, world, settings):
    user = world.users["social_worker"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, user.username, WRONG)
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("core:logout"))
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, user.username, WRONG)
    assert log_in(client, user.username, PASSWORD).status_code == 302


# --- second factor -------------------------------------------------------------------------------------


def test_a_user_with_a_second_factor_must_enter_a_code_after_the_password(client, world, no_otp_throttle):
    user = world.users["social_worker"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    household = reverse("people:household_detail", args=[world.own_household.pk])
    for url in (reverse("core:home"), reverse("people:household_list"), household, reverse("core:account")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{VERIFY}?next={url}"
    assert client.get(f"/api/v1/households/{world.own_household.pk}").status_code == 401  # never by session

    response = client.post(f"{VERIFY}?next={household}", {"code": wrong_code_for(device), "next": household})
    assert response.status_code == 200
    assert "Code incorrect ou expiré." in response.content.decode()
    assert client.get(household).status_code == 302

    response = client.post(f"{VERIFY}?next={household}", {"code": code_of(device), "next": household})
    assert response.status_code == 302
    assert response["Location"] == household
    assert client.get(household).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


def test_the_code_page_never_redirects_to_another_site(client, world):
    user = world.users["social_worker"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client.force_login(user)
    response = client.post(VERIFY, {"code": code_of(device), "next": "https://pirate.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_a_code_is_accepted_only_once(client, world):
    user = world.users["social_worker"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    code = code_of(device)
    client.force_login(user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    other.force_login(user)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "Code incorrect ou expiré." in response.content.decode()


def test_when_required_a_user_without_second_factor_must_enrol(client, world, settings, no_otp_throttle):
    settings.HABITER_REQUIRE_MFA = True
    user = world.users["director"]
    client.force_login(user)
    for url in (reverse("core:home"), reverse("people:household_list"), reverse("core:audit_log")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.content.decode()).group(1)
    key = b32decode(secret + "=" * (-len(secret) % 8))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device.bin_key == key  # the key shown is the device's

    response = client.post(ENROL, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    code = f"{totp(key, device.step, device.t0, device.digits):06d}"  # what the app shows for this key
    response = client.post(ENROL, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:account")
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("core:audit_log")).status_code == 200


def test_when_required_the_login_and_logout_pages_stay_open(client, world, settings):
    settings.HABITER_REQUIRE_MFA = True
    assert client.get(LOGIN).status_code == 200
    user = world.users["social_worker"]
    assert log_in(client, user.username, PASSWORD).status_code == 302
    assert client.post(reverse("core:logout")).status_code == 302
    assert SESSION_KEY not in client.session


def test_the_api_token_endpoint_requires_the_code_of_a_user_with_a_second_factor(world, no_otp_throttle):
    user = world.users["social_worker"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client = Client()
    response = api_token(client, username=user.username, password=PASSWORD)
    assert response.status_code == 401
    assert "otp" in response.json()["detail"]
    response = api_token(client, username=user.username, password=PASSWORD, otp=wrong_code_for(device))
    assert response.status_code == 401
    assert response.json()["detail"] == "Code de double authentification incorrect ou expiré."
    assert not ApiToken.objects.filter(user=user).exists()

    response = api_token(client, username=user.username, password=PASSWORD, otp=code_of(device))
    assert response.status_code == 200
    raw = response.json()["token"]
    assert client.get(HOUSEHOLDS, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_the_api_token_endpoint_without_second_factor(world, settings):
    user = world.users["social_worker"]
    response = api_token(Client(), username=user.username, password=PASSWORD)
    assert response.status_code == 200
    settings.HABITER_REQUIRE_MFA = True
    response = api_token(Client(), username=user.username, password=PASSWORD)
    assert response.status_code == 403
    assert "double authentification" in response.json()["detail"]


# --- session expiry ----------------------------------------------------------------------------------


def test_the_session_expires_after_inactivity(client, world, settings, time_machine):
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)
    client.force_login(world.users["social_worker"])
    home = reverse("core:home")
    assert client.get(home).status_code == 200
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # Each request renews the window: active use for longer than the window keeps the session.
    for _step in range(3):
        time_machine.shift(idle - timedelta(minutes=1))
        assert client.get(home).status_code == 200

    time_machine.shift(idle + timedelta(minutes=1))
    listing = reverse("people:household_list")
    response = client.get(listing)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={listing}"
    assert client.get(home).status_code == 302  # and it stays closed


# --- API tokens ----------------------------------------------------------------------------------------


def _create_token_through_the_page(client, name):
    response = client.post(reverse("core:api_tokens"), {"name": name})
    assert response.status_code == 200
    raw = re.search(r'<code class="secret">(hab_[A-Za-z0-9_\-]+)</code>', response.content.decode()).group(1)
    return ApiToken.objects.get(name=name), raw


def test_a_token_made_on_the_account_page_works_until_revoked(client, world):
    user = world.users["social_worker"]
    client.force_login(user)
    token, raw = _create_token_through_the_page(client, "Tableur")
    assert token.user == user
    api = Client()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert api.get(HOUSEHOLDS, headers=bearer).status_code == 200

    revoke = reverse("core:api_token_revoke", args=[token.pk])
    confirmation = client.get(revoke)
    assert confirmation.status_code == 200
    assert "Révoquer ce jeton ?" in confirmation.content.decode()
    assert api.get(HOUSEHOLDS, headers=bearer).status_code == 200  # the GET changed nothing

    response = client.post(revoke)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None

    response = api.get(HOUSEHOLDS, headers=bearer)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Authentification requise : jeton absent, invalide, expiré ou révoqué."}


def test_a_user_cannot_see_nor_revoke_another_users_token(client, world):
    owner = world.users["social_worker"]
    token, raw = services.api_token_create(actor=owner, name="Tableur de Noël")
    revoke = reverse("core:api_token_revoke", args=[token.pk])
    for intruder in (world.users["team_lead"], world.users["director"], world.outsider):
        client.force_login(intruder)
        assert client.get(revoke).status_code == 404
        assert client.post(revoke).status_code == 404
        listing = client.get(reverse("core:api_tokens")).content.decode()
        assert "Tableur de Noël" not in listing and token.key_prefix not in listing
    token.refresh_from_db()
    assert token.revoked_at is None
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get(HOUSEHOLDS, headers=bearer).status_code == 200


def test_tokens_are_stored_hashed(client, world):
    client.force_login(world.users["social_worker"])
    token, raw = _create_token_through_the_page(client, "Tableur")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith("hab_") and raw[4:12] == token.key_prefix
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names of the schema
            for row in cursor.fetchall():
                assert not any(isinstance(value, str) and raw in value for value in row), table


def test_an_expired_token_is_refused(world, settings, time_machine):
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)
    _token, raw = services.api_token_create(actor=world.users["social_worker"], name="Script")
    bearer = {"Authorization": f"Bearer {raw}"}
    time_machine.shift(timedelta(days=settings.HABITER_API_TOKEN_DAYS) - timedelta(minutes=1))
    assert Client().get(HOUSEHOLDS, headers=bearer).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    assert Client().get(HOUSEHOLDS, headers=bearer).status_code == 401


# --- passwords -----------------------------------------------------------------------------------------


def _codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_password_rules(world):
    assert "password_too_short" in _codes("Xq7!mZ2@pL9#vR")  # 14 characters, however varied
    assert _codes("1234567890qwertyuiop") == {"password_too_common"}  # long enough, but common
    assert "password_too_common" in _codes("motdepasse")
    assert _codes("chevalbleuprairiesoleil") == set()  # a passphrase: letters only, 23 characters
    assert _codes("la mer est calme ce matin") == set()
    user = world.users["social_worker"]
    assert "password_too_similar" in _codes(f"{user.username}-2025", user)


# --- deployment -----------------------------------------------------------------------------------------


# `check` reads the server's version: the test run's PostgreSQL server, on its maintenance database
SERVER_URL = re.sub(r"/[^/?]*(\?|$)", r"/postgres\1", os.environ.get("DATABASE_URL", ""), count=1)
if not SERVER_URL.startswith("postgres"):
    SERVER_URL = ""


def _manage_with_production_settings(*args, secret_key, database_url=SERVER_URL):
    """`manage.py` in a subprocess with the production settings, none of this shell's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HABITER_", "DJANGO_")) and k not in ("DATABASE_URL", "DATABASE_OWNER_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "habiter.settings.production",
        "HABITER_SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
    }
    return subprocess.run(  # noqa: S603 - the project's own manage.py, arguments from the tests
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not SERVER_URL, reason="Les réglages de production exigent PostgreSQL (DATABASE_URL=postgres://…).")
def test_check_deploy_with_the_production_settings_reports_no_issue():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    secret_key = "".join(secrets.choice(alphabet) for _ in range(60))
    result = _manage_with_production_settings("check", "--deploy", "--fail-level", "WARNING", secret_key=secret_key)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_settings_refuse_a_short_secret_key():
    result = _manage_with_production_settings("check", secret_key="court")
    assert result.returncode != 0
    assert "HABITER_SECRET_KEY" in result.stderr


def test_production_settings_refuse_sqlite():
    secret_key = "".join(secrets.choice(string.ascii_letters) for _ in range(60))
    result = _manage_with_production_settings("check", secret_key=secret_key, database_url="sqlite:///habiter.sqlite3")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Production runs on PostgreSQL only" in result.stderr


def test_the_code_page_brings_back_the_whole_address_asked_for(client, world, no_otp_throttle):
    user = world.users["social_worker"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client.force_login(user)
    asked = reverse("people:household_list") + "?q=lef%C3%A8vre&page=1"
    response = client.get(asked)
    assert response.status_code == 302
    verification = client.get(response["Location"])
    assert verification.status_code == 200
    response = client.post(response["Location"], {"code": code_of(device), "next": verification.context["next"]})
    assert response.status_code == 302
    assert response["Location"] == asked


def test_the_login_page_never_redirects_to_another_site(client, world):
    user = world.users["social_worker"]
    response = client.post(f"{LOGIN}?next=https://pirate.example/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_logging_in_changes_the_session_key(client, world):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    assert log_in(client, world.users["social_worker"].username, PASSWORD).status_code == 302
    assert client.session.session_key != before


def test_a_user_deactivated_during_a_session_is_logged_out(client, world):
    user = world.users["social_worker"]
    assert log_in(client, user.username, PASSWORD).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
