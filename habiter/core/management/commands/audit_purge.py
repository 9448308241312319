"""Delete the journal rows past their retention (HABITER_AUDIT_RETENTION_DAYS) and journal the purge."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import ngettext

from habiter.core import services


class Command(BaseCommand):
    help = "Supprime les événements du journal plus anciens que la durée de conservation, et journalise la purge."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans supprimer.")

    def handle(self, *args, dry_run=False, **options):
        try:
            count, cutoff = services.audit_purge(dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        day = formats.date_format(timezone.localtime(cutoff), "d/m/Y H:i")
        if dry_run:
            message = ngettext(
                "%(count)d événement du journal antérieur au %(day)s serait supprimé.",
                "%(count)d événements du journal antérieurs au %(day)s seraient supprimés.",
                count,
            )
        else:
            message = ngettext(
                "%(count)d événement du journal antérieur au %(day)s supprimé.",
                "%(count)d événements du journal antérieurs au %(day)s supprimés.",
                count,
            )
        self.stdout.write(message % {"count": count, "day": day})
