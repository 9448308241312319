"""An APL-foyer payment typed by hand is linked afterwards to the bank line of the CAF's transfer that shows its money
(`bank.redevances.bank_line_link_redevances`), as a rent payment is (`bank_line_link`): on PostgreSQL the
append-only trigger of `ledger_redevancepayment` (migration 0028) lets `bank_line_id` change too, like
`ledger_payment`'s (migration 0023). Every other column stays frozen once the row is written."""

from django.db import migrations

TABLE = "ledger_redevancepayment"
BEFORE = ["fully_allocated", "reversed_on", "updated_at"]
AFTER = ["fully_allocated", "reversed_on", "bank_line_id", "updated_at"]


def _replace_trigger(columns):
    def replace(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        arguments = ", ".join(f"'{column}'" for column in columns)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};", params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_record_change({arguments});",
            params=None,
        )

    return replace


class Migration(migrations.Migration):
    dependencies = [("ledger", "0031_documents_by_email_for_residents")]

    operations = [migrations.RunPython(_replace_trigger(AFTER), _replace_trigger(BEFORE))]
