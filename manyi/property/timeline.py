"""Customer property on the customer's timeline: items received, returned, damaged or lost."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent

from .models import CustomerProperty, DamageKind, DamageReport


def property_events(customer: Any, user: Viewer, limit: int) -> list[TimelineEvent]:
    items = scope_queryset(
        CustomerProperty.objects.active().filter(customer=customer), user, "property.view"
    ).order_by("-received_on", "-id")[:limit]
    events = []
    for item in items:
        url = reverse("property:detail", args=[item.pk])
        events.append(
            TimelineEvent(
                at=item.received_on,
                kind="property",
                title=_("Property received %(n)s: %(name)s") % {"n": item.number,
                                                                "name": item.name},
                detail=f"{item.get_kind_display()} · {item.quantity} {item.unit} · "
                f"{item.holding_department}",
                url=url,
            )
        )
        if item.returned_on:
            events.append(
                TimelineEvent(
                    at=item.returned_on,
                    kind="property",
                    title=_("Property returned %(n)s: %(name)s") % {"n": item.number,
                                                                    "name": item.name},
                    detail=item.get_kind_display(),
                    url=url,
                )
            )
    reports = scope_queryset(
        DamageReport.objects.active().filter(item__customer=customer).select_related("item"),
        user,
        "property.view",
    ).order_by("-occurred_on", "-id")[:limit]
    for r in reports:
        label = _("Loss report") if r.kind == DamageKind.LOST else _("Damage report")
        events.append(
            TimelineEvent(
                at=r.occurred_on,
                kind="property-damage",
                title=f"{label} {r.number}: {r.item.name}",
                detail=r.get_status_display(),
                url=reverse("property:damage_detail", args=[r.pk]),
                warning=True,
            )
        )
    return events
