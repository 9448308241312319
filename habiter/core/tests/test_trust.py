"""Trust (issue 13): the user's own password, the absolute session lifetime, no caching of logged-in pages and
API answers, API tokens issued before the second factor, and the security events the journal records."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from habiter.core import services
from habiter.core.middleware import client_ip
from habiter.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-bien-long"  # the factories' password
NEW_PASSWORD = "le chat dort sur le radiateur"
WRONG = "pas-le-bon-mot-de-passe"
LOGIN = reverse("core:login")
CHANGE = reverse("core:password_change")
HOUSEHOLDS = "/api/v1/households"
REISSUE = (
    "Ce jeton a été émis avant l'activation de la double authentification de votre compte : il ne fonctionne "
    "plus. Activez-la si ce n'est fait, puis émettez un nouveau jeton (Mon compte)."
)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def events(action):
    return AuditEvent.objects.filter(action=action).order_by("id")


# --- password change ---------------------------------------------------------------------------------------


def test_a_user_changes_their_own_password_and_the_change_is_journaled(world):
    user = world.users["social_worker"]
    client, elsewhere = Client(), Client()
    assert log_in(client, user.username).status_code == 302
    assert log_in(elsewhere, user.username).status_code == 302
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{CHANGE}"' in home  # from the user menu

    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "Mot de passe actuel" in page.content.decode()
    wrong = client.post(CHANGE, {"old_password": WRONG, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in wrong.content.decode()
    short = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in short.content.decode()
    assert not events("auth.password_change").exists()

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:account")
    assert "Votre mot de passe est changé." in client.get(response["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200  # this session stays open
    assert elsewhere.get(reverse("core:home")).status_code == 302  # the other one ends
    event = events("auth.password_change").get()
    assert event.actor == user and event.organisation_id == user.organisation_id


# --- absolute session lifetime ---------------------------------------------------------------------------------


def test_a_session_older_than_its_absolute_lifetime_is_logged_out_however_active(world, settings, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), tick=False)
    assert settings.HABITER_SESSION_MAX_HOURS == 12
    client = Client()
    assert log_in(client, world.users["social_worker"].username).status_code == 302
    home = reverse("core:home")
    # Active every 20 minutes, within the idle limit, for almost 12 hours: still open.
    for _step in range(35):
        time_machine.shift(timedelta(minutes=20))
        assert client.get(home).status_code == 200
    time_machine.shift(timedelta(minutes=21))  # 12 h 01 after the login
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert "Votre session a atteint sa durée maximale (12 heures)" in page.content.decode()
    # Logging in again opens a new session with a new lifetime.
    assert log_in(client, world.users["social_worker"].username).status_code == 302
    assert client.get(home).status_code == 200


def test_the_absolute_lifetime_is_a_setting(client, world, settings, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), tick=False)
    settings.HABITER_SESSION_MAX_HOURS = 1
    client.force_login(world.users["director"])
    assert client.get(reverse("core:home")).status_code == 200
    for _step in range(2):
        time_machine.shift(timedelta(minutes=29))
        assert client.get(reverse("core:home")).status_code == 200
    time_machine.shift(timedelta(minutes=3))
    assert client.get(reverse("core:home")).status_code == 302


# --- no-store ----------------------------------------------------------------------------------------------


def test_logged_in_pages_and_api_answers_are_never_stored(client, world):
    assert "no-store" not in client.get(reverse("core:health")).get("Cache-Control", "")  # nobody's page
    client.force_login(world.users["social_worker"])
    for url in (reverse("core:home"), reverse("people:household_detail", args=[world.own_household.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
    _token, raw = services.api_token_create(actor=world.users["social_worker"], name="Script")
    api = Client()
    answer = api.get(f"{HOUSEHOLDS}/{world.own_household.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    refused = api.get(HOUSEHOLDS)  # even an error answer
    assert refused.status_code == 401
    assert "no-store" in refused["Cache-Control"]


# --- API tokens and the second factor ---------------------------------------------------------------------------


def _enrol(client, user):
    client.force_login(user)
    client.get(reverse("core:otp_enrol"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post(reverse("core:otp_enrol"), {"code": code}).status_code == 302
    return device


def test_a_token_issued_before_the_second_factor_stops_working_until_reissued(client, world, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
    user = world.users["social_worker"]
    _old, old_raw = services.api_token_create(actor=user, name="Avant")
    bearer = {"Authorization": f"Bearer {old_raw}"}
    assert Client().get(HOUSEHOLDS, headers=bearer).status_code == 200

    time_machine.shift(timedelta(hours=1))
    _enrol(client, user)
    user.refresh_from_db()
    assert user.mfa_confirmed_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    response = Client().get(HOUSEHOLDS, headers=bearer)
    assert response.status_code == 401
    assert response.json() == {"detail": REISSUE}

    time_machine.shift(timedelta(minutes=5))
    _new, new_raw = services.api_token_create(actor=user, name="Après")
    assert Client().get(HOUSEHOLDS, headers={"Authorization": f"Bearer {new_raw}"}).status_code == 200


def test_when_the_second_factor_becomes_mandatory_tokens_of_users_without_one_stop(world, settings):
    user = world.users["social_worker"]
    _token, raw = services.api_token_create(actor=user, name="Tableur")
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get(HOUSEHOLDS, headers=bearer).status_code == 200
    settings.HABITER_REQUIRE_MFA = True
    response = Client().get(HOUSEHOLDS, headers=bearer)
    assert response.status_code == 401
    assert response.json() == {"detail": REISSUE}


def test_resetting_the_second_factor_is_journaled_and_needs_a_director(client, world, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
    user = world.users["social_worker"]
    _enrol(client, user)
    assert events("otp.enrol").get().actor == user
    with pytest.raises(services.PermissionDenied):
        services.otp_reset(actor=world.users["team_lead"], user_id=user.pk)
    with pytest.raises(services.PermissionDenied):
        services.otp_reset(actor=world.outsider, user_id=user.pk)
    services.otp_reset(actor=world.users["director"], user_id=user.pk)
    user.refresh_from_db()
    assert user.mfa_confirmed_at is None and not TOTPDevice.objects.filter(user=user).exists()
    event = events("otp.reset").get()
    assert event.actor == world.users["director"] and event.object_id == str(user.pk)


# --- security events ----------------------------------------------------------------------------------------------


def test_token_creation_and_revocation_are_journaled(world):
    user = world.users["social_worker"]
    token, _raw = services.api_token_create(actor=user, name="Tableur")
    services.api_token_revoke(actor=user, token_id=token.pk)
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(token.pk)).order_by("id")] == [
        "api_token.create",
        "api_token.revoke",
    ]


def test_failed_logins_and_the_lockout_are_journaled_in_the_accounts_organisation(world, settings):
    user = world.users["social_worker"]
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.username, WRONG, REMOTE_ADDR="203.0.113.9")
    failures = events("auth.login_failed")
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    first = failures.first()
    assert first.organisation_id == user.organisation_id and first.object_id == str(user.pk)
    assert first.ip == "203.0.113.9" and first.detail["username"] == user.username
    lockout = events("auth.lockout").get()
    assert lockout.organisation_id == user.organisation_id and lockout.detail["username"] == user.username

    # A name that is no account's is not kept: it may be a password typed in the wrong field.
    log_in(Client(), "mon-mot-de-passe-secret", WRONG, REMOTE_ADDR="198.51.100.7")
    unknown = events("auth.login_failed").last()
    assert unknown.organisation_id is None and unknown.detail["username"] is None
    assert "mon-mot-de-passe-secret" not in str(unknown.detail)

    # The director sees them, in French, on the journal page.
    director = Client()
    director.force_login(world.users["director"])
    labels = {r["action"] for r in director.get(reverse("core:audit_log")).context["rows"]}
    assert {"Échec de connexion", "Blocage après des échecs de connexion"} <= labels


def test_the_lockout_counts_per_account_and_per_address(world, settings):
    limit = settings.AXES_FAILURE_LIMIT
    target = world.users["social_worker"]
    # Per account: failures from many addresses lock the account, even from a new address.
    for attempt in range(limit):
        log_in(Client(), target.username, WRONG, REMOTE_ADDR=f"198.51.100.{attempt + 1}")
    assert log_in(Client(), target.username, REMOTE_ADDR="198.51.100.200").status_code == 429
    # Per address: failures on many accounts from one address lock the address, even for another account.
    names = ["a.director", "a.team_lead", "a.rental_manager", "a.accountant", "a.technician", "a.host"]
    for name in names[:limit]:
        log_in(Client(), name, WRONG, REMOTE_ADDR="203.0.113.50")
    assert log_in(Client(), "a.receptionist", REMOTE_ADDR="203.0.113.50").status_code == 429
    # Elsewhere, another account still logs in.
    assert log_in(Client(), "a.receptionist", REMOTE_ADDR="203.0.113.51").status_code == 302


def test_a_refused_object_is_journaled_but_an_unknown_address_is_not(client, world):
    worker = world.users["social_worker"]
    client.force_login(worker)
    out_of_reach = reverse("people:household_detail", args=[world.other_org_household.pk])
    assert client.get(out_of_reach).status_code == 404
    refused = events("access.refused").get()
    assert refused.actor == worker and refused.organisation_id == worker.organisation_id
    assert refused.detail == {"view": "people:household_detail", "path": out_of_reach, "status": 404}
    assert client.get("/pas-une-page/").status_code == 404
    assert events("access.refused").count() == 1
    # Through the API too.
    _token, raw = services.api_token_create(actor=worker, name="Script")
    api = Client().get(f"{HOUSEHOLDS}/{world.other_org_household.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 404
    assert events("access.refused").last().detail["path"] == f"{HOUSEHOLDS}/{world.other_org_household.pk}"
    # An anonymous visitor's 404s are not journaled (nobody to name).
    Client().get(out_of_reach)
    assert events("access.refused").count() == 2


# --- client address behind a proxy -------------------------------------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_the_forwarded_header_is_ignored_without_a_trusted_proxy(settings):
    assert settings.HABITER_TRUSTED_PROXIES == []
    assert client_ip(_request("192.0.2.10", "203.0.113.7")) == "192.0.2.10"


def test_the_forwarded_header_is_read_behind_a_trusted_proxy(settings):
    settings.HABITER_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    assert client_ip(_request("192.0.2.10", "203.0.113.7")) == "203.0.113.7"
    # The client's own header is kept on the left: only what the trusted proxies appended counts.
    assert client_ip(_request("192.0.2.10", "6.6.6.6, 203.0.113.7, 10.1.2.3")) == "203.0.113.7"
    assert client_ip(_request("192.0.2.10", "pas-une-adresse")) == "192.0.2.10"
    assert client_ip(_request("192.0.2.10")) == "192.0.2.10"
    # A request that did not come through a trusted proxy: its header is not believed.
    assert client_ip(_request("198.51.100.4", "203.0.113.7")) == "198.51.100.4"


def test_the_lockout_and_the_journal_use_the_address_behind_the_trusted_proxy(world, settings):
    settings.HABITER_TRUSTED_PROXIES = ["192.0.2.10"]
    user = world.users["social_worker"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), user.username, WRONG, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert events("auth.login_failed").last().ip == "203.0.113.7"
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
