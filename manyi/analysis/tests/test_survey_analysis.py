"""The campaign analysis through the rollups equals the SPEC §10 worked examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from manyi.analysis.constants import Measure
from manyi.analysis.models import AnalysisTarget, CampaignScoring, Method
from manyi.analysis.selectors import campaign_analysis
from manyi.stats.scoring import rate_loyalty

from .conftest import FIVE

pytestmark = pytest.mark.django_db



def test_level_points_and_blend_worked_examples(example_campaign) -> None:
    a = campaign_analysis(example_campaign)
    lp = a.results[Method.LEVEL_POINTS]
    assert (lp.answered, lp.points, lp.degree, lp.rate) == (25, 190.0, 76.0, 84.0)
    blend = a.results[Method.BLEND]
    assert blend["self_degree"] == 85.0 and blend["survey_degree"] == 76.0
    assert blend["degree"] == 79.6  # SPEC §10: 85 × 40 % + 76 × 60 %
    assert blend["rate"] == pytest.approx(0.4 * 100 + 0.6 * 84)
    assert a.overall.degree == 76.0 and a.overall.rate == 84.0
    assert a.overall.top2 == 15 and a.overall.top2_pct == 60.0
    assert a.grade is not None and a.grade.code == "generally-satisfied"  # 76: ≥ 60
    # return rate: 5 of 10 respondents answered; valid at 50 %
    assert (a.overview.invited, a.overview.completed, a.overview.return_rate) == (10, 5, 50.0)
    assert a.overview.valid and a.overview.self_forms == 1
    # competitor comparison from the competitor cells
    f1 = next(r for r in a.items if r.meta.key == "F1")
    assert f1.competitor_n == 1 and f1.competitor_percent == 60.0
    # Pareto of dissatisfaction: the answers 1 and 2 per item
    assert a.pareto is not None
    assert sum(r.count for r in a.pareto.rows) == 4


def test_top2box_ka_worked_example(make_template, make_campaign, make_customer, add_response,
                                   rebuild) -> None:
    """X (KA) 30 satisfied of 40, Y 10 of 20, Z 9 of 10 → (2·0.75 + 0.5 + 0.9) / 4 = 72.5 %."""
    campaign = make_campaign(make_template(FIVE))
    x, y, z = make_customer(key_account=True), make_customer(), make_customer()
    for customer, satisfied, answers in ((x, 30, 40), (y, 10, 20), (z, 9, 10)):
        values = [5] * satisfied + [2] * (answers - satisfied)
        for i in range(0, answers, 5):
            add_response(campaign, customer, {f"F{j + 1}": v
                                              for j, v in enumerate(values[i:i + 5])})
    rebuild(campaign)
    result = campaign_analysis(campaign).results[Method.TOP2BOX_KA]
    assert result.score == 72.5
    ka = next(c for c in result.customers if c.id == str(x.pk))
    assert (ka.ratio, ka.weight) == (0.75, 2.0)


def test_rate_loyalty_and_item_average_worked_examples(make_template, make_campaign,
                                                       make_customer, add_response, rebuild
                                                       ) -> None:
    # rate-loyalty: one 100-point item; ten customers' scores
    campaign = make_campaign(make_template({"P": ("points", 100)}))
    scores = [95, 92, 88, 85, 81, 80, 79, 70, 91, 60]
    for s in scores:
        add_response(campaign, make_customer(), {"P": s})
    rebuild(campaign)
    a = campaign_analysis(campaign)
    rl = a.results[Method.RATE_LOYALTY]
    assert (rl.customers, rl.rate, rl.loyalty) == (10, 60.0, 50.0)
    assert rl == rate_loyalty(scores)
    assert [b.count for b in a.histogram] == [0, 0, 0, 0, 0, 0, 1, 2, 4, 3]
    # item-average / customer-sum: maxima 40 / 30 / 30, forms (36,27,24) (30,21,27) (40,30,30)
    campaign = make_campaign(make_template({"A": ("points", 40), "B": ("points", 30),
                                            "C": ("points", 30)}))
    for form in ((36, 27, 24), (30, 21, 27), (40, 30, 30)):
        add_response(campaign, make_customer(), dict(zip("ABC", form, strict=True)))
    rebuild(campaign)
    a = campaign_analysis(campaign)
    ia = a.results[Method.ITEM_AVERAGE]
    assert ia["averages"].item_averages == pytest.approx((106 / 3, 26.0, 27.0))
    assert round(ia["averages"].overall, 2) == 88.33
    assert round(ia["averages"].item_percent[0], 1) == 88.3
    assert round(ia["customer_sum_mean"], 2) == 88.33  # customers 87, 78, 100
    assert sorted(s for _c, s in a.lowest_customers) == [78.0, 87.0, 100.0]


def test_trend_changes_ranking_targets_and_breakdowns(make_template, make_campaign, make_customer,
                                                      add_response, rebuild) -> None:
    template = make_template(FIVE, code="TREND")
    key_account, other = make_customer(key_account=True, customer_class="A"), make_customer()
    degrees: list[float] = []
    campaigns = []
    for n, (year, v1, v2) in enumerate(((2023, 3, 5), (2024, 4, 4), (2025, 5, 2))):
        c = make_campaign(template, start=dt.date(year, 12, 1))
        for customer in (key_account, other):
            add_response(c, customer, {"F1": v1, "F2": v2, "F3": 4, "F4": 4, "F5": None})
        for _ in range(n * 5):  # more forms each year: the z test sees the F2 fall
            add_response(c, other, {"F1": v1, "F2": v2, "F3": 4, "F4": 4, "F5": 4})
        rebuild(c)
        campaigns.append(c)
        degree = campaign_analysis(c).overall.degree
        assert degree is not None
        degrees.append(degree)
    AnalysisTarget.objects.create(measure=Measure.DEGREE, year=2025, value=Decimal("85"),
                                  status="approved")
    a = campaign_analysis(campaigns[-1])
    assert [p.campaign for p in a.trend] == campaigns
    assert [p.figures.degree for p in a.trend] == degrees
    assert a.trend[-1].targets[Measure.DEGREE] == Decimal("85")
    f1 = next(r for r in a.items if r.meta.key == "F1")
    f2 = next(r for r in a.items if r.meta.key == "F2")
    assert f1.change == pytest.approx(20.0) and f2.change == pytest.approx(-40.0)
    assert [r.meta.key for r in a.rises] == ["F1"] and a.falls[0].meta.key == "F2"
    assert f2.significant  # 100 % → 0 % top-2 share on 12 forms
    assert a.lowest[0].meta.key == "F2"
    assert [r.meta.key for r in a.praise][:1] == ["F1"]
    # average advanced value of the three degrees (higher is better)
    mean = sum(degrees) / 3
    better = [d for d in degrees if d > mean]
    assert a.suggestions[Measure.DEGREE] == pytest.approx((mean + sum(better) / len(better)) / 2)
    # breakdowns: by key account and by customer class add up to the whole
    ka = {f.key: f for f in a.breakdowns["key_account"]}
    assert ka[True].answered + ka[False].answered == a.overall.answered
    assert ka[True].answered == 4
    classes = {f.key: f.answered for f in a.breakdowns["customer_class"]}
    assert classes["A"] == 4 and sum(classes.values()) == a.overall.answered
    assert sum(f.answered for f in a.breakdowns["product_line"]) == a.overall.answered
    assert {d.key for d in a.dimensions} == {"D"}


def test_chosen_methods(example_campaign) -> None:
    CampaignScoring.objects.create(campaign=example_campaign, methods="level-points,blend",
                                   self_weight=Decimal("0.5"))
    a = campaign_analysis(example_campaign)
    assert a.methods == ["level-points", "blend"]
    assert a.results[Method.BLEND]["degree"] == (85 + 76) / 2


def _driver_campaign(make_template, make_campaign, make_customer, add_response, rebuild,
                     forms: int):
    """Three 1–5 items; F1 moves with F2 (correlated items), F3 varies on its own."""
    import random

    template = make_template({"F1": ("verbal", None), "F2": ("verbal", None),
                              "F3": ("verbal", None)})
    campaign = make_campaign(template)
    rng = random.Random(7)
    customer = make_customer()
    data = []
    for _ in range(forms):
        a = rng.randint(1, 5)
        b = max(1, min(5, a + rng.choice([-1, 0, 0, 1])))
        c = rng.randint(1, 5)
        add_response(campaign, customer, {"F1": a, "F2": b, "F3": c}, invited=False)
        data.append((a, b, c))
    rebuild(campaign)
    return campaign, data


def test_importance_is_johnsons_relative_weights_of_the_overall_percent(
        make_template, make_campaign, make_customer, add_response, rebuild) -> None:
    from manyi.stats.drivers import pearson, relative_weights

    campaign, data = _driver_campaign(make_template, make_campaign, make_customer,
                                      add_response, rebuild, forms=40)
    d = campaign_analysis(campaign).drivers
    assert d.basis == "relative-weights" and d.forms == 40
    overall = [sum(row) * 100 / 15 for row in data]
    columns = [[float(row[j]) for row in data] for j in range(3)]
    expected = relative_weights(columns, overall)
    by_item = {p.item.split(" ")[0]: p for p in d.points}
    assert [round(by_item[k].importance, 9) for k in ("F1", "F2", "F3")] == \
        [round(x, 9) for x in expected.percent]
    assert sum(p.importance for p in d.points) == pytest.approx(100.0)
    assert d.r_squared == pytest.approx(expected.r_squared)
    # r is still shown beside the weight
    r1 = pearson(columns[0], overall)
    assert d.correlation[by_item["F1"].item] == pytest.approx(r1)
    # performance: the item's mean percent of its maximum
    mean1 = sum(row[0] for row in data) / len(data) * 20
    assert by_item["F1"].performance == pytest.approx(mean1)
    # the chart says what importance is: here the overall percent is made of the items
    from manyi.analysis.charts import quadrant_chart

    chart = quadrant_chart("q", "t", d.points, basis=d.basis, correlation=d.correlation,
                           r_squared=d.r_squared, forms=d.forms)
    assert "R² = 1" in chart.note and "40" in chart.note
    assert chart.table.columns[1:3] == ["相对权重（%）", "与总体的相关系数 r"]


def test_too_few_forms_for_weights_fall_back_to_correlation(
        make_template, make_campaign, make_customer, add_response, rebuild) -> None:
    campaign, _data = _driver_campaign(make_template, make_campaign, make_customer,
                                       add_response, rebuild, forms=4)  # 3 items need 5
    d = campaign_analysis(campaign).drivers
    assert d.basis == "correlation" and len(d.points) == 3
    assert all(p.importance == d.correlation[p.item] for p in d.points)
