"""`manyi permissions_table`: print the role × action table (docs/permissions.md holds it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from manyi.accounts.permissions import permissions_table_markdown


class Command(BaseCommand):
    help = "Print the role × action permission table as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(permissions_table_markdown(), ending="")
