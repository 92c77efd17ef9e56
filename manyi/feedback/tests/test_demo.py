"""Demo data of the register: realistic mix, open and overdue entries near the anchor date,
deterministic for a seed and anchor date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from manyi.feedback.demo import demo_build
from manyi.feedback.models import FeedbackEntry, FeedbackStatus, PraiseNotice

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _rows() -> list[tuple]:
    return sorted(
        FeedbackEntry.objects.values_list(
            "number", "received_at", "customer__code", "contact__name", "contact_name",
            "channel", "kind", "status", "subject", "assigned_department__code", "due_at",
            "answered_at", "recorded_by__username",
        )
    ) + sorted(PraiseNotice.objects.values_list("number", "entry__number", "aspect",
                                                "department__code", "issued_at"))


def test_demo_register(reference_data) -> None:
    from manyi.demo.build import build_demo

    today = timezone.localdate()
    build_demo(seed=7, today=today, scale="tiny", include_apps=False)
    try:
        with transaction.atomic():
            counts = demo_build(seed=7, today=today, scale="tiny")
            first = _rows()
            raise _Rollback
    except _Rollback:
        pass
    assert not FeedbackEntry.objects.exists()
    again = demo_build(seed=7, today=today, scale="tiny")
    assert again == counts and _rows() == first
    assert counts["feedback_entries"] == FeedbackEntry.objects.count() == 80
    assert counts["praise_notices"] == PraiseNotice.objects.count() > 0
    statuses = set(FeedbackEntry.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in FeedbackStatus}
    assert len(set(FeedbackEntry.objects.values_list("channel", flat=True))) >= 8
    assert FeedbackEntry.objects.filter(customer__isnull=True).exists()
    oldest = FeedbackEntry.objects.order_by("received_at").first()
    assert oldest is not None
    assert timezone.localtime(oldest.received_at).date() >= today - dt.timedelta(days=730)
    assert not FeedbackEntry.objects.filter(received_at__gt=timezone.now()).exists()
    open_entries = FeedbackEntry.objects.filter(status=FeedbackStatus.OPEN)
    assert all(e.due_at and e.assigned_department_id for e in open_entries)
    assert FeedbackEntry.objects.filter(answered_at__gt=timezone.now()).count() == 0


def test_demo_without_customers_or_users_does_nothing(db) -> None:
    assert demo_build(seed=1, today=timezone.localdate(), scale="tiny") == {
        "feedback_entries": 0, "praise_notices": 0}
