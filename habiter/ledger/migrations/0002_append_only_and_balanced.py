"""On PostgreSQL, the ledger defends itself against writes that skip the application:
- UPDATE and DELETE of transactions and lines are refused (a correction is a reversing entry);
- a transaction dated in a closed month is refused;
- at commit, every transaction touched must have at least two lines summing to zero (deferred constraint trigger).
TRUNCATE (used to empty test databases) fires none of these."""

from django.db import migrations

CREATE = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Les écritures comptables ne se modifient ni ne se suppriment (table %).', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_line_append_only BEFORE UPDATE OR DELETE ON ledger_line
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_refuse_closed_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_periodclose
        WHERE organisation_id = NEW.organisation_id AND month = date_trunc('month', NEW.booked_on)::date
    ) THEN
        RAISE EXCEPTION 'Le mois du % est clôturé : aucune écriture ne peut y être datée.', NEW.booked_on
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_transaction_open_month BEFORE INSERT ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx uuid;
    total numeric;
    lines integer;
BEGIN
    IF TG_TABLE_NAME = 'ledger_line' THEN
        tx := NEW.transaction_id;
    ELSE
        tx := NEW.id;
    END IF;
    SELECT coalesce(sum(amount), 0), count(*) INTO total, lines FROM ledger_line WHERE transaction_id = tx;
    IF lines < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'Écriture % déséquilibrée (nombre de lignes : %) : total de % au lieu de 0.', tx, lines, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_line_balanced AFTER INSERT ON ledger_line
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_transaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_transaction_balanced ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_line_balanced ON ledger_line;
DROP FUNCTION IF EXISTS ledger_check_balanced();
DROP TRIGGER IF EXISTS ledger_transaction_open_month ON ledger_transaction;
DROP FUNCTION IF EXISTS ledger_refuse_closed_month();
DROP TRIGGER IF EXISTS ledger_line_append_only ON ledger_line;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
