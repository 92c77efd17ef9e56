"""One filter set for the complaint list page and the API."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from manyi.common.filters import FilterParams, day_start

from .states import CLOSED_STATES, OPEN_STATES, TIMED_STATES

SORTS = {
    "-received": ("-received_at", "-id"),
    "received": ("received_at", "id"),
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "number": ("year", "sequence"),
    "-number": ("-year", "-sequence"),
}
# Pseudo-states for the filter: groups of states.
STATE_GROUPS = ("open", "closed")


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """'2026', '2026-Q3' or '2026-07' → (first day, day after the last)."""
    m = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|(\d{2})))?", period.strip())
    if not m:
        return None
    year = int(m.group(1))
    if not 1990 <= year <= 2200:
        return None
    if m.group(2):
        q = int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    elif m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            return None
        start = dt.date(year, month, 1)
        end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return start, end


@dataclass(frozen=True)
class ComplaintFilter:
    q: str = ""
    state: str = ""
    severity: str = ""
    channel: str = ""
    category: str = ""
    overdue: bool | None = None
    escalated: bool | None = None
    office: int | None = None
    customer: int | None = None
    period: str = ""
    date_from: str = ""
    date_to: str = ""
    archived: bool = False
    sort: str = "-received"

    @classmethod
    def from_params(cls, params: Any) -> ComplaintFilter:
        p = FilterParams(params, strip=True)
        period = p.raw("period")
        return cls(
            q=p.text("q", max_length=100),
            state=p.raw("state"),
            severity=p.raw("severity"),
            channel=p.raw("channel"),
            category=p.raw("category"),
            overdue=p.flag("overdue"),
            escalated=p.flag("escalated"),
            office=p.id("office"),
            customer=p.id("customer"),
            period=period if period_bounds(period) else "",
            date_from=p.iso_date("date_from"),
            date_to=p.iso_date("date_to"),
            archived=bool(p.flag("archived")),
            sort=p.sort("sort", SORTS, "-received"),
        )

    def apply(self, qs: QuerySet[Any], now: dt.datetime | None = None) -> QuerySet[Any]:
        now = now or timezone.now()
        qs = qs.filter(archived_at__isnull=not self.archived)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(customer__code__icontains=self.q)
                | Q(description__icontains=self.q)
                | Q(batch_number__icontains=self.q)
                | Q(product__model__icontains=self.q)
                | Q(product_model__icontains=self.q)
                | Q(contact_name__icontains=self.q)
            )
        if self.state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        elif self.state == "closed":
            qs = qs.filter(state__in=CLOSED_STATES)
        elif self.state:
            qs = qs.filter(state=self.state)
        for name, field in (
            ("severity", "severity"),
            ("channel", "channel"),
            ("category", "content_category"),
        ):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{field: value})
        overdue_q = Q(state__in=TIMED_STATES, due_at__lt=now)
        if self.overdue is True:
            qs = qs.filter(overdue_q)
        elif self.overdue is False:
            qs = qs.exclude(overdue_q)
        if self.escalated is not None:
            qs = qs.filter(escalated=self.escalated)
        if self.office is not None:
            qs = qs.filter(customer__branch_office_id=self.office)
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        bounds = period_bounds(self.period) if self.period else None
        if bounds:
            qs = qs.filter(
                received_at__gte=day_start(bounds[0]), received_at__lt=day_start(bounds[1])
            )
        if self.date_from:
            qs = qs.filter(received_at__gte=day_start(dt.date.fromisoformat(self.date_from)))
        if self.date_to:
            end = dt.date.fromisoformat(self.date_to) + dt.timedelta(days=1)
            qs = qs.filter(received_at__lt=day_start(end))
        return qs.order_by(*SORTS[self.sort])
