"""`manyi scheduler`: enqueue the periodic jobs (deadline sweeps, reminders…) when due."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from manyi.common.scheduling import REGISTRY, load_job_modules, run_due_jobs


class Command(BaseCommand):
    help = "Run the scheduler: enqueue periodic jobs once per slot (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        load_job_modules()
        self.stdout.write(f"scheduler: {len(REGISTRY)} periodic jobs: {', '.join(REGISTRY)}")
        while True:
            for key in run_due_jobs():
                self.stdout.write(f"scheduler: enqueued {key}")
            if options["once"]:
                return
            time.sleep(options["interval"])
