"""Charts as plotly figure specs (JSON) with the numbers behind them as a table.

The page draws each spec with the bundled plotly.min.js (no CDN); the same spec renders into
a PDF report when headless Chromium prints the page. Every chart has its table (shown under
the chart, exported as .xlsx by `xlsx.table_workbook`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from manyi.stats.drivers import QuadrantPoint
from manyi.stats.items import Bin
from manyi.stats.pareto import ParetoResult
from manyi.stats.spc import ChartResult

INK = "#1f5fa8"
BAD = "#c0392b"
LIMIT = "#7f8c8d"
TARGET = "#27ae60"
OTHER = "#e67e22"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Chart:
    id: str
    title: str
    figure: dict[str, Any]
    table: Table
    note: str = ""
    signals: list[int] = field(default_factory=list)  # 1-based points that are bad news
    xlsx_url: str = ""  # set by the page

    @property
    def dom_id(self) -> str:
        return f"chart-{self.id}"

    @property
    def spec_id(self) -> str:
        return f"chart-{self.id}-spec"


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)


def _spec(fig: go.Figure, title: str, *, y_title: str = "", x_title: str = "",
          height: int = 360) -> dict[str, Any]:
    # the card's heading names the chart; the figure keeps the title only as its accessible
    # name (meta), so it is not printed twice
    fig.update_layout(
        meta={"title": title},
        font={"family": FONT, "size": 12},
        margin={"l": 60, "r": 30, "t": 20, "b": 60},
        height=height,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.2},
        hovermode="x unified",
    )
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e8ec", zeroline=False)
    fig.update_xaxes(title_text=x_title, type="category")
    spec: dict[str, Any] = json.loads(fig.to_json())
    spec["layout"].pop("template", None)  # keep the figure small: no default theme
    return spec


# --- control charts -------------------------------------------------------------------------


def control_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    chart: ChartResult,
    *,
    scale: float = 1.0,
    unit: str = "",
    targets: Mapping[str, float] | None = None,
    signals: Sequence[int] = (),
    numerators: Sequence[float] | None = None,
    sizes: Sequence[float] | None = None,
    size_label: str = "",
) -> Chart:
    """A Shewhart chart: the points, the centre line and the limits (steps where they vary),
    a target line, rule violations in orange and signals (bad news) in red."""
    x = list(labels)
    y = [x_ * scale for x_ in chart.statistics]
    centre = [c * scale for c in chart.series.center]
    lcl = [v * scale for v in chart.lcl]
    ucl = [v * scale for v in chart.ucl]
    rules: dict[int, list[str]] = {}
    for v in chart.violations:
        rules.setdefault(v.index, []).append(v.rule)
    colors = [BAD if i + 1 in signals else (OTHER if i + 1 in rules else INK)
              for i in range(len(y))]
    fig = go.Figure()
    fig.add_scatter(x=x, y=y, mode="lines+markers", name=pgettext("measured", "value"),
                    line={"color": INK}, marker={"color": colors, "size": 8})
    fig.add_scatter(x=x, y=centre, mode="lines", name=_("centre line"),
                    line={"color": LIMIT, "width": 1})
    for name, values in ((_("upper control limit"), ucl), (_("lower control limit"), lcl)):
        fig.add_scatter(x=x, y=values, mode="lines", name=name,
                        line={"color": BAD, "width": 1, "dash": "dash", "shape": "hvh"})
    target_values = [targets.get(lab) if targets else None for lab in x]
    if any(t is not None for t in target_values):
        fig.add_scatter(x=x, y=target_values, mode="lines", name=_("target"),
                        line={"color": TARGET, "width": 2, "dash": "dot"})
    counts = None
    if numerators is not None and sizes is not None:
        counts = (numerators, sizes, size_label)
    table = _control_table(x, [y, centre, lcl, ucl, target_values], rules, signals, counts)
    note = _("%(chart)s chart, limits at ±%(k)s σ.") % {"chart": chart.chart, "k": chart.nsigmas}
    return Chart(chart_id, title, _spec(fig, title, y_title=unit), table, note, list(signals))


def _control_table(
    x: Sequence[str],
    lines: Sequence[Sequence[float | None]],
    rules: Mapping[int, list[str]],
    signals: Sequence[int],
    counts: tuple[Sequence[float], Sequence[float], str] | None,
) -> Table:
    """The control chart as a table: per period the value, (the count and its base,) the
    centre line, the limits, the target, the rules violated and whether it is a signal.
    `lines` are (values, centre, lcl, ucl, targets)."""
    y, centre, lcl, ucl, target_values = lines
    columns = [_("Period"), _("Value")]
    if counts is not None:
        columns += [_("Count"), counts[2] or _("Base")]
    columns += [_("Centre line"), _("Lower limit"), _("Upper limit"), _("Target"),
                _("Rules violated"), _("Signal")]
    rows = []
    for i, label in enumerate(x):
        row: list[Any] = [label, _r(y[i])]
        if counts is not None:
            row += [_r(counts[0][i]), _r(counts[1][i])]
        row += [_r(centre[i]), _r(lcl[i]), _r(ucl[i]), _r(target_values[i]),
                ", ".join(rules.get(i + 1, [])), _("yes") if i + 1 in signals else ""]
        rows.append(row)
    return Table(columns, rows)


def evidence_chart(chart_id: str, title: str, ev: Mapping[str, Any]) -> Chart:
    """The chart kept in a problem's evidence (no recomputation)."""
    x = list(ev.get("labels", []))
    index = int(ev.get("index", 0))
    fig = go.Figure()
    colors = [BAD if i + 1 == index else INK for i in range(len(x))]
    fig.add_scatter(x=x, y=ev.get("values", []), mode="lines+markers",
                    name=pgettext("measured", "value"),
                    line={"color": INK}, marker={"color": colors, "size": 8})
    fig.add_scatter(x=x, y=ev.get("center", []), mode="lines", name=_("centre line"),
                    line={"color": LIMIT, "width": 1})
    fig.add_scatter(x=x, y=ev.get("ucl", []), mode="lines", name=_("upper control limit"),
                    line={"color": BAD, "width": 1, "dash": "dash", "shape": "hvh"})
    fig.add_scatter(x=x, y=ev.get("lcl", []), mode="lines", name=_("lower control limit"),
                    line={"color": BAD, "width": 1, "dash": "dash", "shape": "hvh"})
    rows = [
        [lab, _r(v), _r(c), _r(lo), _r(hi), _("yes") if i + 1 == index else ""]
        for i, (lab, v, c, lo, hi) in enumerate(zip(
            x, ev.get("values", []), ev.get("center", []), ev.get("lcl", []), ev.get("ucl", []),
            strict=False))
    ]
    table = Table([_("Period"), _("Value"), _("Centre line"), _("Lower limit"),
                   _("Upper limit"), _("Signal")], rows)
    return Chart(chart_id, title, _spec(fig, title), table, signals=[index])


# --- Pareto, bars, histogram, quadrant, trend ----------------------------------------------


def pareto_chart(chart_id: str, title: str, result: ParetoResult, *, category: str = "",
                 count_label: str = "") -> Chart:
    names = [r.category for r in result.rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[r.count for r in result.rows], name=count_label or _("count"),
                marker={"color": [BAD if n in result.vital_few else INK for n in names]})
    fig.add_scatter(x=names, y=[r.cum_percent for r in result.rows], name=_("cumulative %"),
                    yaxis="y2", mode="lines+markers", line={"color": OTHER})
    fig.add_scatter(x=names, y=[80] * len(names), yaxis="y2", mode="lines", name="80 %",
                    line={"color": LIMIT, "dash": "dot", "width": 1})
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 105],
                              "ticksuffix": " %", "showgrid": False})
    table = Table(
        [category or _("Category"), count_label or _("Count"), _("Share %"),
         _("Cumulative %"), _("Vital few")],
        [[r.category, _r(r.count), _r(r.percent), _r(r.cum_percent),
          _("yes") if r.category in result.vital_few else ""] for r in result.rows],
    )
    note = _("Vital few (cumulative share reaching 80 %%): %(names)s") % {
        "names": ", ".join(result.vital_few)}
    if result.other is not None:
        note += " " + _("“%(other)s” gathers the remaining categories: it is drawn last and "
                        "never counted among the vital few, whatever its size.") % {
            "other": result.other}
    return Chart(chart_id, title, _spec(fig, title), table, note)


@dataclass
class Series:
    name: str
    values: list[float | None]
    low: list[float | None] | None = None  # confidence interval, same length
    high: list[float | None] | None = None
    kind: str = "bar"  # bar | line


def bar_chart(chart_id: str, title: str, category: str, labels: Sequence[str],
              series: Sequence[Series], *, unit: str = "", extra: Mapping[str, Sequence[Any]]
              | None = None, note: str = "", lines: Mapping[str, float] | None = None,
              height: int = 360) -> Chart:
    """Grouped bars (or lines) per category, with confidence intervals as error bars;
    `extra` adds table-only columns (counts), `lines` horizontal reference lines."""
    fig = go.Figure()
    x = list(labels)
    for s in series:
        error = _error_bars(s)
        if s.kind == "line":
            fig.add_scatter(x=x, y=s.values, name=s.name, mode="lines+markers",
                            error_y=error)
        else:
            fig.add_bar(x=x, y=s.values, name=s.name, error_y=error)
    for name, value in (lines or {}).items():
        fig.add_scatter(x=x, y=[value] * len(x), mode="lines", name=name,
                        line={"color": TARGET, "dash": "dot", "width": 2})
    fig.update_layout(barmode="group")
    return Chart(chart_id, title, _spec(fig, title, y_title=unit, height=height),
                 _bar_table(category, x, series, extra or {}), note)


def _error_bars(s: Series) -> dict[str, Any] | None:
    """The confidence interval of a series as asymmetric error bars (None without one)."""
    if s.low is None or s.high is None:
        return None
    return {
        "type": "data", "symmetric": False,
        "array": [(h - v) if h is not None and v is not None else None
                  for v, h in zip(s.values, s.high, strict=True)],
        "arrayminus": [(v - lo) if lo is not None and v is not None else None
                       for v, lo in zip(s.values, s.low, strict=True)],
        "color": LIMIT,
    }


def _bar_table(category: str, x: Sequence[str], series: Sequence[Series],
               extra: Mapping[str, Sequence[Any]]) -> Table:
    """The figures of a bar chart as a table: one row per category, the intervals and the
    table-only columns beside the values."""
    columns = [category]
    for s in series:
        columns.append(s.name)
        if s.low is not None:
            columns += [_("%(s)s – CI low") % {"s": s.name}, _("%(s)s – CI high") % {"s": s.name}]
    columns += list(extra.keys())
    rows = []
    for i, label in enumerate(x):
        row: list[Any] = [label]
        for s in series:
            row.append(_r(s.values[i]))
            if s.low is not None and s.high is not None:
                row += [_r(s.low[i]), _r(s.high[i])]
        row += [values[i] for values in extra.values()]
        rows.append(row)
    return Table(columns, rows)


def histogram_chart(chart_id: str, title: str, bins: Sequence[Bin], *, x_title: str = ""
                    ) -> Chart:
    labels = [
        f"[{b.low:g}, {b.high:g}{']' if i == len(bins) - 1 else ')'}" for i, b in enumerate(bins)
    ]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[b.count for b in bins], name=_("customers"),
                marker={"color": INK})
    fig.update_layout(bargap=0.02)
    table = Table([_("Bin"), _("From"), _("To"), _("Count")],
                  [[lab, b.low, b.high, b.count] for lab, b in zip(labels, bins, strict=True)])
    return Chart(chart_id, title, _spec(fig, title, x_title=x_title), table)


QUADRANT_LABELS = {
    "concentrate": gettext_noop("Concentrate here"),
    "keep-up": gettext_noop("Keep up the good work"),
    "low-priority": gettext_noop("Low priority"),
    "possible-overkill": gettext_noop("Possible overkill"),
}


def quadrant_chart(chart_id: str, title: str, points: Sequence[QuadrantPoint], *,
                   basis: str = "correlation", correlation: Mapping[str, float] | None = None,
                   r_squared: float | None = None, forms: int = 0) -> Chart:
    """Importance (relative weight in % of R², or r with the overall percent) against
    performance; the dotted lines are the means that split the four quadrants."""
    weights = basis == "relative-weights"
    fig = go.Figure()
    colors = {"concentrate": BAD, "keep-up": TARGET, "low-priority": LIMIT,
              "possible-overkill": OTHER}
    for quadrant, label in QUADRANT_LABELS.items():
        pts = [p for p in points if p.quadrant == quadrant]
        if pts:
            fig.add_scatter(
                x=[p.performance for p in pts], y=[p.importance for p in pts],
                text=[p.item.split(" ")[0] for p in pts], mode="markers+text",
                textposition="top center", name=_(label),
                marker={"color": colors[quadrant], "size": 10},
                hovertext=[p.item for p in pts],
            )
    if points:
        mean_perf = sum(p.performance for p in points) / len(points)
        mean_imp = sum(p.importance for p in points) / len(points)
        fig.add_vline(x=mean_perf, line={"color": LIMIT, "dash": "dot", "width": 1})
        fig.add_hline(y=mean_imp, line={"color": LIMIT, "dash": "dot", "width": 1})
    fig.update_layout(hovermode="closest")
    # xgettext:no-python-format
    weight_title = _("importance (relative weight, % of R²)")
    y_title = weight_title if weights else _("importance (r with overall)")
    # xgettext:no-python-format
    x_title = _("performance (mean % of maximum)")
    spec = _spec(fig, title, y_title=y_title, x_title=x_title, height=420)
    spec["layout"]["xaxis"]["type"] = "linear"
    r_of = correlation or {}
    columns = [_("Item"), _("Relative weight (%)") if weights else _("Importance"),
               _("r with overall"), _("Performance"), _("Quadrant")]
    table = Table(columns, [
        [p.item, _r(p.importance), _r(r_of[p.item]) if p.item in r_of else None,
         _r(p.performance), _(QUADRANT_LABELS.get(p.quadrant, p.quadrant))] for p in points])
    return Chart(chart_id, title, spec, table, _quadrant_note(weights, r_squared, forms))


def _quadrant_note(weights: bool, r_squared: float | None, forms: int) -> str:
    """What the importance axis of the quadrant chart means for this basis."""
    if weights and r_squared is not None and r_squared > 0.999:
        note = _("Importance: Johnson's relative weights — each item's share of the variance "
                 "of the respondents' overall percent (%(n)s latest forms). The overall percent "
                 "is computed from these items, so together they explain all of it (R² = 1): "
                 "a weight says how much the spread of an item's answers moves the overall "
                 "result.") % {"n": forms}
    elif weights and r_squared is not None:
        note = _("Importance: Johnson's relative weights — each item's share of the variance "
                 "of the respondents' overall percent that the items explain together "
                 "(R² = %(r2)s, %(n)s latest forms); unlike r, it is not inflated when items "
                 "move together.") % {"r2": _r(r_squared), "n": forms}
    else:
        note = _("Importance: correlation r of each item with the respondents' overall percent "
                 "(%(n)s latest forms; too few complete forms for relative weights).") % {
                     "n": forms}
    return note
