"""The table of Django's database cache (the API rate-limit counts shared by every application server), created by
the migrations so that `migrate` is enough on a new server, a restored database and the tests."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "habiter_cache"  # settings.CACHE_TABLE


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0013_worker_heartbeat_task_lease")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
