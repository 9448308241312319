"""The French 404 and 500 pages are what a user sees in every mode, the demo included."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path


def _failing_view(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", _failing_view)]


def _demo_setting(name, **environ):
    """A setting of the demo (`make run`) as a fresh process reads it, with the environment given."""
    env = {k: v for k, v in os.environ.items() if k != "HABITER_DEBUG"} | environ
    code = f"import habiter.settings.dev as s; print(s.{name})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_demo_runs_with_debug_off_so_its_error_pages_are_the_french_ones():
    assert _demo_setting("DEBUG") == "False"
    assert _demo_setting("WHITENOISE_USE_FINDERS") == "True"  # the stylesheet is served without DEBUG
    assert _demo_setting("DEBUG", HABITER_DEBUG="1") == "True"  # a developer may still ask for the technical pages


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_the_french_page_saying_nothing_was_saved():
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Une erreur est survenue" in body
    assert "Rien n'a été enregistré" in body
    assert "Traceback" not in body and "panne simulée" not in body


@pytest.mark.django_db
def test_an_unknown_address_shows_the_french_page():
    response = Client().get("/adresse-qui-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
