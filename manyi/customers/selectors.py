"""Reads for pages, API and exports — scoped by permission, no N+1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from manyi.accounts.permissions import scope_queryset
from manyi.audit.services import history_for

from .filters import ContactFilter, CustomerFilter, OrderFilter
from .models import Contact, Customer, Order


def customer_list(*, user: Any, filters: CustomerFilter | None = None) -> QuerySet[Customer]:
    qs: QuerySet[Any] = Customer.objects.select_related(
        "branch_office", "business_unit", "region"
    )
    qs = scope_queryset(qs, user, "customer.view")
    return (filters or CustomerFilter()).apply(qs)


def customer_get(*, user: Any, pk: int) -> Customer:
    """The customer if `user` may see it, else Customer.DoesNotExist (→ 404, no leak)."""
    qs = scope_queryset(
        Customer.objects.select_related("branch_office", "business_unit", "region", "dealer"),
        user,
        "customer.view",
    )
    return qs.get(pk=pk)


def contact_list(
    *, user: Any, customer: Customer | None = None, filters: ContactFilter | None = None
) -> QuerySet[Contact]:
    qs = scope_queryset(
        Contact.objects.select_related("customer"), user, "customer.view", "customer__"
    ).filter(archived_at__isnull=True)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return (filters or ContactFilter()).apply(qs)


def contact_get(*, user: Any, pk: int) -> Contact:
    return scope_queryset(
        Contact.objects.select_related("customer"), user, "customer.view", "customer__"
    ).get(pk=pk)


def order_list(*, user: Any, filters: OrderFilter | None = None) -> QuerySet[Order]:
    qs: QuerySet[Any] = Order.objects.select_related(
        "customer", "product", "product__product_line"
    )
    qs = scope_queryset(qs, user, "order.view", "customer__")
    return (filters or OrderFilter()).apply(qs)


def order_get(*, user: Any, pk: int) -> Order:
    return scope_queryset(
        Order.objects.select_related("customer", "product"), user, "order.view", "customer__"
    ).get(pk=pk)


@dataclass(frozen=True)
class TimelineEvent:
    """One event on a customer's timeline (orders now; complaints and surveys later)."""

    at: date | datetime
    kind: str
    title: str
    detail: str
    url: str = ""
    warning: bool = False


TIMELINE_SOURCES: list[Any] = []


def register_timeline_source(source: Any) -> Any:
    """Other apps (complaints, surveys…) add events to the customer timeline."""
    TIMELINE_SOURCES.append(source)
    return source


@register_timeline_source
def _order_events(customer: Customer, user: Any, limit: int) -> list[TimelineEvent]:
    from django.utils.translation import gettext as _

    events = []
    orders = scope_queryset(
        customer.orders.filter(archived_at__isnull=True).select_related("product"),
        user,
        "order.view",
        "customer__",
    ).order_by("-order_date", "-id")[:limit]
    for o in orders:
        late = o.delivered_date is not None and o.delivered_date > o.promised_date
        detail = _("%(qty)s × %(model)s, batch %(batch)s") % {
            "qty": o.quantity,
            "model": o.product.model,
            "batch": o.batch_number or "–",
        }
        if late:
            detail += " · " + _("delivered late (%(d)s)") % {"d": o.delivered_date}
        if o.returned:
            detail += " · " + _("%(n)s returned") % {"n": o.returned}
        events.append(
            TimelineEvent(
                at=o.order_date,
                kind="order",
                title=_("Order %(n)s") % {"n": o.number},
                detail=detail,
                warning=late or bool(o.returned),
            )
        )
    return events


def customer_timeline(*, customer: Customer, user: Any, limit: int = 50) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for source in TIMELINE_SOURCES:
        events.extend(source(customer, user, limit))

    return sorted(events, key=_event_moment, reverse=True)[:limit]


def _event_moment(e: TimelineEvent) -> datetime:
    """An aware moment to order the timeline by: a date counts as the start of that day in the
    company's time zone, a naive datetime as local time."""
    if isinstance(e.at, datetime):
        return e.at if timezone.is_aware(e.at) else timezone.make_aware(e.at)
    return timezone.make_aware(datetime.combine(e.at, time.min))


def customer_history(*, customer: Customer) -> Any:
    return history_for(customer)[:200]


def dashboard_figures(*, user: Any) -> dict[str, Any]:
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
