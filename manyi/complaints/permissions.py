"""Complaint actions and who holds them (003 §3, 002 投诉管理).

OWN scope on a complaint = the customer's branch office / business unit / region, or the
department the complaint is assigned to (`Complaint.scope_q`): a branch office sees its own
customers' complaints, QA sees what was escalated to it.
"""

from manyi.accounts.permissions import Scope, register_actions

A, O = Scope.ALL, Scope.OWN  # noqa: E741

ACTIONS = [
    ("complaint.view", "查看投诉 / view complaints"),
    ("complaint.add", "受理投诉 / record complaints"),
    ("complaint.handle", "销售处理投诉 / handle complaints (sales)"),
    ("complaint.quality", "品保处理投诉 / handle escalated complaints (quality)"),
    ("complaint.approve", "审批退换货和赔偿 / approve refunds and compensation"),
    ("complaint.callback", "投诉回访 / call-backs"),
    ("complaint.legal", "法务意见 / legal opinion"),
    ("complaint.accountability", "责任追究 / accountability"),
    ("complaint.cancel", "撤销投诉 / cancel complaints"),
]

_SALES_OWN = {
    "complaint.view": O,
    "complaint.add": O,
    "complaint.handle": O,
}

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": {code: A for code, _label in ACTIONS},
    "gm": {"complaint.view": A, "complaint.approve": A, "complaint.accountability": A},
    "deputy_gm": {"complaint.view": A, "complaint.approve": A, "complaint.accountability": A},
    "management_rep": {"complaint.view": A, "complaint.accountability": A},
    "quality_manager": {
        "complaint.view": A,
        "complaint.add": A,
        "complaint.quality": A,
        "complaint.approve": A,
        "complaint.callback": A,
        "complaint.accountability": A,
        "complaint.cancel": A,
    },
    "quality_engineer": {"complaint.view": O, "complaint.quality": O},
    "customer_service": {"complaint.view": A, "complaint.add": A, "complaint.callback": A},
    "sales_manager": {
        "complaint.view": A,
        "complaint.add": A,
        "complaint.handle": A,
        "complaint.approve": A,
        "complaint.callback": A,
        "complaint.accountability": A,
        "complaint.cancel": A,
    },
    "sales_clerk": dict(_SALES_OWN),
    "branch_manager": {**_SALES_OWN, "complaint.callback": O},
    "bu_head": {"complaint.view": O},
    "finance": {"complaint.view": A},
    "legal": {"complaint.view": A, "complaint.legal": A},
    "engineer": {"complaint.view": A},
    "viewer": {"complaint.view": O},
}

register_actions(ACTIONS, GRANTS)
