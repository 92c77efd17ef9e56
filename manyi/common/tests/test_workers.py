"""A task whose worker died is found (no process on this host, or no fresh heartbeat from
another host) and failed or retried; a live worker's task is left alone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from manyi.common import workers
from manyi.common.models import Message, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def running(task_path: str, *args: Any, worker: str = "w1",
            started: dt.datetime | None = None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(), status="RUNNING", task_path=task_path, backend_name="default",
        args_kwargs={"args": list(args), "kwargs": {}}, worker_ids=[worker],
        run_after=timezone.now(), started_at=started or timezone.now(),
    )


def beat(worker: str, *, host: str | None = None, pid: int | None = None,
         seen: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker, hostname=host or workers.hostname(),
                                   pid=pid or os.getpid(), seen_at=seen or timezone.now())


def status(result: DBTaskResult) -> str:
    result.refresh_from_db()
    return result.status


def test_the_task_of_a_dead_process_on_this_host_is_failed() -> None:
    beat("dead", pid=dead_pid())
    beat("alive", seen=timezone.now() - dt.timedelta(minutes=10))  # busy, but its process lives
    lost = running("manyi.nowhere.task", worker="dead")
    busy = running("manyi.nowhere.task", worker="alive")
    assert workers.tasks_reap_lost() == [str(lost.pk)]
    assert status(lost) == "FAILED" and status(busy) == "RUNNING"
    lost.refresh_from_db()
    assert lost.exception_class_path == "manyi.common.workers.WorkerLost"
    assert "is gone" in lost.traceback and lost.finished_at is not None
    assert workers.tasks_reap_lost() == []  # once


def test_another_host_counts_by_its_heartbeat() -> None:
    now = timezone.now()
    beat("far-stale", host="other-host", pid=1, seen=now - dt.timedelta(minutes=5))
    beat("far-fresh", host="other-host", pid=1, seen=now - dt.timedelta(seconds=5))
    stale = running("manyi.nowhere.task", worker="far-stale")
    fresh = running("manyi.nowhere.task", worker="far-fresh")
    assert workers.tasks_reap_lost(now=now) == [str(stale.pk)]
    assert status(fresh) == "RUNNING"


def test_without_a_heartbeat_a_task_is_given_up_after_the_longest_runtime(settings) -> None:
    settings.MANYI_TASK_MAX_RUNTIME_SECONDS = 3600
    now = timezone.now()
    old = running("manyi.nowhere.task", worker="plain", started=now - dt.timedelta(hours=2))
    recent = running("manyi.nowhere.task", worker="plain", started=now - dt.timedelta(minutes=5))
    assert workers.tasks_reap_lost(now=now) == [str(old.pk)]
    assert status(recent) == "RUNNING"


def test_an_idempotent_task_is_retried(django_capture_on_commit_callbacks) -> None:
    from manyi.common.notify import _create

    with django_capture_on_commit_callbacks(execute=False):
        message = _create("lost:1", deliver=True, to_email="x@example.cn", subject="再试",
                          body="b", language="zh-hans")
    assert message is not None
    beat("dead", pid=dead_pid())
    lost = running("manyi.common.tasks.deliver_message", message.pk, worker="dead")
    workers.tasks_reap_lost()
    assert status(lost) == "FAILED"
    assert [m.subject for m in mail.outbox] == ["再试"]  # enqueued again (immediate backend)
    assert Message.objects.get().state == Message.State.SENT


def test_the_heartbeat_thread_records_and_removes_the_worker(settings) -> None:
    settings.MANYI_WORKER_HEARTBEAT_SECONDS = 0.05
    thread = workers.HeartbeatThread("w-test")
    workers.heartbeat("w-test")  # what the thread writes (its own connection sees no test data)
    row = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert row.pid == os.getpid() and row.hostname == workers.hostname()
    thread.stop()  # not started: only removes the row
    assert not WorkerHeartbeat.objects.filter(worker_id="w-test").exists()
