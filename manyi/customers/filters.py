"""One filter set for the list pages and the API (search, filters, sorting)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from manyi.common.inputs import parse_id

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
        def as_int(name: str) -> int | None:
            return parse_id(params.get(name))

        def as_bool(name: str) -> bool | None:
            value = str(params.get(name) or "").lower()
            return {"1": True, "true": True, "yes": True, "0": False, "false": False}.get(value)

        sort = str(params.get("sort") or "code")
        return cls(
            q=str(params.get("q") or "").strip(),
            branch_office=as_int("branch_office"),
            business_unit=as_int("business_unit"),
            region=as_int("region"),
            level=str(params.get("level") or ""),
            customer_class=str(params.get("customer_class") or ""),
            key_account=as_bool("key_account"),
            status=str(params.get("status") or ""),
            kind=str(params.get("kind") or ""),
            archived=bool(as_bool("archived")),
            sort=sort if sort in CUSTOMER_SORTS else "code",
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
        customer = str(params.get("customer") or "")
        late = str(params.get("late") or "").lower()
        sort = str(params.get("sort") or "-date")
        return cls(
            q=str(params.get("q") or "").strip(),
            customer=parse_id(customer),
            date_from=_iso(params.get("date_from")),
            date_to=_iso(params.get("date_to")),
            late={"1": True, "true": True, "0": False, "false": False}.get(late),
            sort=sort if sort in ORDER_SORTS else "-date",
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


def _iso(value: Any) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value or "")).isoformat()
    except ValueError:
        return ""


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
        sort = str(params.get("sort") or "customer")
        return cls(
            q=str(params.get("q") or "").strip(),
            function=str(params.get("function") or ""),
            decision_class=str(params.get("decision_class") or ""),
            sort=sort if sort in CONTACT_SORTS else "customer",
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
