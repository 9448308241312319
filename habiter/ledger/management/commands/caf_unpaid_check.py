"""Record the impayés au sens de la CAF that time alone constitutes (R42: from 1/1/2027, a default still unpaid
`caf_impaye_months_after_default` months later), which no payment or call marks. Run once a day."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from habiter.ledger.rent.caf import caf_unpaid_check


class Command(BaseCommand):
    help = "Enregistre les impayés au sens de la CAF constitués par le seul passage du temps (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--on", type=date.fromisoformat, help="Jour du contrôle (AAAA-MM-JJ), aujourd'hui sinon.")

    def handle(self, *args, on=None, **options):
        looked_at = caf_unpaid_check(on=on or timezone.localdate())
        self.stdout.write(
            ngettext(
                "%(count)s bail avec des loyers impayés contrôlé.",
                "%(count)s baux avec des loyers impayés contrôlés.",
                looked_at,
            )
            % {"count": looked_at}
        )
