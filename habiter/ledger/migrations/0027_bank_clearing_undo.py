from django.db import migrations

# A clearing is undone (`bank.services.bank_line_unclear`) by reversing its bank line's entry and removing the links
# to the entries it cleared. On PostgreSQL its rows stay frozen (no UPDATE), and a DELETE passes only once the entry
# of its bank line has been reversed; any other DELETE is refused as before (migration 0025).
FUNCTION = """
CREATE FUNCTION ledger_bankclearing_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_bankline AS line
        JOIN ledger_transaction AS reversal ON reversal.reversal_of_id = line.transaction_id
        WHERE line.id = OLD.bank_line_id
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Les lignes de la table % ne se suppriment pas.', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""
TRIGGERS = (
    "DROP TRIGGER IF EXISTS ledger_bankclearing_append_only ON ledger_bankclearing;",
    "CREATE TRIGGER ledger_bankclearing_append_only BEFORE UPDATE ON ledger_bankclearing "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_record_change();",
    "CREATE TRIGGER ledger_bankclearing_delete BEFORE DELETE ON ledger_bankclearing "
    "FOR EACH ROW EXECUTE FUNCTION ledger_bankclearing_refuse_delete();",
)
BACK = (
    "DROP TRIGGER IF EXISTS ledger_bankclearing_delete ON ledger_bankclearing;",
    "DROP FUNCTION IF EXISTS ledger_bankclearing_refuse_delete();",
    "DROP TRIGGER IF EXISTS ledger_bankclearing_append_only ON ledger_bankclearing;",
    "CREATE TRIGGER ledger_bankclearing_append_only BEFORE UPDATE OR DELETE ON ledger_bankclearing "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_record_change();",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        for statement in TRIGGERS:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACK:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0026_deposits_under_mandate")]

    operations = [migrations.RunPython(forward, backward)]
