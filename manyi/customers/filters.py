"""One filter set for the list pages and the API (search, filters, sorting)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from manyi.common.filters import FilterParams

CUSTOMER_SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "revenue": "annual_revenue",
    "-revenue": "-annual_revenue",
    "changed": "changed_at",
    "-changed": "-changed_at",
}
ORDER_SORTS = {
    "date": "order_date",
    "-date": "-order_date",
    "number": "number",
    "-number": "-number",
    "quantity": "quantity",
    "-quantity": "-quantity",
}


@dataclass(frozen=True)
class CustomerFilter:
    q: str = ""
    branch_office: int | None = None
    business_unit: int | None = None
    region: int | None = None
    level: str = ""
    customer_class: str = ""
    key_account: bool | None = None
    status: str = ""
    kind: str = ""
    archived: bool = False
    sort: str = "code"

    @classmethod
    def from_params(cls, params: Any) -> CustomerFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            branch_office=p.id("branch_office"),
            business_unit=p.id("business_unit"),
            region=p.id("region"),
            level=p.raw("level"),
            customer_class=p.raw("customer_class"),
            key_account=p.flag("key_account"),
            status=p.raw("status"),
            kind=p.raw("kind"),
            archived=bool(p.flag("archived")),
            sort=p.sort("sort", CUSTOMER_SORTS, "code"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=not self.archived)
        if self.q:
            qs = qs.filter(
                Q(code__icontains=self.q)
                | Q(name__icontains=self.q)
                | Q(phone__icontains=self.q)
                | Q(address__icontains=self.q)
            )
        for name in ("branch_office", "business_unit", "region"):
            value = getattr(self, name)
            if value is not None:
                qs = qs.filter(**{f"{name}_id": value})
        for name in ("level", "customer_class", "status", "kind"):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{name: value})
        if self.key_account is not None:
            qs = qs.filter(key_account=self.key_account)
        return qs.order_by(CUSTOMER_SORTS[self.sort], "id")


@dataclass(frozen=True)
class OrderFilter:
    q: str = ""
    customer: int | None = None
    date_from: str = ""
    date_to: str = ""
    late: bool | None = None
    sort: str = "-date"

    @classmethod
    def from_params(cls, params: Any) -> OrderFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            customer=p.id("customer"),
            date_from=p.iso_date("date_from"),
            date_to=p.iso_date("date_to"),
            late=p.flag("late"),
            sort=p.sort("sort", ORDER_SORTS, "-date"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(archived_at__isnull=True)
        if self.q:
            qs = qs.filter(
                Q(number__icontains=self.q)
                | Q(batch_number__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(product__model__icontains=self.q)
            )
        if self.customer is not None:
            qs = qs.filter(customer_id=self.customer)
        if self.date_from:
            qs = qs.filter(order_date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(order_date__lte=self.date_to)
        if self.late is True:
            from django.db.models import F

            qs = qs.filter(delivered_date__gt=F("promised_date"))
        return qs.order_by(ORDER_SORTS[self.sort], "-id")


CONTACT_SORTS = {
    "name": "name",
    "-name": "-name",
    "customer": "customer__code",
    "-customer": "-customer__code",
}


@dataclass(frozen=True)
class ContactFilter:
    q: str = ""
    function: str = ""
    decision_class: str = ""
    sort: str = "customer"

    @classmethod
    def from_params(cls, params: Any) -> ContactFilter:
        p = FilterParams(params)
        return cls(
            q=p.text("q"),
            function=p.raw("function"),
            decision_class=p.raw("decision_class"),
            sort=p.sort("sort", CONTACT_SORTS, "customer"),
        )

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.q:
            qs = qs.filter(
                Q(name__icontains=self.q)
                | Q(phone__icontains=self.q)
                | Q(email__icontains=self.q)
                | Q(customer__name__icontains=self.q)
                | Q(customer__code__icontains=self.q)
            )
        if self.function:
            qs = qs.filter(function=self.function)
        if self.decision_class:
            qs = qs.filter(decision_class=self.decision_class)
        return qs.order_by(CONTACT_SORTS[self.sort], "name", "id")
