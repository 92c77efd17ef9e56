"""The campaign workflow (manyi.surveys.workflow): which steps each role is offered in each
state, the refusals of the named transition services, and the page asking the workflow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from manyi.accounts.permissions import ACTIONS
from manyi.common.workflow import REGISTRY
from manyi.surveys import services
from manyi.surveys.models import CampaignStatus
from manyi.surveys.workflow import WORKFLOW, in_step, page_actions

pytestmark = pytest.mark.django_db


def _names(campaign: Any, user: Any) -> set[str]:
    return {tr.name for tr in WORKFLOW.available(campaign, user)}


def _planned(cs_user: Any, survey_template: Any, make_customer: Any, make_contacts: Any) -> Any:
    make_contacts(make_customer(bu="BU-PWR"))
    return services.campaign_create(actor=cs_user, data={
        "title": "Q4", "template": survey_template, "kind": "quarterly", "period_year": 2025,
        "period": "Q4"})


def test_the_workflow_is_registered_with_known_actions() -> None:
    assert REGISTRY["campaign"] is WORKFLOW
    known = {code for code, _label in ACTIONS}
    assert {tr.action for tr in WORKFLOW.transitions} <= known
    assert {w.action for w in WORKFLOW.work.values()} <= known
    assert WORKFLOW.targets_from(CampaignStatus.CLOSED) == {CampaignStatus.RUNNING}


def test_available_steps_per_role_and_state(cs_user, bu_head, make_user, survey_template,
                                            make_customer, make_contacts) -> None:
    viewer = make_user("viewer", department="BU-PWR")
    campaign = _planned(cs_user, survey_template, make_customer, make_contacts)
    assert _names(campaign, cs_user) == {"submit_targets"}
    assert _names(campaign, bu_head) == set() and _names(campaign, viewer) == set()
    services.targets_build(actor=cs_user, campaign=campaign)
    campaign = services.campaign_submit_targets(actor=cs_user, campaign=campaign)
    assert _names(campaign, cs_user) == set()
    assert page_actions(campaign, cs_user)["build_targets"] is False
    services.campaign_decide_targets(actor=bu_head, approval=campaign.approvals.get(),
                                     approve=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LIST_APPROVED
    assert _names(campaign, cs_user) == {"launch"} and _names(campaign, bu_head) == set()
    campaign = services.campaign_launch(actor=cs_user, campaign=campaign)
    assert _names(campaign, cs_user) == {"close"} and in_step("collect", campaign)
    actions = page_actions(campaign, cs_user)
    assert actions["verify"] and actions["edit"] and not actions["build_targets"]
    assert not page_actions(campaign, viewer)["edit"]
    campaign = services.campaign_close(actor=cs_user, campaign=campaign)
    assert _names(campaign, cs_user) == {"resend"}
    assert page_actions(campaign, cs_user)["resend"] is (campaign.valid is False)
    assert not page_actions(campaign, cs_user)["edit"]


def test_refusals_keep_the_services_sentences(cs_user, bu_head, survey_template,
                                              make_customer, make_contacts) -> None:
    campaign = _planned(cs_user, survey_template, make_customer, make_contacts)
    with pytest.raises(ValidationError) as exc:
        services.campaign_launch(actor=cs_user, campaign=campaign)
    approved_first = "The target list must be approved by the BU heads first."
    assert exc.value.messages == [gettext(approved_first)]
    with pytest.raises(ValidationError) as exc:
        services.campaign_close(actor=cs_user, campaign=campaign)
    assert exc.value.messages == [gettext("Only a running campaign can be closed.")]
    with pytest.raises(ValidationError) as exc:
        services.campaign_submit_targets(actor=cs_user, campaign=campaign)
    assert exc.value.messages == [gettext("Build the target list first: it has no respondents.")]
    with pytest.raises(PermissionDenied):  # the permission is checked before the state
        services.campaign_close(actor=bu_head, campaign=campaign)
    assert campaign.status == CampaignStatus.PLANNING


def test_a_valid_closed_campaign_is_not_resent(running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1, min_return_rate=0)
    campaign = services.campaign_close(actor=cs_user, campaign=campaign)
    assert campaign.valid is True
    with pytest.raises(ValidationError) as exc:
        services.campaign_resend(actor=cs_user, campaign=campaign)
    assert exc.value.messages == [gettext("Only a closed, not valid campaign is re-sent.")]
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(actor=cs_user, campaign=campaign, data={"title": "x"},
                                 expected_version=None)
    assert exc.value.messages == [gettext("A closed campaign cannot be changed.")]


def test_the_page_shows_the_steps_the_workflow_offers(running_campaign, cs_user,
                                                      bu_head) -> None:
    campaign = running_campaign(customers=1)
    client = Client()
    client.force_login(cs_user)
    html = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert 'id="close"' in html and 'id="send"' not in html and 'id="resend"' not in html
    client.force_login(bu_head)
    html = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert 'id="close"' not in html
