"""Reads of the property records for pages and API — scoped, no N+1."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.audit.services import history_for

from .filters import DamageFilter, DocumentFilter, LoanFilter, PropertyFilter
from .models import CustomerProperty, DamageReport, ExternalDocument, LoanSlip, PropertyStatus

ITEM_RELATED = ("customer", "contact", "holding_department", "holder", "received_by")
LOAN_RELATED = ("item__customer", "borrower", "department", "approved_by")
DAMAGE_RELATED = ("item__customer", "found_by", "contact")


def item_list(*, user: Viewer, filters: PropertyFilter | None = None) -> QuerySet[CustomerProperty]:
    qs = scope_queryset(
        CustomerProperty.objects.select_related(*ITEM_RELATED), user, "property.view"
    )
    return (filters or PropertyFilter()).apply(qs)


def item_get(*, user: Viewer, pk: int) -> CustomerProperty:
    return scope_queryset(
        CustomerProperty.objects.select_related(*ITEM_RELATED), user, "property.view"
    ).get(pk=pk)


def item_movements(*, item: CustomerProperty) -> QuerySet[Any]:
    return item.movements.select_related(
        "from_department", "to_department", "to_person", "recorded_by"
    ).order_by("at", "id")


def item_history(*, item: Any) -> Any:
    return history_for(item)[:200]


def ledger_figures(*, user: Viewer) -> dict[str, int]:
    items = scope_queryset(CustomerProperty.objects.active(), user, "property.view")
    figures = items.aggregate(
        total=Count("id"),
        held=Count("id", filter=Q(status=PropertyStatus.HELD)),
        lent=Count("id", filter=Q(status=PropertyStatus.LENT)),
        damaged=Count("id", filter=Q(status__in=[PropertyStatus.DAMAGED, PropertyStatus.LOST])),
    )
    figures["overdue_loans"] = loan_list(user=user, filters=LoanFilter(overdue=True)).count()
    return figures


def loan_list(*, user: Viewer, filters: LoanFilter | None = None) -> QuerySet[LoanSlip]:
    qs = scope_queryset(LoanSlip.objects.select_related(*LOAN_RELATED), user, "property.view")
    return (filters or LoanFilter()).apply(qs)


def loan_get(*, user: Viewer, pk: int) -> LoanSlip:
    return scope_queryset(
        LoanSlip.objects.select_related(*LOAN_RELATED), user, "property.view"
    ).get(pk=pk)


def document_list(
    *, user: Viewer, filters: DocumentFilter | None = None
) -> QuerySet[ExternalDocument]:
    qs = scope_queryset(
        ExternalDocument.objects.select_related("customer", "item", "registered_by")
        .prefetch_related("distributed_to"),
        user,
        "property.view",
    )
    return (filters or DocumentFilter()).apply(qs)


def document_get(*, user: Viewer, pk: int) -> ExternalDocument:
    return scope_queryset(
        ExternalDocument.objects.select_related("customer", "item", "registered_by"),
        user,
        "property.view",
    ).get(pk=pk)


def damage_list(*, user: Viewer, filters: DamageFilter | None = None) -> QuerySet[DamageReport]:
    qs = scope_queryset(
        DamageReport.objects.select_related(*DAMAGE_RELATED), user, "property.view"
    )
    return (filters or DamageFilter()).apply(qs)


def damage_get(*, user: Viewer, pk: int) -> DamageReport:
    return scope_queryset(
        DamageReport.objects.select_related(*DAMAGE_RELATED), user, "property.view"
    ).get(pk=pk)

