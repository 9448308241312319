"""Two application servers (gunicorn) on one PostgreSQL database and one object storage: a household's writes sent
alternately to both are all kept, each server serves the other's document, and a lockout counted on one holds on
the other."""

import os
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from conftest import free_port
from habiter.people.models import HouseholdNote
from habiter.support.models import Document
from habiter.support.tests.test_documents import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "deux-serveurs-une-seule-base"  # noqa: S105


def _gunicorn_options() -> list[str]:
    version = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "--version"], capture_output=True, text=True, check=False
    ).stdout
    digits = "".join(c for c in version.split()[-1] if c.isdigit() or c == ".").split(".") if version else ["0"]
    return ["--no-control-socket"] if int(digits[0] or 0) >= 27 else []


@pytest.fixture
def servers(s3_storages, tmp_path):
    """Two gunicorn servers with the production settings (over plain HTTP), the test database and the bucket."""
    database = connection.settings_dict
    s3 = s3_storages["default"]["OPTIONS"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.two_servers_settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "HABITER_S3_BUCKET": s3["bucket_name"],
        "HABITER_S3_ENDPOINT_URL": s3["endpoint_url"],
        "HABITER_S3_ACCESS_KEY_ID": s3["access_key"],
        "HABITER_S3_SECRET_ACCESS_KEY": s3["secret_key"],
        "HABITER_S3_REGION": s3["region_name"],
        "HABITER_CACHE": "database",
        "HABITER_DB_CONN_MAX_AGE": "0",
    }
    processes, addresses = [], []
    for index in range(2):
        port = free_port()
        log = (tmp_path / f"server-{index}.log").open("w")
        processes.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "habiter.wsgi:application", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", "1", "--timeout", "30", *_gunicorn_options()],
                env=environment,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        addresses.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60  # a loaded machine imports the application slowly
        for address in addresses:
            while True:
                try:
                    if requests.get(address + reverse("core:login"), timeout=15).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    logs = [(tmp_path / f"server-{index}.log").read_text() for index in range(2)]
                    pytest.fail("\n".join(logs))
                time.sleep(0.2)
        yield addresses
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _login(address: str, username: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    session.get(address + reverse("core:login"), timeout=10)
    response = session.post(
        address + reverse("core:login"),
        {"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=20,
    )
    return session, response


def _post(session, url, data, files=None):
    return session.post(
        url,
        {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files=files,
        allow_redirects=False,
        timeout=20,
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Plusieurs serveurs d'application partagent une base PostgreSQL ; SQLite est la base d'un seul poste.",
)
def test_two_servers_share_the_database_the_documents_and_the_lockout(world, servers):
    worker = world.users["social_worker"]
    worker.password = PBKDF2PasswordHasher().encode(PASSWORD, "deuxserveurs2026")
    worker.save(update_fields=["password"])
    household = world.own_household

    sessions = []
    for address in servers:
        session, response = _login(address, worker.username)
        assert response.status_code == 302, response.text[:500]
        sessions.append(session)

    notes = reverse("people:note_create", args=[household.pk])
    uploads = reverse("support:document_upload", args=[household.pk])
    contents = []
    for turn in range(6):
        address, session = servers[turn % 2], sessions[turn % 2]
        response = _post(session, address + notes, {"text": f"Note n° {turn} envoyée au serveur {turn % 2}"})
        assert response.status_code == 302, response.text[:500]
    for turn in range(2):
        content = pdf_bytes() + f"% serveur {turn}\n".encode()
        contents.append(content)
        response = _post(
            sessions[turn], servers[turn] + uploads, {"kind": "tax_notice"}, {"file": (f"avis-{turn}.pdf", content)}
        )
        assert response.status_code == 302, response.text[:500]

    texts = set(HouseholdNote.objects.filter(household=household).values_list("text", flat=True))
    assert texts == {f"Note n° {turn} envoyée au serveur {turn % 2}" for turn in range(6)}
    documents = {document.original_name: document for document in Document.objects.filter(household=household)}
    assert set(documents) == {"avis-0.pdf", "avis-1.pdf"}
    for turn in range(2):  # each server serves the document the other one stored
        other = 1 - turn
        url = servers[other] + reverse("support:document_download", args=[documents[f"avis-{turn}.pdf"].pk])
        response = sessions[other].get(url, timeout=20, allow_redirects=False)
        assert response.status_code == 200 and response.content == contents[turn]
    page = sessions[1].get(servers[1] + reverse("people:household_detail", args=[household.pk]), timeout=20)
    assert "Note n° 0 envoyée au serveur 0" in page.text and "avis-0.pdf" in page.text

    # failures counted on both servers lock the account on both: the right password is refused afterwards
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _session, response = _login(servers[attempt % 2], worker.username, "mauvais mot de passe")
        assert response.status_code != 302
    for address in servers:
        _session, response = _login(address, worker.username)
        assert response.status_code != 302
