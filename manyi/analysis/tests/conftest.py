"""Builders for the analysis tests: small questionnaires, campaigns with hand-made answers (the
rollups rebuilt by the surveys app's own `rollups_recompute`), complaints and orders."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

_seq = itertools.count(1)
FIVE = {f"F{i}": ("verbal", None) for i in range(1, 6)}


@pytest.fixture
def quality(make_user: Callable[..., Any]) -> Any:
    return make_user("quality_manager", department="QA")


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    return make_user("sales_clerk", department="BO-SH")


@pytest.fixture
def make_template(db: Any) -> Callable[..., Any]:
    """make_template({"F1": ("verbal", None), "P1": ("points", 40)}) → a published template with
    one dimension D holding the given factor items (key → scale, item maximum)."""
    from manyi.surveys.models import SurveyTemplate, TemplateItem

    def make(items: Mapping[str, tuple[str, int | None]], code: str | None = None,
             competitor: tuple[str, ...] = ()) -> Any:
        t = SurveyTemplate.objects.create(
            code=code or f"T{next(_seq)}", version_no=1, name="测试问卷", status="published")
        dim = TemplateItem.objects.create(template=t, key="D", level="dimension",
                                          text="维度", text_en="Dimension", scale="none")
        for pos, (key, (scale, top)) in enumerate(items.items(), start=1):
            TemplateItem.objects.create(
                template=t, key=key, parent=dim, position=pos, level="factor",
                text=f"项目{key}", text_en=f"Item {key}", scale=scale, max_points=top,
                competitor=key in competitor)
        return t

    return make


@pytest.fixture
def make_campaign(db: Any) -> Callable[..., Any]:
    from manyi.surveys.models import Campaign
    from manyi.surveys.services import campaign_deadlines

    def make(template: Any, start: dt.date = dt.date(2025, 12, 1), **fields: Any) -> Any:
        n = next(_seq)
        fields.setdefault("period_year", start.year)
        fields.setdefault("period", "Q4")
        return Campaign.objects.create(
            number=f"SV-T{n:04d}", title=f"调查{n}", template=template, kind="quarterly",
            status="closed", start_date=start, **campaign_deadlines(start), **fields)

    return make


@pytest.fixture
def add_response(db: Any) -> Callable[..., Any]:
    """add_response(campaign, customer, {"F1": 5, "F2": None (N/A)}, source=, competitor=,
    invited=True, function=, decision_class=) → a submitted response with its answers."""
    from django.utils import timezone

    from manyi.surveys.models import Answer, Invitation, Response

    def add(campaign: Any, customer: Any, values: Mapping[str, int | None], *,
            source: str = "customer", competitor: Mapping[str, int | None] | None = None,
            invited: bool = True, function: str = "gm", decision_class: str = "A") -> Any:
        items = {i.key: i for i in campaign.template.items.all()}
        inv = None
        if invited and source == "customer":
            inv = Invitation.objects.create(
                campaign=campaign, customer=customer, name="受访者", channel="email",
                function=function, decision_class=decision_class,
                business_unit_id=customer.business_unit_id,
                branch_office_id=customer.branch_office_id,
                customer_class=customer.customer_class, key_account=customer.key_account,
                status="completed", sent_at=timezone.now(), completed_at=timezone.now())
        r = Response.objects.create(
            campaign=campaign, invitation=inv, customer=customer, source=source,
            channel="web" if source == "customer" else "staff", status="submitted",
            business_unit_id=customer.business_unit_id,
            branch_office_id=customer.branch_office_id,
            customer_class=customer.customer_class, key_account=customer.key_account,
            function=function, decision_class=decision_class,
            competitor_name="对手" if competitor else "", submitted_at=timezone.now())
        for key, value in values.items():
            Answer.objects.create(response=r, item=items[key], value=value, na=value is None)
        for key, value in (competitor or {}).items():
            Answer.objects.create(response=r, item=items[key], value=value, na=value is None,
                                  competitor=True)
        _totals(r, items)
        return r

    return add


def _totals(response: Any, items: Mapping[str, Any]) -> None:
    from manyi.surveys.rollups import response_totals

    by_pk = {i.pk: i for i in items.values()}
    t = response_totals(list(response.answers.all()), by_pk)
    for name in ("answered", "not_applicable", "value_sum", "max_sum", "top2", "low"):
        setattr(response, name, t.get(name, 0))
    response.save()


@pytest.fixture
def invite_silent(db: Any) -> Callable[..., None]:
    """Respondents who never answered (they count in the return rate)."""
    from django.utils import timezone

    from manyi.surveys.models import Invitation

    def make(campaign: Any, customer: Any, n: int) -> None:
        for _ in range(n):
            Invitation.objects.create(
                campaign=campaign, customer=customer, name="未回复", channel="email",
                business_unit_id=customer.business_unit_id,
                branch_office_id=customer.branch_office_id,
                customer_class=customer.customer_class, key_account=customer.key_account,
                status="sent", sent_at=timezone.now())

    return make


@pytest.fixture
def rebuild() -> Callable[[Any], Any]:
    from manyi.surveys.rollups import rollups_recompute

    return lambda campaign: rollups_recompute(campaign)


@pytest.fixture
def make_complaint(db: Any) -> Callable[..., Any]:
    from manyi.complaints.models import Complaint

    def make(customer: Any, received: dt.datetime, category: str = "product_quality",
             state: str = "received", product: Any = None) -> Any:
        n = next(_seq)
        return Complaint.objects.create(
            number=f"TS-T-{n:06d}", year=received.year, sequence=n, customer=customer,
            channel="phone", received_at=received, description="问题", content_category=category,
            state=state, product=product)

    return make


@pytest.fixture
def make_order(db: Any, product: Any) -> Callable[..., Any]:
    from manyi.customers.models import Order

    def make(customer: Any, delivered: dt.date | None, promised: dt.date, quantity: int = 100,
             defects: int = 0, returned: int = 0, split: bool = False,
             freight: str = "0") -> Any:
        n = next(_seq)
        return Order.objects.create(
            number=f"O-{n:06d}", customer=customer, order_date=promised - dt.timedelta(days=20),
            product=product, quantity=quantity, promised_date=promised, delivered_date=delivered,
            defects=defects, returned=returned, split_delivery=split,
            extra_freight=Decimal(freight))

    return make


@pytest.fixture
def example_campaign(make_template, make_campaign, make_customer, add_response, invite_silent,
                     rebuild):
    """001's level-points example (10/5/6/3/1 of 25 answers) from 5 customers' forms, plus a
    self-evaluation of 85 % (levels 5, 4, 4, 4 and one N/A) and 5 silent respondents."""
    template = make_template(FIVE, competitor=("F1",))
    campaign = make_campaign(template, min_return_rate=Decimal("50"))
    levels = [5] * 10 + [4] * 5 + [3] * 6 + [2] * 3 + [1]
    customers = [make_customer(key_account=i == 0) for i in range(5)]
    for c, form in zip(customers, [levels[i:i + 5] for i in range(0, 25, 5)], strict=True):
        add_response(campaign, c, {f"F{i + 1}": v for i, v in enumerate(form)},
                     competitor={"F1": 3} if c is customers[0] else None)
    add_response(campaign, customers[0], {"F1": 5, "F2": 4, "F3": 4, "F4": 4, "F5": None},
                 source="self")
    invite_silent(campaign, customers[1], 5)
    rebuild(campaign)
    return campaign
