"""With two PostgreSQL roles (DATABASE_OWNER_URL), the tests run as the application's role: the database refuses
it what only the schema's owner may do, so the triggers that keep the ledger and the journal append-only cannot be
emptied around, changed, switched off or dropped by the application."""

import pytest
from django.db import DatabaseError, connection, transaction

from habiter.core import dbroles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not dbroles.enabled(),
        reason="Deux rôles PostgreSQL seulement : DATABASE_URL (application) et DATABASE_OWNER_URL (propriétaire).",
    ),
]


def _refused(sql):
    with pytest.raises(DatabaseError) as error:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    return str(error.value)


def test_the_tests_run_as_the_application_role_which_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        owned = cursor.fetchone()[0]
    assert user == dbroles.app_role()
    assert not superuser
    assert owned == 0


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("TRUNCATE ledger_payment CASCADE", "permission denied"),
        ("TRUNCATE core_auditevent", "permission denied"),
        ("ALTER TABLE ledger_line ADD COLUMN note text", "must be owner"),
        ("ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_append_only", "must be owner"),
        ("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER ledger_payment_append_only ON ledger_payment", "must be owner"),
        ("DROP TRIGGER core_auditevent_append_only ON core_auditevent", "must be owner"),
        ("DROP FUNCTION ledger_refuse_record_change()", "must be owner"),
        ("CREATE TABLE intruder (id integer)", "permission denied"),
    ],
)
def test_the_application_role_cannot_get_round_the_triggers(sql, message):
    assert message in _refused(sql)


def test_the_application_role_still_reads_and_writes_rows(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_organisation SET name = name WHERE id = %s", [world.organisation.pk])
        assert cursor.rowcount == 1
