"""The one writer layer for every .xlsx and .csv Manyi writes: cells carry data, never formulas.

Text that a spreadsheet would run as a formula (OWASP "CSV injection", ASVS 1.2.10, CWE-1236)
is written as text:

- .csv: a leading apostrophe, which Excel and WPS show as "this is text" and do not display;
  the customer importer takes it off again (`csv_unguard`), so an export imports unchanged.
- .xlsx: a string cell (data type "s", never "f") with the quote-prefix style, so the text is
  stored as typed and stays text even when someone edits the cell.

Risky first characters: = @ tab CR LF NUL and the fullwidth ＝ ＠ (Excel and WPS with an East
Asian input method turn them into formulas); + - ＋ － unless the rest is only digits,
spaces, brackets, dots, commas and minus signs: numbers (-3.5), phone numbers (+86 21 …) cannot
call a function or reference a cell and stay as they are. Numbers, dates and booleans are
written as such, never quoted.

Modules write spreadsheets only through this module (`new_workbook`, `Sheet`, `csv_chunks`,
`write_csv`, `xlsx_response`, `csv_response`); tests/test_export_formulas.py checks the
source for direct writers and walks every export view (marked `@spreadsheet_export`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar, overload

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_ALWAYS = frozenset("=@\t\r\n\0＝＠")
_SIGNS = frozenset("+-＋－")
_NUMBER_LIKE = re.compile(r"[\d\s().,\-－]*")
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

F = TypeVar("F", bound=Callable[..., Any])


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula?"""
    first = text[:1]
    if first in _ALWAYS:
        return True
    return first in _SIGNS and not _NUMBER_LIKE.fullmatch(text, 1)


# --- .csv -------------------------------------------------------------------------------------


def csv_text(value: object) -> str:
    """One cell as CSV text: formula-like text behind an apostrophe, numbers and dates plain.

    Text that already starts with apostrophes before a formula gets one more, so that
    `csv_unguard` gives back exactly what was written.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if is_formula_like(value.lstrip("'")) else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return csv_text(str(value))


def csv_unguard(text: str) -> str:
    """Undo `csv_text`'s apostrophe (for importers reading Manyi's own files)."""
    if text.startswith("'") and is_formula_like(text[1:].lstrip("'")):
        return text[1:]
    return text


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> int:
        self.value = text
        return len(text)


def csv_chunks(rows: Iterable[Iterable[object]], *, rows_per_chunk: int = 1000) -> Iterator[bytes]:
    """The CSV file as UTF-8 with BOM (so Excel shows the Chinese), in chunks for streaming."""
    line = _Line()
    writer = csv.writer(line)
    buffer = ["\ufeff"]
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
        buffer.append(line.value)
        if len(buffer) >= rows_per_chunk:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    yield "".join(buffer).encode("utf-8")


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    return b"".join(csv_chunks(rows))


def write_csv(target: str | Path | IO[bytes], rows: Iterable[Iterable[object]]) -> None:
    """Write the CSV file to a path or a binary file."""
    if isinstance(target, str | Path):
        with open(target, "wb") as out:
            write_csv(out, rows)
        return
    for chunk in csv_chunks(rows):
        target.write(chunk)


# --- .xlsx ------------------------------------------------------------------------------------


def sheet_title(text: str, default: str = "sheet") -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    return _TITLE_BAD.sub("-", text)[:31] or default


class Sheet:
    """A worksheet whose cell writes all pass through the guard.

    Everything else (styles, widths, freeze panes, reading cells) goes to the openpyxl
    worksheet unchanged.
    """

    def __init__(self, worksheet: Any) -> None:
        object.__setattr__(self, "_ws", worksheet)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ws, name, value)

    def __getitem__(self, key: Any) -> Any:
        return self._ws[key]

    def __setitem__(self, key: str, value: object) -> None:
        self.cell_at(self._ws[key].row, self._ws[key].column, value)

    def _value(self, value: object, number_format: str | None = None) -> Any:
        guard = False
        if value is None:
            return None
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl refuses control characters
            guard = is_formula_like(text)
            value = text
        elif not isinstance(
            value, int | float | Decimal | dt.date | dt.time | dt.timedelta
        ):
            return self._value(str(value), number_format)
        if not guard and number_format is None:
            return value
        cell = WriteOnlyCell(self._ws, value=value)
        if guard:
            cell.data_type = "s"  # text, never a formula
            cell.quotePrefix = True
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def append(
        self, values: Iterable[object], formats: Sequence[str | None] | None = None
    ) -> None:
        """One row; `formats[i]` is the number format of column i (None: general)."""
        if formats is None:
            self._ws.append([self._value(v) for v in values])
        else:
            self._ws.append(
                [self._value(v, f) for v, f in zip(values, formats, strict=False)]
            )

    def cell_at(self, row: int, column: int, value: object) -> Any:
        """Write one cell (normal workbooks only) and return it."""
        cell = self._ws.cell(row=row, column=column)
        made = self._value(value)
        if hasattr(made, "data_type"):
            cell.value = made.value
            cell.data_type = made.data_type
            cell.quotePrefix = made.quotePrefix
        else:
            cell.value = made
        return cell


class Book:
    """An openpyxl workbook that hands out guarded sheets."""

    def __init__(self, write_only: bool = False) -> None:
        self.workbook = Workbook(write_only=write_only)
        self._default = None if write_only else self.workbook.active

    def sheet(self, title: str) -> Sheet:
        """A new worksheet (the workbook's empty first sheet is used for the first one)."""
        title = sheet_title(title)
        if self._default is not None:
            ws = self._default
            ws.title = title
            self._default = None
        else:
            ws = self.workbook.create_sheet(title=title)
        return Sheet(ws)

    def save(self, target: str | Path | IO[bytes]) -> None:
        self.workbook.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def new_workbook(*, write_only: bool = False) -> Book:
    """A workbook; write_only streams rows to disk (large exports, flat memory)."""
    return Book(write_only=write_only)


# --- responses --------------------------------------------------------------------------------


def spreadsheet_export(view: F) -> F:
    """Mark a view that returns a spreadsheet: tests/test_export_formulas.py walks them all."""
    view.spreadsheet_export = True  # type: ignore[attr-defined]
    return view


@overload
def xlsx_response(content: bytes, filename: str) -> HttpResponse: ...
@overload
def xlsx_response(content: IO[bytes], filename: str) -> FileResponse: ...
def xlsx_response(content: bytes | IO[bytes], filename: str) -> HttpResponse | FileResponse:
    """The workbook as a download (a binary file is streamed and closed by the response)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return FileResponse(
        content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


@overload
def csv_response(content: bytes, filename: str) -> HttpResponse: ...
@overload
def csv_response(content: Iterable[bytes], filename: str) -> StreamingHttpResponse: ...
def csv_response(
    content: bytes | Iterable[bytes], filename: str
) -> HttpResponse | StreamingHttpResponse:
    """The CSV file as a download; chunks (from `csv_chunks`) are streamed."""
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
