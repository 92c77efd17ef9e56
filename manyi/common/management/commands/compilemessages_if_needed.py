"""Compile the translation catalogues (.po → .mo) with polib, so no GNU gettext is needed.

`make run` and `make test` call it; a catalogue is rebuilt only when its .po is newer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogues(force: bool = False) -> list[Path]:
    built = []
    for locale_dir in settings.LOCALE_PATHS:
        for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                built.append(mo_path)
    return built


class Command(BaseCommand):
    help = "Compile .po translation files to .mo when they changed (uses polib)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in compile_catalogues(force=options["force"]):
            self.stdout.write(f"compiled {path}")
