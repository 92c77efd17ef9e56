"""Fixtures for the survey tests: a small customer base, a running campaign, answers."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

_seq = itertools.count(1)

FUNCTIONS = ("gm", "product_manager", "quality", "purchasing", "marketing")


@pytest.fixture
def cs_user(make_user: Callable[..., Any]) -> Any:
    return make_user("customer_service", department="CS", email="cs@example.com")


@pytest.fixture
def bu_head(make_user: Callable[..., Any]) -> Any:
    return make_user("bu_head", department="BU-PWR")


@pytest.fixture
def make_contacts() -> Callable[..., list[Any]]:
    from manyi.customers.models import Contact

    def make(customer: Any, classes: str = "ABBCC", email: bool = True,
             language: str = "zh-hans") -> list[Any]:
        out = []
        for fn, klass in zip(FUNCTIONS, classes, strict=False):
            n = next(_seq)
            out.append(Contact.objects.create(
                customer=customer, name=f"联系人{n}", function=fn, decision_class=klass,
                email=f"c{n}@kunde.example.cn" if email else "", phone="021-1234567",
                language=language,
            ))
        return out

    return make


@pytest.fixture
def survey_template(db: Any) -> Any:
    from manyi.surveys.models import SurveyTemplate
    from manyi.surveys.services import templates_install_builtin

    templates_install_builtin()
    return SurveyTemplate.objects.get(code="SEED004", version_no=1)


@pytest.fixture
def running_campaign(
    cs_user: Any, bu_head: Any, make_customer: Callable[..., Any],
    make_contacts: Callable[..., list[Any]], survey_template: Any, dept: Callable[[str], Any],
) -> Callable[..., Any]:
    """running_campaign(customers=2, **campaign fields) → a sent campaign of BU-PWR."""
    from manyi.customers.models import ProductLine
    from manyi.surveys import services

    def make(customers: int = 2, template: Any = None, **fields: Any) -> Any:
        line, _ = ProductLine.objects.get_or_create(code="PL-S", defaults={"name": "电源"})
        for i in range(customers):
            c = make_customer(office="BO-SH", bu="BU-PWR",
                              annual_revenue=Decimal(1_000_000 * (customers - i)))
            c.product_lines.add(line)
            make_contacts(c)
        data = {
            "title": "季度调查", "template": template or survey_template, "kind": "quarterly",
            "period_year": 2025, "period": "Q4", "start_date": dt.date(2025, 12, 1),
            **fields,
        }
        data.setdefault("rule_business_units", [dept("BU-PWR")])
        campaign = services.campaign_create(actor=cs_user, data=data)
        services.targets_build(actor=cs_user, campaign=campaign)
        campaign = services.targets_submit(actor=cs_user, campaign=campaign)
        for approval in campaign.approvals.all():
            services.target_decide(actor=bu_head, approval=approval, approve=True)
        campaign.refresh_from_db()
        return services.campaign_send(actor=cs_user, campaign=campaign)

    return make


def full_answers(template: Any, value: int = 4, na: tuple[str, ...] = (),
                 overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """POST data answering every scored and detail item of the template."""
    data: dict[str, str] = {}
    for item in template.items.all():
        if item.scale == "text":
            data["a_" + item.key] = "很好"
        elif item.rated:
            top = item.max_value
            data["a_" + item.key] = "na" if item.key in na else str(min(value, top))
    for k, v in (overrides or {}).items():
        data[k] = str(v)
    return data


@pytest.fixture
def issue_token() -> Callable[[Any], str]:
    from manyi.surveys.services import link_issue

    def issue(inv: Any) -> str:
        token, _link = link_issue(invitation=inv, actor=None, purpose="test")
        return token

    return issue
