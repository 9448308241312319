import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from habiter.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_application_cannot_update_or_delete_audit_events(world):
    event = AuditEvent.objects.filter(household_id=world.own_household.pk).first()
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_update_and_delete(world):
    event_id = AuditEvent.objects.filter(household_id=world.own_household.pk).first().pk
    for statement in (
        "UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event_id])
    assert AuditEvent.objects.get(pk=event_id).action != "forged"


def test_write_and_audit_share_one_transaction(world, monkeypatch):
    """If the audit cannot be written, the change is not saved either."""
    from habiter.people import services

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.household_update(
            actor=world.users["director"], household_id=world.own_household.pk, expected_version=1, data={"city": "X"}
        )
    world.own_household.refresh_from_db()
    assert world.own_household.city == "" and world.own_household.version == 1


def test_director_filters_the_audit_log_by_user_person_name_and_date(client, world):
    director = world.users["director"]
    worker = world.users["social_worker"]
    client.force_login(worker)
    client.get(reverse("people:household_detail", args=[world.own_household.pk]))
    client.force_login(director)
    # By name, without the accent, in another case: "lefevre" finds the Lefèvre household's events.
    page = client.get(reverse("core:audit_log"), {"user": worker.pk, "person": "LEFEVRE"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(r["event"].actor == worker and r["event"].household_id == world.own_household.pk for r in rows)
    assert {r["action"] for r in rows} >= {"Consultation du dossier : la page du ménage", "Création du ménage"}
    assert "Lefèvre" in page.content.decode()
    assert 'name="household"' not in page.content.decode()  # no internal id to type
    assert client.get(reverse("core:audit_log"), {"person": "Dupont"}).context["page"].paginator.count >= 1
    # An event of another organisation never shows, even when asked for by its name.
    other = client.get(reverse("core:audit_log"), {"person": "Martin"})
    assert other.context["page"].paginator.count == 0
    # A bad filter gives French errors, not a crash.
    bad = client.get(reverse("core:audit_log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 200
    assert "La date de début doit précéder la date de fin." in bad.content.decode()


def test_the_journal_shows_a_french_label_for_every_action(client, world):
    from habiter.core.audit import audit_record
    from habiter.core.audit_actions import AuditAction

    director = world.users["director"]
    for action in ("ledger.export", "ledger.owner_work_record", "ledger.owner_statement_issue",
                   "ledger.bank_details_save", "ledger.payout_batch_create"):  # fmt: skip
        audit_record(actor=director, action=action)
    client.force_login(director)
    rows = client.get(reverse("core:audit_log")).context["rows"]
    shown = {r["event"].action: r["action"] for r in rows}
    assert shown["ledger.export"] == "Export des écritures comptables"
    assert shown["ledger.payout_batch_create"] == "Virements aux propriétaires"
    assert all(shown[action] == AuditAction(action).label and "." not in shown[action] for action in shown)


def test_an_unknown_action_is_refused(world):
    from habiter.core.audit import audit_record, audit_record_many

    with pytest.raises(ValueError, match="AuditAction"):
        audit_record(actor=world.users["director"], action="household.forged")
    with pytest.raises(ValueError, match="AuditAction"):
        audit_record_many(actor=world.users["director"], action="ledger.forged", items=[(None, None, {})])
    assert not AuditEvent.objects.filter(action__endswith="forged").exists()


@pytest.mark.parametrize("role", ["team_lead", "social_worker", "volunteer", "accountant"])
def test_only_directors_see_the_audit_log(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("core:audit_log")).status_code == 404
