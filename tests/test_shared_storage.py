"""Production's shared storage: documents in an S3-compatible bucket (a local emulator here), downloaded only through
the checked view; the rate-limit counts in a database cache that several processes share."""

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from storages.backends.s3 import S3Storage

from habiter.core.throttling import AuthFailureThrottle
from habiter.support.models import Document
from habiter.support.tests.test_documents import pdf_bytes, upload


@pytest.mark.django_db
def test_a_document_uploaded_to_s3_is_streamed_to_its_organisation_only(client, world, s3_storages):
    content = pdf_bytes()
    with override_settings(STORAGES=s3_storages):
        assert isinstance(storages["default"], S3Storage)
        client.force_login(world.users["social_worker"])
        assert upload(client, world.own_household, "avis.pdf", content).status_code == 302
        document = Document.objects.get()
        # the object is in the bucket, private, under a name that is not the uploaded one
        storage = document.file.storage
        assert storage.exists(document.file.name) and not document.file.name.endswith("avis.pdf")
        acl = storage.connection.meta.client.get_object_acl(Bucket=storage.bucket_name, Key=document.file.name)
        assert all(grant["Grantee"].get("URI", "").find("AllUsers") < 0 for grant in acl["Grants"])
        assert "X-Amz-Signature=" in storage.url(document.file.name) or "Signature=" in storage.url(document.file.name)

        response = client.get(reverse("support:document_download", args=[document.pk]))
        assert response.status_code == 200  # streamed by the application, never a redirect to the bucket
        assert b"".join(response.streaming_content) == content

        client.force_login(world.outsider)
        assert client.get(reverse("support:document_download", args=[document.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_api_failure_counts_are_shared_by_two_cache_clients():
    """Two servers are two cache clients on one table: failures counted by one are seen by the other."""
    from django.test import RequestFactory

    first, second = DatabaseCache("habiter_cache", {}), DatabaseCache("habiter_cache", {})
    request = RequestFactory().get("/api/v1/", REMOTE_ADDR="203.0.113.9")
    with override_settings(HABITER_API_THROTTLE_RATES={"token": None, "auth_failure": "3/min", "user": None}):
        for cache in (first, second, first):
            throttle = AuthFailureThrottle()
            throttle.cache = cache
            assert not throttle.exceeded(request)
            assert throttle.allow_request(request)
        throttle = AuthFailureThrottle()
        throttle.cache = second
        assert throttle.exceeded(request)  # the third failure, counted by the first client, locks on the second
        other = RequestFactory().get("/api/v1/", REMOTE_ADDR="203.0.113.10")
        assert not throttle.exceeded(other)
