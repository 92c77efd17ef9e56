"""Reads for the claim pages, the API and the quality-cost report — scoped, no N+1."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.audit.models import AuditEntry

from .filters import ClaimFilter, Period
from .models import (
    Claim,
    CompensationLine,
    NegotiationRound,
    PanelMember,
    QualityCost,
    SupplierRecourse,
)
from .states import OPEN_STATES

ZERO = Decimal("0.00")


def claim_list(*, user: Viewer, filters: ClaimFilter | None = None) -> QuerySet[Claim]:
    qs: QuerySet[Any] = Claim.objects.select_related(
        "customer", "product", "handler", "step_owner"
    )
    qs = scope_queryset(qs, user, "claim.view", "customer__")
    return (filters or ClaimFilter()).apply(qs)


def claim_get(*, user: Viewer, pk: int) -> Claim:
    """The claim if `user` may see it, else Claim.DoesNotExist (→ 404, no leak)."""
    qs = Claim.objects.select_related(
        "customer",
        "customer__branch_office",
        "contact",
        "product",
        "order",
        "handler",
        "step_owner",
        "approved_by",
    )
    return scope_queryset(qs, user, "claim.view", "customer__").get(pk=pk)


def claim_rounds(claim: Claim) -> QuerySet[NegotiationRound]:
    return claim.rounds.filter(archived_at__isnull=True).select_related("created_by")


def claim_panel(claim: Claim) -> QuerySet[PanelMember]:
    return claim.panel_members.filter(archived_at__isnull=True).select_related(
        "department", "user"
    )


def claim_lines(claim: Claim) -> QuerySet[CompensationLine]:
    return claim.compensation_lines.filter(archived_at__isnull=True)


def claim_recourse(claim: Claim) -> SupplierRecourse | None:
    return SupplierRecourse.objects.filter(claim=claim).first()


def claim_quality_cost(claim: Claim) -> QualityCost | None:
    return QualityCost.objects.filter(claim=claim).first()


def claim_steps(claim: Claim) -> QuerySet[Any]:
    return claim.steps.select_related("actor", "owner")


def claim_history(claim: Claim, limit: int = 300) -> list[AuditEntry]:
    """The audit trail of the claim and of its parts (rounds, panel, lines, recourse, cost)."""
    parts: list[tuple[type[Any], list[str]]] = [(Claim, [str(claim.pk)])]
    for model in (NegotiationRound, PanelMember, CompensationLine, SupplierRecourse, QualityCost):
        ids = [str(pk) for pk in model.objects.filter(claim=claim).values_list("pk", flat=True)]
        if ids:
            parts.append((model, ids))
    q = Q()
    for model, ids in parts:
        q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return list(
        AuditEntry.objects.filter(q).select_related("actor", "content_type")[:limit]
    )


# --- quality cost totals (质量成本) ----------------------------------------------------------


@dataclass(frozen=True)
class CostRow:
    key: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class CostTotals:
    period: Period
    by_month: list[CostRow]
    by_customer: list[CostRow]
    by_product: list[CostRow]
    total: Decimal
    count: int


def quality_costs(*, user: Viewer, period: Period) -> QuerySet[QualityCost]:
    qs = QualityCost.objects.filter(
        archived_at__isnull=True, date__gte=period.date_from, date__lte=period.date_to
    )
    return scope_queryset(qs, user, "quality_cost.view", "customer__")


def _months(period: Period) -> list[str]:
    year, month = period.date_from.year, period.date_from.month
    out = []
    while (year, month) <= (period.date_to.year, period.date_to.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def quality_cost_totals(*, user: Viewer, period: Period) -> CostTotals:
    """Totals per month, customer and product. Summed in Python with Decimal: SQLite keeps
    decimals as floating point, so a SQL SUM would not be exact there."""
    rows = quality_costs(user=user, period=period).values_list(
        "date", "amount", "customer__code", "customer__name", "product__model", "product__name"
    )
    month_sum: dict[str, Decimal] = defaultdict(lambda: ZERO)
    month_n: dict[str, int] = defaultdict(int)
    cust: dict[str, list[Any]] = {}
    prod: dict[str, list[Any]] = {}
    total, count = ZERO, 0
    for date, amount, c_code, c_name, p_model, p_name in rows:
        month = f"{date.year:04d}-{date.month:02d}"
        month_sum[month] += amount
        month_n[month] += 1
        c = cust.setdefault(c_code, [c_name, 0, ZERO])
        c[1] += 1
        c[2] += amount
        p_label = f"{p_model} {p_name}" if p_model else gettext("(no product)")
        p = prod.setdefault(p_model or "", [p_label, 0, ZERO])
        p[1] += 1
        p[2] += amount
        total += amount
        count += 1
    by_month = [CostRow(m, m, month_n[m], month_sum[m]) for m in _months(period)]
    by_customer = [
        CostRow(code, v[0], v[1], v[2])
        for code, v in sorted(cust.items(), key=lambda kv: (-kv[1][2], kv[0]))
    ]
    by_product = [
        CostRow(model, v[0], v[1], v[2])
        for model, v in sorted(prod.items(), key=lambda kv: (-kv[1][2], kv[0]))
    ]
    return CostTotals(period, by_month, by_customer, by_product, total, count)


@dataclass(frozen=True)
class ClaimSummary:
    received: int
    open: int
    claimed: Decimal
    compensation: Decimal
    recovered: Decimal


def claim_summary(*, user: Viewer, period: Period) -> ClaimSummary:
    """Input for the management review: claims received in the period and their money."""
    claims = scope_queryset(
        Claim.objects.filter(
            archived_at__isnull=True,
            received_on__gte=period.date_from,
            received_on__lte=period.date_to,
        ),
        user,
        "claim.view",
        "customer__",
    )
    received = opened = 0
    claimed = compensation = recovered = ZERO
    for state, claimed_amount, comp, rec in claims.values_list(
        "state", "claimed_amount", "compensation_amount", "recourse__amount_recovered"
    ):
        received += 1
        opened += state in OPEN_STATES
        claimed += claimed_amount or ZERO
        compensation += comp or ZERO
        recovered += rec or ZERO
    return ClaimSummary(received, opened, claimed, compensation, recovered)
