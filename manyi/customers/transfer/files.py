"""Reading and writing tables: .csv (stdlib csv, UTF-8 with BOM) and .xlsx (openpyxl)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from manyi.common import spreadsheets

from .columns import Cell, CellError, Column

FORMATS = ("xlsx", "csv")
Source = str | Path | IO[bytes]


def format_of(name: str | Path) -> str:
    """The file format from the extension (.xlsx / .csv), else CellError."""
    suffix = Path(str(name)).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise CellError(
            _("Unsupported file type %(ext)s: use .xlsx or .csv") % {"ext": suffix or "?"}
        )
    return suffix


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, Sequence[object]]]  # (spreadsheet row number, cells)
    estimated_rows: int  # data rows, 0 when unknown


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def read_table(source: Source, fmt: str) -> Table:
    return _read_xlsx(source) if fmt == "xlsx" else _read_csv(_read_bytes(source))


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # Excel on Chinese Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    estimate = max(text.count("\n") - 1, 0)

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        # The apostrophe the export put before text that would start a formula comes off.
        for number, row in enumerate(reader, start=2):
            yield number, [spreadsheets.csv_unguard(field) for field in row]

    return Table([h.strip() for h in header], rows(), estimate)


def _read_xlsx(source: Source) -> Table:
    from openpyxl import load_workbook

    try:
        stream: Any = io.BytesIO(_read_bytes(source))
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise CellError(_("This is not a readable .xlsx file (%(e)s).") % {"e": exc}) from exc
    sheet = workbook.worksheets[0]
    estimate = max((sheet.max_row or 1) - 1, 0)
    it = sheet.iter_rows(values_only=True)
    first = next(it, ())
    header = ["" if h is None else str(h).strip() for h in first]
    while header and header[-1] == "":
        header.pop()

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        yield from enumerate(it, start=2)
        workbook.close()

    return Table(header, rows(), estimate)


def csv_chunks(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    """The CSV file as UTF-8 (with BOM, so Excel shows the Chinese) in chunks, for streaming."""
    return spreadsheets.csv_chunks(itertools.chain([header], rows))


NUMBER_FORMATS = {"money": "0.00", "date": "yyyy-mm-dd"}


def write_xlsx(
    target: str | Path | IO[bytes],
    header: list[str],
    columns: Sequence[Column],
    rows: Iterable[list[Cell]],
    title: str,
) -> None:
    """openpyxl write-only mode: rows go to disk as they come, memory stays flat."""
    book = spreadsheets.new_workbook(write_only=True)
    sheet = book.sheet(title)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(col.cell) for col in columns]
    for row in rows:
        if len(row) != len(formats):
            raise ValueError("a row does not match the columns")
        sheet.append([None if value == "" else value for value in row], formats)
    book.save(target)
