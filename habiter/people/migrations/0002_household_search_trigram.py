"""On PostgreSQL, trigram indexes serve the household search's `LIKE '%…%'` on the normalised columns
(decision record 0003); SQLite keeps scanning, which is fast enough for the embedded demo."""

from django.db import migrations

INDEXES = [
    ("people_household_search_text_trgm", "search_text"),
    ("people_household_search_phones_trgm", "search_phones"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON people_household USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    # The extension stays: other objects of the database may use it.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
