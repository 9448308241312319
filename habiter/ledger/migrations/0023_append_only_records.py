"""On PostgreSQL, the records the ledger keeps beside its entries are append-only too: a payment, a receipt, a
deposit movement, a bank line, a month closing, an owner statement and its lines are never deleted, and an UPDATE
may change only the columns the application legitimately keeps up to date (a payment's allocation and reversal,
a bank line's matching, a receipt's PDF rendered after commit, a statement's payout batch). TRUNCATE, which only
the owner role may run (decision record 0016), fires none of these."""

from django.db import migrations

# table -> the columns an UPDATE may change; every other column is frozen once the row is written
MUTABLE = {
    "ledger_payment": ["fully_allocated", "reversed_on", "bank_line_id", "updated_at"],
    "ledger_rentreceipt": ["pdf"],
    "ledger_depositmovement": [],
    "ledger_bankline": [
        "state",
        "payment_id",
        "transaction_id",
        "source",
        "ignored_reason",
        "handled_by_id",
        "handled_at",
        "updated_at",
    ],
    "ledger_periodclose": [],
    "ledger_ownerstatement": ["payout_id"],
    "ledger_ownerstatementline": [],
}

FUNCTION = """
CREATE FUNCTION ledger_refuse_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := coalesce(TG_ARGV, '{}');
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Les lignes de la table % ne se suppriment pas.', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'Dans la table %, seules ces colonnes se modifient : %.', TG_TABLE_NAME,
            coalesce(nullif(array_to_string(mutable, ', '), ''), 'aucune')
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def _trigger(table, columns):
    arguments = ", ".join(f"'{column}'" for column in columns)
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_record_change({arguments});"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        for table, columns in MUTABLE.items():
            schema_editor.execute(_trigger(table, columns), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in MUTABLE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_record_change();")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0022_payment_source_regularisation")]

    operations = [migrations.RunPython(create, drop)]
