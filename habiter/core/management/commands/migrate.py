"""Django's `migrate`, run as the schema's owner role when DATABASE_OWNER_URL is set; the application's role is
then granted its rights on the tables (habiter/core/dbroles.py). Under the test settings, an empty database is
loaded from the snapshot of the migrated schema when it is current, and the snapshot written again when it is not
(habiter/core/schema_snapshot.py)."""

from django.core.management.commands import migrate
from django.db import connections

from habiter.core import dbroles, schema_snapshot


class Command(migrate.Command):
    def handle(self, *args, **options):
        alias = options["database"]
        with dbroles.as_owner(alias):
            snapshot = schema_snapshot.wanted(options)
            if not (snapshot and schema_snapshot.load(connections[alias])):
                super().handle(*args, **options)
                if snapshot:
                    schema_snapshot.save(connections[alias])
            dbroles.grant_app_privileges(alias)
