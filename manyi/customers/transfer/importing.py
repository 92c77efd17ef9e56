"""The import engine: read → parse every cell → check across rows → write in batches.

Nothing is written before every row is checked, so a file with a bad row imports nothing
(unless skip_bad_rows). The writes run in one transaction: bulk_create / bulk_update in
batches, audit entries in bulk sharing one batch id, lookups from dicts (no query per row).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import require
from manyi.accounts.types import Actor, stored_user
from manyi.audit.services import AuditAction, audit_entries_bulk

from .columns import KEEP, CellError, Column
from .files import Source, Table, format_of, read_table
from .lookups import Lookups
from .report import ImportReport, RowError
from .specs import Spec, spec_for

BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)

    def error(self, col: Column | None, reason: str) -> None:
        self.errors.append(
            RowError(self.number, col.label if col else "", col.key if col else "", reason)
        )


def map_header(
    header: Sequence[str], spec: Spec
) -> tuple[list[tuple[int, Column]], list[RowError]]:
    """Which file column is which spec column: Chinese label or English key, any case."""
    names: dict[str, Column] = {}
    for col in spec.columns:
        names[col.label.lower()] = col
        names[col.key.lower()] = col
    mapping: list[tuple[int, Column]] = []
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        match = names.get(name.lower())
        if match is None:
            unknown.append(name)
        elif match.key in seen:
            errors.append(RowError(1, name, match.key, _("this column appears twice")))
        else:
            seen[match.key] = name
            mapping.append((index, match))
    if unknown:
        errors.append(
            RowError(1, ", ".join(unknown), "", _("unknown columns: %(names)s") % {
                "names": ", ".join(unknown)
            })
        )
    for col in spec.columns:
        if col.required and col.key not in seen:
            errors.append(RowError(1, col.label, col.key, _("this required column is missing")))
    return mapping, errors


class _Ticker:
    """Progress: reading and checking is the first half, writing the second half."""

    def __init__(self, callback: Progress | None, estimate: int) -> None:
        self.callback = callback
        self.total = estimate
        self.read = 0
        self.saved = 0
        self._last = 0

    def _emit(self, force: bool = False) -> None:
        done = (self.read + self.saved) // 2
        if self.callback and (force or done - self._last >= BATCH):
            self._last = done
            self.callback(min(done, self.total) if self.total else done, self.total)

    def reading(self) -> None:
        self.read += 1
        self._emit()

    def read_done(self, rows: int) -> None:
        self.total = self.read = rows
        self._emit(force=True)

    def saving(self, n: int) -> None:
        self.saved += n
        self._emit()

    def finish(self) -> None:
        self.read = self.saved = self.total
        self._emit(force=True)


def _chunks(rows: Sequence[ParsedRow], size: int = BATCH) -> Iterator[Sequence[ParsedRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class KindImport:
    """Shared write logic; the kinds add their cross-row checks and natural keys."""

    def __init__(self, spec: Spec, lk: Lookups, actor: Actor, present: Sequence[Column]) -> None:
        self.spec = spec
        self.lk = lk
        self.actor = actor
        self.user = stored_user(actor)
        self.present = list(present)
        self.present_keys = {col.key for col in present}

    # --- overridden by the kinds -------------------------------------------------------
    def check(self, rows: list[ParsedRow]) -> None:
        """Checks across rows (duplicates, references, scope); add errors to the rows."""

    def key(self, row: ParsedRow) -> Any:
        raise NotImplementedError

    def instance_key(self, instance: Any) -> Any:
        raise NotImplementedError

    def existing(self, chunk: Sequence[ParsedRow]) -> models.QuerySet[Any]:
        raise NotImplementedError

    def order(self, rows: list[ParsedRow]) -> list[list[ParsedRow]]:
        """Groups of rows written one after the other (a later group may refer to an
        earlier one)."""
        return [rows]

    def resolve(self, row: ParsedRow, col: Column, value: Any) -> Any:
        return value

    def after_create(self, created: list[tuple[ParsedRow, Any]]) -> None:
        pass

    def old_m2m(self, pks: list[int]) -> dict[int, frozenset[int]]:
        return {}

    def set_m2m(self, items: list[tuple[Any, frozenset[int]]], replace: bool) -> None:
        pass

    # --- shared ----------------------------------------------------------------------
    def duplicates(self, rows: list[ParsedRow], col: Column, what: str) -> None:
        """A natural key twice in the file: the later rows are bad."""
        first: dict[Any, int] = {}
        for row in rows:
            if row.errors:
                continue
            key = self.key(row)
            if key in first:
                shown = key[-1] if isinstance(key, tuple) else key
                row.error(
                    col,
                    _("duplicate %(what)s %(value)s (also in row %(row)s)")
                    % {"what": what, "value": shown, "row": first[key]},
                )
            else:
                first[key] = row.number

    def save(self, rows: list[ParsedRow], report: ImportReport, tick: _Ticker, note: str) -> None:
        for group in self.order(rows):
            for chunk in _chunks(group):
                self._save_chunk(chunk, report, note)
                tick.saving(len(chunk))

    def _value(self, row: ParsedRow, col: Column) -> Any:
        return self.resolve(row, col, row.values[col.key])

    def _save_chunk(self, chunk: Sequence[ParsedRow], report: ImportReport, note: str) -> None:
        model = self.spec.model
        now = timezone.now()
        found = {self.instance_key(obj): obj for obj in self.existing(chunk)}
        old_m2m = self.old_m2m([obj.pk for obj in found.values()])
        creates: list[tuple[ParsedRow, Any]] = []
        updates: list[tuple[Any, dict[str, list[Any]]]] = []
        new_m2m: list[tuple[Any, frozenset[int]]] = []
        changed_m2m: list[tuple[Any, frozenset[int]]] = []
        changed_fields: set[str] = set()
        for row in chunk:
            obj = found.get(self.key(row))
            if obj is None:
                obj = self._new_record(row, now, new_m2m)
                creates.append((row, obj))
                continue
            changes = self._apply_row(obj, row, old_m2m.get(obj.pk, frozenset()), changed_m2m,
                                      changed_fields)
            if not changes:
                report.unchanged += 1
                continue
            obj.version += 1
            obj.changed_by = self.user
            obj.changed_at = now
            updates.append((obj, changes))

        entries: list[tuple[models.Model, str, dict[str, Any] | None]] = []
        if creates:
            model.objects.bulk_create([obj for _row, obj in creates])
            self.after_create(creates)
            self.set_m2m(new_m2m, replace=False)
            m2m_of = {id(obj): value for obj, value in new_m2m}
            for _row, obj in creates:
                entries.append((obj, AuditAction.IMPORT, self._created_changes(obj, m2m_of)))
            report.created += len(creates)
        if updates:
            model.objects.bulk_update(
                [obj for obj, _c in updates],
                [*sorted(changed_fields), "version", "changed_by", "changed_at"],
            )
            self.set_m2m(changed_m2m, replace=True)
            entries.extend((obj, AuditAction.UPDATE, changes) for obj, changes in updates)
            report.updated += len(updates)
        audit_entries_bulk(entries, actor=self.actor, batch=report.batch, note=note)

    def _new_record(self, row: ParsedRow, now: Any, new_m2m: list[tuple[Any, frozenset[int]]]
                    ) -> Any:
        """An unsaved record from an import row; its many-to-many values go to `new_m2m`."""
        obj = self.spec.model()
        for col in self.present:
            value = self._value(row, col)
            if col.m2m:
                new_m2m.append((obj, value))
            elif value is not KEEP:
                setattr(obj, col.attname, value)
        obj.created_by = obj.changed_by = self.user
        obj.created_at = obj.changed_at = now
        return obj

    def _apply_row(self, obj: Any, row: ParsedRow, old_m2m: frozenset[int],
                   changed_m2m: list[tuple[Any, frozenset[int]]], changed_fields: set[str]
                   ) -> dict[str, list[Any]]:
        """Set the row's values on an existing record; {column: [old, new]} of what changed
        (many-to-many changes go to `changed_m2m`, changed columns to `changed_fields`)."""
        changes: dict[str, list[Any]] = {}
        for col in self.present:
            value = self._value(row, col)
            if value is KEEP:
                continue
            old = old_m2m if col.m2m else getattr(obj, col.attname)
            if old == value:
                continue
            changes[col.key] = [col.plain(old, self.lk), col.plain(value, self.lk)]
            if col.m2m:
                changed_m2m.append((obj, value))
            else:
                setattr(obj, col.attname, value)
                changed_fields.add(col.attname)
        return changes

    def _created_changes(self, obj: Any, m2m_of: dict[int, frozenset[int]]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for col in self.spec.columns:
            if col.m2m:
                if id(obj) not in m2m_of:
                    continue
                value = col.plain(m2m_of[id(obj)], self.lk)
            else:
                raw = getattr(obj, col.attname)
                value = None if raw is None else col.plain(raw, self.lk)
            if value not in (None, "", []):
                changes[col.key] = [None, value]
        return changes


def import_file(
    kind: str,
    source: Source,
    *,
    actor: Actor,
    skip_bad_rows: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a .xlsx/.csv file of `kind` (customers, contacts, orders).

    `source` is a path or a binary file; the format comes from the extension of `name`
    (or of the path). actor None = the system. Returns the report; when it has errors and
    skip_bad_rows is False, nothing was written.
    """
    from .kinds import HANDLERS

    require(actor, "customer.import")
    spec = spec_for(kind)
    report = ImportReport(kind=kind, batch=uuid.uuid4().hex)
    file_name = name or (str(source) if isinstance(source, str | Path) else "")
    try:
        table: Table = read_table(source, format_of(file_name))
    except (CellError, OSError) as exc:
        reason = exc.reason if isinstance(exc, CellError) else str(exc)
        report.errors.append(RowError(1, "", "", reason))
        return report
    mapping, header_errors = map_header(table.header, spec)
    if header_errors:
        report.errors.extend(header_errors)
        return report
    lk = Lookups(kind, actor)
    handler = HANDLERS[kind](spec, lk, actor, [col for _i, col in mapping])
    tick = _Ticker(progress, table.estimated_rows)
    rows = list(_parse(table, mapping, lk, tick))
    report.rows = len(rows)
    tick.read_done(len(rows))
    handler.check(rows)
    report.errors = [e for row in rows for e in row.errors]
    if report.errors and not skip_bad_rows:
        tick.finish()
        return report
    good = [row for row in rows if not row.errors]
    note = _("import of %(file)s") % {"file": Path(file_name).name}
    with transaction.atomic():
        _sqlite_cache()
        handler.save(good, report, tick, note[:300])
    report.imported = True
    tick.finish()
    return report


def _sqlite_cache() -> None:
    """A larger page cache for this connection: the indexes of a big table stay in memory
    (SQLite's default is 2 MB). No effect on other databases."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")  # KiB: 128 MB


def _parse(
    table: Table, mapping: list[tuple[int, Column]], lk: Lookups, tick: _Ticker
) -> Iterable[ParsedRow]:
    rows, number = iter(table.rows), 1
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over the csv module's 128 KB field limit
            row = ParsedRow(number + 1, {})
            row.error(None, _("This line cannot be read (%(error)s); the lines after it were "
                              "not read either.") % {"error": exc})
            yield row
            return
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue  # blank line
        row = ParsedRow(number, {})
        for index, col in mapping:
            raw = cells[index] if index < len(cells) else None
            try:
                row.values[col.key] = col.parse(raw, lk)
            except CellError as exc:
                row.error(col, exc.reason)
        tick.reading()
        yield row
