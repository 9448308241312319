"""`manage.py bench_reports`: the director's dashboard and every report for last year, at scale (part of
`make bench`, after `seed_demo --scale`, `bench_residences` and `bench_ledger`, so that the tables hold the ten
years of ledger and the residences at scale while the reports are counted).

As the demo's director (`direction`, who sees every household of the largest organisation): the dashboard page and
each report's preview page for last year; then, for the activity report and the AVDL report, storing a run
(`services.report_run`), the stored run's page (which counts again to show what changed) and its XLSX and PDF
exports. Their SQL queries and their time (best of three), in this process; the runs are stored in a transaction
rolled back at the end, so the database is left as it was. The figures, with the data set they were measured on,
are written between markers in docs/BENCHMARKS.md, with the targets of the reporting issue: a report for a year in
5 s at most, the dashboard in 1 s at most, a number of queries that does not grow with the households (the tests
count them on a small and a larger data set).
"""

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from habiter.core.benchmarks import page_cost, write_section
from habiter.core.models import User
from habiter.ledger.models import RentCall
from habiter.people.models import Household
from habiter.reporting import indicators, services
from habiter.residences.models import Place, Residence, ResidenceStay

START, END = "<!-- bench_reports:start -->", "<!-- bench_reports:end -->"
REPORT_SECONDS, DASHBOARD_SECONDS = 5.0, 1.0
STORED = ("activity", "avdl")  # the reports whose run is stored and exported


def call_cost(function, *, repeat: int = 3) -> tuple[int, float, object]:
    """The SQL queries and the best time in seconds of `repeat` calls of `function`, after one to warm up, and
    what the last call returned."""
    function()
    times, queries, result = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return queries, min(times), result


def _months(first, last) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def data_set(director) -> list[str]:
    """What the tables hold while the reports are counted, in French: the households, the ledger's rent calls and
    the residences, of the director's organisation and of the whole database (the benchmark organisations of
    `bench_ledger` and `bench_residences` are not the director's: their rows are in the same tables, not in her
    figures). Five queries."""
    organisation_id = director.organisation_id
    households = Household.objects.aggregate(
        all=Count("id"), own=Count("id", filter=Q(organisation_id=organisation_id))
    )
    calls = RentCall.objects.aggregate(
        count=Count("id"), leases=Count("lease_id", distinct=True), first=Min("period"), last=Max("period")
    )
    own_calls = RentCall.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("id"), first=Min("period"), last=Max("period")
    )
    residences = Residence.objects.aggregate(count=Count("id"))["count"]
    places = Place.objects.count()
    stays = ResidenceStay.objects.aggregate(count=Count("id"), first=Min("entered_on"))
    lines = [
        f"- Ménages : la directrice de démonstration voit les {_n(households['own'], 'ménage')} de son organisation "
        f"({_n(households['all'], 'ménage')} dans la base)."
    ]
    if calls["count"]:
        months = _months(calls["first"], calls["last"])
        own = _n(own_calls["count"], "appel") + " dans l'organisation de la directrice"
        if own_calls["count"]:
            own += f" ({_from(own_calls['first'])} à {_month(own_calls['last'])})"
        lines.append(
            f"- Comptabilité : {_n(calls['count'], 'appel')} de loyer de {_n(calls['leases'], 'bail', 'baux')}, "
            f"{_from(calls['first'])} à {_month(calls['last'])} ({_span(months)}), dont {own}."
        )
    else:
        lines.append("- Comptabilité : aucun appel de loyer dans la base.")
    lines.append(
        f"- Résidences : {_n(residences, 'résidence')}, {_n(places, 'place')}, {_n(stays['count'], 'séjour')}"
        + (f" depuis {_month(stays['first'])}." if stays["count"] else ".")
    )
    lines += [
        "",
        "La comptabilité sur plusieurs années et les résidences à l'échelle sont surtout celles des organisations "
        "d'essai de `bench_ledger` et `bench_residences` : dans les mêmes tables et index que les chiffres de la "
        "directrice, mais hors de son périmètre.",
    ]
    return lines


def _n(count: int, one: str, many: str = "") -> str:
    """`count` and its noun, singular for 0 and 1 as French writes it (a file of docs, not the interface)."""
    return f"{count} {one if count <= 1 else many or one + 's'}"


def _span(months: int) -> str:
    """« 10 ans et 2 mois », « 10 ans », « 4 mois »."""
    years, rest = divmod(months, 12)
    return " et ".join(part for part in (years and _n(years, "an"), rest and f"{rest} mois") if part)


def _month(day: date) -> str:
    return formats.date_format(day, "F Y")


def _from(day: date) -> str:
    """« de juin 2026 », « d'octobre 2025 »."""
    month = _month(day)
    return f"d'{month}" if month[0] in "aeiouéè" else f"de {month}"


class Command(BaseCommand):
    help = (
        "Mesure le tableau de bord et chaque rapport sur l'année écoulée, l'enregistrement d'un rapport et ses "
        "exports, et écrit le résultat dans docs/BENCHMARKS.md."
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
        # (title, target in seconds, (queries, seconds), whether it counts the figures: an export reads them)
        rows = [
            (
                "Tableau de bord de la direction",
                DASHBOARD_SECONDS,
                page_cost(director, reverse("reporting:dashboard")),
                True,
            )
        ]
        for code, definition in indicators.REPORTS.items():
            url = reverse("reporting:report", args=[code]) + f"?annee={year}"
            rows.append((f"{definition.title}, {year} : aperçu", REPORT_SECONDS, page_cost(director, url), True))
        with transaction.atomic():
            for code in STORED:
                rows.extend(self._stored(director, code, year))
            transaction.set_rollback(True)  # the runs stored and their audit events: the database stays as it was
        fast = all(cost[1] < 1 for _title, _target, cost, counts in rows if counts)
        lines = [
            f"## Tableau de bord et rapports ({connection.vendor})",
            "",
            "Les tables lues pendant la mesure :",
            "",
            *data_set(director),
            "",
            "| Page ou opération | Requêtes SQL | Temps (meilleur de 3) | Objectif | |",
            "|---|---|---|---|---|",
            *(
                f"| {title} | {queries} | {seconds * 1000:.0f} ms | ≤ {target:.0f} s "
                f"| {'tenu' if seconds <= target else '**non tenu**'} |"
                for title, target, (queries, seconds), _counts in rows
            ),
            "",
            "Le nombre de requêtes ne croît pas avec les ménages (test : `reporting/tests/test_dashboard.py`). "
            + (
                "Chaque page et chaque enregistrement répondent en moins d'une seconde : les rapports sont comptés "
                "pendant la requête, sans tâche de fond."
                if fast
                else "Une page ou un enregistrement au moins dépasse une seconde : une tâche de fond avec barre de "
                "progression s'impose."
            )
            + " Les exports lisent les tableaux enregistrés, sans recompter ; les rapports enregistrés pour la mesure "
            "le sont dans une transaction annulée ensuite.",
            "",
            f"Mesuré le {timezone.localdate():%d/%m/%Y} par `make bench` (`manage.py bench_reports`, lancé après "
            "`bench_residences` et `bench_ledger`).",
        ]
        self.stdout.write(write_section(Path(report), START, END, lines))

    def _stored(self, director, code: str, year: int) -> list[tuple]:
        """Storing the report's run for `year`, the stored run's page (which counts again to show what changed)
        and its XLSX and PDF exports."""
        title = f"{indicators.REPORTS[code].title}, {year}"
        queries, seconds, run = call_cost(
            lambda: services.report_run(actor=director, code=code, start=date(year, 1, 1), end=date(year, 12, 31))
        )
        return [
            (f"{title} : enregistrement (`services.report_run`)", REPORT_SECONDS, (queries, seconds), True),
            (
                f"{title} : page du rapport enregistré, recompté pour les changements",
                REPORT_SECONDS,
                page_cost(director, reverse("reporting:run_detail", args=[run.pk])),
                True,
            ),
            *(
                (f"{title} : export {name}", REPORT_SECONDS, page_cost(director, reverse(url, args=[run.pk])), False)
                for name, url in (("tableur XLSX", "reporting:run_xlsx"), ("PDF", "reporting:run_pdf"))
            ),
        ]
