"""The campaign analysis computed from the rollups equals a full recomputation from the answers,
after random web submissions, staff entries, self-evaluations and corrections (the surveys app's
own test_rollups checks the rollup cells; this one checks every breakdown and item figure the
analysis builds from them)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pytest

from manyi.analysis.selectors import campaign_analysis
from manyi.analysis.selectors.survey import BREAKDOWNS
from manyi.surveys import services
from manyi.surveys.models import Answer, Invitation, Response
from manyi.surveys.rollups import rollups_current, rollups_recompute
from manyi.surveys.tests.conftest import (  # noqa: F401 (fixtures of the surveys tests)
    bu_head,
    cs_user,
    make_contacts,
    running_campaign,
    survey_template,
)

pytestmark = pytest.mark.django_db

COLUMN = {"bu": "business_unit_id", "office": "branch_office_id",
          "customer_class": "customer_class", "key_account": "key_account",
          "function": "function", "decision_class": "decision_class"}


def _answers(rng: random.Random, template: Any, competitor: bool) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in template.items.all():
        if not item.rated:
            continue
        data["a_" + item.key] = "na" if rng.random() < 0.15 else str(
            rng.randint(item.min_value, item.max_value))
        if competitor and item.competitor:
            data["c_" + item.key] = str(rng.randint(item.min_value, item.max_value))
    return data


def _brute(campaign: Any, key: Any) -> dict[Any, dict[str, Any]]:
    """Figures per group straight from the answers of the submitted customer forms."""
    out: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"answered": 0, "na": 0, "value_sum": 0, "max_sum": 0,
                 "five": defaultdict(int), "low": 0})
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status="submitted",
        response__source="customer", competitor=False,
    ).select_related("item", "response")
    for a in answers:
        if not a.item.scored:
            continue
        g = out[key(a.response)]
        if a.na:
            g["na"] += 1
            continue
        if a.value is None:
            continue
        g["answered"] += 1
        g["value_sum"] += a.value
        g["max_sum"] += a.item.max_value
        g["five"][a.value] += 1
        g["low"] += 1 if a.item.is_low(a.value) else 0
    return out


@pytest.mark.parametrize("seed", [11, 12])
def test_analysis_from_rollups_equals_recomputation(
        seed, running_campaign, cs_user, make_user) -> None:  # noqa: F811 (imported fixtures)
    rng = random.Random(seed)
    campaign = running_campaign(customers=3)
    template = campaign.template
    sales = make_user("sales_manager", department="SALES")
    invitations = list(Invitation.objects.filter(campaign=campaign).order_by("id"))
    rng.shuffle(invitations)
    for n, inv in enumerate(invitations):
        mode = rng.choice(["web", "web", "partial", "staff", "skip"])
        competitor = rng.random() < 0.4
        data = _answers(rng, template, competitor)
        if mode in ("web", "partial"):
            services.response_save_public(
                invitation=inv, data=data, submit=mode == "web", submission_key=f"k{n}",
                competitor_name="竞争对手甲" if competitor else "")
        elif mode == "staff":
            services.response_enter(actor=cs_user, invitation=inv, channel="paper", data=data,
                                    competitor_name="乙" if competitor else "")
    for target in campaign.targets.all()[:2]:
        services.self_evaluation_enter(actor=sales, campaign=campaign, customer=target.customer,
                                       data=_answers(rng, template, False))
    submitted = list(Response.objects.filter(campaign=campaign, status="submitted"))
    for response in rng.sample(submitted, min(3, len(submitted))):
        edit = {k: v for k, v in _answers(rng, template, False).items() if rng.random() < 0.4}
        services.response_correct(actor=cs_user, response=response, data=edit, note="校正",
                                  expected_version=None)
    campaign.refresh_from_db()
    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)
    a = campaign_analysis(campaign)
    whole = _brute(campaign, lambda r: "all")["all"]
    assert a.overall.answered == whole["answered"] > 0
    assert (a.overall.value_sum, a.overall.max_sum, a.overall.low) == (
        whole["value_sum"], whole["max_sum"], whole["low"])
    assert a.overall.five == dict(whole["five"])
    for name, (column, _label) in BREAKDOWNS.items():
        expected = _brute(campaign, lambda r, c=COLUMN[column]: getattr(r, c))
        got = {f.key: f for f in a.breakdowns[name]}
        assert set(got) == set(expected), name
        for key, fig in got.items():
            e = expected[key]
            assert (fig.answered, fig.not_applicable, fig.value_sum, fig.max_sum, fig.low) == (
                e["answered"], e["na"], e["value_sum"], e["max_sum"], e["low"]), (name, key)
            assert fig.five == dict(e["five"]), (name, key)
    # items: the distribution of every scored item
    per_item: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for a_ in Answer.objects.filter(response__campaign=campaign, response__status="submitted",
                                    response__source="customer", competitor=False,
                                    value__isnull=False).select_related("item"):
        per_item[a_.item.key][int(a_.value or 0)] += 1
    for row in a.items:
        assert {s.level: s.count for s in row.stats.distribution if s.count} == dict(
            per_item[row.meta.key]), row.meta.key
    # product lines: every customer buys the one line of the fixture
    (line,) = a.breakdowns["product_line"]
    assert (line.answered, line.value_sum, line.max_sum) == (
        whole["answered"], whole["value_sum"], whole["max_sum"])
