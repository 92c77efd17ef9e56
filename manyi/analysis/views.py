"""Thin views: parse → one selector/service → render. Every chart has an .xlsx export that
rebuilds the same page data and writes that chart's table."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import plotly
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import can, require, require_all
from manyi.common.inputs import parse_int
from manyi.common.pages import FormOutcome, form_errors
from manyi.common.services import StaleRecordError
from manyi.common.spreadsheets import spreadsheet_export, xlsx_response
from manyi.customers.models import Customer

from . import constants as K
from . import pages, selectors, services
from .charts import Chart, evidence_chart
from .forms import ProblemStatusForm, ScoringForm, TargetForm
from .models import AnalysisTarget, Method, Problem, ProblemStatus
from .xlsx import table_workbook

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_url() -> str:
    return reverse("analysis:plotly_js", args=[plotly.__version__])


def _page_context(**extra: Any) -> dict[str, Any]:
    return {"plotly_url": plotly_url(), **extra}


def _with_xlsx(charts: list[Chart], url_of: Callable[[str], str], query: str = "") -> list[Chart]:
    for chart in charts:
        chart.xlsx_url = url_of(chart.id) + (f"?{query}" if query else "")
    return charts


def _xlsx(charts: list[Chart], chart_id: str) -> bytes:
    """The table of one chart as an .xlsx workbook (404 for an unknown chart)."""
    for chart in charts:
        if chart.id == chart_id:
            return table_workbook(chart)
    raise Http404


def plotly_js(request: HttpRequest, version: str) -> FileResponse:
    """The bundled plotly.min.js of the installed plotly package, cached for a year (the URL
    carries the version)."""
    if version != plotly.__version__:
        raise Http404
    response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_all(request.user, "analysis.view")
    campaigns = Paginator(
        selectors.analysable_campaigns().order_by("-start_date", "-pk"), 30
    ).get_page(request.GET.get("page"))
    context = {
        "campaigns": campaigns,
        "open_problems": selectors.problem_list(user=request.user, status=ProblemStatus.OPEN)
        .count() if can(request.user, "problem.view") else None,
    }
    return render(request, "analysis/index.html", context)


# --- campaign -------------------------------------------------------------------------------


def _campaign(pk: int) -> Any:
    return get_object_or_404(selectors.analysable_campaigns(), pk=pk)


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    require_all(request.user, "analysis.view")
    c = _campaign(pk)
    a = selectors.campaign_analysis(c)
    charts = _with_xlsx(pages.campaign_charts(a),
                        lambda cid: reverse("analysis:campaign_xlsx", args=[c.pk, cid]))
    form = None
    if can(request.user, "analysis.configure"):
        s = a.scoring
        form = ScoringForm(initial={
            "methods": s.method_list, "self_weight": s.self_weight, "ka_weight": s.ka_weight,
            "rate_above": s.rate_above, "loyalty_above": s.loyalty_above, "bands": s.bands,
            "version": s.version if s.pk else None,
        })
    return render(request, "analysis/campaign.html", _page_context(
        a=a, charts={ch.id: ch for ch in charts}, chart_list=charts, form=form,
        methods=dict(Method.choices), M=K.Measure,
    ))


@login_required
@require_POST
def campaign_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "analysis.configure")
    c = _campaign(pk)
    form = ScoringForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.scoring_set(actor=request.user, campaign=c, data=data,
                                 expected_version=version)
        except (ValidationError, StaleRecordError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Scoring methods saved."))
    else:
        messages.error(request, _("The scoring methods were not saved: %(e)s") % {
            "e": "; ".join(f"{k}: {' '.join(str(e) for e in v)}"
                           for k, v in form.errors.items())})
    return redirect("analysis:campaign", pk=c.pk)


@login_required
@spreadsheet_export
def campaign_xlsx(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    require_all(request.user, "analysis.view")
    c = _campaign(pk)
    a = selectors.campaign_analysis(c, with_drivers=chart == "quadrant")
    return xlsx_response(_xlsx(pages.campaign_charts(a), chart), f"{c.number}-{chart}.xlsx")


# --- complaints and KPIs ----------------------------------------------------------------------


def _targets_of(first: Any, last: Any) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = {}
    for t in selectors.target_list().filter(year__gte=first.year, year__lte=last.year,
                                            status="approved"):
        out.setdefault(t.measure, {})[t.year] = t.value
    return out


def _complaint_page(request: HttpRequest) -> tuple[Any, list[Chart]]:
    first, last = selectors.window(request.GET.get("start"), request.GET.get("end"))
    c = selectors.complaint_analysis(first, last)
    return c, pages.complaint_charts(c, _targets_of(first, last))


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    require_all(request.user, "analysis.view")
    c, charts = _complaint_page(request)
    query = urlencode({"start": c.first.label, "end": c.last.label})
    _with_xlsx(charts, lambda cid: reverse("analysis:complaints_xlsx", args=[cid]), query)
    return render(request, "analysis/complaints.html", _page_context(
        c=c, chart_list=charts, charts={ch.id: ch for ch in charts}))


@login_required
@spreadsheet_export
def complaints_xlsx(request: HttpRequest, chart: str) -> HttpResponse:
    require_all(request.user, "analysis.view")
    c, charts = _complaint_page(request)
    return xlsx_response(_xlsx(charts, chart), f"complaints-{c.first}-{c.last}-{chart}.xlsx")


def _kpi_page(request: HttpRequest) -> tuple[Any, list[Chart]]:
    first, last = selectors.window(request.GET.get("start"), request.GET.get("end"))
    customer = None
    code = (request.GET.get("customer") or "").strip()
    if code:
        customer = Customer.objects.filter(code=code).first()
    k = selectors.kpi_analysis(first, last, customer)
    return k, pages.kpi_charts(k)


@login_required
def kpi(request: HttpRequest) -> HttpResponse:
    require_all(request.user, "analysis.view")
    k, charts = _kpi_page(request)
    params = {"start": k.first.label, "end": k.last.label}
    if k.customer is not None:
        params["customer"] = k.customer.code
    _with_xlsx(charts, lambda cid: reverse("analysis:kpi_xlsx", args=[cid]), urlencode(params))
    return render(request, "analysis/kpi.html", _page_context(
        k=k, chart_list=charts, M=K.Measure, rows=k.rows(),
        customer_code=(request.GET.get("customer") or "").strip(),
    ))


@login_required
@spreadsheet_export
def kpi_xlsx(request: HttpRequest, chart: str) -> HttpResponse:
    require_all(request.user, "analysis.view")
    k, charts = _kpi_page(request)
    return xlsx_response(_xlsx(charts, chart), f"kpi-{k.first}-{k.last}-{chart}.xlsx")


# --- problems -------------------------------------------------------------------------------


@login_required
def problems(request: HttpRequest) -> HttpResponse:
    require_all(request.user, "problem.view")
    status = request.GET.get("status", ProblemStatus.OPEN)
    source = request.GET.get("source", "")
    qs = selectors.problem_list(user=request.user, status=status, source=source)
    return render(request, "analysis/problems.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "status": status, "source": source, "statuses": ProblemStatus.choices,
        "sources": K.Source.choices, "can_manage": can(request.user, "problem.manage"),
    })


@login_required
@require_POST
def problem_scan(request: HttpRequest) -> HttpResponse:
    require(request.user, "problem.manage")
    created = services.signals_scan(actor=request.user)
    messages.success(request, _("Signal scan done: %(n)d new problem(s).") % {"n": len(created)})
    return redirect("analysis:problems")


def _problem_or_404(request: HttpRequest, pk: int) -> Problem:
    try:
        return selectors.problem_get(user=request.user, pk=pk)
    except Problem.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_all(request.user, "problem.view")
    problem = _problem_or_404(request, pk)
    chart = evidence_chart("evidence", problem.title, problem.evidence)
    form = None
    if can(request.user, "problem.manage", problem):
        form = ProblemStatusForm(initial={"version": problem.version})
    return render(request, "analysis/problem_detail.html", _page_context(
        problem=problem, chart=chart, form=form,
        moves=sorted(services.PROBLEM_MOVES.get(problem.status, set())),
        status_labels=dict(ProblemStatus.choices),
    ))


@login_required
@require_POST
def problem_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "problem.manage")
    problem = _problem_or_404(request, pk)
    require(request.user, "problem.manage", problem)
    form = ProblemStatusForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.problem_set_status(
                actor=request.user, problem=problem, status=form.cleaned_data["status"],
                note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"],
            )
        if outcome.ok:
            messages.success(request, _("Status changed."))
            return redirect("analysis:problem", pk=problem.pk)
    status_code = outcome.status(invalid=400)
    chart = evidence_chart("evidence", problem.title, problem.evidence)
    return render(request, "analysis/problem_detail.html", _page_context(
        problem=problem, chart=chart, form=form,
        moves=sorted(services.PROBLEM_MOVES.get(problem.status, set())),
        status_labels=dict(ProblemStatus.choices),
    ), status=status_code)


# --- targets --------------------------------------------------------------------------------


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    require_all(request.user, "analysis.view")
    can_propose = can(request.user, "analysis.target")
    form = None
    suggestion: tuple[Any, str] | None = None
    status_code = 200
    if can_propose:
        if request.method == "POST":
            form = TargetForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.target_propose(actor=request.user, measure=d["measure"],
                                            year=d["year"], value=d["value"], note=d["note"])
                except (ValidationError, StaleRecordError) as exc:
                    form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
                    status_code = 400
                else:
                    messages.success(request, _("Target proposed; the GM approves it."))
                    return redirect("analysis:targets")
            else:
                status_code = 400
        else:
            initial: dict[str, Any] = {"year": timezone.localdate().year + 1}
            measure = request.GET.get("measure")
            if measure in K.Measure.values:
                year = parse_int(request.GET.get("year"), initial["year"], lo=1900, hi=9999)
                suggestion = services.target_suggestion(measure, year)
                initial.update({"measure": measure, "year": year,
                                "value": suggestion[0]})
            form = TargetForm(initial=initial)
    elif request.method == "POST":
        require(request.user, "analysis.target")
    return render(request, "analysis/targets.html", {
        "targets": selectors.target_list(), "form": form, "suggestion": suggestion,
        "can_approve": can(request.user, "analysis.target_approve"),
    }, status=status_code)


@login_required
@require_POST
def target_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "analysis.target_approve")
    target = get_object_or_404(AnalysisTarget, pk=pk, archived_at__isnull=True)
    try:
        services.target_approve(actor=request.user, target=target,
                                expected_version=parse_int(request.POST.get("version"), None, lo=1))
    except (ValidationError, StaleRecordError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Target approved."))
    return redirect("analysis:targets")
