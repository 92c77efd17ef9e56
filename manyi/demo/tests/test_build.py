"""The demo data: promised counts and relations, realistic shares, determinism."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F, Sum

from manyi.demo.build import build_demo
from manyi.demo.context import SCALES, allocate
from manyi.demo.digest import demo_digest
from manyi.demo.names import SPRING_FESTIVAL
from manyi.demo.orders import day_weight

TODAY = date(2025, 6, 30)


@pytest.fixture
def built(db: Any) -> Any:
    return build_demo(seed=7, today=TODAY, scale="tiny", include_apps=False)


def test_scales_promise_the_documented_sizes() -> None:
    small, large = SCALES["small"], SCALES["large"]
    assert (small.customers, small.contacts, small.orders) == (300, 1200, 8000)
    assert (large.customers, large.contacts, large.orders) == (20_000, 100_000, 400_000)


def test_allocate_gives_exact_totals_with_a_minimum() -> None:
    rng = random.Random(1)
    weights = [rng.random() ** 3 for _ in range(20_000)]
    parts = allocate(400_000, weights, 1, rng)
    assert sum(parts) == 400_000
    assert min(parts) >= 1
    with pytest.raises(ValueError):
        allocate(5, [1.0] * 6, 1, rng)


def test_tiny_scale_builds_exactly_its_counts(built: Any) -> None:
    from manyi.customers.models import Contact, Customer, Order, Product, ProductLine

    tiny = SCALES["tiny"]
    assert Customer.objects.count() == tiny.customers == built.counts["customers"]
    assert Contact.objects.count() == tiny.contacts
    assert Order.objects.count() == tiny.orders
    assert ProductLine.objects.filter(business_unit__code="BU-PWR").count() == 3
    assert Product.objects.filter(model__startswith="PS-").exists()
    assert Customer.objects.values("name").distinct().count() == tiny.customers


def test_region_is_the_offices_parent_and_lines_are_bought(built: Any) -> None:
    from manyi.customers.models import Customer

    assert not Customer.objects.exclude(region=F("branch_office__parent")).exists()
    assert not Customer.objects.filter(product_lines__isnull=True).exists()
    sh = Customer.objects.filter(branch_office__code="BO-SH")
    assert sh.exists()
    assert all(c.address.startswith("上海市") for c in sh)
    assert all(c.phone.startswith("021-") for c in sh)


def test_kinds_dealers_lost_and_revenue_skew(built: Any) -> None:
    from manyi.customers.models import Customer

    kinds = Counter(Customer.objects.values_list("kind", flat=True))
    assert kinds["dealer"] >= 2 and kinds["agent"] >= 1
    linked = Customer.objects.filter(dealer__isnull=False)
    assert linked.exists()
    assert not linked.exclude(dealer__branch_office=F("branch_office")).exists()
    assert Customer.objects.filter(status="lost").exists()
    for bu in ("BU-PWR", "BU-CTL", "BU-SVC"):
        qs = Customer.objects.filter(business_unit__code=bu)
        total = qs.aggregate(s=Sum("annual_revenue"))["s"]
        ka = qs.filter(key_account=True).aggregate(s=Sum("annual_revenue"))["s"]
        assert qs.filter(key_account=True).count() >= 3
        assert ka / total >= Decimal("0.5"), bu  # a few KAs carry most of the revenue


def test_contacts_cover_functions_and_a_third_decide(built: Any) -> None:
    from manyi.customers.models import Contact, Customer

    for customer in Customer.objects.prefetch_related("contacts"):
        contacts = list(customer.contacts.all())
        assert len({c.function for c in contacts}) >= 3
        assert any(c.decision_class == "A" for c in contacts)
    classes = Counter(Contact.objects.values_list("decision_class", flat=True))
    share_a = classes["A"] / sum(classes.values())
    assert 0.25 <= share_a <= 0.42
    assert set(Contact.objects.values_list("function", flat=True)) == {
        "gm", "product_manager", "quality", "purchasing", "marketing", "user"
    }
    assert Contact.objects.filter(language="en").exists()
    assert all(e.endswith(".example.cn") for e in Contact.objects.values_list("email", flat=True))


def test_orders_cover_two_years_with_late_split_defects_returns(built: Any) -> None:
    from manyi.customers.models import Order

    dates = list(Order.objects.values_list("order_date", flat=True))
    assert min(dates) <= TODAY - timedelta(days=700)
    assert max(dates) >= TODAY - timedelta(days=7)
    assert max(dates) < TODAY
    delivered = Order.objects.filter(delivered_date__isnull=False)
    late = delivered.filter(delivered_date__gt=F("promised_date")).count()
    assert 0.03 <= late / delivered.count() <= 0.12
    assert Order.objects.filter(delivered_date__isnull=True).exists()  # some still open
    split = Order.objects.filter(split_delivery=True)
    assert split.exists() and not split.filter(extra_freight=0).exists()
    sums = delivered.aggregate(q=Sum("quantity"), d=Sum("defects"))
    assert 50 <= sums["d"] * 1_000_000 / sums["q"] <= 1000  # PPM of a few hundred
    assert Order.objects.filter(returned__gt=0).exists()


def test_every_record_is_a_quality_record_of_the_admin_with_one_import_entry(built: Any) -> None:
    from manyi.audit.models import AuditEntry
    from manyi.customers.models import Contact, Customer, Order, Product, ProductLine

    for model in (Customer, Contact, Order, Product):
        assert not model.objects.exclude(created_by__username="admin").exists()
    records = sum(m.objects.count() for m in (Customer, Contact, Order, Product, ProductLine))
    entries = AuditEntry.objects.all()
    assert entries.count() == records
    assert set(entries.values_list("action", "note", "actor__username")) == {
        ("import", "demo data", "admin")
    }
    created = Customer.objects.values_list("created_at", flat=True)
    assert (max(created) - min(created)).days > 365  # spread over the two years


def test_spring_festival_has_fewer_orders() -> None:
    sf = SPRING_FESTIVAL[2025]
    holiday = [day_weight(sf + timedelta(days=i)) for i in range(-3, 8)]
    march = [day_weight(date(2025, 3, 1) + timedelta(days=i)) for i in range(28)]
    assert sum(holiday) / len(holiday) < 0.3 * sum(march) / len(march)


def test_same_seed_and_today_give_the_same_data(db: Any) -> None:
    digests = []
    for seed in (5, 5, 6):
        sid = transaction.savepoint()
        build_demo(seed=seed, today=TODAY, scale="tiny", include_apps=False)
        digests.append(demo_digest())
        transaction.savepoint_rollback(sid)
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
