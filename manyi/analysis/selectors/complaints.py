"""Complaint analysis (SPEC §10, 003 §4.1.7): Pareto by category / product / customer, the
c chart of monthly complaints, the u chart per 1 000 delivered units, seasonality and the
closure-rate trend. Cancelled and archived complaints are left out; months are calendar months
in the company's time zone. Every figure is a GROUP BY in the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils.translation import gettext as _

from manyi.common.calendar import local_tz
from manyi.complaints.models import Complaint, ComplaintState, ContentCategory
from manyi.complaints.workflow import CLOSED_STATES
from manyi.customers.models import Customer, Order, Product
from manyi.stats import StatsInputError
from manyi.stats.pareto import ParetoResult, pareto
from manyi.stats.spc import ChartResult, c_chart, p_chart, u_chart

from .. import constants as K
from .periods import Month, month_range


def complaints_in(first: Month, last: Month) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        received_at__gte=first.start, received_at__lt=last.plus(1).start,
        archived_at__isnull=True,
    ).exclude(state=ComplaintState.CANCELLED)


def _by_month(qs: QuerySet[Any], field: str, **sums: Any) -> dict[Month, dict[str, int]]:
    out: dict[Month, dict[str, int]] = {}
    trunc = TruncMonth(field, tzinfo=local_tz()) if field.endswith("_at") else TruncMonth(field)
    for row in qs.annotate(m=trunc).values("m").annotate(**sums).order_by():
        if row["m"] is None:
            continue
        out[Month(row["m"].year, row["m"].month)] = {k: int(row[k] or 0) for k in sums}
    return out


def delivered_units(first: Month, last: Month, customer: Customer | None = None
                    ) -> dict[Month, dict[str, int]]:
    qs = Order.objects.filter(
        delivered_date__gte=first.first_day, delivered_date__lt=last.plus(1).first_day,
        archived_at__isnull=True,
    )
    if customer is not None:
        qs = qs.filter(customer=customer)
    return _by_month(qs, "delivered_date", units=Sum("quantity"), deliveries=Count("id"))


@dataclass
class MonthlyChart:
    """A control chart over months; `months` are the plotted points (months with no base, e.g.
    no deliveries, are left out of a p / u chart)."""

    measure: str
    months: list[Month]
    chart: ChartResult | None
    numerators: list[float]
    sizes: list[float] | None = None
    scale: float = 1.0  # statistic × scale = the value shown (100 for a percent)

    @property
    def labels(self) -> list[str]:
        return [m.label for m in self.months]


def _safe(fn: Any, *args: Any, **kwargs: Any) -> ChartResult | None:
    try:
        result: ChartResult = fn(*args, **kwargs)
        return result
    except StatsInputError:
        return None


def attribute_chart(measure: str, kind: str, months: list[Month], numerators: list[float],
                    sizes: list[float] | None, scale: float = 1.0) -> MonthlyChart:
    """A c, u or p chart of a monthly measure; points with no base are dropped."""
    if kind == "c":
        return MonthlyChart(measure, months, _safe(c_chart, numerators) if len(months) >= 2
                            else None, numerators, None, scale)
    assert sizes is not None
    keep = [i for i, n in enumerate(sizes) if n > 0]
    ms = [months[i] for i in keep]
    nums = [numerators[i] for i in keep]
    ns = [sizes[i] for i in keep]
    fn = p_chart if kind == "p" else u_chart
    chart = _safe(fn, nums, ns) if len(ms) >= 2 and sum(nums) >= 0 else None
    return MonthlyChart(measure, ms, chart, nums, ns, scale)


@dataclass
class ComplaintAnalysis:
    first: Month
    last: Month
    months: list[Month]
    counts: list[int]
    closed: list[int]
    units: list[int]
    total: int
    c_chart: MonthlyChart
    u_chart: MonthlyChart
    closure: MonthlyChart
    by_category: ParetoResult | None
    by_product: ParetoResult | None
    by_customer: ParetoResult | None
    month_of_year: list[tuple[int, int, float]]  # month 1..12, complaints, mean per year
    quarters: list[tuple[int, int]]

    @property
    def closure_rate(self) -> float | None:
        return sum(self.closed) * 100 / self.total if self.total else None


def _pareto(rows: list[tuple[str, int]], top: int = K.PARETO_TOP, other: int = 0
            ) -> ParetoResult | None:
    """Pareto of the top categories; the rest (and `other`, counted elsewhere, and any row
    itself called "other" / "其他") as one "Other" bucket, drawn last and never vital."""
    label = str(_("Other"))
    other_names = {"other", "其他", label.casefold()}
    other += sum(n for name, n in rows if name.strip().casefold() in other_names)
    rows = [(name, n) for name, n in rows
            if n > 0 and name.strip().casefold() not in other_names]
    if not rows and not other:
        return None
    rows.sort(key=lambda r: -r[1])
    head, tail = rows[:top], rows[top:]
    rest = sum(n for _name, n in tail) + other
    names: list[str] = []
    for name, _n in head:  # names must be unique for the Pareto table
        names.append(name if name not in names else f"{name} ({len(names) + 1})")
    counts = [n for _name, n in head]
    if rest:
        names.append(label)
        counts.append(rest)
    return pareto(names, counts, other=label)


def _by_category(qs: QuerySet[Complaint]) -> list[tuple[str, int]]:
    categories = dict(ContentCategory.choices)
    return [
        (str(categories.get(r["content_category"], r["content_category"])), r["n"])
        for r in qs.values("content_category").annotate(n=Count("id")).order_by()
    ]


def _by_product(qs: QuerySet[Complaint]) -> list[tuple[str, int]]:
    """Complaints per product (the product, else the model the customer named)."""
    product_rows = list(qs.values("product_id", "product_model").annotate(n=Count("id"))
                        .order_by())
    products = Product.objects.in_bulk([r["product_id"] for r in product_rows if r["product_id"]])
    merged: dict[str, int] = defaultdict(int)
    for r in product_rows:
        p = products.get(r["product_id"]) if r["product_id"] else None
        merged[str(p) if p else (r["product_model"] or _("Not stated"))] += r["n"]
    return list(merged.items())


def _by_customer(qs: QuerySet[Complaint], total: int) -> tuple[list[tuple[str, int]], int]:
    """(customer, complaints) of the customers with most complaints, and the rest's count."""
    customer_rows = list(qs.values("customer_id").annotate(n=Count("id")).order_by("-n")
                         [: K.PARETO_TOP * 4])
    rest = total - sum(r["n"] for r in customer_rows)
    customers = Customer.objects.in_bulk([r["customer_id"] for r in customer_rows])
    return [(str(customers[r["customer_id"]]), r["n"]) for r in customer_rows], rest


def _seasonal(qs: QuerySet[Complaint], months: list[Month]
              ) -> tuple[list[tuple[int, int, float]], list[tuple[int, int]]]:
    """(month of year, complaints, complaints per year) and (quarter, complaints)."""
    seasonal = (
        qs.annotate(mo=ExtractMonth("received_at", tzinfo=local_tz()))
        .values("mo").annotate(n=Count("id")).order_by()
    )
    per_moy = {r["mo"]: r["n"] for r in seasonal}
    years_per_moy: dict[int, int] = defaultdict(int)
    for m in months:
        years_per_moy[m.month] += 1
    month_of_year = [
        (mo, per_moy.get(mo, 0),
         per_moy.get(mo, 0) / years_per_moy[mo] if years_per_moy[mo] else 0.0)
        for mo in range(1, 13)
    ]
    quarters = [(q, sum(per_moy.get(mo, 0) for mo in range(3 * q - 2, 3 * q + 1)))
                for q in range(1, 5)]
    return month_of_year, quarters


def complaint_analysis(first: Month, last: Month) -> ComplaintAnalysis:
    months = month_range(first, last)
    qs = complaints_in(first, last)
    per_month = _by_month(
        qs, "received_at", n=Count("id"), closed=Count("id", filter=Q(state__in=CLOSED_STATES))
    )
    counts = [per_month.get(m, {}).get("n", 0) for m in months]
    closed = [per_month.get(m, {}).get("closed", 0) for m in months]
    deliveries = delivered_units(first, last)
    units = [deliveries.get(m, {}).get("units", 0) for m in months]
    by_customer, rest = _by_customer(qs, sum(counts))
    month_of_year, quarters = _seasonal(qs, months)
    return ComplaintAnalysis(
        first=first, last=last, months=months, counts=counts, closed=closed, units=units,
        total=sum(counts),
        c_chart=attribute_chart(K.Measure.COMPLAINTS, "c", months, [float(c) for c in counts],
                                None),
        u_chart=attribute_chart(K.Measure.COMPLAINTS_PER_UNITS, "u", months,
                                [float(c) for c in counts], [u / K.UNITS_PER for u in units]),
        closure=attribute_chart(K.Measure.CLOSURE, "p", months, [float(c) for c in closed],
                                [float(c) for c in counts], 100.0),
        by_category=_pareto(_by_category(qs)),
        by_product=_pareto(_by_product(qs)),
        by_customer=_pareto(by_customer, top=K.PARETO_TOP, other=max(rest, 0)),
        month_of_year=month_of_year,
        quarters=quarters,
    )
