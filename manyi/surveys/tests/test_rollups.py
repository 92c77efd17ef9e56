"""The rollups kept at submission equal a full recomputation from the answers — after random
web submissions (with "unable to comment" and competitor answers), staff entries,
self-evaluations and corrections."""

from __future__ import annotations

import random

import pytest

from manyi.surveys import services
from manyi.surveys.models import CampaignTally, Invitation, ItemRollup, Response
from manyi.surveys.rollups import rollups_current, rollups_recompute

pytestmark = pytest.mark.django_db


def _random_answers(rng: random.Random, template, competitor: bool) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in template.items.all():
        if item.scale == "text":
            if rng.random() < 0.5:
                data["a_" + item.key] = rng.choice(["好", "交货慢", ""])
            continue
        if not item.rated:
            continue
        roll = rng.random()
        data["a_" + item.key] = "na" if roll < 0.15 else str(
            rng.randint(item.min_value, item.max_value))
        if competitor and item.competitor:
            data["c_" + item.key] = "na" if rng.random() < 0.2 else str(
                rng.randint(item.min_value, item.max_value))
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_recomputation(seed, running_campaign, cs_user, make_user,
                                     issue_token) -> None:
    rng = random.Random(seed)
    campaign = running_campaign(customers=3)
    template = campaign.template
    sales = make_user("sales_manager", department="SALES")
    invitations = list(Invitation.objects.filter(campaign=campaign).order_by("id"))
    rng.shuffle(invitations)
    for n, inv in enumerate(invitations):
        mode = rng.choice(["web", "web", "partial", "staff", "proxy", "skip"])
        competitor = rng.random() < 0.4
        data = _random_answers(rng, template, competitor)
        if mode in ("web", "partial"):
            services.response_save_public(
                invitation=inv, data=data, submit=mode == "web", submission_key=f"k{n}",
                competitor_name="竞争对手甲" if competitor else "",
            )
        elif mode in ("staff", "proxy"):
            services.response_enter(
                actor=cs_user, invitation=inv, channel="paper" if mode == "staff" else "proxy",
                data=data, proxy_note="电话" if mode == "proxy" else "",
                confirm_customer_words=True, competitor_name="乙" if competitor else "")
    for target in campaign.targets.all()[:2]:
        services.self_evaluation_enter(actor=sales, campaign=campaign, customer=target.customer,
                                       data=_random_answers(rng, template, False))
    submitted = list(Response.objects.filter(campaign=campaign, status="submitted"))
    for response in rng.sample(submitted, min(3, len(submitted))):
        edit = {k: v for k, v in _random_answers(rng, template, bool(response.competitor_name))
                .items() if rng.random() < 0.3}
        services.response_correct(actor=cs_user, response=response, data=edit, note="校正",
                                  expected_version=None)
    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)
    stored = sum(c.count for c in ItemRollup.objects.filter(campaign=campaign))
    assert stored > 0
    # a damaged rollup is repaired by the recomputation
    ItemRollup.objects.filter(campaign=campaign).update(count=0)
    CampaignTally.objects.filter(campaign=campaign).update(completed=99)
    assert rollups_current(campaign) != rollups_recompute(campaign, write=False)
    rollups_recompute(campaign)
    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)
    assert sum(c.count for c in ItemRollup.objects.filter(campaign=campaign)) == stored
