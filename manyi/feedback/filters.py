"""One filter set for the register book page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from manyi.common.filters import FilterParams, day_start

from .models import FeedbackChannel, FeedbackKind, FeedbackStatus

FEEDBACK_SORTS = {
    "received": "received_at",
    "-received": "-received_at",
    "number": "number",
    "-number": "-number",
    "due": "due_at",
    "-due": "-due_at",
}


@dataclass(frozen=True)
class FeedbackFilter:
    q: str = ""
    kind: str = ""
    channel: str = ""
    status: str = ""
    department: int | None = None
    customer: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    archived: bool = False
    sort: str = "-received"

    @classmethod
    def from_params(cls, params: Any) -> FeedbackFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            kind=p.choice("kind", FeedbackKind),
            channel=p.choice("channel", FeedbackChannel),
            status=p.choice("status", FeedbackStatus),
            department=p.id("department"),
            customer=p.id("customer"),
            date_from=p.date("date_from"),
            date_to=p.date("date_to"),
            overdue=bool(p.flag("overdue")),
            archived=bool(p.flag("archived")),
            sort=p.sort("sort", FEEDBACK_SORTS, "-received"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=not self.archived)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(subject__icontains=self.q)
                | Q(text__icontains=self.q)
                | Q(answer__icontains=self.q)
                | Q(contact_name__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(customer__code__icontains=self.q)
            )
        for name in ("kind", "channel", "status"):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{name: value})
        if self.department is not None:
            qs = qs.filter(assigned_department_id=self.department)
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        if self.date_from:
            qs = qs.filter(received_at__gte=day_start(self.date_from))
        if self.date_to:
            qs = qs.filter(received_at__lt=day_start(self.date_to + dt.timedelta(days=1)))
        if self.overdue:
            qs = qs.filter(status=FeedbackStatus.OPEN, due_at__lt=timezone.now())
        return qs.order_by(FEEDBACK_SORTS[self.sort], "-id")


@dataclass(frozen=True)
class PraiseFilter:
    q: str = ""
    aspect: str = ""
    department: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_params(cls, params: Any) -> PraiseFilter:
        from .models import PraiseAspect

        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            aspect=p.choice("aspect", PraiseAspect),
            department=p.id("department"),
            date_from=p.date("date_from"),
            date_to=p.date("date_to"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(text__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(person__last_name__icontains=self.q)
                | Q(person__username__icontains=self.q)
            )
        if self.aspect:
            qs = qs.filter(aspect=self.aspect)
        if self.department is not None:
            qs = qs.filter(department_id=self.department)
        if self.date_from:
            qs = qs.filter(issued_at__gte=day_start(self.date_from))
        if self.date_to:
            qs = qs.filter(issued_at__lt=day_start(self.date_to + dt.timedelta(days=1)))
        return qs.order_by("-issued_at", "-id")
