"""Who may see and do what with claims (imported by ClaimsConfig.ready).

Scope OWN = the claims of the customers of the user's departments (a branch office sees its
own customers' claims). Each workflow step has its own action, so the table in
docs/permissions.md shows who does which step (003 §4.2): sales collect and negotiate, the
deputy GM analyses, negotiates with the supplier and closes, the GM approves and organises the
liability panel, finance calculates the compensation.
"""

from __future__ import annotations

from typing import Any

from manyi.accounts.permissions import Scope, can, register_actions
from manyi.accounts.types import Viewer
from manyi.common.attachments import register_attachment_owner

from .models import Claim

A, O = Scope.ALL, Scope.OWN  # noqa: E741

ACTIONS = [
    ("claim.view", "查看顾客索赔 / view claims"),
    ("claim.add", "登记索赔、收集资料 / register claims, collect documents"),
    ("claim.analyse", "索赔初步分析和处理建议 / claim analysis and proposal"),
    ("claim.approve", "批准索赔处理建议 / approve claim proposals"),
    ("claim.negotiate", "与顾客协商索赔 / negotiate claims with the customer"),
    ("claim.liability", "索赔责任界定 / determine claim liability"),
    ("claim.compensate", "核算赔偿费用 / calculate compensation"),
    ("claim.recourse", "向供方索赔 / recourse against suppliers"),
    ("claim.close", "索赔原因分析和关闭 / claim root cause and closing"),
    ("quality_cost.view", "查看质量成本 / view quality costs"),
]

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": {code: A for code, _label in ACTIONS},
    "gm": {"claim.view": A, "claim.approve": A, "claim.liability": A, "quality_cost.view": A},
    "deputy_gm": {
        "claim.view": A,
        "claim.analyse": A,
        "claim.liability": A,
        "claim.recourse": A,
        "claim.close": A,
        "quality_cost.view": A,
    },
    "management_rep": {"claim.view": A, "quality_cost.view": A},
    "quality_manager": {
        "claim.view": A,
        "claim.liability": A,
        "claim.close": A,
        "quality_cost.view": A,
    },
    "quality_engineer": {"claim.view": A},
    "customer_service": {"claim.view": A},
    "sales_manager": {"claim.view": A, "claim.add": A, "claim.negotiate": A},
    "sales_clerk": {"claim.view": O, "claim.add": O, "claim.negotiate": O},
    "branch_manager": {"claim.view": O, "claim.add": O, "claim.negotiate": O},
    "bu_head": {"claim.view": O, "quality_cost.view": O},
    "finance": {"claim.view": A, "claim.compensate": A, "quality_cost.view": A},
    "legal": {"claim.view": A},
    "engineer": {"claim.view": A},
    "viewer": {"claim.view": O},
}

register_actions(ACTIONS, GRANTS)


def can_view_claim(user: Viewer, claim: Any) -> bool:
    return can(user, "claim.view", claim)


register_attachment_owner(Claim, can_view_claim)
