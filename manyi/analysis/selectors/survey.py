"""The campaign analysis (SPEC §10, §12) computed from the survey rollups, never the answers.

Reads (see `cube.py`): the campaign's rollup-cube cells grouped for the item rows and the six
customer-group breakdowns (one scan on PostgreSQL), the customer rollup (per-customer figures,
product lines, and the trend's per-campaign sums), the tracking tally (return rates). The only
respondent-level read is a bounded sample of the latest forms for the importance–performance
quadrant (DRIVER_SAMPLE). Every formula is `manyi.stats` or its count form in
`analysis.formulas`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from manyi.accounts.models import Department
from manyi.customers.models import Customer, ProductLine
from manyi.stats import StatsInputError
from manyi.stats.drivers import (
    QuadrantPoint,
    importance_performance,
    pearson,
    relative_weights,
)
from manyi.stats.grades import BANDS_002, BANDS_002_FIVE_LEVEL, Band, grade
from manyi.stats.items import Bin, equal_width_edges, histogram
from manyi.stats.pareto import ParetoResult, pareto
from manyi.stats.proportions import TwoProportionTest, two_proportion_z_test
from manyi.stats.scoring import RateLoyaltyResult, blend
from manyi.stats.scoring import rate_loyalty as stats_rate_loyalty
from manyi.surveys.models import (
    Answer,
    Campaign,
    CampaignTally,
    CustomerRollup,
    Response,
    ResponseStatus,
)

from .. import constants as K
from ..formulas import (
    CustomerCounts,
    ItemAverageCounts,
    average_advanced_value,
    item_average_counts,
    top2box_ka_counts,
)
from ..models import AnalysisTarget, BandSet, CampaignScoring, Method, TargetStatus
from .cube import Cells, campaign_cells, campaign_sums, item_cells
from .figures import (
    CUSTOMER,
    SELF,
    SENT_STATUSES,
    Figures,
    ItemMeta,
    ItemRow,
    _add,
    _figures,
    _item_row,
    _items_of,
    all_five,
)


@dataclass
class TrendPoint:
    campaign: Campaign
    figures: Figures
    return_rate: float | None
    targets: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        c = self.campaign
        return f"{c.period_year} {c.period}" if c.period else str(c.period_year)


@dataclass
class Overview:
    invited: int
    sent: int
    completed: int
    return_rate: float | None
    min_return_rate: float
    min_forms: int
    competitor_forms: int
    min_competitor_forms: int
    self_forms: int

    @property
    def valid(self) -> bool:
        return (
            self.return_rate is not None
            and self.return_rate >= self.min_return_rate
            and self.completed >= self.min_forms
        )


@dataclass
class CampaignAnalysis:
    campaign: Campaign
    scoring: CampaignScoring
    methods: list[str]
    overview: Overview
    overall: Figures
    bands: tuple[Band, ...]
    items: list[ItemRow]
    dimensions: list[Figures]
    breakdowns: dict[str, list[Figures]]
    trend: list[TrendPoint]
    suggestions: dict[str, float]
    targets: dict[str, AnalysisTarget]
    overall_test: TwoProportionTest | None
    results: dict[str, Any]
    histogram: tuple[Bin, ...]
    pareto: ParetoResult | None
    drivers: Drivers
    lowest_customers: list[tuple[Customer, float]]

    @property
    def scored_items(self) -> list[ItemRow]:
        return [r for r in self.items if r.meta.item.scored]

    @property
    def lowest(self) -> list[ItemRow]:
        rows = [r for r in self.scored_items if r.percent is not None]
        return sorted(rows, key=lambda r: (r.percent, r.meta.item.position))[: K.ITEM_RANKING]

    @property
    def rises(self) -> list[ItemRow]:
        rows = [r for r in self.scored_items if r.change is not None and r.change > 0]
        return sorted(rows, key=lambda r: -(r.change or 0))[: K.ITEM_RANKING]

    @property
    def falls(self) -> list[ItemRow]:
        rows = [r for r in self.scored_items if r.change is not None and r.change < 0]
        return sorted(rows, key=lambda r: r.change or 0)[: K.ITEM_RANKING]

    @property
    def praise(self) -> list[ItemRow]:
        rows = [
            r for r in self.scored_items
            if r.top_level_pct is not None and r.top_level_pct >= K.PRAISE_TOP_SHARE
        ]
        return sorted(rows, key=lambda r: -(r.top_level_pct or 0))

    @property
    def competitor_items(self) -> list[ItemRow]:
        return [r for r in self.items if r.competitor_n]

    @property
    def grade(self) -> Band | None:
        d = self.overall.degree
        return grade(d, self.bands) if d is not None else None

    @property
    def previous(self) -> TrendPoint | None:
        return self.trend[-2] if len(self.trend) >= 2 else None


def scoring_of(campaign: Campaign) -> CampaignScoring:
    """The campaign's scoring methods, or the defaults (every method) when none were chosen."""
    found = CampaignScoring.objects.filter(campaign=campaign).first()
    return found if found is not None else CampaignScoring(campaign=campaign)


def analysable_campaigns() -> Any:
    return Campaign.objects.filter(status__in=SENT_STATUSES).select_related("template")


def trend_campaigns(campaign: Campaign, n: int = K.TREND_CAMPAIGNS) -> list[Campaign]:
    """The campaign and up to n − 1 sent campaigns before it with the same questionnaire
    (any version) and kind, oldest first."""
    qs = (
        analysable_campaigns()
        .filter(template__code=campaign.template.code, kind=campaign.kind)
        .filter(Q(start_date__lt=campaign.start_date)
                | Q(start_date=campaign.start_date, pk__lt=campaign.pk))
        .order_by("-start_date", "-pk")[: n - 1]
    )
    return [*reversed(list(qs)), campaign]


def _targets(years: Iterable[int]) -> dict[tuple[str, int], AnalysisTarget]:
    return {
        (t.measure, t.year): t
        for t in AnalysisTarget.objects.filter(
            year__in=set(years), archived_at__isnull=True, status=TargetStatus.APPROVED
        )
    }


def _return_rates(ids: Sequence[int]) -> dict[int, tuple[int, int, int, int]]:
    rows = (
        CampaignTally.objects.filter(campaign_id__in=ids).values("campaign_id")
        .annotate(invited=Sum("invited"), sent=Sum("sent"), completed=Sum("completed"),
                  competitor=Sum("competitor_forms"))
    )
    return {
        r["campaign_id"]: (r["invited"] or 0, r["sent"] or 0, r["completed"] or 0,
                           r["competitor"] or 0)
        for r in rows
    }


def _rate(completed: int, invited: int) -> float | None:
    return completed * 100 / invited if invited else None


def _trend_points(
    trend_list: Sequence[Campaign],
    items: Mapping[int, ItemMeta],
    tallies: Mapping[int, tuple[int, int, int, int]],
    targets: Mapping[tuple[str, int], AnalysisTarget],
    known: Mapping[int, Figures] | None = None,
) -> list[TrendPoint]:
    """One point per campaign: its figures from the customer rollup's sums (the cube's cells
    for a questionnaire that is not all 1–5, whose rate needs the levels)."""
    known = known or {}
    sums = campaign_sums([c.pk for c in trend_list if c.pk not in known])
    trend = []
    for c in trend_list:
        fig = known.get(c.pk)
        if fig is None:
            if all_five(items, c.template_id):
                fig = Figures.from_sums(c.pk, c.number, sums.get(c.pk, {}), True)
            else:
                fig = _figures(item_cells(c.pk), items, c.pk, c.number)
        invited, _sent, completed, _comp = tallies.get(c.pk, (0, 0, 0, 0))
        point = TrendPoint(c, fig, _rate(completed, invited))
        for m in (K.Measure.DEGREE, K.Measure.RATE, K.Measure.TOP2, K.Measure.RETURN):
            t = targets.get((m, c.period_year))
            if t is not None:
                point.targets[m] = t.value
        trend.append(point)
    return trend


def survey_trend(campaign: Campaign, n: int = K.TREND_CAMPAIGNS) -> list[TrendPoint]:
    """The campaign's trend points (it and the campaigns before it), customers' answers."""
    trend_list = trend_campaigns(campaign, n)
    ids = [c.pk for c in trend_list]
    items = _items_of({c.template_id for c in trend_list})
    targets = _targets({c.period_year for c in trend_list})
    return _trend_points(trend_list, items, _return_rates(ids), targets)


TREND_MEASURES: dict[str, Any] = {
    K.Measure.DEGREE: lambda p: p.figures.degree,
    K.Measure.RATE: lambda p: p.figures.rate,
    K.Measure.TOP2: lambda p: p.figures.top2_pct,
    K.Measure.RETURN: lambda p: p.return_rate,
}


BREAKDOWNS: dict[str, tuple[str, Any]] = {
    "business_unit": ("bu", _("Business unit")),
    "office": ("office", _("Branch office")),
    "customer_class": ("customer_class", _("Customer class")),
    "key_account": ("key_account", _("Key account")),
    "function": ("function", _("Respondent function")),
    "decision_class": ("decision_class", _("Respondent class (A/B/C)")),
}


def _breakdown(column: str, cells: Mapping[Any, list[tuple[int, int, int]]],
               items: Mapping[int, ItemMeta]) -> list[Figures]:
    labels = _group_labels(column, cells.keys())
    out = [_figures(c, items, key, labels.get(key, str(key) or "–")) for key, c in cells.items()]
    out.sort(key=lambda f: (f.label, str(f.key)))
    return out


def _group_labels(column: str, keys: Iterable[Any]) -> dict[Any, str]:
    if column in ("bu", "office"):
        return {d.pk: str(d) for d in Department.objects.filter(pk__in=list(keys))}
    if column == "key_account":
        return {True: _("Key accounts"), False: _("Other customers")}
    if column == "function":
        from manyi.customers.models import ContactFunction

        return {k: str(v) for k, v in ContactFunction.choices}
    if column == "customer_class":
        return {k: _("Class %(c)s") % {"c": k} for k in keys}
    return {k: str(k) if k else "–" for k in keys}


def _product_lines(campaign: Campaign, five: bool) -> list[Figures]:
    """By product line: the customers' sums (a customer counts under every line it buys)."""
    rows = (
        CustomerRollup.objects.filter(campaign=campaign, source=CUSTOMER, competitor=False)
        .values("customer__product_lines")
        .annotate(v=Sum("value_sum"), m=Sum("max_sum"), a=Sum("answered"),
                  na=Sum("not_applicable"), low=Sum("low"), t2=Sum("top2"),
                  t2n=Sum("top2_answered"), customers=Count("customer_id", distinct=True))
        .order_by()
    )
    names = {p.pk: str(p) for p in ProductLine.objects.all()}
    out = []
    for r in rows:
        key = r["customer__product_lines"]
        fig = Figures.from_sums(key, names.get(key, _("No product line")), {
            "answered": r["a"] or 0, "not_applicable": r["na"] or 0, "value_sum": r["v"] or 0,
            "max_sum": r["m"] or 0, "low": r["low"] or 0, "top2": r["t2"] or 0,
            "top2_answered": r["t2n"] or 0}, five)
        fig.customers = r["customers"]
        out.append(fig)
    out.sort(key=lambda f: f.label)
    return out


@dataclass(frozen=True)
class Drivers:
    """The importance–performance quadrant and how importance was measured: Johnson's
    relative weights (share of the explained variance of the overall percent, summing to
    100 %) when the sample allows, else the Pearson r of each item with the overall percent."""

    points: tuple[QuadrantPoint, ...] = ()
    basis: str = ""  # "relative-weights" | "correlation"
    correlation: dict[str, float] = field(default_factory=dict)  # item label → r
    r_squared: float | None = None
    forms: int = 0


def _driver_quadrant(campaign: Campaign, rows: Sequence[ItemRow]) -> Drivers:
    """On the latest DRIVER_SAMPLE forms: importance of each scored item for the respondent's
    overall percent; performance = the item's mean percent over all answers."""
    scored = {r.meta.pk: r for r in rows if r.meta.item.scored and r.percent is not None}
    if len(scored) < 2:
        return Drivers()
    sample = list(
        Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED,
                                source=CUSTOMER, max_sum__gt=0)
        .order_by("-id").values_list("id", "value_sum", "max_sum")[: K.DRIVER_SAMPLE]
    )
    if len(sample) < 3:
        return Drivers()
    overall = {pk: v * 100 / m for pk, v, m in sample}
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for response_id, item_id, value in Answer.objects.filter(
        response_id__in=list(overall), competitor=False, item_id__in=list(scored),
        value__isnull=False,
    ).values_list("response_id", "item_id", "value"):
        values[item_id][response_id] = int(value or 0)
    order = list(overall)
    ys: list[float | None] = [overall[r] for r in order]
    names: list[str] = []
    columns: list[list[float | None]] = []
    correlation: list[float] = []
    performance: list[float] = []
    for pk, row in scored.items():
        xs: list[float | None] = [
            float(values[pk][r]) if r in values[pk] else None for r in order]
        try:
            r = pearson(xs, ys)
        except StatsInputError:
            continue  # the item does not vary, or too few answers
        names.append(row.label)
        columns.append(xs)
        correlation.append(r)
        performance.append(row.percent or 0.0)
    if len(names) < 2:
        return Drivers()
    by_name = dict(zip(names, correlation, strict=True))
    try:
        weights = relative_weights(columns, ys)
    except StatsInputError:  # too few complete forms, or collinear items
        return Drivers(importance_performance(names, correlation, performance), "correlation",
                       by_name, None, len(sample))
    return Drivers(importance_performance(names, list(weights.percent), performance),
                   "relative-weights", by_name, weights.r_squared, len(sample))


CustomerRow = tuple[int, bool, int, int, Decimal, Decimal, int, int]  # see _customer_rows


def _counts(cells: Iterable[tuple[int, int, int]]) -> dict[int, dict[int, int]]:
    """counts[item id][value] = n."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for item_id, value, n in cells:
        counts[item_id][value] = n
    return counts


def _previous_rows(trend_list: Sequence[Campaign], items: Mapping[int, ItemMeta]
                   ) -> dict[str, ItemRow]:
    """The rated item rows of the previous campaign, by item key."""
    previous_rows: dict[str, ItemRow] = {}
    if len(trend_list) < 2:
        return previous_rows
    for item_id, c in _counts(item_cells(trend_list[-2].pk)).items():
        meta = items.get(item_id)
        if meta is not None and meta.item.rated:
            previous_rows[meta.key] = _item_row(meta, c)
    return previous_rows


def _item_rows(mine: Sequence[ItemMeta], base: Mapping[tuple[str, bool], Cells],
               previous_rows: Mapping[str, ItemRow]) -> list[ItemRow]:
    """The item rows of this campaign, compared with the previous campaign (matched by item
    key) and with the competitor ratings."""
    counts = _counts(base.get((CUSTOMER, False), []))
    competitor_counts = _counts(base.get((CUSTOMER, True), []))
    rows: list[ItemRow] = []
    for meta in mine:
        if not meta.item.rated:
            continue
        row = _item_row(meta, counts.get(meta.pk, {}))
        before = previous_rows.get(meta.key)
        if before is not None:
            row.previous_percent = before.percent
            row.previous_top2_pct = before.top2_pct
            if before.top2_n and row.top2_n:
                row.test = two_proportion_z_test(
                    before.top2, before.top2_n, row.top2, row.top2_n, K.ALPHA
                )
        if meta.pk in competitor_counts:
            theirs = _item_row(meta, competitor_counts[meta.pk])
            row.competitor_percent, row.competitor_n = theirs.percent, theirs.stats.answered
        rows.append(row)
    return rows


def _dimensions(cells: Iterable[tuple[int, int, int]], items: Mapping[int, ItemMeta],
                mine: Sequence[ItemMeta]) -> list[Figures]:
    dims: dict[str, Figures] = {}
    for item_id, value, n in cells:
        meta = items.get(item_id)
        if meta is None or not meta.dimension_key:
            continue
        fig = dims.setdefault(meta.dimension_key,
                              Figures(meta.dimension_key, meta.dimension_text))
        _add(fig, meta, value, n)
    dimension_order = {m.key: m.item.position for m in mine}
    return sorted(dims.values(), key=lambda f: dimension_order.get(f.key, 0))


def _customer_rows(campaign: Campaign) -> list[CustomerRow]:
    """Per-customer sums of the customers' own forms (rate-loyalty, top-2-box KA, histogram)."""
    return list(
        CustomerRollup.objects.filter(campaign=campaign, source=CUSTOMER, competitor=False)
        .values_list("customer_id", "key_account", "forms", "value_sum", "weighted_value",
                     "weighted_max", "top2", "top2_answered")
    )


def _item_average(scored_rows: Sequence[ItemRow], customer_rows: Sequence[CustomerRow]
                  ) -> dict[str, Any]:
    averages: ItemAverageCounts | None = None
    if scored_rows:
        averages = item_average_counts(
            [r.meta.item.max_value or 1 for r in scored_rows],
            [(r.stats.mean or 0) * r.stats.answered for r in scored_rows],
            [r.stats.answered for r in scored_rows],
        )
    sums = [float(v) / f for _cid, _ka, f, v, _wv, _wm, _t, _tn in customer_rows if f]
    return {
        "averages": averages,
        "customer_sum_mean": sum(sums) / len(sums) if sums else None,
        "customers": len(sums),
    }


def _top2box_ka(customer_rows: Sequence[CustomerRow], scoring: CampaignScoring) -> Any:
    t2 = [CustomerCounts(str(cid), t, tn, ka) for cid, ka, _f, _v, _wv, _wm, t, tn in customer_rows]
    try:
        return top2box_ka_counts(t2, float(scoring.ka_weight)) if t2 else None
    except StatsInputError:
        return None


def _blended(self_fig: Figures, overall: Figures, scoring: CampaignScoring
             ) -> dict[str, float | None]:
    blended: dict[str, float | None] = {
        "self_degree": self_fig.degree, "survey_degree": overall.degree,
        "self_rate": self_fig.rate, "survey_rate": overall.rate,
        "degree": None, "rate": None,
    }
    w = float(scoring.self_weight)
    if self_fig.degree is not None and overall.degree is not None:
        blended["degree"] = blend(self_fig.degree, overall.degree, w)
    if self_fig.rate is not None and overall.rate is not None:
        blended["rate"] = blend(self_fig.rate, overall.rate, w)
    return blended


def _method_results(scoring: CampaignScoring, overall: Figures, self_fig: Figures,
                    rows: Sequence[ItemRow], customer_rows: Sequence[CustomerRow],
                    scores: Sequence[tuple[int, float]]) -> dict[str, Any]:
    """The result of every scoring method of the seeds, by method."""
    scored_rows = [r for r in rows if r.meta.item.scored]
    rl: RateLoyaltyResult | None = None
    if scores:
        rl = stats_rate_loyalty([s for _c, s in scores], float(scoring.rate_above),
                                float(scoring.loyalty_above))
    return {
        Method.LEVEL_POINTS: overall.level_points,
        Method.ITEM_PERCENT: [(r, r.percent) for r in scored_rows],
        Method.ITEM_AVERAGE: _item_average(scored_rows, customer_rows),
        Method.RATE_LOYALTY: rl,
        Method.TOP2BOX_KA: _top2box_ka(customer_rows, scoring),
        Method.BLEND: _blended(self_fig, overall, scoring),
    }


def _customer_scores(customer_rows: Sequence[CustomerRow]) -> list[tuple[int, float]]:
    """(customer id, weighted score 0–100) of every customer with a scored answer."""
    return [
        (cid, float(wv * 100 / wm)) for cid, _ka, _f, _v, wv, wm, _t, _tn in customer_rows if wm
    ]


def _score_histogram(scores: Sequence[tuple[int, float]]) -> tuple[Bin, ...]:
    if not scores:
        return ()
    return histogram([s for _c, s in scores], equal_width_edges(0, 100, K.HISTOGRAM_BINS))


def _low_pareto(rows: Sequence[ItemRow]) -> ParetoResult | None:
    """The Pareto of the dissatisfied answers of the scored items."""
    lows = [r for r in rows if r.meta.item.scored and r.low]
    return pareto([r.label for r in lows], [r.low for r in lows]) if lows else None


def _overall_test(trend: Sequence[TrendPoint], overall: Figures) -> TwoProportionTest | None:
    """This campaign's top-2-box share against the previous campaign's."""
    prev_fig = trend[-2].figures if len(trend) >= 2 else None
    if prev_fig is not None and prev_fig.five_answered and overall.five_answered:
        return two_proportion_z_test(
            prev_fig.top2, prev_fig.five_answered, overall.top2, overall.five_answered, K.ALPHA
        )
    return None


def _suggestions(trend: Sequence[TrendPoint]) -> dict[str, Any]:
    suggestions = {}
    for measure, getter in TREND_MEASURES.items():
        values = [getter(p) for p in trend if getter(p) is not None]
        if values:
            suggestions[measure] = average_advanced_value(values, True)
    return suggestions


def _lowest_customers(scores: Sequence[tuple[int, float]]) -> list[tuple[Customer, float]]:
    lowest_ids = sorted(scores, key=lambda cs: cs[1])[:10]
    names = Customer.objects.in_bulk([cid for cid, _s in lowest_ids])
    return [(names[cid], s) for cid, s in lowest_ids if cid in names]


def _overview(campaign: Campaign, tallies: Mapping[int, tuple[int, int, int, int]]) -> Overview:
    invited, sent, completed, competitor_forms = tallies.get(campaign.pk, (0, 0, 0, 0))
    return Overview(
        invited=invited, sent=sent, completed=completed,
        return_rate=_rate(completed, invited),
        min_return_rate=float(campaign.min_return_rate), min_forms=campaign.min_forms,
        competitor_forms=competitor_forms, min_competitor_forms=campaign.min_competitor_forms,
        self_forms=Response.objects.filter(campaign=campaign, source=SELF,
                                           status=ResponseStatus.SUBMITTED).count(),
    )


def campaign_analysis(campaign: Campaign, *, with_drivers: bool = True) -> CampaignAnalysis:
    """Every figure of the campaign analysis page (and the report), from the rollups."""
    scoring = scoring_of(campaign)
    trend_list = trend_campaigns(campaign)
    items = _items_of({c.template_id for c in trend_list})
    base, groups = campaign_cells(campaign.pk)
    overall = _figures(base.get((CUSTOMER, False), []), items, campaign.pk, campaign.number)
    targets = _targets({c.period_year for c in trend_list})
    tallies = _return_rates([c.pk for c in trend_list])
    trend = _trend_points(trend_list, items, tallies, targets, known={campaign.pk: overall})
    # item rows of this campaign, compared with the previous campaign (matched by item key)
    mine = [m for m in items.values() if m.item.template_id == campaign.template_id]
    mine.sort(key=lambda m: (m.item.position, m.pk))
    rows = _item_rows(mine, base, _previous_rows(trend_list, items))
    breakdowns = {name: _breakdown(column, groups.get(column, {}), items)
                  for name, (column, _label) in BREAKDOWNS.items()}
    breakdowns["product_line"] = _product_lines(campaign, all_five(items, campaign.template_id))
    customer_rows = _customer_rows(campaign)
    scores = _customer_scores(customer_rows)
    self_fig = _figures(base.get((SELF, False), []), items)
    this_year = {m: t for (m, y), t in targets.items() if y == campaign.period_year}
    return CampaignAnalysis(
        campaign=campaign, scoring=scoring, methods=scoring.method_list,
        overview=_overview(campaign, tallies), overall=overall,
        bands=BANDS_002_FIVE_LEVEL if scoring.bands == BandSet.B002_FIVE else BANDS_002,
        items=rows, dimensions=_dimensions(base.get((CUSTOMER, False), []), items, mine),
        breakdowns=breakdowns, trend=trend, suggestions=_suggestions(trend),
        targets=this_year, overall_test=_overall_test(trend, overall),
        results=_method_results(scoring, overall, self_fig, rows, customer_rows, scores),
        histogram=_score_histogram(scores), pareto=_low_pareto(rows),
        drivers=_driver_quadrant(campaign, rows) if with_drivers else Drivers(),
        lowest_customers=_lowest_customers(scores),
    )
