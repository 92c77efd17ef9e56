"""Survey actions and role grants (SPEC §8).

Customer service plans and runs campaigns; the BU head approves the target list of his BU;
branch offices see and fill their delegated lists; quality and management view results;
sales staff fill self-evaluation forms.
"""

from __future__ import annotations

from manyi.accounts.permissions import Scope, register_actions

A, O = Scope.ALL, Scope.OWN  # noqa: E741

ACTIONS = [
    ("survey.view", "查看满意度调查 / view surveys and results"),
    ("survey.template", "维护调查表模板 / maintain questionnaire templates"),
    ("survey.plan", "策划、发放、关闭调查 / plan, send and close campaigns"),
    ("survey.approve", "确认受访名单 / approve the target list"),
    ("survey.fill", "录入、代填调查表 / enter returned forms, fill for the customer"),
    ("survey.self_eval", "自我评价 / fill self-evaluation forms"),
    ("survey.verify", "回访核实 / call-back checks"),
    ("survey.export", "导出调查结果 / export responses"),
]

_VIEW = {"survey.view": A, "survey.export": A}

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": {code: A for code, _label in ACTIONS},
    "gm": {**_VIEW, "survey.approve": A},
    "deputy_gm": dict(_VIEW),
    "management_rep": dict(_VIEW),
    "quality_manager": {**_VIEW, "survey.template": A},
    "quality_engineer": dict(_VIEW),
    "customer_service": {
        **_VIEW,
        "survey.template": A,
        "survey.plan": A,
        "survey.fill": A,
        "survey.verify": A,
    },
    "sales_manager": {**_VIEW, "survey.fill": A, "survey.self_eval": A},
    "sales_clerk": {"survey.view": O, "survey.fill": O, "survey.self_eval": O},
    "branch_manager": {
        "survey.view": O,
        "survey.export": O,
        "survey.fill": O,
        "survey.self_eval": O,
    },
    "bu_head": {"survey.view": O, "survey.export": O, "survey.approve": O},
    "viewer": {"survey.view": O},
}

register_actions(ACTIONS, GRANTS)
