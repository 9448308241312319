"""`manage.py bench_ledger`: the ledger at scale on PostgreSQL (part of `make bench`).

An organisation of its own gets N signed leases with Y years of history (a rent call and its payment each month,
the last two months unpaid for one lease in ten), loaded by set-based SQL in one transaction — the rows are the
ones the services would write, balanced per transaction, checked by one set-based query (the row-by-row balance
triggers are suspended inside that transaction only). Then, measured in the same run:
- the month-end rent calls of the next month through the real service (`rent_calls_issue`);
- every lease's balance with the ORM's one aggregate query against the same query written by hand in SQL;
- a quittance: its issue (PDF rendered once and stored) and its download through the page;
- the arrears page: its number of SQL queries and its time.
The figures are written between markers in docs/BENCHMARKS.md.
"""

import statistics
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.core import dbroles
from habiter.core import services as core_services
from habiter.core.benchmarks import write_section
from habiter.core.dates import add_months
from habiter.core.models import Organisation, Role, User
from habiter.housing.models import Dwelling, Owner, OwnerKind
from habiter.leases.models import Lease, LeaseKind, LeaseStatus
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import Account, AccountKind, Line, RentCall
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services
from habiter.people.models import Household

ORGANISATION = "Banc d'essai — comptabilité"
START, END = "<!-- bench_ledger:start -->", "<!-- bench_ledger:end -->"

HISTORY_SQL = """
CREATE TEMP TABLE bench_month ON COMMIT DROP AS
SELECT l.id AS lease_id, a.id AS account_id, m::date AS period,
       l.rent, l.charges, l.rent + l.charges AS total, h.name AS tenant,
       gen_random_uuid() AS call_tx, gen_random_uuid() AS call_id,
       gen_random_uuid() AS pay_tx, gen_random_uuid() AS pay_id,
       (row_number() OVER (PARTITION BY l.id ORDER BY m DESC) <= 2 AND abs(hashtext(l.id::text)) %% 10 = 0) AS unpaid
FROM leases_lease l
JOIN ledger_account a ON a.lease_id = l.id
JOIN people_household h ON h.id = l.household_id
CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
WHERE l.organisation_id = %(org)s;

INSERT INTO ledger_transaction
    (id, organisation_id, booked_on, label, source_type, source_id, created_by_id, created_at)
SELECT call_tx, %(org)s, period, 'Appel de loyer ' || to_char(period, 'MM/YYYY') || ' — ' || tenant, 'rent_call',
       call_id::text, %(actor)s, now() FROM bench_month;
INSERT INTO ledger_line (transaction_id, account_id, amount)
SELECT call_tx, account_id, total FROM bench_month
UNION ALL SELECT call_tx, %(rent_income)s, -rent FROM bench_month
UNION ALL SELECT call_tx, %(charges_income)s, -charges FROM bench_month;
INSERT INTO ledger_rentcall (id, organisation_id, lease_id, period, rent, service_charges, instalment, rent_catch_up,
                             total, due_date, transaction_id, settled, created_at, updated_at)
SELECT call_id, %(org)s, lease_id, period, rent, charges, 0, 0, total, period + 4, call_tx, NOT unpaid, now(), now()
FROM bench_month;

INSERT INTO ledger_transaction
    (id, organisation_id, booked_on, label, source_type, source_id, created_by_id, created_at)
SELECT pay_tx, %(org)s, period + 5, 'Encaissement — ' || tenant, 'payment', pay_id::text, %(actor)s, now()
FROM bench_month WHERE NOT unpaid;
INSERT INTO ledger_line (transaction_id, account_id, amount)
SELECT pay_tx, %(bank)s, total FROM bench_month WHERE NOT unpaid
UNION ALL SELECT pay_tx, account_id, -total FROM bench_month WHERE NOT unpaid;
INSERT INTO ledger_payment (id, organisation_id, lease_id, amount, received_on, source, reference, transaction_id,
                            fully_allocated, recorded_by_id, idempotency_key, created_at, updated_at)
SELECT pay_id, %(org)s, lease_id, total, period + 5, 'tenant', 'VIR-' || to_char(period, 'YYYYMM'), pay_tx,
       true, %(actor)s, '', now(), now() FROM bench_month WHERE NOT unpaid;
INSERT INTO ledger_paymentallocation (payment_id, rent_call_id, amount, created_at, updated_at)
SELECT pay_id, call_id, total, now(), now() FROM bench_month WHERE NOT unpaid;
"""

# The row-by-row balance triggers (migration ledger/0002) would run millions of times at commit; during the load
# they are suspended inside the transaction and the same rule is checked once for the whole history instead.
SUSPEND_TRIGGERS = [
    "ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_balanced",
    "ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_balanced",
]
RESUME_TRIGGERS = [statement.replace("DISABLE", "ENABLE") for statement in SUSPEND_TRIGGERS]
UNBALANCED_SQL = """
SELECT count(*) FROM (
    SELECT t.id FROM ledger_transaction t LEFT JOIN ledger_line l ON l.transaction_id = t.id
    WHERE t.organisation_id = %s GROUP BY t.id HAVING count(l.id) < 2 OR COALESCE(sum(l.amount), 0) <> 0
) AS unbalanced
"""

HAND_BALANCES_SQL = """
SELECT a.lease_id, SUM(l.amount) FROM ledger_line l
JOIN ledger_account a ON a.id = l.account_id
JOIN ledger_transaction t ON t.id = l.transaction_id
WHERE a.organisation_id = %s AND a.lease_id IS NOT NULL AND t.booked_on <= %s
GROUP BY a.lease_id
"""


def _best(function, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


class Command(BaseCommand):
    help = "Mesure la comptabilité à l'échelle (PostgreSQL) et écrit le résultat dans docs/BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("--leases", type=int, default=5000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--report", default="docs/BENCHMARKS.md")

    def handle(self, *args, leases, years, report, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_ledger mesure PostgreSQL : définissez DATABASE_URL.")
        # suspending the balance triggers takes the tables' owner: with two roles (DATABASE_OWNER_URL), the owner's
        with dbroles.as_owner():
            self._measure(leases, years, report)

    def _measure(self, leases, years, report):
        today = timezone.localdate()
        this_month = today.replace(day=1)
        organisation, actor = self._organisation()
        started = time.perf_counter()
        rows = self._history(organisation, actor, leases, years, this_month)
        load_seconds = time.perf_counter() - started
        self.stdout.write(f"historique : {rows} lignes d'écriture en {load_seconds:.0f} s")

        next_month = add_months(this_month, 1)
        started = time.perf_counter()
        issued = rent_services.rent_calls_issue(actor=actor, month=next_month)
        month_end = time.perf_counter() - started
        self.stdout.write(f"fin de mois : {issued} appels en {month_end:.1f} s")

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        orm_seconds, orm = _best(lambda: self._orm_balances(organisation, today))
        sql_seconds, hand = _best(lambda: self._sql_balances(organisation, today))
        if orm != hand:
            raise CommandError("les soldes de l'ORM et du SQL écrit à la main diffèrent.")
        self.stdout.write(f"soldes : ORM {orm_seconds:.3f} s, SQL {sql_seconds:.3f} s")

        receipt_issue, receipt_get = self._quittance(organisation, actor, this_month)
        arrears_queries, arrears_seconds, arrears_rows = self._arrears(actor, today)
        figures = {
            "leases": leases,
            "years": years,
            "lines": rows,
            "load": load_seconds,
            "issued": issued,
            "month_end": month_end,
            "orm": orm_seconds,
            "sql": sql_seconds,
            "receipt_issue": receipt_issue,
            "receipt_get": receipt_get,
            "arrears_queries": arrears_queries,
            "arrears_seconds": arrears_seconds,
            "arrears_rows": arrears_rows,
        }
        self._report(Path(report), figures)

    # --- the data ---------------------------------------------------------------------------------------------

    def _organisation(self):
        organisation = Organisation.objects.filter(name=ORGANISATION).first()
        if organisation is None:
            organisation = core_services.organisation_create(name=ORGANISATION, team_names=["Gestion"])
        actor, _created = User.objects.get_or_create(
            username="banc.comptable",
            defaults={
                "organisation": organisation,
                "role": Role.ACCOUNTANT,
                "first_name": "Banc",
                "last_name": "Essai",
            },
        )
        return organisation, actor

    def _history(self, organisation, actor, count, years, this_month) -> int:
        if Lease.objects.filter(organisation=organisation).exists():
            return Line.objects.filter(transaction__organisation=organisation).count()
        first = add_months(this_month, -12 * years)
        last = add_months(this_month, -1)
        with transaction.atomic():
            owner = Owner.objects.create(
                organisation=organisation, kind=OwnerKind.ASSOCIATION, name=ORGANISATION, created_by=actor
            )
            households = Household.objects.bulk_create(
                [Household(organisation=organisation, name=f"Ménage {n:05d}", created_by=actor) for n in range(count)],
                batch_size=2000,
            )
            dwellings = Dwelling.objects.bulk_create(
                [
                    Dwelling(
                        organisation=organisation,
                        owner=owner,
                        reference=f"BANC-{n:05d}",
                        address=f"{n % 200 + 1} rue du Banc",
                        postal_code="13001",
                        city="Marseille",
                        surface=Decimal("45.00"),
                        rooms=2,
                        energy_class="C",
                    )
                    for n in range(count)
                ],
                batch_size=2000,
            )
            leases = Lease.objects.bulk_create(
                [
                    Lease(
                        organisation=organisation,
                        kind=LeaseKind.DIRECT,
                        status=LeaseStatus.SIGNED,
                        dwelling=dwelling,
                        household=household,
                        rent=Decimal(380 + n % 300),
                        charges=Decimal("40.00"),
                        deposit=Decimal(380 + n % 300),
                        irl_quarter=1,
                        irl_base_year=first.year,
                        revision_anchor=first,
                        start_date=first,
                        signed_on=first,
                        created_by=actor,
                    )
                    for n, (dwelling, household) in enumerate(zip(dwellings, households, strict=True))
                ],
                batch_size=2000,
            )
            Account.objects.bulk_create(
                [
                    Account(
                        organisation=organisation,
                        code=f"411{lease.pk.hex[:10].upper()}",
                        name=f"{lease.household.name} — {lease.dwelling.reference}",
                        kind=AccountKind.TENANT,
                        lease=lease,
                    )
                    for lease in leases
                ],
                batch_size=2000,
            )
            accounts = {
                kind: entries_services.organisation_account(organisation.pk, kind).pk
                for kind in (AccountKind.BANK, AccountKind.RENT_INCOME, AccountKind.CHARGE_PROVISIONS)
            }
            params = {
                "org": organisation.pk,
                "actor": actor.pk,
                "first": first,
                "last": last,
                "bank": accounts[AccountKind.BANK],
                "rent_income": accounts[AccountKind.RENT_INCOME],
                "charges_income": accounts[AccountKind.CHARGE_PROVISIONS],
            }
            with connection.cursor() as cursor:
                for statement in SUSPEND_TRIGGERS:
                    cursor.execute(statement)
                for statement in HISTORY_SQL.split(";\n"):
                    if statement.strip():
                        cursor.execute(statement, params)
                cursor.execute(UNBALANCED_SQL, [organisation.pk])
                if cursor.fetchone()[0]:
                    raise CommandError("historique généré déséquilibré : rien n'est chargé.")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks run now, before re-enabling
                for statement in RESUME_TRIGGERS:
                    cursor.execute(statement)
        return Line.objects.filter(transaction__organisation=organisation).count()

    # --- the measures -----------------------------------------------------------------------------------------

    def _orm_balances(self, organisation, on: date) -> dict:
        rows = (
            Line.objects.filter(
                account__organisation=organisation, account__lease__isnull=False, transaction__booked_on__lte=on
            )
            .values("account__lease_id")
            .annotate(balance=Sum("amount"))
        )
        return {row["account__lease_id"]: row["balance"] for row in rows}

    def _sql_balances(self, organisation, on: date) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(HAND_BALANCES_SQL, [organisation.pk, on])
            return dict(cursor.fetchall())

    def _quittance(self, organisation, actor, this_month):
        call = (
            RentCall.objects.filter(organisation=organisation, period=add_months(this_month, -3))
            .exclude(receipts__isnull=False)
            .order_by("id")
            .first()
        )
        started = time.perf_counter()
        receipt = rent_services.receipt_issue(actor=actor, rent_call_id=call.pk)
        issue_seconds = time.perf_counter() - started
        client = self._client(actor)
        url = reverse("ledger:receipt_pdf", args=[receipt.pk])
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise CommandError(f"quittance : réponse {response.status_code}")
        return issue_seconds, statistics.median(times)

    def _arrears(self, actor, on: date):
        client = self._client(actor)
        url = reverse("ledger:arrears") + f"?on={on:%Y-%m-%d}"
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise CommandError(f"page des impayés : réponse {response.status_code}")
        return len(queries), seconds, len(rent_queries.arrears(actor, on))

    def _client(self, actor):
        host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
        client = Client(SERVER_NAME=host)
        client.force_login(actor)
        return client

    # --- the report -------------------------------------------------------------------------------------------

    def _report(self, path: Path, f: dict) -> None:
        ratio = f["orm"] / f["sql"] if f["sql"] else float("inf")

        def verdict(ok):
            return "tenu" if ok else "**non tenu**"

        lines = [
            "## Comptabilité à l'échelle (PostgreSQL)",
            "",
            f"{f['leases']} baux actifs, {f['years']} an{'s' if f['years'] > 1 else ''} d'historique : "
            f"{f['lines']} lignes d'écriture "
            f"(chargées en {f['load']:.0f} s par SQL ensembliste, chaque écriture vérifiée équilibrée par une "
            "requête ensembliste).",
            "",
            "| Mesure | Résultat | Objectif | |",
            "|---|---|---|---|",
            f"| Appels de loyer du mois ({f['issued']} baux, service réel) | {f['month_end']:.1f} s | ≤ 15 s "
            f"| {verdict(f['month_end'] <= 15)} |",
            f"| Solde de chaque bail, une requête agrégée de l'ORM | {f['orm'] * 1000:.0f} ms | ≤ 1,5 × SQL écrit "
            f"à la main ({f['sql'] * 1000:.0f} ms) : {ratio:.2f} × | {verdict(ratio <= 1.5)} |",
            f"| Quittance : émission (PDF rendu une fois et conservé) | {f['receipt_issue'] * 1000:.0f} ms | — | |",
            f"| Quittance : téléchargement du PDF (médiane de 5) | {f['receipt_get'] * 1000:.0f} ms | ≤ 100 ms "
            f"| {verdict(f['receipt_get'] <= 0.1)} |",
            f"| Page des impayés ({f['arrears_rows']} lignes) | {f['arrears_queries']} requêtes SQL, "
            f"{f['arrears_seconds'] * 1000:.0f} ms | nombre constant de requêtes (test) | |",
            "",
            f"Mesuré le {timezone.localdate():%d/%m/%Y} par `make bench` (`manage.py bench_ledger`).",
        ]
        self.stdout.write(write_section(path, START, END, lines))
