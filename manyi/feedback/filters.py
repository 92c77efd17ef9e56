"""One filter set for the register book page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from manyi.common.inputs import parse_id

from .models import FeedbackChannel, FeedbackKind, FeedbackStatus

FEEDBACK_SORTS = {
    "received": "received_at",
    "-received": "-received_at",
    "number": "number",
    "-number": "-number",
    "due": "due_at",
    "-due": "-due_at",
}


def _as_int(params: Any, name: str) -> int | None:
    return parse_id(params.get(name))


def _as_bool(params: Any, name: str) -> bool | None:
    value = str(params.get(name) or "").lower()
    return {"1": True, "true": True, "yes": True, "0": False, "false": False}.get(value)


def _as_date(params: Any, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(params.get(name) or ""))
    except ValueError:
        return None


def _choice(params: Any, name: str, choices: Any) -> str:
    value = str(params.get(name) or "")
    return value if value in choices.values else ""


def local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


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
        sort = str(params.get("sort") or "-received")
        return cls(
            q=str(params.get("q") or "").strip(),
            kind=_choice(params, "kind", FeedbackKind),
            channel=_choice(params, "channel", FeedbackChannel),
            status=_choice(params, "status", FeedbackStatus),
            department=_as_int(params, "department"),
            customer=_as_int(params, "customer"),
            date_from=_as_date(params, "date_from"),
            date_to=_as_date(params, "date_to"),
            overdue=bool(_as_bool(params, "overdue")),
            archived=bool(_as_bool(params, "archived")),
            sort=sort if sort in FEEDBACK_SORTS else "-received",
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
            qs = qs.filter(received_at__gte=local_day_start(self.date_from))
        if self.date_to:
            qs = qs.filter(received_at__lt=local_day_start(self.date_to + dt.timedelta(days=1)))
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

        return cls(
            q=str(params.get("q") or "").strip(),
            aspect=_choice(params, "aspect", PraiseAspect),
            department=_as_int(params, "department"),
            date_from=_as_date(params, "date_from"),
            date_to=_as_date(params, "date_to"),
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
            qs = qs.filter(issued_at__gte=local_day_start(self.date_from))
        if self.date_to:
            qs = qs.filter(issued_at__lt=local_day_start(self.date_to + dt.timedelta(days=1)))
        return qs.order_by("-issued_at", "-id")
