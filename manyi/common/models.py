"""The base of every quality record: who/when, optimistic version, archive instead of delete."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxValueValidator, MinValueValidator
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


class CompanyClosure(models.Model):
    """公司停工日: a day the company does not work although the statutory calendar says it is a
    working day (or, with `working=True`, a day it works although the calendar says it rests)."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(
        _("extra working day"),
        default=False,
        help_text=_("Tick for a day the company works although it is a holiday or weekend."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company closure / extra working day")
        verbose_name_plural = _("company calendar")
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class DeliveryState(models.TextChoices):
    IN_APP = "in_app", _("in the app only")
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed permanently")


class Message(models.Model):
    """Outbox and in-app notification (通知): one message to one user or e-mail address.

    `key` makes sending idempotent: a sweep that runs twice tries to create the same key and
    nothing is sent twice. A message to deliver is written as QUEUED in the caller's
    transaction; the task worker sends it through its channel (`common.channels`), retrying
    with back-off (`attempts`, `next_attempt_at`, `last_error`) until SENT or FAILED.
    """

    State = DeliveryState

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    to_email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, default="email")
    state = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.IN_APP
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_due")]

    def __str__(self) -> str:
        return self.subject


class Attachment(models.Model):
    """A document or photo attached to a record (receipts, photos of a defect…).

    Stored under a random name; the original name is kept only for display, so no path
    from the user ever reaches the file system."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("type"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("uploaded_at", "id")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordProtectedError("Attachments are evidence of quality records: never deleted.")


class WorkerHeartbeat(models.Model):
    """A task worker says it is alive: `manyi worker` writes its id, host, process id and the
    time every few seconds. A RUNNING task whose worker has no fresh heartbeat (or whose
    process is gone) was interrupted and is failed or retried (`common.workers`)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ("-seen_at",)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class NumberSequence(models.Model):
    """The last number given per numbering scope (complaints, claims, feedback…) and year.

    Numbers are gap-free: the counter is raised in the same transaction that saves the record
    (`manyi.common.numbering.next_number`), so a failed save gives its number back."""

    scope = models.CharField(_("numbering scope"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="common_number_scope_year")
        ]
        ordering = ("scope", "year")

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last}"


class DeadlineSetting(models.Model):
    """The company's own value of a deadline rule (`manyi.common.deadlines`), set in the admin;
    without a row the procedure's default applies."""

    key = models.CharField(_("rule"), max_length=80, unique=True)
    value = models.PositiveIntegerField(
        _("value"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline setting")
        verbose_name_plural = _("deadline settings")
        ordering = ("key",)

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class RecordLink(models.Model):
    """记录关联: one record opened from another (a complaint from a feedback entry, a claim, a
    corrective action from a complaint…), stored by `manyi.common.links.send`, so the source
    can show the target's number and state and the target where it came from."""

    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    kind = models.CharField(_("kind"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("record link")
        verbose_name_plural = _("record links")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id", "kind"],
                name="common_record_link_once",
            )
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="record_link_source"),
            models.Index(fields=["target_type", "target_id"], name="record_link_target"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.source_type_id}#{self.source_id} → "
            f"{self.target_type_id}#{self.target_id}"
        )


class RateCounter(models.Model):
    """A rate-limit counter shared by every server process (when no CACHE_URL is set): one row
    per counter and fixed time window (manyi.common.ratelimit)."""

    name = models.CharField(_("counter"), max_length=160)
    slot = models.BigIntegerField(_("time window"))
    hits = models.IntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="common_ratecounter_name_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}: {self.hits}"
