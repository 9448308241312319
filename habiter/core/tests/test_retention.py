"""Journal retention (DOMAIN-2 W41): rows older than HABITER_AUDIT_RETENTION_DAYS are purged by a command that
journals what it purged; nothing else may delete a journal row, on PostgreSQL not even in SQL."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from habiter.core import services
from habiter.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def old_event(organisation, days, action="household.view"):
    event = AuditEvent(organisation=organisation, action=action, created_at=timezone.now() - timedelta(days=days))
    event.save()
    return event


def test_the_retention_is_a_year_by_default(settings):
    assert settings.HABITER_AUDIT_RETENTION_DAYS == 365


def test_the_purge_deletes_rows_past_the_retention_and_journals_it_per_organisation(world):
    expired = [old_event(world.organisation, 400), old_event(world.organisation, 366)]
    other_expired = old_event(world.other_organisation, 500)
    kept = [old_event(world.organisation, 364), old_event(world.organisation, 200)]
    before = AuditEvent.objects.count()

    out = StringIO()
    call_command("audit_purge", "--dry-run", stdout=out)
    assert out.getvalue().startswith("3 événements du journal antérieurs au ")
    assert "seraient supprimés" in out.getvalue()
    assert AuditEvent.objects.count() == before

    out = StringIO()
    call_command("audit_purge", stdout=out)
    assert out.getvalue().startswith("3 événements du journal antérieurs au ")
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in [*expired, other_expired]]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in kept]).count() == 2
    purges = {e.organisation_id: e for e in AuditEvent.objects.filter(action="audit.purge")}
    assert set(purges) == {world.organisation.pk, world.other_organisation.pk}
    mine = purges[world.organisation.pk]
    assert mine.detail["count"] == 2 and mine.detail["retention_days"] == 365
    cutoff = datetime.fromisoformat(mine.detail["cutoff"])
    assert abs(cutoff - (timezone.now() - timedelta(days=365))) < timedelta(minutes=1)
    assert purges[world.other_organisation.pk].detail["count"] == 1
    assert AuditEvent.objects.count() == before - 3 + 2

    # Nothing left to purge: nothing deleted, nothing journaled.
    call_command("audit_purge", stdout=StringIO())
    assert AuditEvent.objects.filter(action="audit.purge").count() == 2


def test_the_journal_page_shows_the_purge(client, world):
    old_event(world.organisation, 400)
    services.audit_purge()
    client.force_login(world.users["director"])
    rows = client.get("/journal/").context["rows"]
    assert rows[0]["action"] == "Purge du journal (durée de conservation)"


def test_the_retention_stays_within_the_cnil_range(settings):
    settings.HABITER_AUDIT_RETENTION_DAYS = 30
    assert [e.id for e in run_checks()] == ["habiter.E001"]
    with pytest.raises(ValidationError):
        services.audit_purge()
    with pytest.raises(CommandError, match="entre 180 et 1095 jours"):
        call_command("audit_purge", stdout=StringIO())
    settings.HABITER_AUDIT_RETENTION_DAYS = 3 * 365
    assert "habiter.E001" not in [e.id for e in run_checks()]


def test_a_shorter_retention_purges_more(world, settings):
    settings.HABITER_AUDIT_RETENTION_DAYS = 180
    old_event(world.organisation, 200)
    count, _cutoff = services.audit_purge()
    assert count == 1


def test_the_application_still_cannot_delete_a_journal_row(world):
    event = old_event(world.organisation, 400)
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_lets_only_the_purge_delete_and_only_old_rows(world):
    recent = old_event(world.organisation, 100)
    expired = old_event(world.organisation, 400)

    def delete(event_id, purge_before=None):
        with transaction.atomic(), connection.cursor() as cursor:
            if purge_before is not None:
                cursor.execute("SELECT set_config('habiter.audit_purge_before', %s, true)", [purge_before])
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event_id])

    # Without the purge's declaration, no DELETE passes, however old the row.
    with pytest.raises(DatabaseError, match="append-only"):
        delete(expired.pk)
    # A declared cut-off does not let a row younger than 180 days go, even if the cut-off is later.
    with pytest.raises(DatabaseError, match="append-only"):
        delete(recent.pk, timezone.now().isoformat())
    # The declaration ends with its transaction.
    with pytest.raises(DatabaseError, match="append-only"):
        delete(expired.pk)
    # UPDATE is refused whatever is declared.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('habiter.audit_purge_before', %s, true)", [timezone.now().isoformat()])
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [expired.pk])

    count, _cutoff = services.audit_purge()
    assert count == 1
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
