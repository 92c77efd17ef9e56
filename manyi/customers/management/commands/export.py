"""manyi export customers|contacts|orders PATH [--format xlsx|csv] [--lang en] [--user U]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from manyi.customers.transfer import FORMATS, KINDS, CellError, export_file, format_of
from manyi.customers.transfer.commands import actor_for


class Command(BaseCommand):
    help = "Export customers, contacts or orders to a .xlsx or .csv file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        parser.add_argument("--format", choices=FORMATS, help="Default: from the extension.")
        parser.add_argument(
            "--lang", choices=("zh", "en"), default="zh", help="Header language (default zh)."
        )
        parser.add_argument("--user", help="Export what this user may see (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            fmt = options["format"] or format_of(path)
        except CellError as exc:
            raise CommandError(exc.reason) from exc
        actor = actor_for(options["user"])
        try:
            export_file(
                options["kind"], path, fmt=fmt, user=actor, lang=options["lang"]
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Exported to %(path)s") % {"path": path})
