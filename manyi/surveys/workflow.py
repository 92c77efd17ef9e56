"""The survey campaign life cycle (顾客满意程度测量程序, SPEC §8/§14), declared once with the
shared workflow kit. Services apply it (`campaign_submit_targets`, `campaign_launch`,
`campaign_close`, …), pages and the API only ask it which steps to offer.

    planning ─submit_targets→ list_submitted ─approve_targets→ list_approved ─launch→ running
        ↑                         │ (every BU head approved)                          │
        └──────return_targets─────┘ (a BU head sent his part back)                    │
    running ─close→ closed (valid / not valid) ─resend→ running (not valid only)   ←──┘

The BU heads' decisions are on their part of the list (`TargetApproval`, permission
`survey.approve` on that part); the campaign follows: the last approval approves the list,
one send-back returns it to planning.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manyi.accounts.permissions import can
from manyi.accounts.types import Actor
from manyi.common.workflow import (
    Transition,
    Work,
    Workflow,
    check_work_refusing,
    refusal_sentences,
    register,
)

from .models import ApprovalStatus, Campaign, CampaignStatus, TargetApproval

S = CampaignStatus
ALL_OPEN = (S.PLANNING, S.LIST_SUBMITTED, S.LIST_APPROVED, S.RUNNING)


def _guard_has_respondents(campaign: Campaign, user: Actor) -> Mapping[str, str]:
    if not campaign.invitations.exists():
        return {NON_FIELD_ERRORS: gettext("Build the target list first: it has no respondents.")}
    return {}


def _guard_not_valid(campaign: Campaign, user: Actor) -> Mapping[str, str]:
    if campaign.valid is not False:
        return {NON_FIELD_ERRORS: gettext("Only a closed, not valid campaign is re-sent.")}
    return {}


# The sentences the campaign services have always refused with (a step in the wrong state).
REFUSALS = {
    "submit_targets": _("The target list can only change while the campaign is planned."),
    "approve_targets": _("The list is not awaiting approval."),
    "return_targets": _("The list is not awaiting approval."),
    "launch": _("The target list must be approved by the BU heads first."),
    "close": _("Only a running campaign can be closed."),
    "resend": _("Only a closed, not valid campaign is re-sent."),
    "edit": _("A closed campaign cannot be changed."),
    "build_targets": _("The target list can only change while the campaign is planned."),
    "add_respondent": _("The campaign is closed."),
    "decide_targets": _("The list is not awaiting approval."),
    "collect": _("This survey is closed."),
    "verify": _("This survey is closed."),
    "self_eval": _("Self-evaluations are entered while the campaign runs."),
}


def _route_approval(campaign: Campaign) -> str:
    """The list is approved once no BU's part is waiting or sent back."""
    if campaign.approvals.exclude(status=ApprovalStatus.APPROVED).exists():
        return S.LIST_SUBMITTED
    return S.LIST_APPROVED


WORKFLOW = register(
    Workflow(
        name="campaign",
        record_label=_("survey campaign"),
        states=CampaignStatus,
        state_field="status",
        terminal={S.CLOSED},
        refusal=refusal_sentences("campaign", REFUSALS),
        transitions=[
            Transition("submit_targets", _("Send the target list for approval"),
                       (S.PLANNING,), (S.LIST_SUBMITTED,), action="survey.plan",
                       guard=_guard_has_respondents),
            Transition("approve_targets", _("Approve the target list"),
                       (S.LIST_SUBMITTED,), (S.LIST_SUBMITTED, S.LIST_APPROVED),
                       action="survey.approve", route=_route_approval),
            Transition("return_targets", _("Send the target list back"),
                       (S.LIST_SUBMITTED,), (S.PLANNING,), action="survey.approve"),
            Transition("launch", _("Send invitations"), (S.LIST_APPROVED,), (S.RUNNING,),
                       action="survey.plan"),
            Transition("close", _("Close and judge validity"), (S.RUNNING,), (S.CLOSED,),
                       action="survey.plan"),
            Transition("resend", _("Re-send to non-responders"), (S.CLOSED,), (S.RUNNING,),
                       action="survey.plan", guard=_guard_not_valid),
        ],
        work={
            "edit": Work("survey.plan", ALL_OPEN),
            "build_targets": Work("survey.plan", (S.PLANNING,)),
            "add_respondent": Work("survey.plan", ALL_OPEN),
            "decide_targets": Work("survey.approve", (S.LIST_SUBMITTED,)),
            "collect": Work("survey.fill", (S.RUNNING,)),
            "verify": Work("survey.verify", (S.RUNNING,)),
            "self_eval": Work("survey.self_eval", (S.RUNNING, S.LIST_APPROVED)),
        },
        deadlines={S.LIST_APPROVED: "surveys.distribute", S.RUNNING: "surveys.collection"},
        owners={S.PLANNING: "customer_service", S.LIST_SUBMITTED: "bu_head",
                S.LIST_APPROVED: "customer_service", S.RUNNING: "customer_service"},
    )
)


def in_step(work: str, campaign: Campaign) -> bool:
    """Whether the campaign's state allows the step, whoever asks (public respondents, the
    scheduler): e.g. `in_step("collect", c)` while answers are collected."""
    return WORKFLOW.state_of(campaign) in WORKFLOW.work[work].states


def require_step(work: str, campaign: Campaign, user: Actor) -> None:
    """State (with the services' sentence) and permission of a step that is not a
    transition (`user=None`: the system)."""
    check_work_refusing(WORKFLOW, work, campaign, user)


def may_decide(approval: TargetApproval, user: Actor) -> bool:
    """A BU head may approve or send back his BU's part while it waits for him."""
    return (
        in_step("decide_targets", approval.campaign)
        and approval.status == ApprovalStatus.PENDING
        and can(user, "survey.approve", approval)
    )


def may_plan_work(work: str, campaign: Campaign, user: Actor) -> bool:
    """Plan-level steps: `survey.plan` is granted to all campaigns (no object scope)."""
    return in_step(work, campaign) and can(user, WORKFLOW.work[work].action)


def page_actions(campaign: Campaign, user: Actor) -> dict[str, bool]:
    """What the campaign page offers `user` now, by step name."""
    shown = {tr.name: True for tr in WORKFLOW.available(campaign, user)}
    if shown.get("resend") and WORKFLOW.transition("resend").guard is not None:
        shown["resend"] = not _guard_not_valid(campaign, user)
    for work in ("edit", "build_targets", "add_respondent", "verify", "self_eval"):
        shown[work] = may_plan_work(work, campaign, user)
    # the page links the self-evaluation while answers are collected (the service also
    # takes it once the list is approved)
    shown["self_eval"] = shown["self_eval"] and in_step("collect", campaign)
    return shown
