"""Quality-cost totals per month, customer and product on constructed data (exact Decimal),
the claim filters, and claims on the customer timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from manyi.claims.filters import ClaimFilter, Period
from manyi.claims.models import Claim, QualityCost
from manyi.claims.selectors import claim_list, claim_summary, quality_cost_totals
from manyi.customers.models import Product, ProductLine
from manyi.customers.selectors import customer_timeline

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def costs(make_customer, make_user):
    a = make_customer(office="BO-SH", code="CA", name="甲公司")
    b = make_customer(office="BO-GZ", code="CB", name="乙公司")
    line = ProductLine.objects.create(code="PL-X", name="线")
    p1 = Product.objects.create(model="P-1", name="电源", product_line=line)
    p2 = Product.objects.create(model="P-2", name="控制器", product_line=line)
    rows = [
        (dt.date(2025, 11, 3), a, p1, "0.10"),
        (dt.date(2025, 11, 30), a, p1, "0.20"),
        (dt.date(2025, 12, 1), b, p2, "1234.56"),
        (dt.date(2026, 1, 15), b, p1, "0.01"),
        (dt.date(2026, 1, 31), a, None, "99999999.99"),
        (dt.date(2026, 2, 1), a, p1, "5.00"),  # outside the period below
    ]
    for date, customer, product, amount in rows:
        QualityCost.objects.create(date=date, customer=customer, product=product,
                                   amount=D(amount))
    archived = QualityCost.objects.create(date=dt.date(2025, 12, 5), customer=a, amount=D("7"))
    QualityCost.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1,
                                                                              tzinfo=dt.UTC))
    return a, b


def test_totals_per_month_customer_product_are_exact(costs, make_user) -> None:
    user = make_user("finance", department="FIN")
    period = Period(dt.date(2025, 10, 1), dt.date(2026, 1, 31))
    t = quality_cost_totals(user=user, period=period)
    assert [(r.key, r.count, r.amount) for r in t.by_month] == [
        ("2025-10", 0, D("0")), ("2025-11", 2, D("0.30")), ("2025-12", 1, D("1234.56")),
        ("2026-01", 2, D("100000000.00"))]
    assert [(r.key, r.label, r.count, r.amount) for r in t.by_customer] == [
        ("CA", "甲公司", 3, D("100000000.29")), ("CB", "乙公司", 2, D("1234.57"))]
    assert [(r.key, r.count, r.amount) for r in t.by_product] == [
        ("", 1, D("99999999.99")), ("P-2", 1, D("1234.56")), ("P-1", 3, D("0.31"))]
    assert t.by_product[1].label == "P-2 控制器"
    assert t.total == D("100001234.86") and t.count == 5
    assert sum((r.amount for r in t.by_month), D("0")) == t.total


def test_totals_follow_the_users_scope(costs, make_user) -> None:
    period = Period(dt.date(2025, 10, 1), dt.date(2026, 1, 31))
    bu = make_user("bu_head", department="BU-PWR")  # both customers are BU-PWR
    assert quality_cost_totals(user=bu, period=period).count == 5
    nobody = make_user("sales_clerk", department="BO-SH")  # no quality_cost.view
    assert quality_cost_totals(user=nobody, period=period).count == 0


def test_period_defaults_to_the_last_twelve_months() -> None:
    p = Period.from_params({}, today=dt.date(2026, 3, 15))
    assert (p.date_from, p.date_to) == (dt.date(2025, 4, 1), dt.date(2026, 3, 15))
    p = Period.from_params({}, today=dt.date(2026, 12, 2))
    assert p.date_from == dt.date(2026, 1, 1)
    p = Period.from_params({"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert (p.date_from, p.date_to) == (dt.date(2026, 1, 1), dt.date(2026, 2, 1))


def test_filters_state_customer_period_liability(new_claim, advance, people,
                                                 make_customer) -> None:
    a = new_claim(received_on=dt.date(2025, 6, 1))
    b = advance(new_claim(received_on=dt.date(2025, 8, 1)), "compensation")
    c = advance(new_claim(received_on=dt.date(2025, 9, 1)), "acknowledgement",
                liability="customer")
    other = make_customer(office="BO-SH")
    d = new_claim(customer=other, received_on=dt.date(2025, 9, 2))

    def numbers(**params) -> list[str]:
        qs = claim_list(user=people.gm, filters=ClaimFilter.from_params(params))
        return [x.number for x in qs]

    assert numbers(state="collecting", sort="number") == [a.number, d.number]
    assert numbers(liability="customer") == [c.number]
    assert numbers(liability="company", state="compensation") == [b.number]
    assert numbers(customer=str(other.pk)) == [d.number]
    assert numbers(date_from="2025-07-01", date_to="2025-09-01", sort="received") == [
        b.number, c.number]
    assert numbers(state="bogus", sort="number") == [a.number, b.number, c.number, d.number]
    assert numbers(q=c.number) == [c.number]
    Claim.objects.filter(pk=a.pk).update(step_due_at=dt.datetime(2025, 6, 2, tzinfo=dt.UTC))
    assert numbers(overdue="1") == [a.number]
    s = claim_summary(user=people.gm, period=Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert (s.received, s.open, s.claimed) == (4, 4, D("48000.00"))


def test_claims_appear_on_the_customer_timeline(new_claim, people, customer) -> None:
    claim = new_claim(received_on=dt.date(2026, 1, 8))
    events = [e for e in customer_timeline(customer=customer, user=people.sales)
              if e.kind == "claim"]
    assert [(e.at, e.url) for e in events] == [(claim.received_on, f"/claims/{claim.pk}/")]
    assert claim.number in events[0].title and events[0].warning
    assert [e for e in customer_timeline(customer=customer, user=people.viewer)
            if e.kind == "claim"] == []
