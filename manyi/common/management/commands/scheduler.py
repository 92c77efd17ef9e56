"""`manyi scheduler`: enqueue the periodic jobs (deadline sweeps, reminders…) when due, and
fail or retry the tasks of task workers that died."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from manyi.common.scheduling import REGISTRY, load_job_modules, run_due_jobs
from manyi.common.workers import tasks_reap_lost

logger = logging.getLogger("manyi.common.scheduling")


class Command(BaseCommand):
    help = "Run the scheduler: enqueue periodic jobs once per slot (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        load_job_modules()
        self.stdout.write(f"scheduler: {len(REGISTRY)} periodic jobs: {', '.join(REGISTRY)}")
        while True:
            try:
                for key in run_due_jobs():
                    self.stdout.write(f"scheduler: enqueued {key}")
                for task_id in tasks_reap_lost():
                    self.stdout.write(f"scheduler: task {task_id} of a stopped worker failed")
            except Exception:
                if options["once"]:
                    raise
                # The database is down or busy: keep running and try again next round.
                logger.exception("scheduler: this round failed; trying again")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()  # a connection lost while sleeping is opened again
