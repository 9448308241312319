"""What production runs beside the pages: the leases that let a run survive its worker, the readiness check at
/sante/pret/ and the Prometheus metrics at /metriques/."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus, task
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from habiter.core import background
from habiter.core.models import AuditEvent, TaskLease, WorkerHeartbeat

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
READY = reverse("core:readiness")
METRICS = reverse("core:metrics")


@task
def probe_task(name: str) -> str:
    return name


@pytest.fixture
def as_worker():
    background.set_current_worker_id("travailleur-1")
    yield "travailleur-1"
    background.set_current_worker_id("")


# --- leases ------------------------------------------------------------------------------------------------


def test_a_lease_held_by_a_living_worker_is_not_taken_and_a_dead_ones_is(as_worker):
    assert background.lease_acquire("essai:1", probe_task, ["a"])
    background.set_current_worker_id("travailleur-2")
    assert not background.lease_acquire("essai:1", probe_task, ["a"])  # the run goes on elsewhere
    TaskLease.objects.filter(pk="essai:1").update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert background.lease_acquire("essai:1", probe_task, ["a"])  # its worker stopped renewing it
    lease = TaskLease.objects.get(pk="essai:1")
    assert (lease.worker_id, lease.attempts) == ("travailleur-2", 2)
    background.lease_release("essai:1")
    assert not TaskLease.objects.exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_stale_run_is_enqueued_again_once_and_its_dead_task_result_marked_failed(as_worker):
    background.lease_acquire("essai:2", probe_task, ["b"])
    background.lease_acquire("essai:3", probe_task, ["c"])
    long_ago = timezone.now() - timedelta(minutes=5)
    TaskLease.objects.filter(pk="essai:2").update(heartbeat_at=long_ago)
    orphan = probe_task.enqueue("b")
    DBTaskResult.objects.filter(pk=orphan.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["travailleur-mort"]
    )
    assert background.resume_stale_runs() == 1
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert [(row.task_path, row.args_kwargs["args"]) for row in queued] == [(probe_task.module_path, ["b"])]
    assert DBTaskResult.objects.get(pk=orphan.id).status == TaskResultStatus.FAILED
    assert TaskLease.objects.get(pk="essai:2").worker_id == ""  # waiting in the queue, not enqueued twice
    assert background.resume_stale_runs() == 0
    TaskLease.objects.filter(pk="essai:2").update(heartbeat_at=long_ago, attempts=background.MAX_ATTEMPTS)
    assert background.resume_stale_runs() == 0  # given up
    assert list(TaskLease.objects.values_list("pk", flat=True)) == ["essai:3"]


def test_the_reminders_run_holds_a_lease_and_a_duplicate_does_nothing(as_worker, world):
    from habiter.support.tasks import send_appointment_reminders

    background.set_current_worker_id("travailleur-vivant")
    background.lease_acquire("support.reminders:2026-03-02", send_appointment_reminders, ["2026-03-02"])
    background.set_current_worker_id(as_worker)
    with mock.patch("habiter.support.appointments.appointment_reminders_send") as send:
        assert send_appointment_reminders.call("2026-03-02") == 0  # going on in a living worker
        assert not send.called
        send.return_value = 3
        assert send_appointment_reminders.call("2026-03-03") == 3
    assert list(TaskLease.objects.values_list("pk", flat=True)) == ["support.reminders:2026-03-02"]


def test_the_heartbeat_renews_the_workers_leases(as_worker):
    background.lease_acquire("essai:4", probe_task, ["d"])
    TaskLease.objects.update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert not background.worker_seen_recently()
    background.heartbeat(as_worker, timezone.now())
    assert background.worker_seen_recently()
    assert TaskLease.objects.get().heartbeat_at > timezone.now() - timedelta(seconds=5)


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction, as in production
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_command_runs_the_queue_with_a_heartbeat_and_resumptions():
    result = probe_task.enqueue("e")
    # the heartbeat thread has its own connection, which the test's open transaction would lock out under SQLite:
    # what it calls is recorded instead (the crash test runs the real thing on PostgreSQL)
    with (
        mock.patch.object(background, "heartbeat") as beat,
        mock.patch.object(background, "resume_stale_runs") as resume,
    ):
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "w-1", verbosity=0)
    try:
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
        assert beat.call_args.args[0] == "w-1" and resume.called
        assert background.current_worker_id() == "w-1"  # the leases this process takes name it
    finally:
        background.set_current_worker_id("")


# --- readiness ---------------------------------------------------------------------------------------------


def test_readiness_answers_each_part_without_login_nor_journal(client):
    events = AuditEvent.objects.count()
    response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "storage": "ok", "tasks": "ok"}
    assert AuditEvent.objects.count() == events
    from django.core.files.storage import default_storage

    assert default_storage.listdir("sante")[1] == []  # the probe file is deleted


def test_readiness_names_the_failing_part(client):
    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("secret détail")):
        response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "secret" not in response.content.decode()
    with mock.patch("habiter.core.views.default_storage.save", side_effect=OSError("disque plein")):
        response = client.get(READY)
    assert (response.status_code, response.json()) == (
        503,
        {"database": "ok", "storage": "unavailable", "tasks": "ok"},
    )


@override_settings(TASKS=DATABASE_TASKS)
def test_readiness_wants_a_recent_worker_heartbeat_with_a_queue(client):
    response = client.get(READY)
    assert (response.status_code, response.json()["tasks"]) == (503, "no_worker")
    WorkerHeartbeat.objects.create(worker_id="w", seen_at=timezone.now() - timedelta(minutes=10))
    assert client.get(READY).json()["tasks"] == "no_worker"  # a worker gone for long
    background.heartbeat("w", timezone.now())
    response = client.get(READY)
    assert (response.status_code, response.json()["tasks"]) == (200, "ok")


# --- metrics -----------------------------------------------------------------------------------------------


def test_metrics_are_for_staff_or_the_token_only(client, world):
    assert client.get(METRICS).status_code == 404
    client.force_login(world.users["director"])  # not staff
    assert client.get(METRICS).status_code == 404
    client.logout()
    with override_settings(HABITER_METRICS_TOKEN="jeton-de-mesure-0123456789"):
        assert client.get(METRICS, headers={"authorization": "Bearer autre"}).status_code == 404
        response = client.get(METRICS, headers={"authorization": "Bearer jeton-de-mesure-0123456789"})
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()
    # no token configured: an empty bearer is no key
    assert client.get(METRICS, headers={"authorization": "Bearer "}).status_code == 404
    staff = world.users["accountant"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(METRICS).status_code == 200
