"""One filter set per list page, shared with the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from manyi.common.filters import FilterParams

from .models import DamageKind, DamageStatus, DocumentType, LoanSlip, PropertyKind, PropertyStatus


def overdue_loans(now: dt.datetime | None = None) -> QuerySet[LoanSlip]:
    return LoanSlip.objects.filter(
        returned_at__isnull=True, archived_at__isnull=True, due_at__lt=now or timezone.now()
    )


@dataclass(frozen=True)
class PropertyFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    customer: int | None = None
    department: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    archived: bool = False

    @classmethod
    def from_params(cls, params: Any) -> PropertyFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            kind=p.choice("kind", PropertyKind),
            status=p.choice("status", PropertyStatus),
            customer=p.id("customer"),
            department=p.id("department"),
            date_from=p.date("date_from"),
            date_to=p.date("date_to"),
            overdue=bool(p.flag("overdue")),
            archived=bool(p.flag("archived")),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=not self.archived)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(name__icontains=self.q)
                | Q(identifier__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(customer__code__icontains=self.q)
                | Q(location__icontains=self.q)
            )
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        if self.department is not None:
            qs = qs.filter(holding_department_id=self.department)
        if self.date_from:
            qs = qs.filter(received_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(received_on__lte=self.date_to)
        if self.overdue:
            qs = qs.filter(Exists(overdue_loans().filter(item=OuterRef("pk"))))
        return qs.order_by("-received_on", "-id")


@dataclass(frozen=True)
class LoanFilter:
    q: str = ""
    open: bool | None = None
    overdue: bool = False
    department: int | None = None
    borrower: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> LoanFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            open=p.flag("open"),
            overdue=bool(p.flag("overdue")),
            department=p.id("department"),
            borrower=p.id("borrower"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(item__name__icontains=self.q)
                | Q(item__number__icontains=self.q)
                | Q(purpose__icontains=self.q)
                | Q(borrower__username__icontains=self.q)
                | Q(borrower__last_name__icontains=self.q)
            )
        if self.open is not None:
            qs = qs.filter(returned_at__isnull=self.open)
        if self.overdue:
            qs = qs.filter(returned_at__isnull=True, due_at__lt=timezone.now())
        if self.department is not None:
            qs = qs.filter(department_id=self.department)
        if self.borrower is not None:
            qs = qs.filter(borrower_id=self.borrower)
        return qs.order_by("-lent_at", "-id")


@dataclass(frozen=True)
class DocumentFilter:
    q: str = ""
    doc_type: str = ""
    customer: int | None = None
    department: int | None = None
    current: bool | None = None

    @classmethod
    def from_params(cls, params: Any) -> DocumentFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            doc_type=p.choice("doc_type", DocumentType),
            customer=p.id("customer"),
            department=p.id("department"),
            current=p.flag("current"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(
                Q(doc_number__icontains=self.q)
                | Q(title__icontains=self.q)
                | Q(customer__name__icontains=self.q)
            )
        if self.doc_type:
            qs = qs.filter(doc_type=self.doc_type)
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        if self.department is not None:
            through = qs.model.distributed_to.through
            qs = qs.filter(
                pk__in=through.objects.filter(department_id=self.department).values(
                    "externaldocument_id"
                )
            )
        if self.current is not None:
            qs = qs.filter(superseded=not self.current)
        return qs.order_by("-received_on", "doc_number", "-id")


@dataclass(frozen=True)
class DamageFilter:
    q: str = ""
    kind: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: Any) -> DamageFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            kind=p.choice("kind", DamageKind),
            status=p.choice("status", DamageStatus),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(item__name__icontains=self.q)
                | Q(item__customer__name__icontains=self.q)
                | Q(description__icontains=self.q)
            )
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs.order_by("-occurred_on", "-id")
