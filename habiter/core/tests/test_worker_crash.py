"""A worker killed in the middle of a month-end run, then started again: the run finishes on the new worker with
every rent call issued exactly once, and a notices' mailing with every e-mail sent once.

The worker (`manage.py worker`) runs as a real process on the test database, which must be PostgreSQL: under
SQLite the test database is in memory and no other process can see it."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from habiter.core.models import TaskLease, WorkerHeartbeat
from habiter.housing.models import Dwelling, Owner, OwnerKind
from habiter.leases.models import Lease, LeaseKind, LeaseStatus
from habiter.ledger.mailing import services as mailing_services
from habiter.ledger.models import (
    Account,
    AccountKind,
    DocumentEmail,
    EmailConsent,
    NoticeMailing,
    RentCall,
    RentCallRun,
    RunStatus,
)
from habiter.ledger.rent import services as rent_services
from habiter.people.models import Household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Le travailleur est un autre processus : il ne voit pas la base de test SQLite, qui est en mémoire "
        "(DATABASE_URL=postgres://… pour ce test).",
    ),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STALE_SECONDS = 1.5
WORKER_SETTINGS = """from habiter.settings.test import *  # noqa: F403

MAILERS = {{"default": {{"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                        "OPTIONS": {{"file_path": {mail_dir!r}}}}}}}
"""


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def worker_env(tmp_path):
    """The environment of a worker process on this test's database, e-mails written to files, short heartbeats."""
    (tmp_path / "worker_settings.py").write_text(WORKER_SETTINGS.format(mail_dir=str(tmp_path / "mail")))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "DATABASE_URL": url,
        "HABITER_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "HABITER_WORKER_HEARTBEAT_SECONDS": "0.3",
        "HABITER_TASK_STALE_SECONDS": str(STALE_SECONDS),
    }


class Workers:
    def __init__(self, env, log):
        self.env = env
        self.log = log  # a file, not a pipe: a pipe nobody reads would block a talkative worker
        self.processes = []

    def start(self):
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-startup-delay", "-v", "0"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers(worker_env, tmp_path):
    workers = Workers(worker_env, tmp_path / "worker.log")
    yield workers
    workers.stop_all()


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"attendu en vain : {what}")


def _leases(manager, count, first):
    """`count` signed leases of their own dwellings and households, in bulk (as the ledger benchmark loads them)."""
    organisation = manager.organisation
    owner = Owner.objects.create(organisation=organisation, kind=OwnerKind.ASSOCIATION, name="Asso", created_by=manager)
    households = Household.objects.bulk_create(
        [Household(organisation=organisation, name=f"Ménage {n:04d}", created_by=manager) for n in range(count)]
    )
    dwellings = Dwelling.objects.bulk_create(
        [
            Dwelling(
                organisation=organisation,
                owner=owner,
                reference=f"T-{n:04d}",
                address=f"{n + 1} rue du Test",
                postal_code="13001",
                city="Marseille",
                surface=Decimal("40.00"),
                rooms=2,
                energy_class="C",
            )
            for n in range(count)
        ]
    )
    leases = Lease.objects.bulk_create(
        [
            Lease(
                organisation=organisation,
                kind=LeaseKind.DIRECT,
                status=LeaseStatus.SIGNED,
                dwelling=dwelling,
                household=household,
                rent=Decimal("400.00"),
                charges=Decimal("40.00"),
                deposit=Decimal("400.00"),
                irl_quarter=1,
                irl_base_year=first.year,
                revision_anchor=first,
                start_date=first,
                signed_on=first,
                created_by=manager,
            )
            for dwelling, household in zip(dwellings, households, strict=True)
        ]
    )
    Account.objects.bulk_create(
        [
            Account(
                organisation=organisation,
                code=f"411{lease.pk.hex[:10].upper()}",
                name=f"Locataire {n}",
                kind=AccountKind.TENANT,
                lease=lease,
            )
            for n, lease in enumerate(leases)
        ]
    )
    return leases


def _kill_mid_run(workers, progress, total):
    """Start a worker, SIGKILL it once `progress()` shows part of the run done, start another one."""
    first = workers.start()
    _wait_for(lambda: progress() > 0 or first.poll() is not None, 60, "le début de l'exécution")
    assert first.poll() is None, workers.log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    done_at_kill = progress()
    assert 0 < done_at_kill < total, "le travailleur devait être arrêté au milieu de l'exécution"
    workers.start()
    return done_at_kill


def test_a_month_end_run_killed_mid_way_finishes_on_a_new_worker_with_each_call_issued_once(manager, workers):
    month = timezone.localdate().replace(day=1)
    leases = _leases(manager, 400, first=date(month.year - 1, month.month, 1))
    with override_settings(TASKS=DATABASE_TASKS):
        run = rent_services.rent_call_run_start(actor=manager, month=month)
    assert run.status == RunStatus.QUEUED  # queued for the worker, not run in this process

    def issued():
        return RentCall.objects.filter(run=run).count()

    done_at_kill = _kill_mid_run(workers, issued, len(leases))
    _wait_for(lambda: RentCallRun.objects.get(pk=run.pk).status == RunStatus.DONE, 60, "la fin de l'exécution reprise")
    run.refresh_from_db()
    assert run.issued == run.total == run.done == len(leases)
    per_lease = RentCall.objects.filter(period=month, cancelled_on__isnull=True).values_list("lease_id", flat=True)
    assert sorted(per_lease) == sorted(lease.pk for lease in leases)  # each lease called once, none twice
    assert done_at_kill < len(leases)
    assert not TaskLease.objects.exists()  # the finished run released its lease
    assert WorkerHeartbeat.objects.count() == 2

    # the task the killed worker left running is marked failed by the living one; the resumed one succeeded
    def outcomes():
        return sorted(DBTaskResult.objects.values_list("status", "exception_class_path"))

    _wait_for(lambda: TaskResultStatus.RUNNING not in dict(outcomes()), 10, "la tâche abandonnée marquée en échec")
    assert outcomes() == [
        (TaskResultStatus.FAILED, "habiter.core.background.WorkerLost"),
        (TaskResultStatus.SUCCESSFUL, ""),
    ]


def test_a_mailing_killed_mid_way_sends_each_notice_once(manager, workers, tmp_path):
    month = timezone.localdate().replace(day=1)
    leases = _leases(manager, 10, first=date(month.year - 1, month.month, 1))
    EmailConsent.objects.bulk_create(
        [
            EmailConsent(
                organisation=manager.organisation,
                lease=lease,
                given=True,
                on=date(month.year - 1, month.month, 1),
                email=f"locataire{n}@example.org",
                recorded_by=manager,
            )
            for n, lease in enumerate(leases)
        ]
    )
    run = rent_services.rent_call_run_start(actor=manager, month=month)  # the immediate backend: done at once
    assert RentCallRun.objects.get(pk=run.pk).status == RunStatus.DONE
    with override_settings(TASKS=DATABASE_TASKS):
        mailing = mailing_services.notice_mailing_start(actor=manager, run_id=run.pk)

    def recorded():
        return DocumentEmail.objects.filter(rent_call__run=run).count()

    _kill_mid_run(workers, recorded, len(leases))
    _wait_for(lambda: NoticeMailing.objects.get(pk=mailing.pk).status == RunStatus.DONE, 60, "la fin de l'envoi repris")
    mailing.refresh_from_db()
    assert mailing.sent == mailing.total == len(leases) and not mailing.error
    assert recorded() == len(leases)
    # what left for the mail server: every tenant's notice, each once — but for the one the kill may have caught
    # between the server's acceptance and the commit, sent again on resumption (the window of docs/adr/0017)
    sent_to = Counter(
        line.removeprefix("To: ")
        for path in Path(tmp_path / "mail").iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )
    assert set(sent_to) == {f"locataire{n}@example.org" for n in range(len(leases))}
    assert sum(sent_to.values()) - len(leases) <= 1
