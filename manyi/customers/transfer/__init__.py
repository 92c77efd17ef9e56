"""Import and export of customers, contacts and orders as .xlsx and .csv.

One column table per kind (specs.py) serves both directions. See
docs/decisions/0005-import-export.md.
"""

from __future__ import annotations

from .columns import CellError
from .exporting import export_csv_chunks, export_file, export_queryset
from .files import FORMATS, format_of
from .importing import import_file
from .report import ImportReport, RowError
from .specs import KINDS, SPECS, spec_for

__all__ = [
    "FORMATS",
    "KINDS",
    "SPECS",
    "CellError",
    "ImportReport",
    "RowError",
    "export_csv_chunks",
    "export_file",
    "export_queryset",
    "format_of",
    "import_file",
    "spec_for",
]
