"""Django's `flush`, run as the schema's owner role when DATABASE_OWNER_URL is set: the application's role may not
TRUNCATE (habiter/core/dbroles.py)."""

from django.core.management.commands import flush

from habiter.core import dbroles


class Command(flush.Command):
    def handle(self, **options):
        with dbroles.as_owner(options["database"]):
            super().handle(**options)
