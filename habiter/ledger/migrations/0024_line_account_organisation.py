"""On PostgreSQL, a ledger line's account belongs to the organisation of its entry: an entry never touches another
association's accounts, whatever the code path."""

from django.db import migrations

CREATE = """
CREATE FUNCTION ledger_line_same_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM ledger_account a JOIN ledger_transaction t ON t.organisation_id = a.organisation_id
        WHERE a.id = NEW.account_id AND t.id = NEW.transaction_id
    ) THEN
        RAISE EXCEPTION 'Le compte % n''appartient pas à l''association de l''écriture %.',
            NEW.account_id, NEW.transaction_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_line_account_organisation BEFORE INSERT OR UPDATE ON ledger_line
    FOR EACH ROW EXECUTE FUNCTION ledger_line_same_organisation();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_line_account_organisation ON ledger_line;
DROP FUNCTION IF EXISTS ledger_line_same_organisation();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0023_append_only_records")]

    operations = [migrations.RunPython(create, drop)]
