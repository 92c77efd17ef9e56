"""The life cycle of a feedback entry (顾客意见登记, 000 §4.1.2, SPEC §3), declared once with
the shared workflow kit. Services apply it (`feedback_answer`, `feedback_assign`,
`feedback_set_reference`), pages and the API only ask it which steps to offer.

The entry starts in the state its kind and its intake give it (`feedback_create`):

    consultation / suggestion answered at once ─────────────→ answered
    consultation / suggestion not answered at once → open ─answer→ answered
                                                      └─ assign (to another department)
    complaint / claim → handed_over (set_reference: the number of the case)
    praise → recorded
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from manyi.accounts.types import Actor
from manyi.common.workflow import (
    Transition,
    Work,
    Workflow,
    check_work_refusing,
    refusal_sentences,
    register,
)

from .models import FeedbackEntry, FeedbackStatus

S = FeedbackStatus

# The sentences the feedback services have always refused with (a step in the wrong state).
REFUSALS = {
    "answer": _("Only an open inquiry can be answered."),
    "assign": _("Only an open inquiry can be assigned."),
    "set_reference": _("Only a complaint or claim is handed over."),
}

WORKFLOW = register(
    Workflow(
        name="feedback",
        record_label=_("feedback entry"),
        states=FeedbackStatus,
        state_field="status",
        terminal={S.ANSWERED, S.HANDED_OVER, S.RECORDED},
        transitions=[
            Transition("answer", _("Answer"), (S.OPEN,), (S.ANSWERED,),
                       action="feedback.answer"),
        ],
        work={
            "assign": Work("feedback.manage", (S.OPEN,)),
            "set_reference": Work("feedback.manage", (S.HANDED_OVER,)),
        },
        deadlines={S.OPEN: "feedback.open"},  # manyi.feedback.deadlines.ANSWER
        owners={S.OPEN: "assigned_department"},
        refusal=refusal_sentences("feedback", REFUSALS),
    )
)


def require_step(work: str, entry: FeedbackEntry, user: Actor) -> None:
    """State (with the services' sentence) and permission of a step that is not a
    transition (`user=None`: the system)."""
    check_work_refusing(WORKFLOW, work, entry, user)


def page_actions(entry: FeedbackEntry, user: Actor) -> dict[str, bool]:
    """What the entry's page offers `user` now, by step name."""
    shown = {tr.name: True for tr in WORKFLOW.available(entry, user)}
    for work in WORKFLOW.work:
        shown[work] = WORKFLOW.may_work(work, entry, user)
    return shown
