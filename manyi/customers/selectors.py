"""Reads for pages, API and exports — scoped by permission, no N+1."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Actor, Viewer
from manyi.audit.services import history_for
from manyi.common.links import TimelineEvent, timeline_events

from .filters import ContactFilter, CustomerFilter, OrderFilter
from .models import Contact, Customer, Order


def customer_list(*, user: Actor, filters: CustomerFilter | None = None) -> QuerySet[Customer]:
    qs: QuerySet[Any] = Customer.objects.select_related(
        "branch_office", "business_unit", "region"
    )
    qs = scope_queryset(qs, user, "customer.view")
    return (filters or CustomerFilter()).apply(qs)


def customer_get(*, user: Actor, pk: int) -> Customer:
    """The customer if `user` may see it, else Customer.DoesNotExist (→ 404, no leak)."""
    qs = scope_queryset(
        Customer.objects.select_related("branch_office", "business_unit", "region", "dealer"),
        user,
        "customer.view",
    )
    return qs.get(pk=pk)


def contact_list(
    *, user: Actor, customer: Customer | None = None, filters: ContactFilter | None = None
) -> QuerySet[Contact]:
    qs = scope_queryset(
        Contact.objects.select_related("customer"), user, "customer.view", "customer__"
    ).filter(archived_at__isnull=True)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return (filters or ContactFilter()).apply(qs)


def contact_get(*, user: Actor, pk: int) -> Contact:
    return scope_queryset(
        Contact.objects.select_related("customer"), user, "customer.view", "customer__"
    ).get(pk=pk)


def order_list(*, user: Actor, filters: OrderFilter | None = None) -> QuerySet[Order]:
    qs: QuerySet[Any] = Order.objects.select_related(
        "customer", "product", "product__product_line"
    )
    qs = scope_queryset(qs, user, "order.view", "customer__")
    return (filters or OrderFilter()).apply(qs)


def order_get(*, user: Actor, pk: int) -> Order:
    return scope_queryset(
        Order.objects.select_related("customer", "product"), user, "order.view", "customer__"
    ).get(pk=pk)


def customer_timeline(*, customer: Customer, user: Viewer, limit: int = 50) -> list[TimelineEvent]:
    """The customer's timeline: the events of every module registered with
    `manyi.common.links.register_timeline` that `user` may see, newest first."""
    return timeline_events(customer, user, limit)


def customer_history(*, customer: Customer) -> Any:
    return history_for(customer)[:200]


def dashboard_figures(*, user: Actor) -> dict[str, Any]:
    """Headline figures of the archive the user may see (one aggregate query each)."""
    import datetime as dt

    from django.db.models import Count, F, Q, Sum

    customers = scope_queryset(Customer.objects.active(), user, "customer.view")
    c = customers.aggregate(
        total=Count("id"),
        key_accounts=Count("id", filter=Q(key_account=True)),
        lost=Count("id", filter=Q(status="lost")),
    )
    since = timezone.localdate() - dt.timedelta(days=365)
    orders = scope_queryset(
        Order.objects.active().filter(order_date__gte=since), user, "order.view", "customer__"
    )
    o = orders.aggregate(
        total=Count("id"),
        delivered=Count("id", filter=Q(delivered_date__isnull=False)),
        on_time=Count("id", filter=Q(delivered_date__lte=F("promised_date"))),
        quantity=Sum("quantity"),
        defects=Sum("defects"),
    )
    on_time_rate = (o["on_time"] * 100 / o["delivered"]) if o["delivered"] else None
    ppm = (o["defects"] * 1_000_000 / o["quantity"]) if o["quantity"] else None
    return {
        "customers": c["total"],
        "key_accounts": c["key_accounts"],
        "lost": c["lost"],
        "orders_12m": o["total"],
        "on_time_rate": on_time_rate,
        "ppm": ppm,
    }
