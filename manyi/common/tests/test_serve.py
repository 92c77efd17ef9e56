"""`manyi serve` restarts a crashed worker or scheduler (within a limit) and keeps the web
server up; the web server's exit stops everything."""

from __future__ import annotations

import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from manyi.common.management.commands.serve import Child, Supervisor

_pids = itertools.count(100)


class FakeProcess:
    def __init__(self, cmd: list[str]) -> None:
        self.cmd, self.pid = cmd, next(_pids)
        self.returncode: int | None = None
        self.terminated = False

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated, self.returncode = True, -15

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def supervisor(**kwargs: Any) -> tuple[Supervisor, list[FakeProcess], list[str], Clock]:
    spawned: list[FakeProcess] = []
    lines: list[str] = []
    clock = Clock()

    def spawn(cmd: list[str]) -> FakeProcess:
        spawned.append(FakeProcess(cmd))
        return spawned[-1]

    children = [Child("web", ["web"], essential=True), Child("worker", ["worker"]),
                Child("scheduler", ["scheduler"])]
    sup = Supervisor(children, spawn=spawn, clock=clock, log=lines.append, **kwargs)
    sup.start()
    return sup, spawned, lines, clock


def test_a_crashed_worker_is_restarted_and_the_web_server_kept() -> None:
    sup, spawned, lines, _clock = supervisor()
    web, worker, _scheduler = spawned
    worker.returncode = -9
    assert sup.check() is True
    assert len(spawned) == 4 and spawned[3].cmd == ["worker"]
    assert sup.children[1].proc is spawned[3] and web.poll() is None and not web.terminated
    assert "worker exited with -9; restarted (pid" in lines[-1]
    assert sup.check() is True and len(spawned) == 4  # nothing more to do


def test_restarts_are_limited_per_window_then_given_up_with_a_log_line() -> None:
    sup, spawned, lines, clock = supervisor(max_restarts=2, window=60)
    for _ in range(2):
        sup.children[2].proc.returncode = 1
        assert sup.check() is True
        clock.now += 1
    sup.children[2].proc.returncode = 1
    assert sup.check() is True  # the web server still runs
    assert sup.children[2].given_up and len(spawned) == 5
    assert "scheduler exited with 1; restarted 2 times within 60 s, giving up" in lines[-1]
    assert sup.check() is True and len(spawned) == 5
    # Restarts older than the window do not count against a new crash.
    sup.children[1].proc.returncode = 1
    sup.check()
    clock.now += 61
    sup.children[1].proc.returncode = 1
    sup.check()
    sup.children[1].proc.returncode = 1
    sup.check()
    assert not sup.children[1].given_up


def test_the_web_servers_exit_stops_everything() -> None:
    sup, spawned, lines, _clock = supervisor()
    spawned[0].returncode = 3
    assert sup.check() is False
    assert "web exited with 3; stopping the others" in lines[-1]
    sup.stop()
    assert spawned[1].terminated and spawned[2].terminated and len(spawned) == 3


# --- the real thing: kill the worker of `manyi serve` ------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(predicate: Any, timeout: float, step: float = 0.1) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, text
    return match[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_serve_restarts_a_killed_worker_and_fails_its_task(tmp_path: Path) -> None:
    import uuid

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from manyi.accounts.models import User
    from manyi.common.models import WorkerHeartbeat
    from manyi.customers.models import ImportJob, ImportJobStatus

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "MANYI_VAR_DIR": str(tmp_path),
           "TASK_BACKEND": "database", "DJANGO_SETTINGS_MODULE": "manyi.config.settings",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DEBUG": "true"}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "manyi.cli", "serve", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        wait_for(lambda: answers(url), 60, 0.3)
        worker_pid = int(found(r"worker started \(pid (\d+)\)", log.read_text()))
        wait_for(lambda: WorkerHeartbeat.objects.filter(pid=worker_pid).exists(), 30)
        beat = WorkerHeartbeat.objects.get(pid=worker_pid)
        user = User.objects.create(username="importer", language="en")
        job = ImportJob.objects.create(kind="customers", file="imports/x.csv",
                                       original_name="x.csv", started_by=user,
                                       status=ImportJobStatus.RUNNING, total=40000,
                                       processed=20000)
        DBTaskResult.objects.create(
            id=uuid.uuid4(), status="RUNNING", task_path="manyi.customers.tasks.import_job_run",
            backend_name="default", args_kwargs={"args": [job.pk], "kwargs": {}},
            worker_ids=[beat.worker_id], run_after=timezone.now(), started_at=timezone.now(),
        )

        os.kill(worker_pid, signal.SIGKILL)
        killed = time.monotonic()
        assert answers(url)  # the web server stays up
        pattern = r"worker exited with -9; restarted \(pid (\d+)"
        wait_for(lambda: re.search(pattern, log.read_text()) is not None, 15)
        new_pid = int(found(pattern, log.read_text()))
        wait_for(lambda: WorkerHeartbeat.objects.filter(pid=new_pid).exists(), 30)
        back = time.monotonic() - killed
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.FAILED, 30)
        failed = time.monotonic() - killed
        print(f"\nkill → worker running again: {back:.1f} s; kill → task failed: {failed:.1f} s")
        assert answers(url) and serve.poll() is None
        assert "stopped while importing" in ImportJob.objects.get(pk=job.pk).message
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
