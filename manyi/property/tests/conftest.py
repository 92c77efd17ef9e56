"""Fixtures of the property tests: a sales user and an item factory through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

SH = dt.timezone(dt.timedelta(hours=8))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def sales_user(make_user: Callable[..., Any]) -> Any:
    return make_user("sales_manager", department="SALES", email="sales@example.cn")


@pytest.fixture
def make_item(sales_user: Any, make_customer: Callable[..., Any]) -> Callable[..., Any]:
    from manyi.property.services import property_receive

    def make(actor: Any = None, **data: Any) -> Any:
        if "customer" not in data:
            data["customer"] = make_customer()
        data.setdefault("kind", "sample")
        data.setdefault("name", "PS-2400-24 样品")
        data.setdefault("quantity", 2)
        data.setdefault("received_on", dt.date(2025, 9, 1))
        return property_receive(actor=actor or sales_user, data=data)

    return make


@pytest.fixture
def english_contact(make_customer: Callable[..., Any]) -> Any:
    from manyi.customers.models import Contact

    return Contact.objects.create(
        customer=make_customer(), name="John Miller", function="quality",
        email="john@buyer.example.com", language="en",
    )
