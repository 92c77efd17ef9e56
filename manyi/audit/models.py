"""Audit trail of every quality record, and retention periods per record type."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    BULK_UPDATE = "bulk_update", _("changed in bulk")
    IMPORT = "import", _("imported")
    ARCHIVE = "archive", _("archived")
    RESTORE = "restore", _("restored")
    PURGE = "purge", _("purged after retention")


class AuditEntry(models.Model):
    """One change of one record: field → [old, new], who, when (审核追踪)."""

    # looked up by (content_type, object_id): the composite index below serves both
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    batch = models.CharField(_("batch"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            models.Index(fields=["batch"], name="audit_entry_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.action} {self.at:%Y-%m-%d %H:%M}"


class RetentionPolicy(models.Model):
    """How long records of one type are kept after archiving (记录保存期限, 004 §10: ≥ 2 years)."""

    content_type = models.OneToOneField(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE
    )
    years = models.PositiveSmallIntegerField(_("retention years"), default=2)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.content_type}: {self.years}"
