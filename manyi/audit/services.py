"""Writing the audit trail. Services call these explicitly (no signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from manyi.accounts.types import Actor

from .models import AuditAction, AuditEntry

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return str(value)


def snapshot(instance: models.Model, *, m2m: Iterable[str] = ()) -> Snapshot:
    """Field values of a record as JSON-able plain values (foreign keys by their name)."""
    ignore: frozenset[str] = getattr(instance, "AUDIT_IGNORE", frozenset())
    data: Snapshot = {}
    for field in instance._meta.concrete_fields:
        if field.name in ignore:
            continue
        if isinstance(field, models.ForeignKey):
            related_id = getattr(instance, field.attname)
            data[field.name] = None if related_id is None else str(getattr(instance, field.name))
        elif isinstance(field, models.DecimalField) and isinstance(
            getattr(instance, field.attname), Decimal
        ):
            value = getattr(instance, field.attname)
            data[field.name] = f"{value:.{field.decimal_places}f}"
        else:
            data[field.name] = _plain(getattr(instance, field.attname))
    for name in m2m:
        if instance.pk:
            data[name] = _plain(list(getattr(instance, name).all()))
    return data


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in after
        if before.get(key) != after.get(key)
    }


def audit_entry(
    *,
    instance: models.Model,
    action: str,
    actor: Actor,
    changes: Mapping[str, Any] | None = None,
    batch: str = "",
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(**_entry_kwargs(instance, action, actor, changes, batch, note))


def audit_entry_build(
    *,
    instance: models.Model,
    action: str,
    actor: Actor,
    changes: Mapping[str, Any] | None = None,
    batch: str = "",
    note: str = "",
) -> AuditEntry:
    """The entry audit_entry would write, unsaved (for a writer that inserts it itself, e.g.
    in the same statement as a record that has no id yet)."""
    return AuditEntry(**_entry_kwargs(instance, action, actor, changes, batch, note))


def _entry_kwargs(
    instance: models.Model,
    action: str,
    actor: Actor,
    changes: Mapping[str, Any] | None,
    batch: str,
    note: str,
) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(instance),
        "object_id": str(instance.pk),
        "object_repr": str(instance)[:300],
        "action": action,
        "changes": dict(changes or {}),
        "actor": actor if getattr(actor, "pk", None) else None,
        "batch": batch,
        "note": note[:300],
    }


def audit_entries_bulk(
    entries: Iterable[tuple[models.Model, str, Mapping[str, Any] | None]],
    *,
    actor: Actor,
    batch: str = "",
    note: str = "",
) -> int:
    """Write many entries at once (imports, bulk changes)."""
    rows = [
        AuditEntry(**_entry_kwargs(instance, action, actor, changes, batch, note))
        for instance, action, changes in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def history_for(instance: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")


__all__ = [
    "AuditAction",
    "audit_entries_bulk",
    "audit_entry",
    "audit_entry_build",
    "diff",
    "history_for",
    "snapshot",
]
