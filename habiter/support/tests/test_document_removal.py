"""A household's document is archived or deleted by the person who added it or by the household's referent, after a
confirmation page; the journal keeps a row; a deletion removes the file from storage."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.support import documents as document_services
from habiter.support.models import Document

from .test_documents import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client, world):
    """A document of the social worker's household (they are its referent), added by the team lead."""
    assert world.own_household.referent == world.users["social_worker"]
    client.force_login(world.users["team_lead"])
    assert upload(client, world.own_household, "avis.pdf", pdf_bytes()).status_code == 302
    client.logout()
    return Document.objects.get()


@pytest.mark.parametrize("who", ["team_lead", "social_worker"])  # the uploader, the referent
def test_the_uploader_or_the_referent_archives_after_confirmation(client, world, document, who):
    client.force_login(world.users[who])
    url = reverse("support:document_archive", args=[document.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Archiver ce document ?" in page.content.decode()
    document.refresh_from_db()
    assert document.archived_at is None  # the confirmation page changes nothing
    assert client.post(url).status_code == 302
    document.refresh_from_db()
    assert document.archived_at is not None and document.archived_by == world.users[who]
    event = AuditEvent.objects.get(action="document.archive")
    assert event.actor == world.users[who] and event.household_id == world.own_household.pk
    assert event.object_id == str(document.pk)
    # hidden from the household's list, still reachable from the archived documents and downloadable
    household_page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    download = reverse("support:document_download", args=[document.pk])
    assert download not in household_page and "1 document archivé" in household_page
    archived = client.get(reverse("support:documents_archived", args=[world.own_household.pk])).content.decode()
    assert download in archived and "avis.pdf" in archived
    assert client.get(download).status_code == 200


@pytest.mark.parametrize("who", ["team_lead", "social_worker"])
def test_the_uploader_or_the_referent_deletes_and_the_file_goes(
    client, world, document, who, django_capture_on_commit_callbacks
):
    name = document.file.name
    assert default_storage.exists(name)
    client.force_login(world.users[who])
    url = reverse("support:document_delete", args=[document.pk])
    page = client.get(url).content.decode()
    assert "Supprimer ce document ?" in page and "définitivement" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Document.objects.exists()
    assert not default_storage.exists(name)
    event = AuditEvent.objects.get(action="document.delete")
    assert event.actor == world.users[who] and event.object_id == str(document.pk)
    assert event.household_id == world.own_household.pk


@pytest.mark.parametrize("action", ["document_archive", "document_delete"])
def test_others_who_see_the_document_are_refused(client, world, document, action):
    # the director sees the household and opens its documents, but neither added this one nor is the referent
    director = world.users["director"]
    client.force_login(director)
    assert client.get(reverse("support:document_download", args=[document.pk])).status_code == 200
    household_page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert reverse(f"support:{action}", args=[document.pk]) not in household_page
    url = reverse(f"support:{action}", args=[document.pk])
    assert client.get(url).status_code == 404  # out of their reach, like any page they may not use
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        getattr(document_services, action)(actor=director, document_id=document.pk)
    document.refresh_from_db()
    assert document.archived_at is None and default_storage.exists(document.file.name)
    assert not AuditEvent.objects.filter(action__in=["document.archive", "document.delete"]).exists()


@pytest.mark.parametrize("action", ["document_archive", "document_delete"])
def test_outsiders_do_not_find_the_document(client, world, document, action):
    client.force_login(world.outsider)
    assert client.post(reverse(f"support:{action}", args=[document.pk])).status_code == 404
    with pytest.raises(Document.DoesNotExist):
        getattr(document_services, action)(actor=world.outsider, document_id=document.pk)
    assert Document.objects.filter(pk=document.pk, archived_at__isnull=True).exists()


def test_an_archived_document_no_longer_counts_as_expiring(world, document):
    from datetime import timedelta

    from django.utils import timezone

    from habiter.support import queries

    Document.objects.filter(pk=document.pk).update(expires_on=timezone.localdate() + timedelta(days=3))
    referent = world.users["social_worker"]
    assert list(queries.documents_expiring(referent)) == [document]
    document_services.document_archive(actor=referent, document_id=document.pk)
    assert list(queries.documents_expiring(referent)) == []
