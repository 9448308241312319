"""`manage.py bench_reports`: the director's dashboard and every report for last year, at scale (part of
`make bench`, after `seed_demo --scale`).

As the demo's director (`direction`, who sees every household of the largest organisation): the dashboard page and
each report's preview page for last year, their SQL queries and their time (best of three), in this process. The
figures are written between markers in docs/BENCHMARKS.md, with the targets of the reporting issue: a report for a
year in 5 s at most, the dashboard in 1 s at most, a number of queries that does not grow with the households (the
tests count them on a small and a larger data set).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from habiter.core.benchmarks import page_cost, write_section
from habiter.core.models import User
from habiter.people.models import Household
from habiter.reporting import indicators

START, END = "<!-- bench_reports:start -->", "<!-- bench_reports:end -->"
REPORT_SECONDS, DASHBOARD_SECONDS = 5.0, 1.0


class Command(BaseCommand):
    help = (
        "Mesure le tableau de bord et chaque rapport sur l'année écoulée, et écrit le résultat dans docs/BENCHMARKS.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="direction")
        parser.add_argument("--report", default="docs/BENCHMARKS.md")

    def handle(self, *args, username, report, **options):
        director = User.objects.filter(username=username).first()
        if director is None:
            raise CommandError(
                f"utilisateur « {username} » introuvable : chargez d'abord les données de démonstration."
            )
        year = timezone.localdate().year - 1
        rows = [
            ("Tableau de bord de la direction", DASHBOARD_SECONDS, page_cost(director, reverse("reporting:dashboard")))
        ]
        for code, definition in indicators.REPORTS.items():
            url = reverse("reporting:report", args=[code]) + f"?annee={year}"
            rows.append((f"{definition.title}, {year}", REPORT_SECONDS, page_cost(director, url)))
        households = Household.objects.filter(organisation_id=director.organisation_id).count()
        lines = [
            f"## Tableau de bord et rapports ({connection.vendor})",
            "",
            f"La directrice de démonstration, qui voit les {households} ménages de son organisation.",
            "",
            "| Page | Requêtes SQL | Temps (meilleur de 3) | Objectif | |",
            "|---|---|---|---|---|",
            *(
                f"| {title} | {queries} | {seconds * 1000:.0f} ms | ≤ {target:.0f} s "
                f"| {'tenu' if seconds <= target else '**non tenu**'} |"
                for title, target, (queries, seconds) in rows
            ),
            "",
            "Le nombre de requêtes ne croît pas avec les ménages (test : `reporting/tests/test_dashboard.py`). "
            + (
                "Chaque page répond en moins d'une seconde : les rapports sont comptés pendant la requête, sans tâche "
                "de fond."
                if all(seconds < 1 for _title, _target, (_queries, seconds) in rows)
                else "Une page au moins dépasse une seconde : une tâche de fond avec barre de progression s'impose."
            ),
            "",
            f"Mesuré le {timezone.localdate():%d/%m/%Y} par `make bench` (`manage.py bench_reports`).",
        ]
        self.stdout.write(write_section(Path(report), START, END, lines))
