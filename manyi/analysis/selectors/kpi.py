"""Monthly satisfaction KPIs from the order data (SPEC §9; 003 §4.3.3.2, 001 §5.1), overall or
for one customer, each with its control chart and the approved targets.

Definitions (per calendar month of the actual delivery date):

* on-time delivery rate = deliveries with actual date ≤ promised date / deliveries (p chart);
* delivered quality PPM = defects found / delivered units × 10⁶ (u chart per million units);
* return rate = units returned or exchanged / delivered units (p chart);
* repair rate = remedies of kind "repair" accepted by the customer in the month / deliveries
  (p chart; from the complaint records, since an order has no repair count);
* customer churn = customers marked lost in the month / customers active at the month's start
  (p chart; the month a customer was lost is read from the audit trail of its status);
* extra freight = Σ extra freight of split deliveries (individuals chart);
* complaint rate = complaints received in the month (cancelled ones left out) per 1 000
  delivered units (u chart) — the same figure as the complaint analysis, here also for one
  customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from manyi.audit.models import AuditEntry
from manyi.common.calendar import local_tz
from manyi.complaints.models import ProposalStatus, RemedyKind, RemedyProposal
from manyi.customers.models import Customer, CustomerStatus, Order
from manyi.stats.spc import xmr_chart

from .. import constants as K
from .complaints import MonthlyChart, _by_month, _safe, attribute_chart, complaints_in
from .periods import Month, month_range
from .survey import _targets

M = K.Measure
PPM_UNITS = 1_000_000


@dataclass
class KpiAnalysis:
    first: Month
    last: Month
    months: list[Month]
    customer: Customer | None
    deliveries: list[int]
    on_time: list[int]
    units: list[int]
    defects: list[int]
    returned: list[int]
    freight: list[Decimal]
    repairs: list[int]
    complaints: list[int]
    lost: list[int]
    active: list[int]
    charts: dict[str, MonthlyChart] = field(default_factory=dict)
    targets: dict[str, dict[int, Decimal]] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """The monthly table: one row per month with every KPI value (None without a base)."""
        out = []
        for i, m in enumerate(self.months):
            d, u, a = self.deliveries[i], self.units[i], self.active[i]
            out.append({
                "month": m,
                "deliveries": d,
                "units": u,
                M.ON_TIME: self.on_time[i] * 100 / d if d else None,
                M.PPM: self.defects[i] * PPM_UNITS / u if u else None,
                M.RETURNS: self.returned[i] * 100 / u if u else None,
                M.REPAIR: self.repairs[i] * 100 / d if d else None,
                M.CHURN: self.lost[i] * 100 / a if a and self.customer is None else None,
                M.FREIGHT: self.freight[i],
                M.COMPLAINTS_PER_UNITS: self.complaints[i] * K.UNITS_PER / u if u else None,
            })
        return out


def _orders(first: Month, last: Month, customer: Customer | None) -> dict[Month, dict[str, Any]]:
    qs = Order.objects.filter(
        delivered_date__gte=first.first_day, delivered_date__lt=last.plus(1).first_day,
        archived_at__isnull=True,
    )
    if customer is not None:
        qs = qs.filter(customer=customer)
    out: dict[Month, dict[str, Any]] = {}
    rows: Any = (
        qs.annotate(m=TruncMonth("delivered_date")).values("m")
        .annotate(
            deliveries=Count("id"),
            punctual=Count("id", filter=Q(delivered_date__lte=F("promised_date"))),
            units=Sum("quantity"), defects=Sum("defects"), returned=Sum("returned"),
            freight=Sum("extra_freight", filter=Q(split_delivery=True)),
        ).order_by()
    )
    for r in rows:
        out[Month(r["m"].year, r["m"].month)] = r
    return out


def _repairs(first: Month, last: Month, customer: Customer | None) -> dict[Month, int]:
    qs = RemedyProposal.objects.filter(
        kind=RemedyKind.REPAIR, status=ProposalStatus.ACCEPTED,
        answered_at__gte=first.start, answered_at__lt=last.plus(1).start,
    )
    if customer is not None:
        qs = qs.filter(complaint__customer=customer)
    return {
        Month(r["m"].year, r["m"].month): r["n"]
        for r in qs.annotate(m=TruncMonth("answered_at", tzinfo=local_tz())).values("m")
        .annotate(n=Count("id")).order_by()
    }


def _complaints(first: Month, last: Month, customer: Customer | None) -> dict[Month, int]:
    qs = complaints_in(first, last)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return {m: v["n"] for m, v in _by_month(qs, "received_at", n=Count("id")).items()}


def lost_dates() -> dict[int, dt.date]:
    """When each lost customer was lost: the last audit entry that set its status to lost
    (customers marked lost without an audit entry: the date of their last change)."""
    ct = ContentType.objects.get_for_model(Customer)
    found: dict[int, dt.date] = {}
    for object_id, changes, at in (
        AuditEntry.objects.filter(content_type=ct, changes__has_key="status")
        .order_by("at", "id").values_list("object_id", "changes", "at")
    ):
        change = changes.get("status") if isinstance(changes, dict) else None
        if isinstance(change, list) and len(change) == 2 and change[1] == CustomerStatus.LOST:
            found[int(object_id)] = timezone.localtime(at, local_tz()).date()
    for pk, changed in Customer.objects.filter(status=CustomerStatus.LOST).exclude(
        pk__in=list(found)
    ).values_list("pk", "changed_at"):
        found[pk] = timezone.localtime(changed, local_tz()).date()
    lost_now = set(Customer.objects.filter(status=CustomerStatus.LOST).values_list("pk", flat=True))
    return {pk: day for pk, day in found.items() if pk in lost_now}


def _churn(months: list[Month]) -> tuple[list[int], list[int]]:
    lost = lost_dates()
    created = [
        timezone.localtime(at, local_tz()).date()
        for at in Customer.objects.filter(archived_at__isnull=True).values_list(
            "created_at", flat=True)
    ]
    lost_counts, active = [], []
    for m in months:
        start, end = m.first_day, m.plus(1).first_day
        existing = sum(1 for day in created if day < start)
        gone_before = sum(1 for day in lost.values() if day < start)
        lost_counts.append(sum(1 for day in lost.values() if start <= day < end))
        active.append(max(existing - gone_before, 0))
    return lost_counts, active


def _add_charts(k: KpiAnalysis, months: list[Month], *, with_churn: bool) -> None:
    """The control chart of every KPI (churn only over all customers)."""
    f = [float(x) for x in k.deliveries]
    u = [float(x) for x in k.units]
    k.charts[M.ON_TIME] = attribute_chart(M.ON_TIME, "p", months, [float(x) for x in k.on_time],
                                          f, 100.0)
    k.charts[M.PPM] = attribute_chart(M.PPM, "u", months, [float(x) for x in k.defects],
                                      [x / PPM_UNITS for x in u])
    k.charts[M.RETURNS] = attribute_chart(M.RETURNS, "p", months,
                                          [float(x) for x in k.returned], u, 100.0)
    k.charts[M.REPAIR] = attribute_chart(
        M.REPAIR, "p", months,
        [float(min(r, d)) for r, d in zip(k.repairs, k.deliveries, strict=True)], f, 100.0)
    if with_churn:
        k.charts[M.CHURN] = attribute_chart(M.CHURN, "p", months, [float(x) for x in k.lost],
                                            [float(x) for x in k.active], 100.0)
    k.charts[M.COMPLAINTS_PER_UNITS] = attribute_chart(
        M.COMPLAINTS_PER_UNITS, "u", months, [float(x) for x in k.complaints],
        [x / K.UNITS_PER for x in u])
    freight = [float(x) for x in k.freight]
    k.charts[M.FREIGHT] = MonthlyChart(
        M.FREIGHT, months, _safe(xmr_chart, freight) if len(freight) >= 2 else None, freight)


def kpi_analysis(first: Month, last: Month, customer: Customer | None = None) -> KpiAnalysis:
    months = month_range(first, last)
    orders = _orders(first, last, customer)
    repairs = _repairs(first, last, customer)
    complaints = _complaints(first, last, customer)

    def col(name: str) -> list[int]:
        return [int(orders.get(m, {}).get(name) or 0) for m in months]

    if customer is None:
        lost, active = _churn(months)
    else:
        lost, active = [0] * len(months), [0] * len(months)
    k = KpiAnalysis(
        first=first, last=last, months=months, customer=customer,
        deliveries=col("deliveries"), on_time=col("punctual"), units=col("units"),
        defects=col("defects"), returned=col("returned"),
        freight=[Decimal(orders.get(m, {}).get("freight") or 0) for m in months],
        repairs=[repairs.get(m, 0) for m in months],
        complaints=[complaints.get(m, 0) for m in months], lost=lost, active=active,
    )
    _add_charts(k, months, with_churn=customer is None)
    targets = _targets(range(first.year, last.year + 1))
    for (measure, year), t in targets.items():
        k.targets.setdefault(measure, {})[year] = t.value
    return k
