"""`manage.py backup` and `manage.py restore`: a backup restored into an emptied database gives back every row,
the ledger's balances and the documents' bytes, and both are journaled."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from habiter.core import dbroles
from habiter.core.models import AuditEvent, Organisation
from habiter.leases.models import Lease
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease
from habiter.support.models import Document
from habiter.support.tests.test_documents import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.managed}


def _empty_database() -> None:
    # dropping the schema is the owner's right when the database has two roles (decision record 0016)
    with dbroles.as_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


def _make_data(client, world):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 15), rent="500.00", charges="62.00")
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 2, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=Decimal("200.00"), received_on=date(2025, 2, 10), source="tenant"
    )
    client.force_login(world.users["social_worker"])
    content = pdf_bytes()
    assert upload(client, world.own_household, "avis.pdf", content).status_code == 302
    return lease, Document.objects.get(), content


def _restore_and_compare(client, world, target):
    lease, document, content = _make_data(client, world)
    balance = rent_queries.lease_balance(lease, date(2025, 3, 1))
    assert balance.balance != 0
    counts = _counts()

    call_command("backup", str(target))
    assert AuditEvent.objects.filter(action="backup.create").count() == Organisation.objects.count()

    _empty_database()
    document.file.storage.delete(document.file.name)
    call_command("restore", str(target), "--yes")

    restored = _counts()
    organisations = Organisation.objects.count()
    assert restored.pop("core.AuditEvent") == counts.pop("core.AuditEvent") + organisations  # + backup.restore
    assert restored == counts
    assert AuditEvent.objects.filter(action="backup.restore").count() == organisations
    assert rent_queries.lease_balance(Lease.objects.get(pk=lease.pk), date(2025, 3, 1)) == balance
    response = client.get(reverse("support:document_download", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == content


def test_a_backup_restored_into_an_empty_database_gives_back_rows_balances_and_documents(client, world, tmp_path):
    _restore_and_compare(client, world, tmp_path / "backup")


def test_backup_and_restore_go_through_the_object_storage_too_and_into_a_tar_file(client, world, tmp_path, s3_storages):
    with override_settings(STORAGES=s3_storages):
        _restore_and_compare(client, world, tmp_path / "habiter.tar")


def test_a_damaged_backup_is_refused_before_anything_is_replaced(client, world, tmp_path):
    _lease, document, _content = _make_data(client, world)
    call_command("backup", str(tmp_path / "backup"))
    saved = tmp_path / "backup" / "documents" / document.file.name
    saved.write_bytes(b"not the document")
    before = _counts()
    with pytest.raises(CommandError, match="abîmé"):
        call_command("restore", str(tmp_path / "backup"), "--yes")
    assert _counts() == before
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("backup", str(tmp_path / "backup"))
