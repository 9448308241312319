"""On PostgreSQL the journal stays append-only, except for the retention purge: a DELETE goes through only for a row
older than the cut-off the purge declared in its own transaction (`set_config('habiter.audit_purge_before', …,
true)`, gone at commit) and older than 180 days, the CNIL's shortest retention. UPDATE is always refused."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION habiter_audit_append_only() RETURNS trigger AS $$
DECLARE
    purge_before text := current_setting('habiter.audit_purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(purge_before, '') <> ''
       AND OLD.created_at < purge_before::timestamptz
       AND OLD.created_at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION habiter_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_mfa_confirmed_at_from_devices")]

    operations = [migrations.RunPython(create, restore)]
