"""Feedback actions and role grants (registered with accounts.permissions at start-up).

Scope OWN: the customer's branch office / business unit / region, plus the department an
entry is assigned to (it must answer it) and the department of the person who recorded it.
"""

from __future__ import annotations

from manyi.accounts.permissions import Scope, register_actions

A, O = Scope.ALL, Scope.OWN  # noqa: E741

ACTIONS = [
    ("feedback.view", "查看顾客意见登记簿 / view the feedback register"),
    ("feedback.add", "登记顾客信息 / record feedback and inquiries"),
    ("feedback.answer", "答复咨询和建议 / answer inquiries"),
    ("feedback.manage", "分派、转交、归档 / assign, hand over, archive feedback"),
    ("praise.issue", "发出通报表扬 / issue praise notices"),
]
_ALL = {code: A for code, _label in ACTIONS}

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": dict(_ALL),
    "gm": {"feedback.view": A},
    "deputy_gm": {"feedback.view": A},
    "management_rep": {"feedback.view": A},
    "quality_manager": dict(_ALL),
    "quality_engineer": {"feedback.view": A, "feedback.add": A, "feedback.answer": O},
    "customer_service": dict(_ALL),
    "sales_manager": dict(_ALL),
    "sales_clerk": {"feedback.view": O, "feedback.add": O, "feedback.answer": O},
    "branch_manager": {
        "feedback.view": O,
        "feedback.add": O,
        "feedback.answer": O,
        "feedback.manage": O,
    },
    "bu_head": {"feedback.view": O, "feedback.add": O, "feedback.answer": O},
    "finance": {"feedback.view": O, "feedback.answer": O},
    "legal": {"feedback.view": O, "feedback.answer": O},
    "engineer": {"feedback.view": O, "feedback.answer": O},
    "viewer": {"feedback.view": O},
}

register_actions(ACTIONS, GRANTS)


def _register_attachment_owners() -> None:
    from manyi.accounts.permissions import can
    from manyi.common.attachments import register_attachment_owner

    from .models import FeedbackEntry

    register_attachment_owner(FeedbackEntry, lambda user, obj: can(user, "feedback.view", obj))


_register_attachment_owners()
