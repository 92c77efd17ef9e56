"""Task workers that died: heartbeats, and what happens to the task a dead worker was running.

`manyi worker` records a heartbeat (`WorkerHeartbeat`: worker id, host, process id, time)
every `MANYI_WORKER_HEARTBEAT_SECONDS`. `tasks_reap_lost` — run by every worker when it
starts and by the scheduler on each round — finds RUNNING tasks of the database backend
whose worker is gone, marks them FAILED and calls the handler the task registered:
`retry_when_worker_lost` enqueues an idempotent task again, `when_worker_lost(task)(handler)`
lets a task tell its user (the import page). A worker is gone when its process no longer
exists on this host, or when its heartbeat is older than `MANYI_WORKER_STALE_SECONDS`
(another host); a task of a worker that never wrote a heartbeat is given up after
`MANYI_TASK_MAX_RUNTIME_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LostHandler = Callable[..., None]
WORKER_LOST: dict[str, LostHandler] = {}


class WorkerLost(Exception):
    """The worker running the task stopped (killed, crashed, machine restarted)."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def when_worker_lost(task: Any) -> Callable[[LostHandler], LostHandler]:
    """Register `handler(*args, **kwargs)` (the task's arguments) for a task whose worker died."""

    def wrap(handler: LostHandler) -> LostHandler:
        WORKER_LOST[task.module_path] = handler
        return handler

    return wrap


def retry_when_worker_lost(task: Any) -> Any:
    """An idempotent task is simply enqueued again when its worker died."""
    WORKER_LOST[task.module_path] = task.enqueue
    return task


def hostname() -> str:
    return socket.gethostname()[:255]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


def heartbeat(worker_id: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": hostname(), "pid": os.getpid(), "seen_at": now},
        create_defaults={"hostname": hostname(), "pid": os.getpid(), "seen_at": now,
                         "started_at": now},
    )


class HeartbeatThread(threading.Thread):
    """Writes the worker's heartbeat in the background while tasks run in the main thread."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        every = _setting("MANYI_WORKER_HEARTBEAT_SECONDS", 10)
        while not self.stopped.is_set():
            try:
                close_old_connections()
                heartbeat(self.worker_id)
            except Exception:  # database busy or down: try again next time
                logger.warning("worker %s: heartbeat not written", self.worker_id, exc_info=True)
                connection.close()
            self.stopped.wait(every)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("worker %s: heartbeat not removed", self.worker_id, exc_info=True)


def _is_gone(beat: WorkerHeartbeat | None, started_at: dt.datetime | None,
             now: dt.datetime) -> str:
    """Why the worker of a RUNNING task counts as gone ("" if it may still be working)."""
    if beat is None:
        limit = dt.timedelta(seconds=_setting("MANYI_TASK_MAX_RUNTIME_SECONDS", 6 * 3600))
        if started_at is not None and started_at < now - limit:
            return "no heartbeat and running longer than MANYI_TASK_MAX_RUNTIME_SECONDS"
        return ""
    stale = beat.seen_at < now - dt.timedelta(
        seconds=_setting("MANYI_WORKER_STALE_SECONDS", 60)
    )
    if beat.hostname == hostname():
        # The process table is the truth on this host (a long SQLite write can hold the
        # heartbeat up); an hour without a heartbeat means the pid was reused.
        if not pid_alive(beat.pid):
            return f"process {beat.pid} on {beat.hostname} is gone"
        if beat.seen_at < now - dt.timedelta(hours=1):
            return f"no heartbeat from {beat.hostname}:{beat.pid} for an hour"
        return ""
    if stale:
        return f"no heartbeat from {beat.hostname}:{beat.pid} since {beat.seen_at:%H:%M:%S}"
    return ""


def tasks_reap_lost(*, now: dt.datetime | None = None) -> list[str]:
    """Fail (or retry) the RUNNING tasks whose worker is gone; return their ids."""
    from django_tasks_db.models import DBTaskResult

    from .scheduling import load_job_modules

    load_job_modules()  # the tasks' handlers register when their modules are imported
    now = now or timezone.now()
    reaped = []
    running = DBTaskResult.objects.filter(status="RUNNING").only(
        "id", "task_path", "worker_ids", "started_at", "args_kwargs"
    )
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.all()}
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        reason = _is_gone(beats.get(worker_id), result.started_at, now)
        if not reason:
            continue
        text = f"WorkerLost: worker {worker_id} stopped while running this task: {reason}"
        marked = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{__name__}.{WorkerLost.__name__}",
            traceback=text,
            return_value=None,
        )
        if not marked:
            continue  # finished meanwhile, or another reaper was faster
        logger.warning("task %s (%s): %s", result.pk, result.task_path, text)
        reaped.append(str(result.pk))
        handler = WORKER_LOST.get(result.task_path)
        if handler is not None:
            try:
                handler(*result.args_kwargs.get("args", []), **result.args_kwargs.get("kwargs", {}))
            except Exception:
                logger.exception("task %s: the worker-lost handler failed", result.pk)
    # Heartbeats of workers gone for a day are of no use any more.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return reaped
