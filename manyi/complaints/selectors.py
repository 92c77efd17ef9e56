"""Reads for pages, API, exports: scoped by permission, no N+1; the complaint KPIs."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.audit.models import AuditEntry
from manyi.audit.services import history_for

from .config import complaint_config
from .filters import ComplaintFilter
from .models import Accountability, Complaint, ComplaintState, RemedyProposal
from .states import CLOSED_STATES, TIMED_STATES

S = ComplaintState


def complaints_visible(user: Viewer) -> QuerySet[Complaint]:
    """Every complaint `user` may see (None = the system: all)."""
    qs: QuerySet[Any] = Complaint.objects.all()
    if user is None:
        return qs
    return scope_queryset(qs, user, "complaint.view")


def complaint_list(
    *, user: Viewer, filters: ComplaintFilter | None = None, now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    qs = complaints_visible(user).select_related(
        "customer", "customer__branch_office", "product", "owner"
    )
    return (filters or ComplaintFilter()).apply(qs, now=now)


def complaint_get(*, user: Viewer, pk: int) -> Complaint:
    """The complaint if `user` may see it, else Complaint.DoesNotExist (→ 404, no leak)."""
    return complaints_visible(user).select_related(
        "customer",
        "customer__branch_office",
        "customer__business_unit",
        "customer__region",
        "contact",
        "product",
        "owner",
        "responsible_department",
        "parent",
        "capa_content_type",
    ).get(pk=pk)


def proposals_of(complaint: Complaint) -> QuerySet[RemedyProposal]:
    return complaint.proposals.select_related("created_by", "approved_by").order_by("number")


def meetings_of(complaint: Complaint) -> QuerySet[Any]:
    return complaint.meetings.prefetch_related("departments").select_related("created_by")


def accountabilities_of(complaint: Complaint) -> QuerySet[Accountability]:
    return complaint.accountabilities.select_related(
        "responsible_department", "responsible_person", "created_by"
    )


def complaint_history(complaint: Complaint) -> list[AuditEntry]:
    """The audit trail of the form and of its proposals, meetings and accountability records,
    newest first."""
    parts = [history_for(complaint)]
    for child in chain(
        complaint.proposals.all(), complaint.meetings.all(), complaint.accountabilities.all()
    ):
        parts.append(history_for(child))
    entries = list(chain.from_iterable(p[:200] for p in parts))
    entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
    return entries[:300]


# --- KPIs ---------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class RepeatCustomer:
    customer_id: int
    code: str
    name: str
    complaints: int

    @property
    def repeats(self) -> int:
        return self.complaints - 1


@dataclass(frozen=True)
class Kpis:
    """Complaint KPIs of the complaints received in [start, end) (SPEC §4, 002)."""

    start: dt.datetime
    end: dt.datetime
    received: int  # received in the period (cancelled ones left out)
    closed: int  # …of them closed (办结) by `as_of`
    closure_rate: Decimal | None  # % (target ≥ 80 %)
    closure_target: Decimal
    first_remedy_count: int
    first_remedy_mean_hours: Decimal | None
    first_remedy_median_hours: Decimal | None
    within_48h: int  # non-escalated complaints whose first remedy met the 48-hour rule
    due_48h: int  # non-escalated complaints whose 48 hours are over or that have a remedy
    within_48h_rate: Decimal | None
    active: int  # now: complaints with a step running (the call-back included)
    overdue: int  # …of them past the step's deadline
    overdue_share: Decimal | None
    repeat_customers: list[RepeatCustomer] = field(default_factory=list)
    repeat_complaints: int = 0  # Σ (complaints − 1) over customers with ≥ 2 in the period
    linked_repeats: int = 0  # new cases opened because the customer was not satisfied
    callbacks: int = 0
    callbacks_satisfied: int = 0  # very satisfied / satisfied / fairly satisfied
    callback_satisfaction_rate: Decimal | None = None

    @property
    def closure_ok(self) -> bool | None:
        if self.closure_rate is None:
            return None
        return self.closure_rate >= self.closure_target


def _tenths(hours: float) -> Decimal:
    return Decimal(hours).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _rule_48h(rows: Sequence[tuple[Any, ...]], now: dt.datetime) -> tuple[int, int]:
    """(within, due) of the 48-hour rule: non-escalated complaints whose first proposal came
    by `remedy_due_at`, among those with a proposal or whose 48 hours are over. Rows are
    (received_at, closed_at, first_remedy_at, remedy_due_at, escalated, …)."""
    due_48 = [r for r in rows if not r[4] and r[3] is not None and (r[2] is not None or r[3] < now)]
    within = sum(1 for r in due_48 if r[2] is not None and r[3] is not None and r[2] <= r[3])
    return within, len(due_48)


def _repeat_customers(period: QuerySet[Complaint]) -> list[RepeatCustomer]:
    """Customers with two or more complaints in the period, most first."""
    repeat_rows = (
        period.values("customer_id", "customer__code", "customer__name")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "customer__code")
    )
    return [
        RepeatCustomer(r["customer_id"], r["customer__code"], r["customer__name"], r["n"])
        for r in repeat_rows
    ]


def complaint_kpis(
    qs: QuerySet[Complaint],
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    repeat_limit: int = 10,
) -> Kpis:
    """The KPIs over the complaints of `qs` (already scoped) received in [start, end).

    * closure rate = closed (closed_at set by `now`) / received, cancelled ones left out;
    * time to first remedy = first proposal − receipt (hours), mean and median;
    * 48-hour rule = share of non-escalated complaints whose first proposal came within
      `remedy_due_at`, among those that have a proposal or whose 48 hours are over;
    * share overdue = complaints whose current step is past its deadline / complaints with a
      step running (now, whatever the period);
    * repeat complaints = customers with ≥ 2 complaints in the period (and the count beyond
      the first), and the cases re-opened after an unsatisfied call-back.
    """
    now = now or timezone.now()
    config = complaint_config()
    period = qs.filter(received_at__gte=start, received_at__lt=end).exclude(
        state=S.CANCELLED
    )
    rows = list(
        period.values_list(
            "received_at", "closed_at", "first_remedy_at", "remedy_due_at", "escalated",
            "parent_id", "callback_satisfaction",
        )
    )
    received = len(rows)
    closed = len([r for r in rows if r[1] is not None and r[1] <= now])
    waits = sorted(r[2] - r[0] for r in rows if r[2] is not None)
    hours = [w.total_seconds() / 3600 for w in waits]
    within, due_48 = _rule_48h(rows, now)
    callbacks = [r[6] for r in rows if r[6]]
    satisfied = sum(1 for s in callbacks if s != "dissatisfied")
    active_qs = qs.filter(state__in=TIMED_STATES, archived_at__isnull=True)
    counts = active_qs.aggregate(
        active=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
    )
    repeat_customers = _repeat_customers(period)
    return Kpis(
        start=start,
        end=end,
        received=received,
        closed=closed,
        closure_rate=percent(closed, received),
        closure_target=config.closure_rate_target,
        first_remedy_count=len(hours),
        first_remedy_mean_hours=_tenths(statistics.fmean(hours)) if hours else None,
        first_remedy_median_hours=_tenths(statistics.median(hours)) if hours else None,
        within_48h=within,
        due_48h=due_48,
        within_48h_rate=percent(within, due_48),
        active=counts["active"],
        overdue=counts["overdue"],
        overdue_share=percent(counts["overdue"], counts["active"]),
        repeat_customers=repeat_customers[:repeat_limit],
        repeat_complaints=sum(r.repeats for r in repeat_customers),
        linked_repeats=sum(1 for r in rows if r[5] is not None),
        callbacks=len(callbacks),
        callbacks_satisfied=satisfied,
        callback_satisfaction_rate=percent(satisfied, len(callbacks)),
    )


def overdue_complaints(user: Viewer, now: dt.datetime | None = None, limit: int = 20) -> list[Any]:
    now = now or timezone.now()
    return list(
        complaints_visible(user)
        .filter(state__in=TIMED_STATES, due_at__lt=now, archived_at__isnull=True)
        .select_related("customer", "owner")
        .order_by("due_at")[:limit]
    )


def my_open_complaints(user: Viewer, limit: int = 20) -> list[Any]:
    """Complaints the user owns with a step running, or waiting for a role the user has."""
    from manyi.accounts.permissions import role_codes

    roles = role_codes(user)
    q = Q(owner=user)
    if roles & {"customer_service"}:
        q |= Q(state=S.CLOSED)
    if roles & {"sales_manager", "quality_manager", "deputy_gm", "gm"}:
        q |= Q(state=S.AWAITING_APPROVAL)
    if "legal" in roles:
        q |= Q(legal_flag=True, legal_opinion="", state__in=TIMED_STATES)
    return list(
        complaints_visible(user)
        .filter(q, state__in=TIMED_STATES, archived_at__isnull=True)
        .select_related("customer", "owner")
        .order_by("due_at")[:limit]
    )


def casebook(*, user: Viewer, year: int) -> list[Complaint]:
    """The complaints closed in `year` (002: a year-end casebook for training)."""
    from .filters import day_start

    start, end = day_start(dt.date(year, 1, 1)), day_start(dt.date(year + 1, 1, 1))
    return list(
        complaints_visible(user)
        .filter(state__in=CLOSED_STATES, closed_at__gte=start, closed_at__lt=end,
                archived_at__isnull=True)
        .select_related("customer", "product")
        .prefetch_related("proposals", "meetings")
        .order_by("content_category", "closed_at", "id")
    )


def state_counts(qs: QuerySet[Complaint]) -> dict[str, int]:
    rows = qs.filter(archived_at__isnull=True).values("state").annotate(n=Count("id"))
    counts = {r["state"]: r["n"] for r in rows}
    return {state: counts.get(state, 0) for state in S.values}

