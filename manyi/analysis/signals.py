"""The signal scan (000 §4.2.1): every watched measure's control chart, its bad points, and the
problem record each one raises (key + fields; `services.problem_raise` creates it once).

* survey measures (degree, rate, top-2 share, return rate) over the campaigns of each
  questionnaire and kind: individuals chart; a point beyond the lower limit, a run rule in the
  downward direction, or a point at or below centre − NEAR_LIMIT_SIGMAS·σ ("接近或低于控制下限");
* complaints per month (c chart), per 1 000 delivered units (u chart): upward signals;
  closure rate (p chart): downward signals;
* the KPIs of `selectors.kpi`: in their bad direction.
Only the last SIGNAL_LOOKBACK points of each series, and only series with MIN_POINTS points.
Only finished periods raise a problem: complete calendar months before the current one in the
company's time zone (whatever time zone is active), and closed campaigns (a campaign still
collecting answers has no final figures yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.common.calendar import local_tz
from manyi.stats.spc import ChartResult, xmr_chart
from manyi.stats.spc.rules import RULE_TEXT
from manyi.surveys.models import CampaignStatus

from . import constants as K
from . import selectors
from .formulas import Signal, chart_signals
from .models import Severity


def company_today() -> dt.date:
    """Today in the company's time zone (not the active one, which may be a visitor's)."""
    return timezone.localdate(timezone=local_tz())


def _severity(reasons: tuple[str, ...]) -> int:
    if {"WE1", "N1"} & set(reasons):
        return Severity.HIGH
    if set(reasons) - {"NEAR"}:
        return Severity.MEDIUM
    return Severity.LOW


def evidence(measure: str, chart: ChartResult, labels: list[str], scale: float,
             signal: Signal) -> dict[str, Any]:
    """What the problem record keeps: the whole chart as plotted, and the signalling point."""
    def scaled(values: Any) -> list[float]:
        return [round(x * scale, 6) for x in values]

    return {
        "measure": measure,
        "chart": chart.chart,
        "higher_is_better": K.higher_is_better(measure),
        "labels": labels,
        "values": scaled(chart.statistics),
        "center": scaled(chart.series.center),
        "lcl": scaled(chart.lcl),
        "ucl": scaled(chart.ucl),
        "index": signal.index,
        "period": labels[signal.index - 1],
        "value": round(chart.statistics[signal.index - 1] * scale, 6),
        "rules": list(signal.reasons),
        "rule_text": {r: RULE_TEXT.get(r, "near the lower control limit")
                      for r in signal.reasons},
        "near_sigmas": K.NEAR_LIMIT_SIGMAS,
    }


def _problems(measure: str, chart: ChartResult | None, labels: list[str], scale: float,
              *, near: bool, key_of: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if chart is None or len(chart.statistics) < K.MIN_POINTS:
        return
    signals = chart_signals(
        chart, higher_is_better=K.higher_is_better(measure),
        directional_rules=K.DIRECTIONAL_RULES,
        near_sigmas=K.NEAR_LIMIT_SIGMAS if near else None, lookback=K.SIGNAL_LOOKBACK,
    )
    label = str(K.Measure(measure).label)
    for s in signals:
        ev = evidence(measure, chart, labels, scale, s)
        period = ev["period"]
        title = _("%(measure)s %(period)s: %(value)s (%(rules)s)") % {
            "measure": label, "period": period, "value": f"{ev['value']:.2f}",
            "rules": ", ".join(s.reasons)}
        yield key_of(s.index - 1), {
            "source": K.MEASURES[measure].source, "measure": measure, "period": period,
            "title": title[:300], "value": ev["value"], "severity": _severity(s.reasons),
            "evidence": ev,
        }


def survey_signals() -> Iterator[tuple[str, dict[str, Any]]]:
    """The trend of the latest closed campaign of each questionnaire and kind; campaigns
    still collecting answers are neither plotted nor raise a problem."""
    latest: dict[tuple[str, str], Any] = {}
    closed = selectors.analysable_campaigns().filter(status=CampaignStatus.CLOSED)
    for c in closed.order_by("start_date", "pk"):
        latest[(c.template.code, c.kind)] = c
    for campaign in latest.values():
        points = selectors.survey.survey_trend(campaign)
        for measure, getter in selectors.survey.TREND_MEASURES.items():
            kept = [(p, getter(p)) for p in points
                    if p.campaign.status == CampaignStatus.CLOSED and getter(p) is not None]
            if len(kept) < K.MIN_POINTS:
                continue
            values = [float(v) for _p, v in kept]
            try:
                chart = xmr_chart(values)
            except ValueError:
                continue
            campaigns = [p.campaign for p, _v in kept]
            for key, fields in _problems(
                measure, chart, [p.label for p, _v in kept], 1.0, near=True,
                key_of=lambda i, cs=campaigns, m=measure: f"{m}:campaign:{cs[i].pk}",
            ):
                index = fields["evidence"]["index"] - 1
                fields["campaign"] = campaigns[index]
                fields["period"] = f"{campaigns[index].number} ({fields['period']})"[:40]
                yield key, fields


def complaint_signals(today: dt.date | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    first, last = selectors.default_window(today or company_today())
    a = selectors.complaint_analysis(first, last)
    for mc in (a.c_chart, a.u_chart, a.closure):
        yield from _problems(mc.measure, mc.chart, mc.labels, mc.scale, near=False,
                             key_of=lambda i, mc=mc: f"{mc.measure}:{mc.months[i].label}")


def kpi_signals(today: dt.date | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    first, last = selectors.default_window(today or company_today())
    k = selectors.kpi_analysis(first, last)
    for mc in k.charts.values():
        yield from _problems(mc.measure, mc.chart, mc.labels, mc.scale, near=False,
                             key_of=lambda i, mc=mc: f"{mc.measure}:{mc.months[i].label}")


def scan() -> Iterator[tuple[str, dict[str, Any]]]:
    today = company_today()
    yield from survey_signals()
    yield from complaint_signals(today)
    yield from kpi_signals(today)
