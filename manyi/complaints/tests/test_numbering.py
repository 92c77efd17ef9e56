"""Complaint numbers: TS-<year>-<5 digits>, gap-free per year, unique under concurrent intake
(real transactions on the test database: SQLite's write lock, PostgreSQL's row lock)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from manyi.common.models import NumberSequence
from manyi.complaints import services
from manyi.complaints.models import Complaint

from .conftest import at


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_distinct_gap_free_numbers(make_customer) -> None:
    customer = make_customer()

    def intake(i: int) -> str:
        try:
            c = services.complaint_create(
                actor=None,
                data={"customer": customer, "channel": "phone", "contact_name": f"人{i}",
                      "description": f"问题 {i}", "content_category": "service_quality",
                      "received_at": at(2025, 6, 1, 9, i)},
            )
            return c.number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(intake, range(12)))
    assert sorted(numbers) == [f"TS-2025-{i:05d}" for i in range(1, 13)]
    assert NumberSequence.objects.get(scope="complaint", year=2025).last == 12
    assert Complaint.objects.count() == 12
