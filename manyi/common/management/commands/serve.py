"""`manyi serve`: the web server, the task worker and the scheduler together (make run).

The web server is what the user sees: if it stops, everything stops (as before). The worker
and the scheduler are restarted when they exit — at most `--max-restarts` times within
`--restart-window` seconds, then given up with a log line while the web server keeps
serving. A task the dead worker was running is failed or retried by the restarted worker
(`common.workers`). Production runs the three under a supervisor instead (README).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand


@dataclass
class Child:
    name: str
    cmd: list[str]
    essential: bool = False  # its exit stops everything (the web server)
    proc: Any = None
    restarts: deque[float] = field(default_factory=deque)
    given_up: bool = False


class Supervisor:
    """Starts the children and, on each `check()`, restarts the ones that exited."""

    def __init__(
        self,
        children: list[Child],
        *,
        spawn: Callable[[list[str]], Any] = subprocess.Popen,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] = print,
        max_restarts: int = 5,
        window: float = 600.0,
    ) -> None:
        self.children = children
        self.spawn, self.clock, self.log = spawn, clock, log
        self.max_restarts, self.window = max_restarts, window

    def start(self) -> None:
        for child in self.children:
            child.proc = self.spawn(child.cmd)
            self.log(f"{child.name} started (pid {child.proc.pid})")

    def check(self) -> bool:
        """Restart what exited; False when an essential child exited (stop everything)."""
        for child in self.children:
            if child.proc is None or child.given_up:
                continue
            code = child.proc.poll()
            if code is None:
                continue
            if child.essential:
                self.log(f"{child.name} exited with {code}; stopping the others")
                return False
            now = self.clock()
            while child.restarts and child.restarts[0] <= now - self.window:
                child.restarts.popleft()
            if len(child.restarts) >= self.max_restarts:
                child.given_up = True
                child.proc = None
                self.log(
                    f"{child.name} exited with {code}; restarted {self.max_restarts} times "
                    f"within {self.window:.0f} s, giving up on it (the web server keeps "
                    f"running; start `manyi {child.name}` by hand once the cause is fixed)"
                )
                continue
            child.restarts.append(now)
            child.proc = self.spawn(child.cmd)
            self.log(
                f"{child.name} exited with {code}; restarted (pid {child.proc.pid}, restart "
                f"{len(child.restarts)} of at most {self.max_restarts} within "
                f"{self.window:.0f} s)"
            )
        return True

    def stop(self) -> None:
        procs = [c.proc for c in self.children if c.proc is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def child_environment(host: str, port: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The children's environment: SITE_URL is the address served on (http://host:port), so
    e-mails link to it, unless the environment already names one (SITE_URL or its older
    name MANYI_PUBLIC_BASE_URL)."""
    env = dict(environ)
    if not env.get("SITE_URL") and not env.get("MANYI_PUBLIC_BASE_URL"):
        # the wildcard address is not one to link to: this machine's loopback is
        wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104
        host = wildcard.get(host, host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address in a URL
        env["SITE_URL"] = f"http://{host}:{port}"
    return env


class Command(BaseCommand):
    help = "Start the web server, the background task worker and the scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--max-restarts", type=int, default=5,
                            help="restarts of the worker or scheduler allowed per window")
        parser.add_argument("--restart-window", type=float, default=600.0,
                            help="seconds (default: 600)")

    def handle(self, *args: Any, **options: Any) -> None:
        py = [sys.executable, "-m", "manyi.cli"]
        children = [
            Child("web", [*py, "runserver", f"{options['host']}:{options['port']}",
                          "--noreload"], essential=True),
            Child("worker", [*py, "worker", "--interval", "1"]),
            Child("scheduler", [*py, "scheduler", "--interval", "10"]),
        ]

        def log(line: str) -> None:
            self.stderr.write(f"serve {time.strftime('%H:%M:%S')}: {line}")
            self.stderr.flush()

        supervisor = Supervisor(children, log=log, max_restarts=options["max_restarts"],
                                window=options["restart_window"])
        # the children inherit this process's environment (Popen without env=)
        os.environ.update(child_environment(options["host"], options["port"], os.environ))
        supervisor.start()
        self.stdout.write(
            self.style.SUCCESS(
                f"满意 Manyi: http://{options['host']}:{options['port']}/  "
                "(web + worker + scheduler; Ctrl-C stops all)"
            )
        )
        self.stdout.flush()

        def stop(*_: Any) -> None:
            supervisor.stop()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while supervisor.check():
            time.sleep(1)
        supervisor.stop()
        raise SystemExit(1)
