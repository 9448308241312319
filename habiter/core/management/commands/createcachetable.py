"""Django's `createcachetable`, run as the schema's owner role when DATABASE_OWNER_URL is set
(habiter/core/dbroles.py)."""

from django.core.management.commands import createcachetable

from habiter.core import dbroles


class Command(createcachetable.Command):
    def handle(self, *tablenames, **options):
        with dbroles.as_owner(options["database"]):
            super().handle(*tablenames, **options)
