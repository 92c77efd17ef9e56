"""Selectors: the customer timeline's order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from manyi.common import links
from manyi.common.links import TimelineEvent
from manyi.customers.selectors import customer_timeline

pytestmark = pytest.mark.django_db


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_timeline_orders_dated_and_timed_events_in_local_time(
    monkeypatch: pytest.MonkeyPatch, make_customer: Any, admin_user: Any
) -> None:
    # 02:00 on 6 May in Shanghai is 18:00 on 5 May in UTC: the timed event happened after the
    # start of the dated event's day, so it is newer.
    timed = TimelineEvent(at=dt.datetime(2025, 5, 5, 18, 0, tzinfo=dt.UTC), kind="complaint",
                          title="timed", detail="")
    dated = TimelineEvent(at=dt.date(2025, 5, 6), kind="order", title="dated", detail="")
    monkeypatch.setattr(links, "TIMELINE_SOURCES", [lambda c, u, n: [dated, timed]])
    events = customer_timeline(customer=make_customer(), user=admin_user)
    assert [e.title for e in events] == ["timed", "dated"]
