"""`manyi worker`: django-tasks-db's `db_worker` with a heartbeat, and recovery at start.

At start it fails (or retries) the tasks whose worker died (`common.workers.tasks_reap_lost`),
then records a heartbeat every few seconds while it runs tasks, so a later reaper can tell
whether this worker is alive. Several may run at once (PostgreSQL); each has its own id.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from manyi.common.scheduling import load_job_modules
from manyi.common.workers import HeartbeatThread, tasks_reap_lost

logger = logging.getLogger("manyi.common.workers")


class Command(DbWorkerCommand):
    help = "Run a background task worker (database backend) with a heartbeat."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # The autoreloader would run the worker in a child process under another id.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        load_job_modules()
        reaped = tasks_reap_lost()
        if reaped:
            self.stderr.write(f"worker: {len(reaped)} task(s) of a stopped worker failed or "
                              f"retried: {', '.join(reaped)}")
        beat = HeartbeatThread(options["worker_id"])
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stop()
