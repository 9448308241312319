"""Save the database and every document of the storage into a new folder (habiter/core/backups.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from habiter.core import backups


class Command(BaseCommand):
    help = "Sauvegarde la base de données et tous les documents dans un nouveau dossier, et journalise la sauvegarde."

    def add_arguments(self, parser):
        parser.add_argument("target", help="Dossier de la sauvegarde (nouveau ou vide), ou fichier .tar (nouveau).")

    def handle(self, *args, target, **options):
        try:
            summary = backups.backup_create(target)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        message = ngettext(
            "Sauvegarde faite dans %(path)s : base %(vendor)s et %(count)d document (%(size)d octets).",
            "Sauvegarde faite dans %(path)s : base %(vendor)s et %(count)d documents (%(size)d octets).",
            summary.documents,
        )
        self.stdout.write(
            message % {"path": summary.path, "vendor": summary.vendor, "count": summary.documents, "size": summary.size}
        )
