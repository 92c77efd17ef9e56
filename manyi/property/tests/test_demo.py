"""Demo data of customer property: consistent states, some overdue loans, deterministic."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from manyi.property.demo import demo_build
from manyi.property.models import (
    CustomerProperty,
    DamageReport,
    ExternalDocument,
    LoanSlip,
    PropertyStatus,
)

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _rows() -> list[tuple]:
    return (
        sorted(CustomerProperty.objects.values_list(
            "number", "customer__code", "kind", "name", "quantity", "received_on", "status",
            "holding_department__code", "returned_on"))
        + sorted(LoanSlip.objects.values_list("number", "item__number", "lent_at", "due_at",
                                              "returned_at", "borrower__username"))
        + sorted(DamageReport.objects.values_list("number", "item__number", "kind", "status"))
        + sorted(ExternalDocument.objects.values_list("doc_number", "revision", "superseded",
                                                      "customer__code"))
    )


def test_demo_property(reference_data) -> None:
    from manyi.demo.build import build_demo

    today = timezone.localdate()
    build_demo(seed=3, today=today, scale="tiny", include_apps=False)
    try:
        with transaction.atomic():
            counts = demo_build(seed=3, today=today, scale="tiny")
            first = _rows()
            raise _Rollback
    except _Rollback:
        pass
    assert not CustomerProperty.objects.exists()
    assert demo_build(seed=3, today=today, scale="tiny") == counts
    assert _rows() == first
    assert counts["property_items"] == CustomerProperty.objects.count() == 18
    assert counts["property_loans"] == LoanSlip.objects.count() > 0
    # every lent item has exactly one open loan; no open loan on an item that is not lent
    for item in CustomerProperty.objects.all():
        open_loans = item.loans.filter(returned_at__isnull=True).count()
        assert open_loans == (1 if item.status == PropertyStatus.LENT else 0), item.number
        first_move = item.movements.first()
        assert first_move is not None and first_move.kind == "received"
        assert (item.returned_on is not None) == (item.status == PropertyStatus.RETURNED)
    assert not LoanSlip.objects.filter(returned_at__gt=timezone.now()).exists()
    assert ExternalDocument.objects.exists()
