"""`manage.py worker`: the background worker of production (the database tasks backend's `db_worker`), with a
heartbeat and the resumption of the runs abandoned by a worker that died (`habiter.core.background`)."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from habiter.core import background

logger = logging.getLogger("habiter.worker")


class Command(db_worker.Command):
    help = (
        "Exécute les tâches de fond (appels de loyer du mois, envois d'avis, rappels) ; écrit un signe de vie et "
        "reprend les exécutions abandonnées par un travailleur arrêté brutalement."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # the reloader would run the heartbeat in its watching process too
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        background.set_current_worker_id(worker_id)
        stop = threading.Event()
        beating = threading.Thread(
            target=self._beat, args=(worker_id, timezone.now(), stop), name="habiter-heartbeat", daemon=True
        )
        beating.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            beating.join(timeout=settings.HABITER_WORKER_HEARTBEAT_SECONDS + 5)

    def _beat(self, worker_id, started_at, stop):
        """Every `HABITER_WORKER_HEARTBEAT_SECONDS`, in its own database connection: the heartbeat, the leases this
        worker holds renewed, and the runs of dead workers enqueued again."""
        try:
            while True:
                close_old_connections()
                try:
                    background.heartbeat(worker_id, started_at)
                    background.resume_stale_runs()
                except Exception:
                    logger.exception("Worker heartbeat failed")
                if stop.wait(settings.HABITER_WORKER_HEARTBEAT_SECONDS):
                    break
        finally:
            connection.close()
