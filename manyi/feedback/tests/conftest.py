"""Fixtures of the feedback tests: an entry factory going through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

SH = dt.timezone(dt.timedelta(hours=8))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def service_user(make_user: Callable[..., Any]) -> Any:
    return make_user("customer_service", department="CS", email="cs@example.cn")


@pytest.fixture
def make_entry(service_user: Any, dept: Callable[[str], Any]) -> Callable[..., Any]:
    from manyi.feedback.services import feedback_create

    def make(actor: Any = None, **data: Any) -> Any:
        data.setdefault("channel", "phone")
        data.setdefault("kind", "consultation")
        data.setdefault("subject", "咨询 PS-2400-24 的输入电压范围")
        data.setdefault("text", "客户来电询问产品能否用于 110V 电网。")
        if "customer" not in data:
            data.setdefault("contact_name", "王先生")
        if data["kind"] in ("consultation", "suggestion") and not data.get("answer"):
            if "assigned_to" not in data:
                data.setdefault("assigned_department", dept("ENG"))
        data.setdefault("received_at", timezone.now())
        return feedback_create(actor=actor or service_user, data=data)

    return make
