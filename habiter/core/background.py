"""Background runs that survive the death of their worker.

A long task (the month-end rent calls, the notices' mailing, the appointment reminders) takes a lease on its run
(`TaskLease`, keyed by the run) before working, renews it as it goes, and deletes it when finished. Each item of
the run records that it is done in the same database transaction as its effect, so the task can be started again
at any time and does only what is left. The worker process (`manage.py worker`) writes its own heartbeat
(`WorkerHeartbeat`) every `HABITER_WORKER_HEARTBEAT_SECONDS`, renews the leases it holds, and enqueues again the
runs whose lease has not been renewed for `HABITER_TASK_STALE_SECONDS`: their worker was killed.

The leases and heartbeats are technical rows (like sessions): they are not journaled; the runs' effects are.
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import TaskLease, WorkerHeartbeat

logger = logging.getLogger(__name__)

# The id of the worker of this process (`manage.py worker` sets it); "" in a web process, where a task of the
# immediate backend runs inside the request.
_current_worker_id = ""
# A run is started at most this many times (its first start and the resumptions after a worker died).
MAX_ATTEMPTS = 5


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it (the task result it left running is marked so)."""


def current_worker_id() -> str:
    return _current_worker_id


def set_current_worker_id(worker_id: str) -> None:
    global _current_worker_id
    _current_worker_id = worker_id


def stale_after() -> timedelta:
    return timedelta(seconds=settings.HABITER_TASK_STALE_SECONDS)


def lease_acquire(key: str, task, args: list) -> bool:
    """Take the lease of the run `key` for this process; False if a living process holds it (the run is going on
    elsewhere: a duplicate of the task must do nothing). `task`: the task to enqueue again if this process dies."""
    now = timezone.now()
    with transaction.atomic():
        lease = TaskLease.objects.select_for_update().filter(pk=key).first()
        if lease is None:
            TaskLease.objects.create(
                key=key,
                task_path=task.module_path,
                args=list(args),
                worker_id=current_worker_id(),
                heartbeat_at=now,
                attempts=1,
            )
            return True
        if lease.worker_id and lease.worker_id != current_worker_id() and lease.heartbeat_at > now - stale_after():
            return False
        TaskLease.objects.filter(pk=key).update(
            worker_id=current_worker_id(), heartbeat_at=now, attempts=lease.attempts + 1
        )
    return True


def lease_renew(key: str) -> None:
    """The run `key` made progress: its lease is renewed (also done by the worker's heartbeat)."""
    TaskLease.objects.filter(pk=key).update(heartbeat_at=timezone.now())


def lease_release(key: str) -> None:
    """The run `key` is finished (done or failed for good): nothing to resume."""
    TaskLease.objects.filter(pk=key).delete()


def heartbeat(worker_id: str, started_at) -> None:
    """The worker `worker_id` is alive: its heartbeat row and the leases it holds are renewed."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "seen_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    TaskLease.objects.filter(worker_id=worker_id).update(heartbeat_at=now)


def worker_seen_recently() -> bool:
    """A worker wrote its heartbeat within `HABITER_TASK_STALE_SECONDS`."""
    return WorkerHeartbeat.objects.filter(seen_at__gt=timezone.now() - stale_after()).exists()


def resume_stale_runs() -> int:
    """Enqueue again each run whose lease was not renewed in time (its worker died), mark the task results that
    dead workers left running as failed, and forget the heartbeats of workers gone for long; returns the number of
    runs enqueued again."""
    now = timezone.now()
    resumed = 0
    for lease in TaskLease.objects.filter(heartbeat_at__lte=now - stale_after()):
        if lease.attempts >= MAX_ATTEMPTS:
            # a run that kills its worker each time (or fails before releasing) is not started for ever
            logger.error("Run %s given up after %d attempts", lease.key, lease.attempts)
            TaskLease.objects.filter(pk=lease.pk, heartbeat_at=lease.heartbeat_at).delete()
            continue
        # taken back by this worker's heartbeat: not enqueued twice while the new task waits in the queue
        if not TaskLease.objects.filter(pk=lease.pk, heartbeat_at=lease.heartbeat_at).update(
            worker_id="", heartbeat_at=now
        ):
            continue
        try:
            import_string(lease.task_path).enqueue(*lease.args)
        except Exception:
            logger.exception("Could not enqueue again the run %s", lease.key)
            continue
        logger.warning("Run %s abandoned by worker %s: enqueued again", lease.key, lease.worker_id or "-")
        resumed += 1
    _fail_orphaned_results(now)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return resumed


def _fail_orphaned_results(now) -> None:
    """The database backend's task results still `RUNNING` on a worker without a recent heartbeat are marked failed
    (the run itself is resumed through its lease)."""
    try:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend not installed
        return
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gt=now - stale_after()).values_list("worker_id", flat=True))
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lte=now - stale_after()):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="",
        )
