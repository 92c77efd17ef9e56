"""Periodic jobs: every app registers its sweeps here; `manyi scheduler` enqueues them.

A job runs once per time slot (slot = seconds since the epoch // interval). The slot is
claimed with a unique row before the task is enqueued, so a restart or a second scheduler
never enqueues the same slot twice; the tasks themselves are idempotent too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone


@dataclass(frozen=True)
class PeriodicJob:
    key: str
    every: dt.timedelta
    enqueue: Callable[[], Any]


REGISTRY: dict[str, PeriodicJob] = {}


def register_periodic(key: str, every: dt.timedelta) -> Callable[[Any], Any]:
    """Decorate a django.tasks Task (or a plain callable) to run every `every`."""

    def wrap(task: Any) -> Any:
        enqueue = task.enqueue if hasattr(task, "enqueue") else task
        REGISTRY[key] = PeriodicJob(key=key, every=every, enqueue=enqueue)
        return task

    return wrap


def slot_of(moment: dt.datetime, every: dt.timedelta) -> int:
    return int(moment.timestamp() // every.total_seconds())


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been claimed yet; return their keys."""
    from .models import ScheduledRun

    now = now or timezone.now()
    started = []
    for job in REGISTRY.values():
        slot = slot_of(now, job.every)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(key=job.key, slot=slot, enqueued_at=now)
                job.enqueue()
        except IntegrityError:
            continue
        started.append(job.key)
    return started


def load_job_modules() -> None:
    """Import every app's tasks module so their periodic jobs register."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("manyi."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
