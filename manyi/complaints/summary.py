"""The monthly complaint / grievance summary table (顾客投诉/抱怨汇总处理表, 003 §4.1.7) with its
monthly and annual analysis: a) by frequency (recurring vs occasional), b) by customer,
c) by trend (month over month), d) by season (quarter); and an abnormal-trend flag.

Rules (configurable in `config.py`, stated on the page and in the export):

* **recurring** (经常性): the same customer complained about the same content category at least
  `recurring_min_count` (2) times within the `recurring_window_months` (3) months up to and
  including the complaint — so the second such complaint and every later one within the window
  are recurring; otherwise **occasional** (偶发性).
* **abnormal trend** (异常趋势): a month with at least `abnormal_min_increase` (3) complaints more
  than its baseline, and at least `abnormal_factor` (1.5) times the baseline → the departments
  are asked for a rectification plan. The baseline is the mean of the `abnormal_baseline_months`
  (3) months before it, or the same month of the previous year when that was higher
  (`abnormal_seasonal`: the usual summer peak is not an anomaly, a higher peak is).

Months are calendar months in the company's time zone; cancelled complaints are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from manyi.common.calendar import local_tz

from .config import ComplaintConfig, complaint_config
from .filters import day_start
from .models import Complaint, ComplaintState, ContentCategory


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    index = month_index(day.year, day.month) - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Item:
    """One complaint as the summary sees it."""

    pk: int
    number: str
    received: dt.datetime  # local time
    customer_id: int
    customer_code: str
    customer_name: str
    category: str

    @property
    def day(self) -> dt.date:
        return self.received.date()


def classify_recurring(items: Sequence[Item], config: ComplaintConfig) -> set[int]:
    """The pks of the recurring complaints (see the module docstring)."""
    by_key: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.received, i.pk)):
        by_key[(item.customer_id, item.category)].append(item)
    recurring: set[int] = set()
    for group in by_key.values():
        for i, item in enumerate(group):
            window_start = months_before(item.day, config.recurring_window_months)
            n = sum(1 for other in group[: i + 1] if other.day > window_start)
            if n >= config.recurring_min_count:
                recurring.add(item.pk)
    return recurring


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    count: int
    previous: int  # the month before (December of the year before for January)
    recurring: int
    occasional: int
    by_category: dict[str, int]
    baseline: Decimal | None  # what the month is compared with (abnormal-trend rule)
    abnormal: bool

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        if not self.previous:
            return None
        return (Decimal(self.change) * 100 / self.previous).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class CustomerRow:
    customer_id: int
    code: str
    name: str
    months: list[int]  # complaints per month of the year (12 numbers)
    count: int  # in the selected period (the month, or the year)
    recurring: int
    categories: dict[str, int]


@dataclass(frozen=True)
class QuarterRow:
    quarter: int
    count: int
    share: Decimal | None
    previous_year: int

    @property
    def change(self) -> int:
        return self.count - self.previous_year


@dataclass
class Summary:
    year: int
    month: int | None
    config: ComplaintConfig
    months: list[MonthRow]
    customers: list[CustomerRow]
    quarters: list[QuarterRow]
    total: int  # in the selected period
    recurring: int
    occasional: int
    year_total: int
    previous_year_total: int
    complaints: list[Complaint] = field(default_factory=list)  # the table's rows
    recurring_pks: set[int] = field(default_factory=set)

    @property
    def abnormal_months(self) -> list[MonthRow]:
        return [m for m in self.months if m.abnormal]

    @property
    def categories(self) -> list[tuple[str, Any]]:
        return list(ContentCategory.choices)


def _items(qs: QuerySet[Complaint], start: dt.date, end: dt.date) -> list[Item]:
    tz = local_tz()
    rows = (
        qs.filter(received_at__gte=day_start(start), received_at__lt=day_start(end))
        .exclude(state=ComplaintState.CANCELLED)
        .filter(archived_at__isnull=True)
        .values_list(
            "pk", "number", "received_at", "customer_id", "customer__code", "customer__name",
            "content_category",
        )
    )
    return [
        Item(pk, number, timezone.localtime(at, tz), cid, code, name, category)
        for pk, number, at, cid, code, name, category in rows
    ]


def _baseline(
    counts: dict[int, int], index: int, config: ComplaintConfig
) -> Decimal | None:
    months = config.abnormal_baseline_months
    if months <= 0:
        return None
    values = [counts.get(index - k, 0) for k in range(1, months + 1)]
    recent = (Decimal(sum(values)) / months).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if config.abnormal_seasonal:
        return max(recent, Decimal(counts.get(index - 12, 0)))
    return recent


def is_abnormal(count: int, baseline: Decimal | None, config: ComplaintConfig) -> bool:
    if baseline is None:
        return False
    return count - baseline >= config.abnormal_min_increase and count >= (
        baseline * config.abnormal_factor
    )


def _month_rows(year: int, in_year: Sequence[Item], counts: dict[int, int],
                recurring: set[int], config: ComplaintConfig) -> list[MonthRow]:
    """One row per month of `year`: complaints, recurring ones, by category, the baseline
    of the abnormal-trend rule and whether the month is abnormal."""
    months = []
    for m in range(1, 13):
        index = month_index(year, m)
        of_month = [i for i in in_year if i.day.month == m]
        by_category = {c: 0 for c in ContentCategory.values}
        for i in of_month:
            by_category[i.category] = by_category.get(i.category, 0) + 1
        baseline = _baseline(counts, index, config)
        n_rec = sum(1 for i in of_month if i.pk in recurring)
        months.append(
            MonthRow(
                year=year,
                month=m,
                count=len(of_month),
                previous=counts.get(index - 1, 0),
                recurring=n_rec,
                occasional=len(of_month) - n_rec,
                by_category=by_category,
                baseline=baseline,
                abnormal=is_abnormal(len(of_month), baseline, config),
            )
        )
    return months


def _quarter_of(item: Item) -> int:
    return (item.day.month - 1) // 3 + 1


def _quarter_rows(year: int, items: Sequence[Item], in_year: Sequence[Item]) -> list[QuarterRow]:
    """Complaints per quarter of `year`, their share of the year and the previous year's."""
    total_year = len(in_year)
    rows = []
    for q in range(1, 5):
        count = sum(1 for i in in_year if _quarter_of(i) == q)
        share = None
        if total_year:
            share = (Decimal(count) * 100 / total_year).quantize(Decimal("0.1"), ROUND_HALF_UP)
        previous = sum(1 for i in items if i.day.year == year - 1 and _quarter_of(i) == q)
        rows.append(QuarterRow(quarter=q, count=count, share=share, previous_year=previous))
    return rows


def complaint_summary(
    qs: QuerySet[Complaint],
    *,
    year: int,
    month: int | None = None,
    config: ComplaintConfig | None = None,
    with_rows: bool = True,
) -> Summary:
    """The summary of `year` (and, with `month`, of that month) over `qs` (already scoped)."""
    config = config or complaint_config()
    # Enough history for the window of the recurring rule, the abnormal-trend baseline and
    # the comparison with the previous year.
    history_months = max(config.recurring_window_months, config.abnormal_baseline_months, 12)
    # (12 months back: the same month of the previous year for the season and the baseline)
    start = months_before(dt.date(year, 1, 1), history_months)
    end = dt.date(year + 1, 1, 1)
    items = _items(qs, start, end)
    recurring = classify_recurring(items, config)
    counts: dict[int, int] = defaultdict(int)
    for item in items:
        counts[month_index(item.day.year, item.day.month)] += 1
    in_year = [i for i in items if i.day.year == year]
    months = _month_rows(year, in_year, counts, recurring, config)
    selected = [i for i in in_year if month is None or i.day.month == month]
    customers = _customers(in_year, selected, recurring)
    total_year = len(in_year)
    quarters = _quarter_rows(year, items, in_year)
    n_rec = sum(1 for i in selected if i.pk in recurring)
    summary = Summary(
        year=year,
        month=month,
        config=config,
        months=months,
        customers=customers,
        quarters=quarters,
        total=len(selected),
        recurring=n_rec,
        occasional=len(selected) - n_rec,
        year_total=total_year,
        previous_year_total=sum(1 for i in items if i.day.year == year - 1),
        recurring_pks=recurring,
    )
    if with_rows:
        summary.complaints = _rows([i.pk for i in selected])
    return summary


def _customers(
    in_year: Iterable[Item], selected: Sequence[Item], recurring: set[int]
) -> list[CustomerRow]:
    per_month: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    names: dict[int, tuple[str, str]] = {}
    for item in in_year:
        per_month[item.customer_id][item.day.month - 1] += 1
        names[item.customer_id] = (item.customer_code, item.customer_name)
    chosen: dict[int, list[Item]] = defaultdict(list)
    for item in selected:
        chosen[item.customer_id].append(item)
    out = []
    for cid, its in chosen.items():
        cats: dict[str, int] = defaultdict(int)
        for i in its:
            cats[i.category] += 1
        code, name = names[cid]
        out.append(
            CustomerRow(
                customer_id=cid,
                code=code,
                name=name,
                months=per_month[cid],
                count=len(its),
                recurring=sum(1 for i in its if i.pk in recurring),
                categories=dict(cats),
            )
        )
    out.sort(key=lambda r: (-r.count, r.code))
    return out


def _rows(pks: list[int]) -> list[Complaint]:
    return list(
        Complaint.objects.filter(pk__in=pks)
        .select_related("customer", "product")
        .prefetch_related("proposals")
        .order_by("received_at", "id")
    )


def last_proposal(complaint: Complaint) -> Any:
    proposals = sorted(complaint.proposals.all(), key=lambda p: p.number)
    return proposals[-1] if proposals else None
