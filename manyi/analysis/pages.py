"""The charts of each analysis page, built from the selectors' results (one place, used by the
pages, their .xlsx exports and later the reports)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from manyi.stats import StatsInputError
from manyi.stats.spc import xmr_chart

from . import constants as K
from .charts import (
    Chart,
    Series,
    bar_chart,
    control_chart,
    histogram_chart,
    pareto_chart,
    quadrant_chart,
)
from .formulas import chart_signals
from .selectors import CampaignAnalysis, ComplaintAnalysis, KpiAnalysis, MonthlyChart
from .selectors.figures import ItemRow
from .selectors.survey import BREAKDOWNS, Figures

M = K.Measure


def _signals(measure: str, chart: Any, near: bool = False) -> list[int]:
    if chart is None:
        return []
    return [s.index for s in chart_signals(
        chart, higher_is_better=K.higher_is_better(measure),
        directional_rules=K.DIRECTIONAL_RULES,
        near_sigmas=K.NEAR_LIMIT_SIGMAS if near else None)]


def monthly_control(chart_id: str, title: str, mc: MonthlyChart, *, unit: str = "",
                    targets: dict[int, Any] | None = None, size_label: str = "",
                    size_scale: float = 1.0) -> Chart | None:
    if mc.chart is None:
        return None
    target_by_label = {m.label: float(targets[m.year]) for m in mc.months
                       if targets and m.year in targets}
    return control_chart(
        chart_id, title, mc.labels, mc.chart, scale=mc.scale, unit=unit,
        targets=target_by_label, signals=_signals(mc.measure, mc.chart),
        numerators=mc.numerators,
        sizes=[s * size_scale for s in mc.sizes] if mc.sizes is not None else None,
        size_label=size_label,
    )


# --- campaign -------------------------------------------------------------------------------


def _figures_chart(chart_id: str, title: str, category: str, groups: list[Figures]) -> Chart:
    ci = [g.top2_ci for g in groups]
    return bar_chart(
        chart_id, title, category, [g.label for g in groups],
        [
            Series(_("Degree %"), [g.degree for g in groups]),
            Series(_("Rate %"), [g.rate for g in groups]),
            Series(_("Top-2 share %"), [g.top2_pct for g in groups],
                   [c.low * 100 if c else None for c in ci],
                   [c.high * 100 if c else None for c in ci]),
        ],
        unit="%",
        extra={_("Answers"): [g.answered for g in groups],
               _("Unable to comment"): [g.not_applicable for g in groups],
               _("Dissatisfied answers"): [g.low for g in groups]},
    )


def _round4(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _items_chart(scored: list[ItemRow]) -> Chart:
    return bar_chart(
        "items", _("Results by item"), _("Item"), [r.label for r in scored],
        [
            # xgettext:no-python-format
            Series(_("Mean % of maximum"), [r.percent for r in scored]),
            Series(_("Top-2 share %"), [r.top2_pct for r in scored],
                   [r.ci.low * 100 if r.ci else None for r in scored],
                   [r.ci.high * 100 if r.ci else None for r in scored]),
        ],
        unit="%",
        extra={
            _("Answers"): [r.stats.answered for r in scored],
            _("Unable to comment"): [r.stats.unable_to_comment for r in scored],
            _("Mean"): [_round4(r.stats.mean) for r in scored],
            _("SD"): [_round4(r.stats.sd) for r in scored],
            _("Previous mean %"): [_round4(r.previous_percent) for r in scored],
            _("Change (points)"): [_round4(r.change) for r in scored],
            _("p value (top-2 change)"): [_round4(r.test.p_value if r.test else None)
                                          for r in scored],
            _("Significant"): [_("yes") if r.significant else "" for r in scored],
        },
        height=420,
    )


def _breakdown_charts(a: CampaignAnalysis) -> list[Chart]:
    charts: list[Chart] = []
    if a.dimensions:
        charts.append(_figures_chart("dimensions", _("Results by dimension"), _("Dimension"),
                                     a.dimensions))
    for name, groups in a.breakdowns.items():
        if not groups:
            continue
        label = BREAKDOWNS[name][1] if name in BREAKDOWNS else _("Product line")
        charts.append(_figures_chart(f"by-{name}", _("Results by %(what)s") % {
            "what": str(label).lower()}, str(label), groups))
    return charts


def _trend_control_chart(a: CampaignAnalysis, labels: list[str],
                         targets: dict[str, Any]) -> Chart | None:
    degrees = [p.figures.degree for p in a.trend]
    if len(degrees) < 3 or any(d is None for d in degrees):
        return None
    try:
        xmr = xmr_chart([float(d) for d in degrees if d is not None])
    except StatsInputError:
        return None
    return control_chart(
        "trend-control", _("Satisfaction degree: individuals control chart"),
        labels, xmr, unit="%", signals=_signals(M.DEGREE, xmr, near=True),
        targets={lab: float(targets[M.DEGREE]) for lab in labels}
        if M.DEGREE in targets else None,
    )


def _trend_charts(a: CampaignAnalysis) -> list[Chart]:
    if not a.trend:
        return []
    labels = [f"{p.label} {p.campaign.number}" for p in a.trend]
    targets = a.trend[-1].targets
    charts = [bar_chart(
        "trend", _("Trend against earlier campaigns and targets"), _("Campaign"), labels,
        [
            Series(_("Degree %"), [p.figures.degree for p in a.trend], kind="line"),
            Series(_("Rate %"), [p.figures.rate for p in a.trend], kind="line"),
            Series(_("Top-2 share %"), [p.figures.top2_pct for p in a.trend], kind="line"),
            Series(_("Return rate %"), [p.return_rate for p in a.trend], kind="line"),
        ],
        unit="%",
        lines={_("target: %(m)s") % {"m": M(m).label}: float(v) for m, v in targets.items()},
        extra={_("Answers"): [p.figures.answered for p in a.trend]},
    )]
    control = _trend_control_chart(a, labels, targets)
    if control is not None:
        charts.append(control)
    return charts


def _changes_chart(changed: list[ItemRow]) -> Chart:
    return bar_chart(
        "changes", _("Change since the previous campaign"), _("Item"),
        [r.label for r in changed],
        [Series(_("Change of mean % (points)"), [r.change for r in changed])],
        unit=_("points"),
        extra={_("Top-2 share before %"): [_round4(r.previous_top2_pct) for r in changed],
               _("Top-2 share now %"): [_round4(r.top2_pct) for r in changed],
               _("p value"): [_round4(r.test.p_value if r.test else None) for r in changed],
               _("Significant"): [_("yes") if r.significant else "" for r in changed]},
        note=_("Significance: two-proportion z test of the top-2 share, α = 5 %."),
    )


def _competitor_chart(comp: list[ItemRow]) -> Chart:
    return bar_chart(
        "competitor", _("Comparison with competitors"), _("Item"), [r.label for r in comp],
        [Series(_("Us: mean %"), [r.percent for r in comp]),
         Series(_("Competitor: mean %"), [r.competitor_percent for r in comp])],
        unit="%",
        extra={_("Our answers"): [r.stats.answered for r in comp],
               _("Competitor answers"): [r.competitor_n for r in comp]},
    )


def _distribution_charts(a: CampaignAnalysis) -> list[Chart]:
    charts: list[Chart] = []
    if a.histogram:
        charts.append(histogram_chart("histogram", _("Histogram of customer scores"),
                                      a.histogram, x_title=_("customer score (0–100)")))
    if a.pareto is not None:
        charts.append(pareto_chart("pareto", _("Pareto of dissatisfaction"), a.pareto,
                                   category=_("Item"), count_label=_("Dissatisfied answers")))
    d = a.drivers
    if d.points:
        charts.append(quadrant_chart("quadrant", _("Importance–performance"), d.points,
                                     basis=d.basis, correlation=d.correlation,
                                     r_squared=d.r_squared, forms=d.forms))
    return charts


def campaign_charts(a: CampaignAnalysis) -> list[Chart]:
    charts: list[Chart] = []
    scored = a.scored_items
    if scored:
        charts.append(_items_chart(scored))
    charts += _breakdown_charts(a)
    charts += _trend_charts(a)
    changed = [r for r in scored if r.change is not None]
    if changed:
        charts.append(_changes_chart(changed))
    comp = a.competitor_items
    if comp:
        charts.append(_competitor_chart(comp))
    charts += _distribution_charts(a)
    return charts


# --- complaints -----------------------------------------------------------------------------


def complaint_charts(c: ComplaintAnalysis, targets: dict[str, dict[int, Any]] | None = None
                     ) -> list[Chart]:
    targets = targets or {}
    charts: list[Chart | None] = [
        monthly_control("c", _("Complaints per month (c chart)"), c.c_chart,
                        unit=_("complaints"), targets=targets.get(M.COMPLAINTS)),
        monthly_control("u", _("Complaints per 1 000 delivered units (u chart)"), c.u_chart,
                        unit=_("per 1 000 units"), targets=targets.get(M.COMPLAINTS_PER_UNITS),
                        size_label=_("Delivered units"), size_scale=K.UNITS_PER),
        monthly_control("closure", _("Closure rate of the month's complaints (p chart)"),
                        c.closure, unit="%", targets=targets.get(M.CLOSURE),
                        size_label=_("Complaints")),
    ]
    for chart_id, title, result, category in (
        ("pareto-category", _("Pareto by category"), c.by_category, _("Category")),
        ("pareto-product", _("Pareto by product"), c.by_product, _("Product")),
        ("pareto-customer", _("Pareto by customer"), c.by_customer, _("Customer")),
    ):
        if result is not None:
            charts.append(pareto_chart(chart_id, title, result, category=category,
                                       count_label=_("Complaints")))
    charts.append(bar_chart(
        "season", _("Seasonality: complaints by calendar month"), _("Month"),
        [str(mo) for mo, _n, _avg in c.month_of_year],
        [Series(_("Mean per month"), [avg for _mo, _n, avg in c.month_of_year])],
        extra={_("Complaints"): [n for _mo, n, _avg in c.month_of_year]},
    ))
    charts.append(bar_chart(
        "quarters", _("Seasonality: complaints by quarter"), _("Quarter"),
        [f"Q{q}" for q, _n in c.quarters], [Series(_("Complaints"),
                                                    [float(n) for _q, n in c.quarters])],
    ))
    return [ch for ch in charts if ch is not None]


# --- KPIs -----------------------------------------------------------------------------------

KPI_CHARTS = (
    (M.ON_TIME, "%", "Deliveries", 1.0),
    (M.PPM, "PPM", "Delivered units", 1_000_000.0),
    (M.RETURNS, "%", "Delivered units", 1.0),
    (M.REPAIR, "%", "Deliveries", 1.0),
    (M.CHURN, "%", "Active customers", 1.0),
    (M.FREIGHT, "CNY", "", 1.0),
    (M.COMPLAINTS_PER_UNITS, "‰", "Delivered units", float(K.UNITS_PER)),
)


def kpi_charts(k: KpiAnalysis) -> list[Chart]:
    out = []
    size_labels = {"Deliveries": _("Deliveries"), "Delivered units": _("Delivered units"),
                   "Active customers": _("Active customers"), "": ""}
    for measure, unit, size_label, size_scale in KPI_CHARTS:
        mc = k.charts.get(measure)
        if mc is None:
            continue
        chart = monthly_control(
            measure.replace(".", "-"), str(M(measure).label), mc, unit=unit,
            targets=k.targets.get(measure), size_label=size_labels[size_label],
            size_scale=size_scale,
        )
        if chart is not None:
            out.append(chart)
    return out
