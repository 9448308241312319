"""`manage.py bench_residences`: the occupancy and funding figures at scale (part of `make bench`).

An organisation of its own gets N residences of 20 places with Y years of stays (each place: stays of a few months
to three years, separated by vacancies of a few days to two months, the exits spread over the destinations), written
in bulk. Then the summary page of all the residences and one residence's page, for last year: their number of SQL
queries and their time (best of three). The figures are written between markers in docs/BENCHMARKS.md.
"""

import random
import time
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from habiter.core import services as core_services
from habiter.core.benchmarks import page_cost, write_section
from habiter.core.models import Organisation, Role, User
from habiter.people.models import Household, Person, Relation
from habiter.residences.models import ExitDestination, Place, Residence, ResidenceStay

ORGANISATION = "Banc d'essai — résidences"
START, END = "<!-- bench_residences:start -->", "<!-- bench_residences:end -->"
PLACES = 20


class Command(BaseCommand):
    help = (
        "Mesure les pages d'occupation et de financement des résidences et écrit le résultat dans docs/BENCHMARKS.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residences", type=int, default=9)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--report", default="docs/BENCHMARKS.md")

    def handle(self, *args, residences, years, report, **options):
        if residences < 1 or years < 1:
            raise CommandError("au moins une résidence et une année.")
        today = timezone.localdate()
        actor = self._director()
        started = time.perf_counter()
        stays = self._history(actor, residences, years, today)
        load = time.perf_counter() - started
        self.stdout.write(f"historique : {stays} séjours en {load:.1f} s")
        year = today.year - 1
        first = Residence.objects.filter(organisation_id=actor.organisation_id).order_by("name").first()
        summary = page_cost(actor, reverse("residences:occupancy_summary") + f"?annee={year}")
        page = page_cost(actor, reverse("residences:occupancy_figures", args=[first.pk]) + f"?annee={year}")
        self._report(Path(report), residences, years, stays, year, summary, page)

    # --- the data ---------------------------------------------------------------------------------------------

    def _director(self):
        organisation = Organisation.objects.filter(name=ORGANISATION).first()
        if organisation is None:
            organisation = core_services.organisation_create(name=ORGANISATION, team_names=["Résidences"])
        actor, _created = User.objects.get_or_create(
            username="banc.residences",
            defaults={"organisation": organisation, "role": Role.DIRECTOR, "first_name": "Banc", "last_name": "Essai"},
        )
        return actor

    def _history(self, actor, count, years, today) -> int:
        organisation = actor.organisation
        existing = ResidenceStay.objects.filter(organisation=organisation)
        if existing.exists():
            return existing.count()
        rng = random.Random(2026)  # noqa: S311 - the same made-up history at each run, no secret
        destinations = [d.value for d in ExitDestination]
        first_day = date(today.year - years, 1, 1)
        with transaction.atomic():
            household = Household.objects.create(organisation=organisation, name="Banc d'essai", created_by=actor)
            person = Person.objects.create(
                organisation=organisation,
                household=household,
                first_name="Résident",
                last_name="Banc",
                relation=Relation.HEAD,
            )
            stays = []
            for n in range(count):
                residence = Residence.objects.create(
                    organisation=organisation,
                    name=f"Pension {n + 1:02d}",
                    address=f"{n + 1} rue du Banc",
                    postal_code="13001",
                    city="Marseille",
                    opened_on=first_day,
                )
                places = Place.objects.bulk_create(
                    Place(organisation=organisation, residence=residence, label=f"{p + 1}", surface=20)
                    for p in range(PLACES)
                )
                for place in places:
                    day = first_day + timedelta(days=rng.randint(0, 60))
                    while day < today:
                        left = day + timedelta(days=rng.randint(90, 1100))
                        open_stay = left >= today
                        stays.append(
                            ResidenceStay(
                                organisation=organisation,
                                place=place,
                                household=household,
                                resident=person,
                                entered_on=day,
                                left_on=None if open_stay else left,
                                exit_destination="" if open_stay else rng.choice(destinations),
                            )
                        )
                        day = left + timedelta(days=rng.randint(1, 60))
            ResidenceStay.objects.bulk_create(stays, batch_size=2000)
        return len(stays)

    # --- the report -------------------------------------------------------------------------------------------

    def _report(self, path: Path, residences, years, stays, year, summary, page) -> None:
        lines = [
            f"## Occupation et financement des résidences ({connection.vendor})",
            "",
            f"{residences} résidences de {PLACES} places, {years} ans d'historique : {stays} séjours.",
            "",
            "| Page | Requêtes SQL | Temps (meilleur de 3) | Objectif |",
            "|---|---|---|---|",
            f"| Toutes les résidences, année {year} | {summary[0]} | {summary[1] * 1000:.0f} ms "
            "| nombre constant de requêtes (test : 1 ou 9 résidences, 1 ou 10 ans) |",
            f"| Une résidence, mois par mois, année {year} | {page[0]} | {page[1] * 1000:.0f} ms "
            "| nombre constant de requêtes (test) |",
            "",
            f"Mesuré le {timezone.localdate():%d/%m/%Y} par `make bench` (`manage.py bench_residences`).",
        ]
        self.stdout.write(write_section(path, START, END, lines))
