"""Morning reminders: each worker receives the list of their appointments of the day, and each household a reminder
of its appointment of the next day (e-mail; SMS with its consent). Run daily, e.g. at 7:00."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from habiter.support.tasks import send_appointment_reminders


class Command(BaseCommand):
    help = (
        "Envoie à chaque intervenant la liste de ses rendez-vous du jour et à chaque ménage le rappel de son "
        "rendez-vous du lendemain (une fois par jour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="jour au format AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args, day=None, **options):
        try:
            target = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as error:
            raise CommandError("Date invalide : AAAA-MM-JJ attendu.") from error
        result = send_appointment_reminders.enqueue(target.isoformat())
        if result.is_finished:
            count = result.return_value
            message = ngettext(
                "%(count)d rappel envoyé pour le %(day)s.", "%(count)d rappels envoyés pour le %(day)s.", count
            )
            self.stdout.write(message % {"count": count, "day": f"{target:%d/%m/%Y}"})
        else:
            self.stdout.write(f"Rappels du {target:%d/%m/%Y} mis en file d'attente (tâche {result.id}).")
