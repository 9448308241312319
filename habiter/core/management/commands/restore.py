"""Put back a backup made by `manage.py backup`: the database, then the documents (habiter/core/backups.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habiter.core import backups


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde : remplace les tables de la base de données et remet chaque document à sa place, "
        "puis journalise la restauration."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Dossier ou fichier .tar d'une sauvegarde faite par « manage.py backup ».")
        parser.add_argument("--yes", action="store_true", help="Ne pas demander de confirmation.")

    def handle(self, *args, source, yes=False, **options):
        if not yes:
            answer = input(_("Les données actuelles de la base seront remplacées. Taper « oui » pour continuer : "))
            if answer.strip().lower() != "oui":
                raise CommandError(_("Restauration annulée."))
        try:
            summary = backups.backup_restore(source)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        message = ngettext(
            "Sauvegarde %(path)s restaurée : base %(vendor)s et %(count)d document.",
            "Sauvegarde %(path)s restaurée : base %(vendor)s et %(count)d documents.",
            summary.documents,
        )
        self.stdout.write(message % {"path": summary.path, "vendor": summary.vendor, "count": summary.documents})
