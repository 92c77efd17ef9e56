"""Demo data: eight quarters of campaigns with realistic return rates, deterministic."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import transaction

from manyi.accounts.permissions import ALL_RECORDS
from manyi.surveys.models import Answer, Campaign, Response
from manyi.surveys.rollups import rollups_current, rollups_recompute

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


def _digest() -> str:
    h = hashlib.sha256()
    for campaign in Campaign.objects.order_by("number").values_list(
        "number", "status", "start_date", "valid"
    ):
        h.update(repr(campaign).encode())
    for row in Response.objects.order_by("campaign__number", "customer__code", "respondent",
                                         "source").values_list(
        "campaign__number", "customer__code", "respondent", "source", "status", "channel",
        "value_sum", "not_applicable", "proxy", "verify_status",
    ):
        h.update(repr(row).encode())
    h.update(str(Answer.objects.count()).encode())
    return h.hexdigest()


def _build(seed: int) -> dict[str, int]:
    from manyi.demo.build import build_demo
    from manyi.surveys.demo import demo_build

    build_demo(seed=seed, today=TODAY, scale="tiny", include_apps=False)
    return demo_build(seed=seed, today=TODAY, scale="tiny")


def test_demo_surveys(reference_data) -> None:
    counts = _build(3)
    assert counts["survey_campaigns"] == 8 + 2 + 1
    quarterly = Campaign.objects.filter(template__code="SEED004", status="closed")
    assert quarterly.count() == 8
    assert Campaign.objects.filter(template__code="ECSS").count() == 2
    current = Campaign.objects.get(number="SV2026Q2-01")
    assert current.status == "running" and current.tasks.exists()
    from manyi.surveys import selectors

    for c in quarterly:
        t = selectors.totals(c, scope=ALL_RECORDS)
        assert 45 <= t["rate"] <= 92, (c.number, t)
        assert t["partial"] >= 0
    submitted = Response.objects.filter(status="submitted", source="customer")
    assert submitted.filter(proxy=True).exists()
    assert submitted.exclude(channel="web").exists()
    assert Response.objects.filter(status="partial").exists()
    assert Response.objects.filter(source="self").exists()
    assert Answer.objects.filter(na=True).exists()
    assert Answer.objects.filter(competitor=True).exists()
    assert submitted.exclude(verify_status="").exists()
    assert Campaign.objects.filter(valid=True).exists()
    one = quarterly.first()
    assert one is not None
    assert rollups_current(one) == rollups_recompute(one, write=False)


def test_demo_is_deterministic(reference_data) -> None:
    digests = []
    for _ in range(2):
        sid = transaction.savepoint()
        _build(5)
        digests.append(_digest())
        transaction.savepoint_rollback(sid)
    assert digests[0] == digests[1]
