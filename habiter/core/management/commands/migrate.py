"""Django's `migrate`, run as the schema's owner role when DATABASE_OWNER_URL is set; the application's role is
then granted its rights on the tables (habiter/core/dbroles.py)."""

from django.core.management.commands import migrate

from habiter.core import dbroles


class Command(migrate.Command):
    def handle(self, *args, **options):
        with dbroles.as_owner(options["database"]):
            super().handle(*args, **options)
            dbroles.grant_app_privileges(options["database"])
