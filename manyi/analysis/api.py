"""Analysis API: the same selectors, forms and services as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from manyi.accounts.permissions import require, require_all
from manyi.common.api_types import Id, Int64
from manyi.customers.models import Customer

from . import selectors, services
from .forms import TargetForm
from .models import AnalysisTarget, Problem

router = Router(tags=["analysis"])


class CampaignSummaryOut(Schema):
    id: int
    number: str
    title: str
    period_year: int
    period: str
    status: str


class FiguresOut(Schema):
    key: str
    label: str
    answered: int
    not_applicable: int
    degree: float | None
    rate: float | None
    top2_pct: float | None
    top2_ci_low: float | None
    top2_ci_high: float | None
    low: int


class ItemFiguresOut(Schema):
    key: str
    label: str
    dimension: str
    answered: int
    unable_to_comment: int
    mean: float | None
    sd: float | None
    percent: float | None
    top2_pct: float | None
    previous_percent: float | None
    change: float | None
    p_value: float | None
    significant: bool
    competitor_percent: float | None


class TrendOut(Schema):
    campaign: str
    label: str
    degree: float | None
    rate: float | None
    top2_pct: float | None
    return_rate: float | None
    targets: dict[str, Decimal]


class CampaignAnalysisOut(Schema):
    campaign: CampaignSummaryOut
    methods: list[str]
    invited: int
    completed: int
    return_rate: float | None
    valid: bool
    overall: FiguresOut
    grade: str | None
    results: dict[str, Any]
    items: list[ItemFiguresOut]
    dimensions: list[FiguresOut]
    breakdowns: dict[str, list[FiguresOut]]
    trend: list[TrendOut]
    suggestions: dict[str, float]


def _fig(f: Any) -> dict[str, Any]:
    ci = f.top2_ci
    return {"key": str(f.key), "label": f.label, "answered": f.answered,
            "not_applicable": f.not_applicable, "degree": f.degree, "rate": f.rate,
            "top2_pct": f.top2_pct, "top2_ci_low": ci.low * 100 if ci else None,
            "top2_ci_high": ci.high * 100 if ci else None, "low": f.low}


def _plain(value: Any) -> Any:
    """A method result as JSON (dataclasses → dicts)."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


@router.get("/campaigns", response=list[CampaignSummaryOut])
def campaigns(request: HttpRequest) -> Any:
    require_all(request.user, "analysis.view")
    return list(selectors.analysable_campaigns().order_by("-start_date", "-pk")[:200])


@router.get("/campaigns/{int:pk}", response=CampaignAnalysisOut)
def campaign(request: HttpRequest, pk: Id) -> Any:
    require_all(request.user, "analysis.view")
    c = get_object_or_404(selectors.analysable_campaigns(), pk=pk)
    a = selectors.campaign_analysis(c, with_drivers=False)
    results = {m: _plain(a.results.get(m)) for m in a.methods if m != "item-percent"}
    return {
        "campaign": c, "methods": a.methods, "invited": a.overview.invited,
        "completed": a.overview.completed, "return_rate": a.overview.return_rate,
        "valid": a.overview.valid, "overall": _fig(a.overall),
        "grade": a.grade.label if a.grade else None, "results": results,
        "items": [{
            "key": r.meta.key, "label": r.label, "dimension": r.meta.dimension_key,
            "answered": r.stats.answered, "unable_to_comment": r.stats.unable_to_comment,
            "mean": r.stats.mean, "sd": r.stats.sd, "percent": r.percent,
            "top2_pct": r.top2_pct, "previous_percent": r.previous_percent, "change": r.change,
            "p_value": r.test.p_value if r.test else None, "significant": r.significant,
            "competitor_percent": r.competitor_percent,
        } for r in a.items],
        "dimensions": [_fig(f) for f in a.dimensions],
        "breakdowns": {k: [_fig(f) for f in v] for k, v in a.breakdowns.items()},
        "trend": [{"campaign": p.campaign.number, "label": p.label,
                   "degree": p.figures.degree, "rate": p.figures.rate,
                   "top2_pct": p.figures.top2_pct, "return_rate": p.return_rate,
                   "targets": p.targets} for p in a.trend],
        "suggestions": a.suggestions,
    }


class WindowIn(Schema):
    start: str | None = None  # YYYY-MM
    end: str | None = None
    customer: str | None = None  # customer code (KPIs only)


class ChartOut(Schema):
    id: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    figure: dict[str, Any]


def _charts(charts: list[Any]) -> list[dict[str, Any]]:
    return [{"id": c.id, "title": c.title, "columns": c.table.columns, "rows": c.table.rows,
             "figure": c.figure} for c in charts]


@router.get("/complaints", response=list[ChartOut])
def complaints(request: HttpRequest, q: Query[WindowIn]) -> Any:
    """The complaint analysis charts (c, u, closure p, Paretos, seasonality) with their tables."""
    from . import pages

    require_all(request.user, "analysis.view")
    first, last = selectors.window(q.start, q.end)
    return _charts(pages.complaint_charts(selectors.complaint_analysis(first, last)))


class KpiRowOut(Schema):
    month: str
    deliveries: int
    units: int
    values: dict[str, float | None]


@router.get("/kpi", response=list[KpiRowOut])
def kpi(request: HttpRequest, q: Query[WindowIn]) -> Any:
    require_all(request.user, "analysis.view")
    first, last = selectors.window(q.start, q.end)
    customer = None
    if q.customer:
        customer = Customer.objects.filter(code=q.customer).first()
        if customer is None:
            raise Http404
    k = selectors.kpi_analysis(first, last, customer)
    return [{
        "month": r["month"].label, "deliveries": r["deliveries"], "units": r["units"],
        "values": {m: (float(v) if v is not None else None) for m, v in r.items()
                   if m not in ("month", "deliveries", "units")},
    } for r in k.rows()]


class ProblemOut(Schema):
    id: int
    key: str
    source: str
    measure: str
    period: str
    title: str
    value: float
    severity: int
    status: str
    evidence: dict[str, Any]
    detected_at: dt.datetime
    note: str
    capa_reference: str
    campaign_id: int | None
    version: int


@router.get("/problems", response=list[ProblemOut])
def problems(request: HttpRequest, status: str = "", source: str = "") -> Any:
    require_all(request.user, "problem.view")
    return list(selectors.problem_list(user=request.user, status=status, source=source)[:500])


@router.get("/problems/{int:pk}", response=ProblemOut)
def problem(request: HttpRequest, pk: Id) -> Any:
    require_all(request.user, "problem.view")
    try:
        return selectors.problem_get(user=request.user, pk=pk)
    except Problem.DoesNotExist as exc:
        raise Http404 from exc


class ProblemStatusIn(Schema):
    status: str
    note: str = ""
    capa_reference: str = ""
    version: Int64 | None = None


@router.post("/problems/{int:pk}/status", response=ProblemOut)
def problem_status(request: HttpRequest, pk: Id, data: ProblemStatusIn) -> Any:
    require(request.user, "problem.manage")
    try:
        p = selectors.problem_get(user=request.user, pk=pk)
    except Problem.DoesNotExist as exc:
        raise Http404 from exc
    return services.problem_set_status(
        actor=request.user, problem=p, status=data.status, note=data.note,
        capa_reference=data.capa_reference, expected_version=data.version)


@router.post("/problems/scan", response=list[ProblemOut])
def problem_scan(request: HttpRequest) -> Any:
    """Scan every control chart now; returns the problems created (none for known signals)."""
    return services.signals_scan(actor=request.user)


class TargetOut(Schema):
    id: int
    measure: str
    year: int
    value: Decimal
    suggested: Decimal | None
    basis: str
    status: str
    approved_by_id: int | None
    version: int


class TargetIn(Schema):
    measure: str
    year: Int64
    value: Decimal
    note: str = ""


@router.get("/targets", response=list[TargetOut])
def targets(request: HttpRequest, year: Int64 | None = None) -> Any:
    require_all(request.user, "analysis.view")
    return list(selectors.target_list(year=year))


@router.post("/targets", response={201: TargetOut})
def target_propose(request: HttpRequest, data: TargetIn) -> Any:
    form = TargetForm(data.dict())
    if not form.is_valid():
        raise ValidationError({field: [e["message"] for e in errors]
                               for field, errors in form.errors.get_json_data().items()})
    d = form.cleaned_data
    target = services.target_propose(actor=request.user, measure=d["measure"], year=d["year"],
                                     value=d["value"], note=d["note"])
    return Status(201, target)


class ApproveIn(Schema):
    version: Int64 | None = None


@router.post("/targets/{int:pk}/approve", response=TargetOut)
def target_approve(request: HttpRequest, pk: Id, data: ApproveIn) -> Any:
    require(request.user, "analysis.target_approve")
    target = get_object_or_404(AnalysisTarget, pk=pk, archived_at__isnull=True)
    return services.target_approve(actor=request.user, target=target,
                                   expected_version=data.version)
