from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import deadlines
from .models import (
    CompanyClosure,
    DeadlineSetting,
    DeliveryState,
    Message,
    NumberSequence,
    WorkerHeartbeat,
)
from .notify import messages_retry


@admin.register(CompanyClosure)
class CompanyClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "working", "reason")
    list_filter = ("working",)
    date_hierarchy = "date"


class UnsentFilter(admin.SimpleListFilter):
    title = _("unsent")
    parameter_name = "unsent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("all", _("not sent yet (queued, sending or failed)")),
            ("failed", _("failed permanently")),
            ("retrying", _("failed at least once, still trying")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        unsent = (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.FAILED)
        if self.value() == "all":
            return queryset.filter(state__in=unsent)
        if self.value() == "failed":
            return queryset.filter(state=DeliveryState.FAILED)
        if self.value() == "retrying":
            return queryset.filter(state=DeliveryState.QUEUED).exclude(last_error="")
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits for another attempt and why."""

    list_display = ("created_at", "subject", "addressee", "channel", "state", "attempts",
                    "next_attempt_at", "error")
    list_filter = (UnsentFilter, "state", "channel")
    search_fields = ("subject", "to_email", "recipient__username", "key", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    actions = ("retry_now",)
    readonly_fields = ("key", "recipient", "to_email", "language", "subject", "body", "url",
                       "channel", "state", "attempts", "next_attempt_at", "last_error",
                       "created_at", "sent_at", "read_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("recipient"))
    def addressee(self, obj: Message) -> str:
        return obj.to_email or (str(obj.recipient) if obj.recipient else "")

    @admin.display(description=_("last error"))
    def error(self, obj: Message) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = messages_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(n)d message will be sent again now.",
                     "%(n)d messages will be sent again now.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "seen_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """The last number given per scope and year (read-only: the numbering service raises it)."""

    list_display = ("scope", "year", "last")
    list_filter = ("scope",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeadlineSettingForm(forms.ModelForm):
    """The company's value of one registered deadline rule, with the reason for the change."""

    key = forms.ChoiceField(label=_("rule"), choices=deadlines.choices)

    class Meta:
        model = DeadlineSetting
        fields = ("key", "value", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(admin.ModelAdmin):
    """期限设置: the company's values; the page lists every rule with its default, unit and
    seed section (admin/common/deadlinesetting/change_list.html)."""

    form = DeadlineSettingForm
    list_display = ("key", "rule_label", "value", "unit_label", "default", "source", "note")
    search_fields = ("key", "note")

    @admin.display(description=_("deadline"))
    def rule_label(self, obj: DeadlineSetting) -> str:
        rule = deadlines.RULES.get(obj.key)
        return "—" if rule is None else str(rule.label)

    @admin.display(description=_("unit"))
    def unit_label(self, obj: DeadlineSetting) -> str:
        rule = deadlines.RULES.get(obj.key)
        return "—" if rule is None else str(deadlines.UNIT_LABELS[rule.unit])

    @admin.display(description=_("default"))
    def default(self, obj: DeadlineSetting) -> str:
        rule = deadlines.RULES.get(obj.key)
        return "—" if rule is None else str(rule.default)

    @admin.display(description=_("seed section"))
    def source(self, obj: DeadlineSetting) -> str:
        rule = deadlines.RULES.get(obj.key)
        return "—" if rule is None else rule.source

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        values = deadlines.table()
        rows = [
            {
                "key": r.key,
                "label": r.label,
                "value": values[r.key],
                "default": r.default,
                "unit": deadlines.UNIT_LABELS[r.unit],
                "source": r.source,
                "description": r.description,
            }
            for r in deadlines.rules()
        ]
        return super().changelist_view(request, {**(extra_context or {}), "deadline_rules": rows})
