"""`manyi serve`: the web server, the task worker and the scheduler together (make run)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server, the background task worker and the scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        py = [sys.executable, "-m", "manyi.cli"]
        commands = {
            "web": [*py, "runserver", f"{options['host']}:{options['port']}", "--noreload"],
            "worker": [*py, "db_worker", "--interval", "1"],
            "scheduler": [*py, "scheduler"],
        }
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"满意 Manyi: http://{options['host']}:{options['port']}/  "
                "(web + worker + scheduler; Ctrl-C stops all)"
            )
        )

        def stop(*_: Any) -> None:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} exited with {proc.returncode}; stopping the others")
                    stop()
            time.sleep(1)
