"""`manyi deadlines_table`: write the table of every deadline rule to docs/deadlines.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.common import deadlines


def default_path() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "deadlines.md"


class Command(BaseCommand):
    help = "Write the deadline rules (rule, value, unit, seed section) to docs/deadlines.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="file to write ('-': standard output)")
        parser.add_argument(
            "--check", action="store_true", help="only fail when the file is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = deadlines.markdown()
        if options["output"] == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"]) if options["output"] else default_path()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"{path} is out of date: run `manyi deadlines_table`.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path}: {len(deadlines.rules())} rules")
