"""Demo claims: every state, money that adds up, gap-free numbers, deterministic."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from manyi.claims.demo import demo_build
from manyi.claims.models import (
    Claim,
    ClaimStep,
    CompensationLine,
    NegotiationRound,
    QualityCost,
    SupplierRecourse,
)
from manyi.claims.workflow import ClaimState
from manyi.common.models import NumberSequence
from manyi.demo.build import build_demo

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def fingerprint() -> str:
    rows = Claim.objects.order_by("number").values_list(
        "number", "customer__code", "state", "claimed_amount", "compensation_amount",
        "liability", "received_on", "step_due_at")
    steps = ClaimStep.objects.order_by("claim__number", "at").values_list(
        "claim__number", "transition", "at")
    return hashlib.sha256(repr((list(rows), list(steps))).encode()).hexdigest()


@pytest.fixture
def base(db: Any) -> None:
    build_demo(seed=3, today=TODAY, scale="tiny", include_apps=False)


def test_demo_claims_cover_every_state_and_add_up(base) -> None:
    counts = demo_build(seed=3, today=TODAY, scale="tiny")
    assert counts["claims"] == Claim.objects.count() == 14
    assert set(Claim.objects.values_list("state", flat=True)) == set(ClaimState.values)
    assert counts["quality_costs"] == QualityCost.objects.count() > 0
    assert SupplierRecourse.objects.exists() and NegotiationRound.objects.exists()
    for cost in QualityCost.objects.select_related("claim"):
        claim = cost.claim
        assert claim is not None and cost.amount == claim.compensation_amount > 0
        lines = CompensationLine.objects.filter(claim=claim)
        assert claim.compensation_subtotal == sum((x.total for x in lines), Decimal(0))
    claim_numbers = NumberSequence.objects.filter(scope="claim")
    for year, last in claim_numbers.values_list("year", "last"):
        numbers = sorted(Claim.objects.filter(year=year).values_list("sequence", flat=True))
        assert numbers == list(range(1, last + 1))
    start = date(TODAY.year - 2, TODAY.month, TODAY.day)
    assert all(start <= d < TODAY for d in Claim.objects.values_list("received_on", flat=True))
    for claim in Claim.objects.all():
        assert list(claim.steps.values_list("to_state", flat=True))[-1] == claim.state
        assert (claim.step_due_at is None) == (not claim.is_open)
    anchor = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert Claim.objects.filter(step_due_at__lt=anchor).exists()  # some are overdue
    assert Claim.objects.filter(step_due_at__gt=anchor).exists()  # some are not


def test_demo_claims_are_deterministic(base) -> None:
    digests = []
    for seed in (5, 5, 6):
        sid = transaction.savepoint()
        demo_build(seed=seed, today=TODAY, scale="tiny")
        digests.append(fingerprint())
        transaction.savepoint_rollback(sid)
    assert digests[0] == digests[1] != digests[2]


def test_new_claims_continue_the_demo_numbers(base, make_user) -> None:
    from manyi.claims import services
    from manyi.customers.models import Customer

    demo_build(seed=3, today=TODAY, scale="tiny")
    last = NumberSequence.objects.get(scope="claim", year=2026).last
    user = make_user("sales_manager", department="SALES")
    claim = services.claim_create(actor=user, data={
        "customer": Customer.objects.order_by("code").first(), "description": "新索赔",
        "received_on": date(2026, 3, 2)})
    assert claim.sequence == last + 1


def test_nothing_without_customers(db) -> None:
    assert demo_build(seed=1, today=TODAY, scale="small") == {"claims": 0}
