"""The monthly summary table (by frequency, customer, trend, season) and the KPIs, on a
constructed data set with the exact numbers worked out by hand."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from manyi.complaints import services
from manyi.complaints.config import complaint_config
from manyi.complaints.exports import summary_xlsx
from manyi.complaints.models import Complaint
from manyi.complaints.selectors import complaint_kpis
from manyi.complaints.summary import complaint_summary, months_before

from .conftest import at

pytestmark = pytest.mark.django_db


def make(customer, received, category="product_quality", **fields) -> Complaint:
    c = services.complaint_create(
        actor=None,
        data={"customer": customer, "channel": "phone", "contact_name": "联系人",
              "received_at": received, "description": "问题", "content_category": category,
              "product_model": "PS-2400-24"},
    )
    if fields:
        Complaint.objects.filter(pk=c.pk).update(**fields)
        c.refresh_from_db()
    return c


@pytest.fixture
def dataset(make_customer):
    a = make_customer(code="CA", name="甲公司")
    b = make_customer(code="CB", name="乙公司", office="BO-GZ")
    c = make_customer(code="CC", name="丙公司")
    rows = {
        1: make(a, at(2024, 11, 20, 10)),
        2: make(a, at(2025, 1, 10, 10)),  # 2nd of A/product within 3 months → recurring
        3: make(a, at(2025, 5, 5, 10)),  # window from 02-05: alone → occasional
        4: make(a, at(2025, 7, 1, 10)),  # with 05-05 → recurring
        5: make(a, at(2025, 7, 2, 10), "service_attitude"),  # other category → occasional
        6: make(b, at(2025, 7, 15, 10)),
        7: make(b, at(2025, 8, 20, 10)),  # with 07-15 → recurring
        8: make(b, at(2025, 12, 31, 23, 30)),  # December (local time)
        9: make(c, at(2026, 1, 1, 0, 30), "service_quality"),  # January 2026 in Shanghai
        10: make(c, at(2025, 3, 31, 23, 50), "service_quality"),  # still March
        11: make(c, at(2025, 8, 1, 10), "sudden_event"),
        12: make(c, at(2025, 8, 2, 10), "sudden_event", state="cancelled"),  # left out
        13: make(c, at(2024, 8, 10, 10)),
    }
    return {"a": a, "b": b, "c": c, "rows": rows}


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    import datetime as dt

    assert months_before(dt.date(2025, 5, 31), 3) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2025, 1, 10), 3) == dt.date(2024, 10, 10)
    assert months_before(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)


def test_year_summary_numbers(dataset) -> None:
    s = complaint_summary(Complaint.objects.all(), year=2025)
    counts = [m.count for m in s.months]
    assert counts == [1, 0, 1, 0, 1, 0, 3, 2, 0, 0, 0, 1]
    assert s.total == s.year_total == 9 and s.previous_year_total == 2
    assert (s.recurring, s.occasional) == (3, 6)
    rows = dataset["rows"]
    assert s.recurring_pks & {r.pk for r in rows.values()} == {rows[2].pk, rows[4].pk, rows[7].pk}
    by_month = {m.month: m for m in s.months}
    assert (by_month[7].recurring, by_month[7].occasional) == (1, 2)
    assert (by_month[8].recurring, by_month[8].occasional) == (1, 1)
    assert by_month[7].by_category["product_quality"] == 2
    assert by_month[7].by_category["service_attitude"] == 1
    # Trend: January is compared with December 2024 (none), February with January.
    assert (by_month[1].previous, by_month[1].change, by_month[1].change_pct) == (0, 1, None)
    assert (by_month[2].change, by_month[2].change_pct) == (-1, Decimal("-100.0"))
    assert (by_month[8].previous, by_month[8].change_pct) == (3, Decimal("-33.3"))
    # Season: quarters of the year and the same quarter of 2024.
    assert [(q.count, q.previous_year) for q in s.quarters] == [(2, 0), (1, 0), (5, 1), (1, 1)]
    assert [q.share for q in s.quarters] == [
        Decimal("22.2"), Decimal("11.1"), Decimal("55.6"), Decimal("11.1")
    ]
    # By customer.
    table = {r.code: r for r in s.customers}
    assert [r.code for r in s.customers] == ["CA", "CB", "CC"]
    assert (table["CA"].count, table["CA"].recurring) == (4, 2)
    assert table["CA"].months == [1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0]
    assert (table["CB"].count, table["CB"].recurring) == (3, 1)
    assert (table["CC"].count, table["CC"].recurring) == (2, 0)
    assert table["CC"].categories == {"service_quality": 1, "sudden_event": 1}
    assert not s.abnormal_months  # default rule: +3 and ×1.5 over the 3 months before
    assert [c.received_at for c in s.complaints] == sorted(c.received_at for c in s.complaints)
    assert len(s.complaints) == 9


def test_month_summary(dataset) -> None:
    s = complaint_summary(Complaint.objects.all(), year=2025, month=7)
    assert (s.total, s.recurring, s.occasional) == (3, 1, 2)
    assert [(r.code, r.count, r.recurring) for r in s.customers] == [("CA", 2, 1), ("CB", 1, 0)]
    assert s.customers[0].months[6] == 2  # the year's months stay for the customer row
    assert s.year_total == 9
    jan_2026 = complaint_summary(Complaint.objects.all(), year=2026, month=1)
    assert jan_2026.total == 1 and jan_2026.months[0].previous == 1  # December 2025


def test_abnormal_trend_rule_is_configurable(dataset) -> None:
    with override_settings(MANYI_COMPLAINTS={"abnormal_min_increase": 2}):
        s = complaint_summary(Complaint.objects.all(), year=2025, config=complaint_config())
    # July: 3 against a mean of (0 + 1 + 0) / 3 = 0.33 → +2.67 ≥ 2 and ≥ 1.5 × 0.33.
    assert [m.month for m in s.abnormal_months] == [7]
    assert s.months[6].baseline == Decimal("0.33")


def test_the_usual_seasonal_peak_is_not_abnormal(make_customer) -> None:
    customer = make_customer()
    for year, n in ((2024, 6), (2025, 6)):
        for day in range(1, n + 1):
            make(customer, at(year, 7, day, 10))
    s = complaint_summary(Complaint.objects.all(), year=2025)
    july = s.months[6]
    assert (july.count, july.baseline, july.abnormal) == (6, Decimal("6"), False)
    with override_settings(MANYI_COMPLAINTS={"abnormal_seasonal": False}):
        plain = complaint_summary(Complaint.objects.all(), year=2025, config=complaint_config())
    assert plain.months[6].abnormal and plain.months[6].baseline == Decimal("0.00")
    first = complaint_summary(Complaint.objects.all(), year=2024)
    assert first.months[6].abnormal  # no history yet: a peak of 6 stands out


def test_recurring_rule_is_configurable(dataset) -> None:
    with override_settings(MANYI_COMPLAINTS={"recurring_window_months": 6}):
        s = complaint_summary(Complaint.objects.all(), year=2025, config=complaint_config())
    # Six months: A's 05-05 follows 01-10, and B's 12-31 follows 07-15 and 08-20.
    assert (s.recurring, s.occasional) == (5, 4)


def test_summary_is_scoped(dataset, make_user) -> None:
    from manyi.complaints.selectors import complaints_visible

    gz = make_user("branch_manager", department="BO-GZ")
    s = complaint_summary(complaints_visible(gz), year=2025)
    assert s.year_total == 3 and [r.code for r in s.customers] == ["CB"]


def test_xlsx_has_chinese_headers_and_the_numbers(dataset) -> None:
    s = complaint_summary(Complaint.objects.all(), year=2025)
    wb = load_workbook(io.BytesIO(summary_xlsx(s)))
    assert wb.sheetnames == ["汇总处理表", "月度趋势", "按顾客", "按季节", "说明"]
    items = wb["汇总处理表"]
    assert [c.value for c in items[1]][:4] == ["编号", "受理时间", "顾客编码", "顾客"]
    assert items.max_row == 10
    assert [items.cell(row=r, column=21).value for r in range(2, 11)].count("经常性") == 3
    months = wb["月度趋势"]
    assert [months.cell(row=r, column=2).value for r in range(2, 14)] == [
        1, 0, 1, 0, 1, 0, 3, 2, 0, 0, 0, 1
    ]
    assert months.cell(row=14, column=2).value == 9  # the year's total row
    customers = wb["按顾客"]
    assert [customers.cell(row=2, column=i).value for i in (1, 15, 16)] == ["CA", 4, 2]
    quarters = wb["按季节"]
    assert [quarters.cell(row=r, column=2).value for r in range(2, 6)] == [2, 1, 5, 1]
    english = load_workbook(io.BytesIO(summary_xlsx(s, "en")))
    assert english.sheetnames[0] == "Summary table"
    assert english["Summary table"].cell(row=1, column=1).value == "Number"


# --- KPIs ---------------------------------------------------------------------------------


@pytest.fixture
def kpi_data(make_customer):
    import datetime as dt

    a = make_customer(code="KA")
    b = make_customer(code="KB")
    h = dt.timedelta(hours=1)

    def row(customer, received, **fields):
        fields.setdefault("remedy_due_at", received + 48 * h)
        return make(customer, received, **fields)

    k1 = row(a, at(2025, 3, 1, 10), first_remedy_at=at(2025, 3, 2, 10),
             closed_at=at(2025, 3, 5, 10), state="called_back", callback_satisfaction="satisfied")
    row(a, at(2025, 4, 1, 10), first_remedy_at=at(2025, 4, 4, 10), closed_at=at(2025, 4, 9, 10),
        state="called_back", callback_satisfaction="very_satisfied")
    k3 = row(a, at(2025, 5, 1, 10), escalated=True, first_remedy_at=at(2025, 5, 6, 10),
             remedy_due_at=at(2025, 5, 6, 10), closed_at=at(2025, 5, 20, 10),
             state="called_back", callback_satisfaction="dissatisfied")
    row(b, at(2025, 6, 1, 10), state="sales_handling", due_at=at(2025, 6, 3, 10))
    row(b, at(2025, 6, 2, 10), state="cancelled")
    row(b, at(2025, 7, 1, 10), first_remedy_at=at(2025, 7, 1, 20), state="root_cause",
        due_at=at(2025, 8, 20, 10))
    row(b, at(2024, 12, 31, 10), state="escalated", due_at=at(2025, 1, 5, 10))
    row(a, at(2025, 8, 1, 10), parent=k3, state="received", due_at=at(2025, 8, 4, 10))
    return {"a": a, "b": b, "k1": k1}


def test_kpis_on_constructed_data(kpi_data) -> None:
    k = complaint_kpis(Complaint.objects.all(), start=at(2025, 1, 1), end=at(2026, 1, 1),
                       now=at(2025, 8, 2, 12))
    assert (k.received, k.closed, k.closure_rate) == (6, 3, Decimal("50.0"))
    assert k.closure_target == Decimal("80") and k.closure_ok is False
    assert k.first_remedy_count == 4
    assert k.first_remedy_mean_hours == Decimal("56.5")
    assert k.first_remedy_median_hours == Decimal("48.0")
    assert (k.within_48h, k.due_48h, k.within_48h_rate) == (2, 4, Decimal("50.0"))
    assert (k.active, k.overdue, k.overdue_share) == (4, 2, Decimal("50.0"))
    assert [(r.code, r.complaints, r.repeats) for r in k.repeat_customers] == [
        ("KA", 4, 3), ("KB", 2, 1)
    ]
    assert (k.repeat_complaints, k.linked_repeats) == (4, 1)
    assert (k.callbacks, k.callbacks_satisfied) == (3, 2)
    assert k.callback_satisfaction_rate == Decimal("66.7")


def test_kpis_of_a_period_and_as_of_a_moment(kpi_data) -> None:
    # Only the first quarter: one complaint, closed → 100 %, target met.
    q1 = complaint_kpis(Complaint.objects.all(), start=at(2025, 1, 1), end=at(2025, 4, 1),
                        now=at(2025, 8, 2, 12))
    assert (q1.received, q1.closed, q1.closure_ok) == (1, 1, True)
    assert q1.repeat_customers == []
    # Seen on 2025-03-03 the same complaint was not closed yet.
    early = complaint_kpis(Complaint.objects.all(), start=at(2025, 1, 1), end=at(2025, 4, 1),
                           now=at(2025, 3, 3))
    assert (early.closed, early.closure_rate) == (0, Decimal("0.0"))
    empty = complaint_kpis(Complaint.objects.all(), start=at(2023, 1, 1), end=at(2023, 2, 1),
                           now=at(2025, 8, 2))
    assert empty.closure_rate is None and empty.first_remedy_median_hours is None
