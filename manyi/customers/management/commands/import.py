"""manyi import customers|contacts|orders PATH [--skip-bad-rows] [--user USERNAME]

Exit status 0 when the file was imported (with --skip-bad-rows the bad rows are still
listed), 1 when it was refused (any bad row: nothing imported). Progress on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from manyi.customers.transfer import KINDS, import_file
from manyi.customers.transfer.commands import actor_for


class Command(BaseCommand):
    help = "Import customers, contacts or orders from a .xlsx or .csv file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and report the bad ones (default: import nothing).",
        )
        parser.add_argument("--user", help="Import as this user (default: the system).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        actor = actor_for(options["user"])
        bar = tqdm(
            total=None,
            unit=_("rows"),
            file=sys.stderr,
            disable=options["no_progress"],
            dynamic_ncols=True,
        )

        def progress(done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = import_file(
                options["kind"],
                path,
                actor=actor,
                skip_bad_rows=options["skip_bad_rows"],
                progress=progress,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        for error in report.errors:
            self.stdout.write(str(error))
        self.stdout.write(report.summary())
        if not report.imported:
            raise CommandError(_("The file was not imported."), returncode=1)
