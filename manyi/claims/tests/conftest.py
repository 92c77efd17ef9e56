"""Fixtures for the claim tests: the people of 003 §4.2, a customer, and a helper that drives a
claim along the happy path to any state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.claims import services
from manyi.claims.compensation import Line
from manyi.claims.services import PanelEntry
from manyi.claims.workflow import Liability


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A page requested in English leaves English active in this thread: reset it, so that
    later tests (on this xdist worker) see the default language again."""
    yield
    from django.utils import translation

    translation.deactivate()


def pdf(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 claim receipt", content_type="application/pdf")


@pytest.fixture
def people(make_user: Callable[..., Any], dept: Callable[[str], Any]) -> SimpleNamespace:
    p = SimpleNamespace(
        sales=make_user("sales_clerk", department="BO-SH", email="sales@x.example.cn"),
        dgm=make_user("deputy_gm", department="DGM", email="dgm@x.example.cn"),
        gm=make_user("gm", department="GM", email="gm@x.example.cn", language="en"),
        finance=make_user("finance", department="FIN", email="fin@x.example.cn"),
        qm=make_user("quality_manager", department="QA"),
        gz_sales=make_user("sales_clerk", department="BO-GZ"),
        viewer=make_user("viewer", department="R-NORTH"),
    )
    return p


@pytest.fixture
def customer(make_customer: Callable[..., Any]) -> Any:
    return make_customer(office="BO-SH", name="上海恒通电气有限公司")


@pytest.fixture
def new_claim(people: SimpleNamespace, customer: Any, product: Any) -> Callable[..., Any]:
    def make(**extra: Any) -> Any:
        actor = extra.pop("actor", people.sales)
        data = {
            "customer": customer,
            "product": product,
            "batch_number": "B2025-09-17",
            "description": "200 台电源输出电压偏低，客户产线停线 4 小时。",
            "demand": "退换货并赔偿停线损失。",
            "claimed_amount": Decimal("12000.00"),
            **extra,
        }
        return services.claim_create(actor=actor, data=data)

    return make


def panel(dept: Callable[[str], Any]) -> list[PanelEntry]:
    return [
        PanelEntry("production", department=dept("PROD")),
        PanelEntry("engineering", department=dept("ENG")),
        PanelEntry("quality", department=dept("QA")),
        PanelEntry("sales", department=dept("SALES")),
        PanelEntry("production_dgm", department=dept("DGM")),
    ]


LINES = [
    Line("goods", "更换电源", quantity=Decimal("200"), unit_price=Decimal("45.6025")),  # 9120.50
    Line("goods", "线缆", quantity=Decimal("3"), unit_price=Decimal("33.335")),  # 100.005 → .01
    Line("freight", "往返运费", amount=Decimal("860.00")),
    Line("other", "停线补偿", amount=Decimal("1499.50")),
]  # subtotal 11 580.01


@pytest.fixture
def advance(people: SimpleNamespace, dept: Callable[[str], Any]) -> Callable[..., Any]:
    """advance(claim, "liability", liability="company") → the claim, moved along the happy
    path by the right people until it is in that state."""

    def one_step(c: Any, liability: str, share: Decimal | None) -> Any:
        s = c.state
        if s == "collecting":
            services.claim_attach(actor=people.sales, claim=c, upload=pdf())
            return services.claim_submit(actor=people.sales, claim=c, expected_version=None)
        if s == "analysis":
            return services.claim_propose(
                actor=people.dgm, claim=c, expected_version=None,
                preliminary_analysis="批次电容来料不良。", proposal="更换 200 台并承担运费。",
                proposed_amount=Decimal("10000.00"),
            )
        if s == "gm_approval":
            return services.claim_approve(actor=people.gm, claim=c, expected_version=None)
        if s == "negotiation":
            services.negotiation_round_add(
                actor=people.sales, claim=c, held_on=dt.date(2026, 1, 10),
                offer="更换并赔偿 10 000 元", offer_amount=Decimal("10000.00"),
                answer="accepted", answer_note="同意",
            )
            return services.claim_agree(actor=people.sales, claim=c, expected_version=None)
        if s == "liability":
            return services.claim_determine_liability(
                actor=people.gm, claim=c, expected_version=None, liability=liability,
                liability_decision="责任界定会议结论", panel=panel(dept),
                company_share_percent=share,
                supplier_name="苏州某电容有限公司" if liability == Liability.SUPPLIER else "",
            )
        if s == "acknowledgement":
            return services.claim_acknowledge(
                actor=people.sales, claim=c, expected_version=None,
                customer_acknowledgement="客户来函确认非我方责任，撤销索赔。",
                acknowledged_on=dt.date(2026, 2, 1),
            )
        if s == "compensation":
            if c.compensation_amount is None:
                c = services.compensation_calculate(
                    actor=people.finance, claim=c, lines=LINES, expected_version=None
                )
            return services.claim_book(actor=people.finance, claim=c, expected_version=None,
                                       booked_on=dt.date(2026, 2, 3))
        if s == "recourse":
            return services.claim_settle_recourse(
                actor=people.dgm, claim=c, expected_version=None,
                amount_recovered=Decimal("8000.00"),
            )
        if s == "root_cause":
            return services.claim_close(actor=people.dgm, claim=c, expected_version=None,
                                        root_cause="电容供方换料未通知。")
        raise AssertionError(f"no step from {s}")

    def run(claim: Any, target: str, liability: str = Liability.COMPANY,
            share: Decimal | None = None) -> Any:
        for _ in range(12):
            if claim.state == target:
                return claim
            claim = one_step(claim, liability, share)
        raise AssertionError(f"did not reach {target}: {claim.state}")

    return run
