"""Orders on the customer's timeline (registered by CustomersConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext as _

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent

from .models import Customer


def order_events(customer: Customer, user: Viewer, limit: int) -> list[TimelineEvent]:
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
