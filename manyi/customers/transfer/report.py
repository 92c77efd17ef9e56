"""What an import did: counts and every bad row (row number, column, reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number, the header is row 1
    column: str  # the column's header label ("" when the whole row is meant)
    key: str  # the column's English key
    reason: str

    def __str__(self) -> str:
        if self.key and self.column != self.key:
            where = _("row %(row)s, column %(label)s (%(key)s)") % {
                "row": self.row, "label": self.column, "key": self.key,
            }
        elif self.column:
            where = _("row %(row)s, column %(label)s") % {"row": self.row, "label": self.column}
        else:
            where = _("row %(row)s") % {"row": self.row}
        return f"{where}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "key": self.key, "reason": self.reason}


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False  # False: the file was refused and nothing was written
    batch: str = ""

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = _(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(bad)s bad rows"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": self.bad_rows,
        }
        if self.errors and not self.imported:
            text += " — " + _("nothing was imported")
        return text
