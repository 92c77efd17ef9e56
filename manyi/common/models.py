"""The base of every quality record: who/when, optimistic version, archive instead of delete."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordProtectedError(Exception):
    """Raised when code tries to hard-delete a quality record."""


class QualityRecordQuerySet(models.QuerySet[Any]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise RecordProtectedError(
            "Quality records are archived, not deleted (use the archive service)."
        )

    def active(self) -> QualityRecordQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> QualityRecordQuerySet:
        return self.filter(archived_at__isnull=False)


class QualityRecord(models.Model):
    """Abstract base: created/changed by and when, a version for stale-save detection,
    and archiving. Rows are never deleted while their retention period runs."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = QualityRecordQuerySet.as_manager()

    # Fields that are bookkeeping, not content: never listed in the audit trail as changes.
    AUDIT_IGNORE: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "created_by", "changed_at", "changed_by", "version", "id"}
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordProtectedError(
            "Quality records are archived, not deleted (use the archive service)."
        )


class ScheduledRun(models.Model):
    """One slot of a periodic job: the unique (key, slot) makes the scheduler idempotent —
    however many schedulers run, or however often one restarts, a slot is enqueued once."""

    key = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["key", "slot"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.key}#{self.slot}"
