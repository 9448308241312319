import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from habiter.core.models import AuditEvent
from habiter.support.models import Document

pytestmark = pytest.mark.django_db


def pdf_bytes(*, password=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format=kind)
    return buffer.getvalue()


def upload(client, household, name, content, **extra):
    return client.post(
        reverse("support:document_upload", args=[household.pk]),
        {"kind": "tax_notice", "file": SimpleUploadedFile(name, content), **extra},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("avis.pdf", pdf_bytes(), "application/pdf"),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("scan.png", image_bytes("PNG"), "image/png"),
        ("nom-trompeur.txt", pdf_bytes(), "application/pdf"),  # the content decides, not the name
    ],
)
def test_accepted_documents_are_stored_and_downloaded_with_audit(client, world, name, content, content_type):
    client.force_login(world.users["social_worker"])
    assert upload(client, world.own_household, name, content).status_code == 302
    document = Document.objects.get()
    assert document.content_type == content_type and document.original_name == name
    assert not document.file.name.endswith(name) and str(world.organisation.pk) in document.file.name
    response = client.get(reverse("support:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert "attachment" in response["Content-Disposition"]
    actions = AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["document.upload", "household.read"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf at all", "Seuls les fichiers PDF, JPEG et PNG"),
        ("page.html", b"<html><script>alert(1)</script></html>", "Seuls les fichiers PDF, JPEG et PNG"),
        ("protege.pdf", pdf_bytes(password="secret"), "protégé par un mot de passe"),
        ("abime.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "abîmé ou incomplet"),
        ("abimee.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "abîmée ou incomplète"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_refused_documents_store_nothing(client, world, name, content, message):
    client.force_login(world.users["social_worker"])
    folder = f"documents/{world.organisation.pk}"
    stored_before = default_storage.listdir(folder) if default_storage.exists(folder) else None
    response = upload(client, world.own_household, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert (default_storage.listdir(folder) if default_storage.exists(folder) else None) == stored_before


def test_over_ten_megabytes_is_refused(client, world):
    client.force_login(world.users["social_worker"])
    big = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)
    response = upload(client, world.own_household, "gros.pdf", big)
    assert "dépasse 10 Mo" in response.content.decode()
    assert not Document.objects.exists()


def test_documents_are_out_of_reach_of_other_teams_and_organisations(client, world):
    client.force_login(world.users["social_worker"])
    upload(client, world.own_household, "avis.pdf", pdf_bytes())
    document = Document.objects.get()
    for user in (world.outsider, world.users["volunteer"], world.users["accountant"]):
        client.force_login(user)
        assert client.get(reverse("support:document_download", args=[document.pk])).status_code == 404
    client.force_login(world.users["social_worker"])
    assert upload(client, world.other_team_household, "avis.pdf", pdf_bytes()).status_code == 404


def test_expiring_documents_show_on_the_to_do_list(client, world):
    worker = world.users["social_worker"]
    client.force_login(worker)
    soon = (timezone.localdate() + timedelta(days=20)).isoformat()
    upload(client, world.own_household, "titre.pdf", pdf_bytes(), kind="residence_permit", expires_on=soon)
    home = client.get(reverse("core:home")).content.decode()
    assert "Documents à renouveler" in home and "Titre de séjour" in home
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "à renouveler" in page and "Document ajouté : Titre de séjour" in page
