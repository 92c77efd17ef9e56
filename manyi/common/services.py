"""Generic writes for quality records: create, update over a known version, archive, restore.

Domain services (customers.services, …) call these after their own permission checks, so
every record type gets the same audit trail and the same stale-save protection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor, stored_user
from manyi.audit.services import AuditAction, audit_entry, diff, snapshot

from .models import QualityRecord

R = TypeVar("R", bound=QualityRecord)


class StaleRecordError(Exception):
    """Somebody else saved the record after this copy was loaded."""

    def __init__(self, instance: QualityRecord, expected: int, current: int) -> None:
        self.instance = instance
        self.expected = expected
        self.current = current
        super().__init__(
            _(
                "This record was changed by someone else (version %(current)s, you edited "
                "version %(expected)s). Your changes were not saved: reload the page, check "
                "their changes and edit again."
            )
            % {"current": current, "expected": expected}
        )


def record_create(
    model: type[R],
    *,
    actor: Actor,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    note: str = "",
) -> R:
    now = timezone.now()
    with transaction.atomic():
        instance = model(**fields)
        instance.created_by = instance.changed_by = stored_user(actor)
        instance.created_at = instance.changed_at = now
        instance.full_clean()
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        after = snapshot(instance, m2m=(m2m or {}).keys())
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
        audit_entry(
            instance=instance, action=AuditAction.CREATE, actor=actor, changes=changes, note=note
        )
    return instance


def record_update(
    instance: R,
    *,
    actor: Actor,
    fields: Mapping[str, Any],
    expected_version: int | None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    note: str = "",
) -> R:
    """Apply `fields` to the record if nobody saved it since `expected_version` was read.

    The version check and bump is one conditional UPDATE, so two concurrent saves of the
    same version cannot both succeed on SQLite or PostgreSQL.
    """
    model = type(instance)
    m2m = m2m or {}
    with transaction.atomic():
        fresh = model.objects.get(pk=instance.pk)
        before = snapshot(fresh, m2m=m2m.keys())
        current = fresh.version
        expected = current if expected_version is None else expected_version
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.full_clean()
        after_fields = snapshot(fresh)
        bumped = model.objects.filter(pk=fresh.pk, version=expected).update(version=expected + 1)
        if not bumped:
            raise StaleRecordError(instance, expected, current)
        fresh.version = expected + 1
        fresh.changed_by = stored_user(actor)
        fresh.changed_at = timezone.now()
        fresh.save()
        for name, values in m2m.items():
            getattr(fresh, name).set(values)
        after = {**after_fields, **snapshot(fresh, m2m=m2m.keys())}
        changes = diff(before, after)
        if changes:
            audit_entry(
                instance=fresh,
                action=AuditAction.UPDATE,
                actor=actor,
                changes=changes,
                note=note,
            )
    return fresh


def record_archive(instance: R, *, actor: Actor, reason: str = "") -> R:
    if instance.archived_at is not None:
        raise ValidationError(_("This record is already archived."))
    with transaction.atomic():
        now = timezone.now()
        model = type(instance)
        model.objects.filter(pk=instance.pk).update(
            archived_at=now,
            archived_by=stored_user(actor),
            changed_at=now,
            changed_by=stored_user(actor),
            version=models.F("version") + 1,
        )
        instance.refresh_from_db()
        audit_entry(
            instance=instance,
            action=AuditAction.ARCHIVE,
            actor=actor,
            changes={"archived_at": [None, now.isoformat()]},
            note=reason,
        )
    return instance


def record_restore(instance: R, *, actor: Actor) -> R:
    if instance.archived_at is None:
        raise ValidationError(_("This record is not archived."))
    with transaction.atomic():
        old = instance.archived_at
        now = timezone.now()
        type(instance).objects.filter(pk=instance.pk).update(
            archived_at=None,
            archived_by=None,
            changed_at=now,
            changed_by=stored_user(actor),
            version=models.F("version") + 1,
        )
        instance.refresh_from_db()
        audit_entry(
            instance=instance,
            action=AuditAction.RESTORE,
            actor=actor,
            changes={"archived_at": [old.isoformat(), None]},
        )
    return instance


def records_bulk_update(
    instances: Iterable[R],
    *,
    actor: Actor,
    fields: Mapping[str, Any],
    note: str = "",
) -> int:
    """Set the same fields on many records at once; every record gets its own audit entry
    (action "changed in bulk") sharing one batch id, and its version is bumped."""
    import uuid

    from manyi.audit.services import audit_entries_bulk

    batch = uuid.uuid4().hex
    items = list(instances)
    if not items:
        return 0
    model = type(items[0])
    now = timezone.now()
    entries: list[tuple[models.Model, str, Mapping[str, Any] | None]] = []
    with transaction.atomic():
        for instance in items:
            before = snapshot(instance)
            for name, value in fields.items():
                setattr(instance, name, value)
            instance.full_clean()
            changes = diff(before, snapshot(instance))
            instance.version += 1
            instance.changed_at = now
            instance.changed_by = stored_user(actor)
            if changes:
                entries.append((instance, AuditAction.BULK_UPDATE, changes))
        model.objects.bulk_update(
            items, [*fields.keys(), "version", "changed_at", "changed_by"], batch_size=1000
        )
        audit_entries_bulk(entries, actor=actor, batch=batch, note=note)
    return len(entries)


def retention_years_for(model: type[models.Model]) -> int:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from manyi.audit.models import RetentionPolicy

    policy = RetentionPolicy.objects.filter(
        content_type=ContentType.objects.get_for_model(model)
    ).first()
    return policy.years if policy else int(settings.MANYI_DEFAULT_RETENTION_YEARS)


def retention_ends(instance: QualityRecord) -> Any:
    """The moment the record may be purged: archived_at + retention years (None if active)."""
    if instance.archived_at is None:
        return None
    years = retention_years_for(type(instance))
    archived = instance.archived_at
    try:
        return archived.replace(year=archived.year + years)
    except ValueError:  # 29 February
        return archived.replace(year=archived.year + years, day=28)


def record_purge(instance: R, *, actor: Actor) -> None:
    """Remove a record for good, only once it is archived and its retention period is over."""
    ends = retention_ends(instance)
    if ends is None or ends > timezone.now():
        raise ValidationError(
            _("This record is within its retention period and cannot be deleted.")
        )
    with transaction.atomic():
        audit_entry(instance=instance, action=AuditAction.PURGE, actor=actor)
        models.QuerySet.delete(type(instance).objects.filter(pk=instance.pk))
