"""Reads for the register book, the praise list and the API — scoped, no N+1."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.audit.services import history_for

from .filters import FeedbackFilter, PraiseFilter
from .models import FeedbackEntry, FeedbackStatus, PraiseNotice

ENTRY_RELATED = (
    "customer",
    "contact",
    "recorded_by",
    "assigned_department",
    "assigned_to",
    "answered_by",
)


def entry_list(*, user: Viewer, filters: FeedbackFilter | None = None) -> QuerySet[FeedbackEntry]:
    qs = scope_queryset(
        FeedbackEntry.objects.select_related(*ENTRY_RELATED), user, "feedback.view"
    )
    return (filters or FeedbackFilter()).apply(qs)


def entry_get(*, user: Viewer, pk: int) -> FeedbackEntry:
    """The entry if `user` may see it, else FeedbackEntry.DoesNotExist (→ 404)."""
    qs = scope_queryset(
        FeedbackEntry.objects.select_related(*ENTRY_RELATED), user, "feedback.view"
    )
    return qs.get(pk=pk)


def entry_history(*, entry: FeedbackEntry) -> Any:
    return history_for(entry)[:200]


def register_figures(*, user: Viewer) -> dict[str, int]:
    """Counts for the head of the register book (one aggregate query)."""
    qs = scope_queryset(FeedbackEntry.objects.active(), user, "feedback.view")
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=FeedbackStatus.OPEN)),
        overdue=Count(
            "id", filter=Q(status=FeedbackStatus.OPEN, due_at__lt=timezone.now())
        ),
        handed_over=Count("id", filter=Q(status=FeedbackStatus.HANDED_OVER)),
    )


def praise_list(*, user: Viewer, filters: PraiseFilter | None = None) -> QuerySet[PraiseNotice]:
    qs = scope_queryset(
        PraiseNotice.objects.select_related(
            "customer", "department", "person", "issued_by", "entry"
        ),
        user,
        "feedback.view",
    )
    return (filters or PraiseFilter()).apply(qs)


def praise_get(*, user: Viewer, pk: int) -> PraiseNotice:
    qs = scope_queryset(
        PraiseNotice.objects.select_related(
            "customer", "department", "person", "issued_by", "entry"
        ),
        user,
        "feedback.view",
    )
    return qs.get(pk=pk)
