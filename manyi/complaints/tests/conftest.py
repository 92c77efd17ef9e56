"""People of the complaint procedure in their departments, a customer, and helpers to drive a
complaint through the workflow at a chosen moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from manyi.complaints import services
from manyi.complaints.models import Complaint
from manyi.complaints.services import clock as services_clock

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment in the company's time zone: at(2025, 9, 30, 10)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def people(make_user: Callable[..., Any], dept: Callable[[str], Any]) -> SimpleNamespace:
    p = SimpleNamespace(
        clerk=make_user("sales_clerk", department="BO-SH", username="clerk_sh",
                        email="clerk@example.cn"),
        branch=make_user("branch_manager", department="BO-SH", username="branch_sh",
                         email="branch@example.cn"),
        clerk_gz=make_user("sales_clerk", department="BO-GZ", username="clerk_gz"),
        sales_manager=make_user("sales_manager", department="SALES", username="sales_mgr",
                                email="salesmgr@example.cn"),
        qm=make_user("quality_manager", department="QA", username="qm", email="qm@example.cn"),
        qe=make_user("quality_engineer", department="QA", username="qe", email="qe@example.cn"),
        service=make_user("customer_service", department="CS", username="kefu",
                          email="kefu@example.cn", language="en"),
        dgm=make_user("deputy_gm", department="DGM", username="dgm", email="dgm@example.cn"),
        gm=make_user("gm", department="GM", username="gm", email="gm@example.cn"),
        legal=make_user("legal", department="LEGAL", username="fawu", email="legal@example.cn"),
        viewer=make_user("viewer", department="R-NORTH", username="viewer"),
        bu_head=make_user("bu_head", department="BU-PWR", username="bu_pwr"),
        nobody=make_user(department="QA", username="nobody"),
    )
    for code, manager in (("BO-SH", p.branch), ("QA", p.qm), ("SALES", p.sales_manager),
                          ("GM", p.gm)):
        d = dept(code)
        d.manager = manager
        d.save()
    return p


@pytest.fixture
def customer(make_customer: Callable[..., Any]) -> Any:
    return make_customer(office="BO-SH", bu="BU-PWR", name="上海测试电气有限公司")


@pytest.fixture
def contact(customer: Any) -> Any:
    from manyi.customers.models import Contact

    return Contact.objects.create(
        customer=customer, name="王经理", function="quality", phone="021-5555",
        email="wang@customer.example.cn", language="zh-hans",
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """clock(at(2025, 9, 30, 10)) — the services' idea of "now" from then on."""

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(services_clock, "now", lambda: moment)

    return set_now


@pytest.fixture
def new_complaint(people: SimpleNamespace, customer: Any, contact: Any, product: Any
                  ) -> Callable[..., Complaint]:
    def make(actor: Any = None, **fields: Any) -> Complaint:
        data: dict[str, Any] = {
            "customer": customer,
            "contact": contact,
            "channel": "phone",
            "product": product,
            "batch_number": "B2025-09-01",
            "description": "电源输出电压不稳，设备频繁重启",
            "customer_demand": "更换整批产品",
            "content_category": "product_quality",
            "severity": "general",
        }
        data.update(fields)
        return services.complaint_create(actor=actor or people.clerk, data=data)

    return make


@pytest.fixture
def step() -> Callable[..., Complaint]:
    """step(complaint, "propose", actor, kind="repair", description="…")."""

    def run(complaint: Complaint, name: str, actor: Any, **data: Any) -> Complaint:
        return services.complaint_transition(
            actor=actor, complaint=complaint, name=name, data=data
        )

    return run


GENERAL_ANALYSIS: dict[str, Any] = {
    "nature": "effective", "analysis": "批次焊接不良", "escalate": False
}
