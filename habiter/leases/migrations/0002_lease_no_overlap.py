"""On PostgreSQL, an exclusion constraint forbids two leases of one dwelling over the same days
(cancelled ones aside); the service checks it first with a French message on every database."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE leases_lease ADD CONSTRAINT lease_no_overlap_on_a_dwelling
EXCLUDE USING gist (
    dwelling_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&
) WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE leases_lease DROP CONSTRAINT IF EXISTS lease_no_overlap_on_a_dwelling"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("leases", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
