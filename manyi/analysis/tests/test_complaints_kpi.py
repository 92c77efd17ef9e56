"""Complaint analysis and the monthly KPIs from constructed complaints and orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from manyi.analysis.constants import Measure
from manyi.analysis.selectors import Month, complaint_analysis, kpi_analysis
from manyi.common.calendar import local_tz

pytestmark = pytest.mark.django_db
M = Measure


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=local_tz())


def test_complaint_analysis(make_customer, make_complaint, make_order, product) -> None:
    a, b = make_customer(), make_customer()
    plan = {1: 2, 2: 3, 3: 1, 4: 2, 5: 2, 6: 2}
    for month, n in plan.items():
        for i in range(n):
            make_complaint(a if i % 2 == 0 else b, at(2025, month, 3 + i),
                           category="product_quality" if i == 0 else "service_quality",
                           state="closed" if month <= 3 else "escalated", product=product)
    make_complaint(a, at(2025, 2, 9), state="cancelled")  # left out
    make_complaint(a, at(2025, 7, 1))  # outside the window
    # 23:30 on 31 January in Shanghai is January there (UTC is still January too)
    make_complaint(b, dt.datetime(2025, 1, 31, 23, 30, tzinfo=local_tz()))
    for month in range(1, 7):
        make_order(a, dt.date(2025, month, 10), dt.date(2025, month, 12), quantity=1000)
    c = complaint_analysis(Month(2025, 1), Month(2025, 6))
    assert c.counts == [3, 3, 1, 2, 2, 2] and c.total == 13
    assert c.c_chart.chart is not None
    assert list(c.c_chart.chart.statistics) == [3, 3, 1, 2, 2, 2]
    assert c.c_chart.chart.center == pytest.approx(13 / 6)
    assert c.units == [1000] * 6
    assert c.u_chart.chart is not None
    assert c.u_chart.chart.statistics[0] == pytest.approx(3.0)  # 3 per 1 000 units
    assert c.closed == [2, 3, 1, 0, 0, 0]
    assert c.closure.chart is not None and c.closure.scale == 100.0
    assert c.by_category is not None
    rows = {r.category: r.count for r in c.by_category.rows}
    assert sorted(rows.values()) == [6, 7]
    assert c.by_customer is not None and sum(r.count for r in c.by_customer.rows) == 13
    assert dict((mo, n) for mo, n, _avg in c.month_of_year)[1] == 3
    assert c.quarters[0] == (1, 7) and c.quarters[1] == (2, 6)


def test_kpi_monthly_values(make_customer, make_order, make_complaint) -> None:
    from manyi.audit.models import AuditEntry
    from manyi.complaints.models import RemedyProposal
    from manyi.customers.models import Customer

    a = make_customer()
    make_order(a, dt.date(2025, 1, 10), dt.date(2025, 1, 15), quantity=1000, defects=2,
               returned=5)
    make_order(a, dt.date(2025, 1, 20), dt.date(2025, 1, 18), quantity=500, defects=1,
               split=True, freight="300.50")
    make_order(a, dt.date(2025, 1, 31), dt.date(2025, 1, 31), quantity=500)
    make_order(a, dt.date(2025, 2, 5), dt.date(2025, 2, 6), quantity=100)
    make_order(a, None, dt.date(2025, 2, 6), quantity=999)  # not delivered yet
    complaint = make_complaint(a, at(2025, 1, 5))
    RemedyProposal.objects.create(complaint=complaint, number=1, kind="repair",
                                  description="返修", status="accepted",
                                  answered_at=at(2025, 1, 15))
    # churn: 4 customers existed before 2025; one of them is lost in February
    others = [make_customer() for _ in range(3)]
    Customer.objects.filter(pk__in=[a.pk, *[o.pk for o in others]]).update(
        created_at=at(2024, 6, 1))
    lost = others[0]
    Customer.objects.filter(pk=lost.pk).update(status="lost")
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Customer), object_id=str(lost.pk),
        object_repr=str(lost), action="update", changes={"status": ["active", "lost"]},
        at=at(2025, 2, 10))
    k = kpi_analysis(Month(2025, 1), Month(2025, 3))
    jan, feb, mar = k.rows()
    assert jan["deliveries"] == 3 and jan["units"] == 2000
    assert jan[M.ON_TIME] == pytest.approx(200 / 3)
    assert jan[M.PPM] == 1500.0
    assert jan[M.RETURNS] == 0.25
    assert jan[M.FREIGHT] == Decimal("300.50")
    assert jan[M.REPAIR] == pytest.approx(100 / 3)
    assert feb[M.ON_TIME] == 100.0 and feb[M.PPM] == 0.0
    assert mar[M.ON_TIME] is None and mar[M.PPM] is None
    assert (jan[M.CHURN], feb[M.CHURN], mar[M.CHURN]) == (0.0, 25.0, 0.0)
    assert k.active == [4, 4, 3] and k.lost == [0, 1, 0]
    on_time = k.charts[M.ON_TIME]
    assert on_time.chart is not None and on_time.labels == ["2025-01", "2025-02"]  # no base in 03
    # one customer's KPIs
    b = make_customer()
    make_order(b, dt.date(2025, 1, 3), dt.date(2025, 1, 1), quantity=10)
    only_b = kpi_analysis(Month(2025, 1), Month(2025, 3), customer=b)
    assert only_b.rows()[0][M.ON_TIME] == 0.0 and only_b.rows()[0]["deliveries"] == 1
    assert M.CHURN not in only_b.charts
    # complaint rate: complaints received per 1 000 delivered units, overall and per customer
    assert jan[M.COMPLAINTS_PER_UNITS] == 0.5  # 1 complaint / 2 000 units
    assert feb[M.COMPLAINTS_PER_UNITS] == 0.0 and mar[M.COMPLAINTS_PER_UNITS] is None
    make_complaint(b, at(2025, 1, 20))
    make_complaint(b, at(2025, 1, 21), state="cancelled")  # not counted
    only_b = kpi_analysis(Month(2025, 1), Month(2025, 3), customer=b)
    assert only_b.complaints == [1, 0, 0]
    assert only_b.rows()[0][M.COMPLAINTS_PER_UNITS] == 100.0  # 1 / 10 units × 1 000
    everyone = kpi_analysis(Month(2025, 1), Month(2025, 3))
    assert everyone.complaints == [2, 0, 0]
    assert everyone.rows()[0][M.COMPLAINTS_PER_UNITS] == pytest.approx(2 * 1000 / 2010)
    # the same figure as the complaint analysis' u chart
    c = complaint_analysis(Month(2025, 1), Month(2025, 3))
    mine = everyone.charts[M.COMPLAINTS_PER_UNITS]
    assert (mine.numerators, mine.sizes) == (c.u_chart.numerators, c.u_chart.sizes)


def test_pareto_other_bucket_last_and_never_vital(make_customer, make_complaint) -> None:
    """Complaints about a product model the customer called "其他" (other) join the "Other"
    bucket: the biggest bar, yet drawn last and never one of the vital few; the note says so."""
    from django.utils import translation

    from manyi.analysis.charts import pareto_chart
    from manyi.complaints.models import Complaint

    customer = make_customer()
    for day, model in enumerate(["X1"] * 3 + ["X2"] + ["其他"] * 6, start=1):
        c = make_complaint(customer, at(2025, 3, day))
        Complaint.objects.filter(pk=c.pk).update(product_model=model)
    with translation.override("en"):
        by_product = complaint_analysis(Month(2025, 3), Month(2025, 3)).by_product
        assert by_product is not None
        chart = pareto_chart("pareto-product", "Pareto by product", by_product)
    assert by_product is not None
    assert [(r.category, r.count) for r in by_product.rows] == [
        ("X1", 3.0), ("X2", 1.0), ("Other", 6.0)]
    assert by_product.vital_few == ("X1", "X2")
    assert by_product.other == "Other"
    assert [row[-1] for row in chart.table.rows] == ["yes", "yes", ""]
    assert "never counted among the vital few" in chart.note
