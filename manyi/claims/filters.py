"""One filter set for the claim list page and the API; the period of the quality-cost page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from manyi.common.filters import FilterParams

from .states import OPEN_STATES, ClaimState, Liability

CLAIM_SORTS = {
    "number": ("year", "sequence"),
    "-number": ("-year", "-sequence"),
    "received": ("received_on", "sequence"),
    "-received": ("-received_on", "-sequence"),
    "due": ("step_due_at", "sequence"),
    "-amount": ("-claimed_amount", "-sequence"),
}


@dataclass(frozen=True)
class ClaimFilter:
    q: str = ""
    state: str = ""  # a state, or "open"
    customer: int | None = None
    liability: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    archived: bool = False
    sort: str = "-received"

    @classmethod
    def from_params(cls, params: Any) -> ClaimFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            state=p.choice("state", {*ClaimState.values, "open"}),
            customer=p.id("customer"),
            liability=p.choice("liability", Liability),
            date_from=p.date("date_from"),
            date_to=p.date("date_to"),
            overdue=bool(p.flag("overdue")),
            archived=bool(p.flag("archived")),
            sort=p.sort("sort", CLAIM_SORTS, "-received"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=not self.archived)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(customer__code__icontains=self.q)
                | Q(batch_number__icontains=self.q)
                | Q(complaint_reference__icontains=self.q)
            )
        if self.state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        elif self.state:
            qs = qs.filter(state=self.state)
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        if self.liability:
            qs = qs.filter(liability=self.liability)
        if self.date_from:
            qs = qs.filter(received_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(received_on__lte=self.date_to)
        if self.overdue:
            qs = qs.filter(state__in=OPEN_STATES, step_due_at__lt=timezone.now())
        return qs.order_by(*CLAIM_SORTS[self.sort], "id")


@dataclass(frozen=True)
class Period:
    """The period of the quality-cost totals (both ends included); default: the last 12
    calendar months up to today."""

    date_from: dt.date
    date_to: dt.date

    @classmethod
    def from_params(cls, params: Any, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        if today.month == 12:
            default_from = dt.date(today.year, 1, 1)
        else:
            default_from = dt.date(today.year - 1, today.month + 1, 1)
        p = FilterParams(params)
        start = p.date("date_from") or default_from
        end = p.date("date_to") or today
        if end < start:
            start, end = end, start
        return cls(start, end)
